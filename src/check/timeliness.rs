//! `late-entry`: an event committed to git more than `sla.update_hours` after it
//! happened (SPEC §1, §2.1). The lags come from [`crate::git::timeliness`].

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::format::plain as fmt_num;
use crate::git::{LagStatus, Timeliness, lag_text, local_minute};
use crate::model::Repo;

pub fn check(repo: &Repo, t: &Timeliness, out: &mut Diagnostics) {
    let tz = repo.config().team.timezone;
    for e in &t.events {
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
