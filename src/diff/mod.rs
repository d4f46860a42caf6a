//! `salesbook diff`: what moved in the pipeline between two revisions of the
//! data folder (docs/diff.md).
//!
//! [`changes`] compares two loaded [`crate::book::Book`]s record by record (by
//! id, never by file name) and their monthly KPIs; [`render`] writes the result
//! for the terminal, as Markdown for a pull-request comment, or as JSON.
//!
//! Both books must be computed for the same as-of date: otherwise every
//! "days since" figure and every event that merely became past would show up as
//! a change, and the diff would mix the passing of time with edits to the data.

pub mod changes;
pub mod render;

pub use changes::{Changes, changes};
