//! salesbook: validate a sales pipeline kept as plain-text files, compute its KPIs
//! and publish a static review site.
//!
//! The data flows one way: [`load`] (walk + parse, with spans) → [`check`]
//! (diagnostics) → [`metrics`] (pure functions) → output.

pub mod atomic;
pub mod author;
pub mod book;
pub mod chart;
pub mod check;
pub mod cli;
pub mod confidential;
pub mod diagnostic;
pub mod diff;
pub mod export;
pub mod format;
pub mod git;
pub mod ids;
pub mod import;
pub mod load;
pub mod metrics;
pub mod model;
pub mod names;
pub mod normal;
pub mod output;
pub mod personal;
pub mod report;
pub mod schema;
#[cfg(feature = "serve")]
pub mod serve;
pub mod site;
pub mod source;
