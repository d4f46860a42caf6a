//! `late-entry`: an event committed to git more than `sla.update_hours` after it
//! happened (SPEC §1, §2.1). The lags come from [`crate::metrics::timeliness`].
//! History from before `[process] since` is not held to it.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::format::plain as fmt_num;
use crate::git::local_minute;
use crate::metrics::timeliness::{LagStatus, Timeliness, lag_text};
use crate::model::{Index, Repo};
use crate::source::FileId;

pub fn check(repo: &Repo, index: &Index, t: &Timeliness, out: &mut Diagnostics) {
    let tz = repo.config().team.timezone;
    let history: std::collections::HashSet<FileId> = repo
        .leads
        .iter()
        .filter(|l| repo.is_history_lead(l))
        .map(|l| l.meta.file)
        .chain(
            repo.deals
                .iter()
                .filter(|d| repo.is_history_deal(index, d))
                .map(|d| d.meta.file),
        )
        .collect();
    for e in t.events.iter().filter(|e| !history.contains(&e.file)) {
        let LagStatus::Recorded {
            commit,
            hours,
            late: true,
        } = e.status
        else {
            continue;
        };
        let Some(c) = t.commit(commit) else { continue };
        out.push(
            Diagnostic::warning(
                "late-entry",
                e.file,
                e.span.clone(),
                format!(
                    "recorded {} after it happened ({} → commit {} by {}); records should be updated within {} h",
                    lag_text(hours),
                    e.shown(tz),
                    local_minute(c.instant(), tz),
                    c.author,
                    fmt_num(t.limit_hours)
                ),
            )
            .with_hint(format!(
                "{} lag: commit each event within sla.update_hours of it happening",
                e.kind.as_str()
            )),
        );
    }
}
