//! `salesbook report`: one month's table 4 (销售效果分析汇总表) for the terminal,
//! as JSON or as CSV.

use serde_json::{Map, Value, json};
use unicode_width::UnicodeWidthStr;

use crate::format::{NULL, kpi_delta, kpi_name, kpi_value, percent};
use crate::metrics::MonthKpis;
use crate::model::{Language, Team};

/// `{"month": "YYYY-MM", "metrics": {"<key>": {actual, target, completion, mom, yoy, analysis}}}`
pub fn month_json(month: &MonthKpis) -> Value {
    let metrics: Map<String, Value> = month
        .iter()
        .map(|(def, v)| {
            (
                def.key.to_string(),
                serde_json::to_value(v).unwrap_or(Value::Null),
            )
        })
        .collect();
    json!({ "month": month.month.to_string(), "metrics": metrics })
}

/// The template's column headers.
pub fn headers(language: Language) -> [&'static str; 7] {
    match language {
        Language::Zh => [
            "指标名称",
            "目标值",
            "实际值",
            "完成率",
            "同比",
            "环比上月",
            "分析简述",
        ],
        Language::En => [
            "KPI",
            "Target",
            "Actual",
            "Completion",
            "YoY",
            "MoM",
            "Analysis",
        ],
    }
}

/// The rows of table 4 as people read them.
pub fn rows(month: &MonthKpis, team: &Team) -> Vec<[String; 7]> {
    month
        .iter()
        .map(|(def, v)| {
            [
                kpi_name(def, team),
                kpi_value(def, v.target, team),
                kpi_value(def, v.actual, team),
                v.completion.map_or(NULL.into(), percent),
                kpi_delta(def, v.yoy, team),
                kpi_delta(def, v.mom, team),
                v.analysis.clone().unwrap_or_default(),
            ]
        })
        .collect()
}

/// An aligned table; CJK characters count double width.
pub fn render_text(month: &MonthKpis, team: &Team) -> String {
    let header = headers(team.language).map(String::from);
    let rows = rows(month, team);
    let mut widths = [0usize; 7];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let title = match team.language {
        Language::Zh => format!("{} 销售效果分析汇总表 {}\n\n", team.name, month.month),
        Language::En => format!(
            "{} sales performance summary {}\n\n",
            team.name, month.month
        ),
    };
    let mut out = title;
    for (i, row) in std::iter::once(&header).chain(&rows).enumerate() {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.width();
            // Names and analysis read left to right; figures align right.
            if c == 0 || c == 6 {
                line.push_str(cell);
                if c < 6 {
                    line.push_str(&" ".repeat(pad));
                }
            } else {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
            if c < 6 {
                line.push_str("  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if i == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * 6;
            out.push_str(&"─".repeat(total));
            out.push('\n');
        }
    }
    out
}

/// CSV with raw, unrounded values: key, name, target, actual, completion, yoy, mom, analysis.
pub fn render_csv(month: &MonthKpis, team: &Team) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "month",
        "kpi",
        "name",
        "target",
        "actual",
        "completion",
        "yoy",
        "mom",
        "analysis",
    ]);
    for (def, v) in month.iter() {
        let num = |x: Option<f64>| x.map(|x| x.to_string()).unwrap_or_default();
        let _ = w.write_record([
            month.month.to_string(),
            def.key.to_string(),
            kpi_name(def, team),
            num(v.target),
            num(v.actual),
            num(v.completion),
            num(v.yoy),
            num(v.mom),
            v.analysis.clone().unwrap_or_default(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The month's entry of `kpis.json`.
pub fn render_json(month: &MonthKpis) -> String {
    serde_json::to_string_pretty(&month_json(month)).unwrap_or_default()
}
