//! Parsing `pipeline.toml` (SPEC §2.1).

use toml::de::DeTable;

use super::fields::{Cx, Table};
use super::shape;
use crate::model::*;
use crate::source::Sp;

/// Builds the configuration; problems are reported but never drop it, so that
/// the rest of the repository can still be checked against what is there.
pub fn parse(cx: &mut Cx, root: &DeTable, meta: Meta) -> Config {
    let record = Table::new(cx, root, meta.span.clone(), &shape::PIPELINE);
    let mut config = Config {
        meta,
        ..Config::default()
    };

    match record.table(cx, "team", true) {
        Some(t) => config.team = team(cx, &t, config.team),
        None => cx.failed = false, // reported; keep checking the rest
    }
    if let Some(t) = record.table(cx, "sla", false) {
        let d = Sla::default();
        let hours = |cx: &mut Cx, key, default| {
            t.number_in(cx, key, false, Some(0.0), None)
                .map_or(default, |n| n.value)
        };
        config.sla = Sla {
            first_contact_hours: hours(cx, "first_contact_hours", d.first_contact_hours),
            minutes_hours: hours(cx, "minutes_hours", d.minutes_hours),
            nurture_interactions_per_week: hours(
                cx,
                "nurture_interactions_per_week",
                d.nurture_interactions_per_week,
            ),
            stale_days: hours(cx, "stale_days", d.stale_days as f64) as i64,
            update_hours: hours(cx, "update_hours", d.update_hours),
        };
    }

    if let Some(t) = record.table(cx, "process", false) {
        config.process.since = t.date(cx, "since", false).map(|d| d.value);
    }

    if let Some(t) = record.table(cx, "completion", false)
        && let Some(n) = t.number_in(cx, "near", false, Some(0.0), Some(1.0))
    {
        config.completion.near = n.value;
    }

    config.owners = record
        .tables(cx, "owners")
        .into_iter()
        .filter_map(|t| {
            let id = t.string(cx, "id", true);
            let name = t.string(cx, "name", true);
            let region = t.opt_string(cx, "region");
            let team = t.opt_string(cx, "team");
            let id = id?;
            valid_id(cx, "owner", &id);
            Some(Owner {
                id: id.value,
                span: id.span,
                name: name?.value,
                region,
                team,
            })
        })
        .collect();
    if config.owners.is_empty() && cx.diags.iter().all(|d| d.code != "missing-field") {
        cx.error(
            "missing-field",
            config.meta.span.clone(),
            "pipeline.toml lists no owners: add at least one [[owners]] table",
        )
        .hint = Some("[[owners]]\nid = \"lisi\"\nname = \"李四\"".into());
    }

    let channel_tables = record.tables(cx, "channels");
    // absent: the defaults stay
    if !channel_tables.is_empty() {
        config.channels = channel_tables
            .into_iter()
            .filter_map(|t| {
                let id = t.string(cx, "id", true);
                let name = t.string(cx, "name", true);
                let group = t.choice(
                    cx,
                    "group",
                    false,
                    &ChannelGroup::ALL,
                    &ChannelGroup::VALUES,
                );
                let id = id?;
                valid_id(cx, "channel", &id);
                Some(Channel {
                    id: id.value,
                    span: id.span,
                    name: name?.value,
                    group: group.map_or(ChannelGroup::Other, |g| g.value),
                })
            })
            .collect();
    }

    let stage_tables = record.tables(cx, "stages");
    if !stage_tables.is_empty() {
        config.stages = stage_tables
            .into_iter()
            .filter_map(|t| {
                let id = t.string(cx, "id", true);
                let name = t.string(cx, "name", true);
                let stage = StageDef {
                    id: String::new(),
                    span: 0..0,
                    name: String::new(),
                    name_en: t.opt_string(cx, "name_en"),
                    core: t.bool(cx, "core").unwrap_or(false),
                    closing: t.bool(cx, "closing").unwrap_or(false),
                    outputs: t.strings(cx, "outputs"),
                    probability: t
                        .number_in(cx, "probability", false, Some(0.0), Some(1.0))
                        .map_or(0.0, |p| p.value),
                };
                let id = id?;
                valid_id(cx, "stage", &id);
                Some(StageDef {
                    id: id.value,
                    span: id.span,
                    name: name?.value,
                    ..stage
                })
            })
            .collect();
        let closing = config.stages.iter().filter(|s| s.closing).count();
        if closing != 1 {
            let span = config
                .stages
                .iter()
                .filter(|s| s.closing)
                .nth(1)
                .map_or(config.meta.span.clone(), |s| s.span.clone());
            cx.error(
                "closing-stage",
                span,
                format!("exactly one stage must have `closing = true`, found {closing}"),
            )
            .hint = Some("mark the stage that ends with signing the contract".into());
        }
    }

    let grading = record.tables(cx, "grading");
    if !grading.is_empty() {
        config.grading = grading
            .into_iter()
            .filter_map(|t| {
                let grade = t.choice(cx, "grade", true, &Grade::ALL, &Grade::VALUES)?;
                Some(GradingRule {
                    grade: grade.value,
                    min_annual_revenue: t.amount(cx, "min_annual_revenue", false).map(|n| n.value),
                    budget_confirmed: t.bool(cx, "budget_confirmed"),
                    min_match: t.percent(cx, "min_match"),
                })
            })
            .collect();
    }
    // The configuration is kept even when parts of it are wrong.
    cx.failed = false;
    config
}

/// Owner, channel and stage ids follow the record id rule: owner ids become
/// page paths (`owners/<id>/`) and all of them appear in links and file names.
fn valid_id(cx: &mut Cx, what: &str, id: &Sp<String>) {
    if !is_valid_id(&id.value) {
        cx.error(
            "invalid-id",
            id.span.clone(),
            format!("{what} id `{}` is not a valid id", id.value.escape_debug()),
        )
        .hint =
            Some("ids are 1–100 letters, digits, `-`, `_` or `.`, not starting with `.`".into());
    }
}

fn team(cx: &mut Cx, t: &Table, defaults: Team) -> Team {
    let name = t.req_string(cx, "name");
    let language = t
        .choice(
            cx,
            "language",
            false,
            &["zh", "en"],
            &[Language::Zh, Language::En],
        )
        .map_or(defaults.language, |l| l.value);
    let timezone = match t.string(cx, "timezone", false) {
        Some(s) => match s.value.parse::<chrono_tz::Tz>() {
            Ok(tz) => tz,
            Err(_) => {
                cx.error(
                    "invalid-value",
                    s.span,
                    format!(
                        "`timezone` must be an IANA time zone name, found `{}`",
                        s.value
                    ),
                )
                .hint = Some("for example \"Asia/Shanghai\" or \"Europe/Berlin\"".into());
                defaults.timezone
            }
        },
        None => defaults.timezone,
    };
    let amount_unit = match t.number(cx, "amount_unit", false) {
        // From 元 to 万亿: a unit outside it (`1e-300`, `inf`, `nan`) prints
        // hundreds of digits or nothing.
        Some(n) if (1.0..=1e12).contains(&n.value) => n.value,
        Some(n) => {
            cx.error(
                "out-of-range",
                n.span,
                "`amount_unit` must be from 1 to 1000000000000 (1 shows 元, 10000 万, 100000000 亿)",
            );
            1.0
        }
        None => defaults.amount_unit,
    };
    Team {
        name,
        language,
        currency: t.opt_string(cx, "currency").unwrap_or(defaults.currency),
        amount_unit,
        amount_unit_label: t
            .opt_string(cx, "amount_unit_label")
            .unwrap_or(defaults.amount_unit_label),
        timezone,
        as_of: t.date(cx, "as_of", false).map(|d| d.value),
        extra: t.extra(cx),
    }
}
