//! Validation across records (SPEC §3): ids, references, process rules and the
//! warnings. Rules local to one value (types, ranges, enums, email/phone shape)
//! are reported while loading; the facts that are metrics (SLA misses, stale
//! deals, overdue payments) come from `metrics`, the one place they are computed.

mod deals;
mod events;
mod facts;
mod ids;
mod images;
mod records;
mod shared;
mod timeliness;

pub use timeliness::check as timeliness;

/// The shared audience's rules (`check --audience shared`), run on request.
pub fn shared(repo: &Repo, names: &crate::confidential::Confidential) -> Diagnostics {
    let mut out = Diagnostics::default();
    shared::check(repo, names, &mut out);
    out
}

use rayon::prelude::*;

use crate::metrics::Metrics;

use crate::diagnostic::Diagnostics;
use crate::model::{Index, Repo};

/// Runs every cross-record rule, as of the metrics' as-of date. The rules are
/// independent: they run in parallel, their diagnostics concatenated in this order.
pub fn check(repo: &Repo, index: &Index, metrics: &Metrics) -> Diagnostics {
    type Rule<'a> = &'a (dyn Fn(&mut Diagnostics) + Sync);
    let rules: [Rule; 6] = [
        &|o| ids::check(repo, o),
        &|o| records::check(repo, index, o),
        &|o| deals::check(repo, index, o),
        &|o| events::check(repo, &metrics.as_of, o),
        &|o| facts::check(repo, index, metrics, o),
        &|o| images::check(repo, o),
    ];
    let parts: Vec<Diagnostics> = rules
        .par_iter()
        .map(|rule| {
            let mut out = Diagnostics::default();
            rule(&mut out);
            out
        })
        .collect();
    let mut out = Diagnostics::default();
    for part in parts {
        out.extend(part.0);
    }
    out
}
