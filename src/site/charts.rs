//! Which charts the dashboard and month pages show, built from `Metrics` with
//! the figures already computed there (src/chart.rs draws them).

use super::pages::Chart;
use crate::book::Book;
use crate::chart::{self, Words};
use crate::format::{self, kpi_name, kpi_value};
use crate::metrics::{Dimension, StepKind, kpi_def};
use crate::model::YearMonth;

/// The KPIs of the template's table 4, charted as 12-month trends with targets.
const TRENDS: [&str; 5] = [
    "lead_conversion_rate",
    "avg_deal_cycle_days",
    "avg_deal_size",
    "satisfaction",
    "revenue",
];

/// 12-month trends ending at `month`.
pub fn trends(book: &Book, month: YearMonth) -> Vec<Chart> {
    let team = &book.repo.config().team;
    let words = Words::for_language(team.language);
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
            let fmt = |x: f64| kpi_value(def, Some(x), team);
            let svg = chart::line_trend(&words, &title, &points, &targets, &fmt);
            Some(Chart { title, svg })
        })
        .collect()
}

/// The dashboard: trends, funnel, pipeline by stage, stage durations, channels.
pub fn dashboard(book: &Book, s: &dyn Fn(&str) -> String) -> Vec<Chart> {
    let team = &book.repo.config().team;
    let words = Words::for_language(team.language);
    let m = &book.metrics;
    let mut charts = trends(book, m.as_of.month());

    if let Some(f) = &m.funnel_total {
        let mut steps: Vec<(String, f64, Option<f64>)> =
            vec![(s("chart_leads"), f.leads as f64, None)];
        steps.extend(f.steps.iter().map(|st| {
            let label = match &st.kind {
                StepKind::Stage { id, .. } => book.repo.config().stage_label(id),
                StepKind::Won => s("won"),
            };
            (label, st.reached as f64, st.conversion)
        }));
        let title = s("funnel");
        charts.push(Chart {
            svg: chart::funnel(&words, &title, &steps),
            title,
        });
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
    charts.push(Chart {
        svg: chart::bars(&words, &title, &by_stage, &amount),
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
    charts.push(Chart {
        svg: chart::grouped_bars(&words, &title, &categories, &series, &days),
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
        charts.push(Chart {
            svg: chart::grouped_bars(&words, &title, &categories, &series, &count),
            title,
        });
    }
    charts
}
