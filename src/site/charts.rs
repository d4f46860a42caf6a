//! Which charts the dashboard, month, stages and deal pages show, built from
//! `Metrics` with the figures already computed there (src/chart.rs draws them).
//! Every word a chart shows comes from the theme's strings.

use crate::book::Book;
use crate::chart::{self, Span, Words};
use crate::format::{self, kpi_name, kpi_value};
use crate::metrics::{Dimension, Funnel, StepKind, Unit, kpi_def};
use crate::model::YearMonth;
use serde::Serialize;

/// The UI strings of the build (`Site::s`).
pub type Strings<'a> = &'a dyn Fn(&str) -> String;

/// The KPIs of the template's table 4, charted as 12-month trends with targets.
const TRENDS: [&str; 5] = [
    "lead_conversion_rate",
    "avg_deal_cycle_days",
    "avg_deal_size",
    "satisfaction",
    "revenue",
];

/// The chart module's own words, from the strings.
struct OwnedWords([String; 7]);

impl OwnedWords {
    fn new(s: Strings) -> Self {
        OwnedWords(
            [
                "chart_no_data",
                "chart_target",
                "conversion",
                "median",
                "chart_min",
                "chart_max",
                "ongoing",
            ]
            .map(s),
        )
    }

    fn words(&self) -> Words<'_> {
        let [no_data, target, conversion, median, min, max, ongoing] = &self.0;
        Words {
            no_data,
            target,
            conversion,
            median,
            min,
            max,
            ongoing,
        }
    }
}

/// The team's amount unit as an axis reads it: `万元` / `万 yuan` (the currency's
/// code instead of yuan for another currency).
fn amount_unit(book: &Book, s: Strings) -> String {
    let team = &book.repo.config().team;
    match team.currency.eq_ignore_ascii_case("CNY") {
        true => s("unit_amount").replace("{unit}", &team.amount_unit_label),
        false => format!("{} {}", team.amount_unit_label, team.currency)
            .trim()
            .to_string(),
    }
}

/// "单位：万元": the caption naming a chart's unit.
fn unit_caption(s: Strings, unit: &str) -> String {
    s("chart_unit").replace("{unit}", unit)
}

/// The unit a KPI's figures are in.
fn kpi_unit(book: &Book, s: Strings, unit: Unit) -> String {
    match unit {
        Unit::Rate => s("unit_percent"),
        Unit::Amount => amount_unit(book, s),
        Unit::Count => s("unit_count"),
        Unit::Days => s("unit_days"),
        Unit::Score => s("unit_score"),
    }
}

/// One row of the funnel as both the `/stages/` table and every funnel chart show it:
/// the leads of the period first, then the metrics' steps in process order.
pub struct FunnelRow {
    pub label: String,
    pub reached: usize,
    /// reached ÷ the previous row's reached (null for the leads row).
    pub conversion: Option<f64>,
    /// reached ÷ the leads of the period.
    pub share: Option<f64>,
}

/// The funnel's rows: the one definition of the table and the charts.
/// A chart for the dashboard and month pages (its SVG from the chart module).
#[derive(Serialize, Clone, Hash)]
pub struct Chart {
    pub title: String,
    pub svg: String,
}

pub fn funnel_rows(book: &Book, s: Strings, f: &Funnel) -> Vec<FunnelRow> {
    let config = book.repo.config();
    let mut rows = vec![FunnelRow {
        label: s("leads_acquired"),
        reached: f.leads,
        conversion: None,
        share: (f.leads > 0).then_some(1.0),
    }];
    rows.extend(f.steps.iter().map(|st| {
        FunnelRow {
            label: match &st.kind {
                StepKind::Stage { index, id } => config
                    .stages
                    .get(*index)
                    .map_or_else(|| id.clone(), |d| d.label(config.team.language).to_string()),
                StepKind::Won => s("won"),
            },
            reached: st.reached,
            conversion: st.conversion,
            share: st.share,
        }
    }));
    rows
}

/// The funnel chart of the same rows as the table.
pub fn funnel(book: &Book, s: Strings, f: &Funnel) -> Chart {
    let words = OwnedWords::new(s);
    let steps: Vec<(String, f64, Option<f64>)> = funnel_rows(book, s, f)
        .into_iter()
        .map(|r| (r.label, r.reached as f64, r.conversion))
        .collect();
    let title = format!("{} {}–{}", s("funnel"), f.from, f.to);
    Chart {
        svg: chart::funnel(&words.words(), &title, &s("chart_funnel_unit"), &steps),
        title,
    }
}

/// 12-month trends ending at `month`.
pub fn trends(book: &Book, s: Strings, month: YearMonth) -> Vec<Chart> {
    let team = &book.repo.config().team;
    let words = OwnedWords::new(s);
    let months: Vec<_> = (0..12).rev().map(|i| month.plus(-i)).collect();
    TRENDS
        .iter()
        .filter_map(|key| {
            let def = kpi_def(key)?;
            let value = |ym: YearMonth| book.metrics.kpi(ym, key);
            let points: Vec<(String, Option<f64>)> = months
                .iter()
                .map(|ym| (ym.to_string(), value(*ym).and_then(|v| v.actual)))
                .collect();
            let targets: Vec<Option<f64>> = months
                .iter()
                .map(|ym| value(*ym).and_then(|v| v.target))
                .collect();
            let title = kpi_name(def, team);
            let unit = unit_caption(s, &kpi_unit(book, s, def.unit));
            let fmt = |x: f64| kpi_value(def, Some(x), team);
            let svg = chart::line_trend(&words.words(), &title, &unit, &points, &targets, &fmt);
            Some(Chart { title, svg })
        })
        .collect()
}

/// The dashboard: trends, funnel, pipeline by stage, stage durations, channels.
pub fn dashboard(book: &Book, s: Strings) -> Vec<Chart> {
    let team = &book.repo.config().team;
    let owned = OwnedWords::new(s);
    let words = owned.words();
    let m = &book.metrics;
    let mut charts = trends(book, s, m.as_of.month());

    if let Some(f) = &m.funnel_total {
        charts.push(funnel(book, s, f));
    }

    let amount = |x: f64| format::amount(x, team);
    let by_stage: Vec<(String, f64)> = m
        .pipeline
        .by_stage
        .iter()
        .map(|l| {
            let label = l
                .stage_id
                .as_deref()
                .map_or("—".into(), |id| book.repo.config().stage_label(id));
            (label, l.amount)
        })
        .collect();
    let title = s("pipeline_by_stage");
    let unit = unit_caption(s, &amount_unit(book, s));
    charts.push(Chart {
        svg: chart::bars(&words, &title, &unit, &by_stage, &amount),
        title,
    });

    let stats = &m.durations.overall;
    let categories: Vec<String> = stats
        .iter()
        .map(|st| book.repo.config().stage_label(&st.stage_id))
        .collect();
    let series = vec![
        (s("mean"), stats.iter().map(|st| st.summary.mean).collect()),
        (
            s("median"),
            stats.iter().map(|st| st.summary.median).collect(),
        ),
        (
            "P90".to_string(),
            stats
                .iter()
                .map(|st| st.summary.p90.map(|p| p as f64))
                .collect(),
        ),
    ];
    let days = |x: f64| format::trim_number(x, 1);
    let title = s("stage_durations");
    let unit = unit_caption(s, &s("unit_days"));
    charts.push(Chart {
        svg: chart::grouped_bars(&words, &title, &unit, &categories, &series, &days),
        title,
    });

    // Lead sources over the last 12 months: new leads and leads converted.
    if let Some(channels) = m.breakdown(Dimension::Channel) {
        let config = book.repo.config();
        let window: Vec<YearMonth> = (0..12).map(|i| m.as_of.month().plus(-i)).collect();
        let sum = |g: &crate::metrics::BreakdownGroup, key: &str| -> f64 {
            g.months
                .iter()
                .filter(|mk| window.contains(&mk.month))
                .filter_map(|mk| mk.get(key).and_then(|v| v.actual))
                .sum()
        };
        let groups: Vec<_> = channels.groups.iter().filter(|g| g.key.is_some()).collect();
        let categories: Vec<String> = groups
            .iter()
            .map(|g| {
                let id = g.key.as_deref().unwrap_or_default();
                config
                    .channel(id)
                    .map_or_else(|| id.to_string(), |c| c.name.clone())
            })
            .collect();
        let series = vec![
            (
                s("chart_new_leads"),
                groups.iter().map(|g| Some(sum(g, "new_leads"))).collect(),
            ),
            (
                s("chart_deals_won"),
                groups.iter().map(|g| Some(sum(g, "deals_won"))).collect(),
            ),
        ];
        let count = |x: f64| format::trim_number(x, 0);
        let title = s("channel_comparison");
        let unit = unit_caption(s, &s("unit_count"));
        charts.push(Chart {
            svg: chart::grouped_bars(&words, &title, &unit, &categories, &series, &count),
            title,
        });
    }
    charts
}

/// A deal's stage timeline: one bar per entry of its stage history (the same
/// spans as its stage table), from entered to its end or the as-of date.
pub fn deal_timeline(book: &Book, s: Strings, deal: usize) -> Option<Chart> {
    let dm = book.metrics.deals.get(deal)?;
    let config = book.repo.config();
    let spans: Vec<Span> = dm
        .history
        .iter()
        .map(|h| Span {
            label: h.stage.and_then(|i| config.stages.get(i)).map_or_else(
                || h.stage_id.clone(),
                |d| d.label(config.team.language).to_string(),
            ),
            start: h.entered,
            end: h.end,
            days: h.days,
            ongoing: h.ongoing,
        })
        .collect();
    let owned = OwnedWords::new(s);
    let title = s("stage_timeline_chart");
    let days = |d: i64| s("chart_days").replace("{n}", &d.to_string());
    Some(Chart {
        svg: chart::timeline(&owned.words(), &title, &spans, &days),
        title,
    })
}
