//! Validation across records (SPEC §3): ids, references, process rules and the
//! warnings. Rules local to one value (types, ranges, enums, email/phone shape)
//! are reported while loading; the facts that are metrics (SLA misses, stale
//! deals, overdue payments) come from `metrics`, the one place they are computed.

mod deals;
mod events;
mod facts;
mod ids;
mod records;
mod timeliness;

pub use timeliness::check as timeliness;

use crate::metrics::Metrics;

use crate::diagnostic::Diagnostics;
use crate::model::{Index, Repo};

/// Runs every cross-record rule, as of the metrics' as-of date.
pub fn check(repo: &Repo, index: &Index, metrics: &Metrics) -> Diagnostics {
    let mut out = Diagnostics::default();
    ids::check(repo, &mut out);
    records::check(repo, index, &mut out);
    deals::check(repo, index, &mut out);
    events::check(repo, &metrics.as_of, &mut out);
    facts::check(repo, metrics, &mut out);
    out
}
