//! Display formatting of figures: percentages, amounts in the team's unit, days,
//! signed differences. Exports stay unrounded; only what people read is formatted.

use crate::metrics::{KpiDef, Unit};
use crate::model::{Language, Team};

/// "—" for a null figure.
pub const NULL: &str = "—";

/// A control character other than tab and line breaks: TOML lets a record hold
/// one escaped (`\u0000`, `\u0001`); HTML parsers and spreadsheets cut or
/// mangle text at them, and nobody reads them.
pub fn is_unprintable(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// `s` without [`is_unprintable`] characters.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_unprintable) {
        s.chars()
            .filter(|&c| !is_unprintable(c))
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

/// Rounds to at most `decimals` places and drops trailing zeros: 85.714 → "85.7", 80.0 → "80".
pub fn trim_number(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x);
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

/// A number as written in a record, unrounded: no trailing `.0` on whole numbers.
pub fn plain(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A fraction as a percentage: 0.857142 → "85.7%".
pub fn percent(x: f64) -> String {
    format!("{}%", trim_number(x * 100.0, 1))
}

/// An amount in yuan, in the team's display unit (450000 with 万 → "45").
pub fn amount(x: f64, team: &Team) -> String {
    trim_number(x / team.amount_unit, 2)
}

/// A KPI value as people read it (without the unit label, which is in the KPI's name).
pub fn kpi_value(def: &KpiDef, x: Option<f64>, team: &Team) -> String {
    let Some(x) = x else { return NULL.into() };
    match def.unit {
        Unit::Rate => percent(x),
        Unit::Amount => amount(x, team),
        Unit::Count => trim_number(x, 0),
        Unit::Days | Unit::Score => trim_number(x, 1),
    }
}

/// A difference (MoM, YoY) with its sign: rates in percentage points.
pub fn kpi_delta(def: &KpiDef, x: Option<f64>, team: &Team) -> String {
    let Some(x) = x else { return NULL.into() };
    let body = match def.unit {
        Unit::Rate => {
            let pts = trim_number(x * 100.0, 1);
            match team.language {
                Language::Zh => format!("{pts}%"),
                Language::En => format!("{pts} pp"),
            }
        }
        _ => kpi_value(def, Some(x), team),
    };
    // A difference that rounds to zero gets no sign.
    let rounds_to_zero = !body.chars().any(|c| c.is_ascii_digit() && c != '0');
    if x > 0.0 && !rounds_to_zero {
        format!("+{body}")
    } else {
        body
    }
}

/// A rate's difference from [`kpi_delta`] as the site writes it, the points in
/// words: "-2%" → "-2个百分点" (English keeps "-2 pp"); any other value as it is.
pub fn points_in_words(def: &KpiDef, delta: String, language: Language) -> String {
    match (def.unit, language, delta.strip_suffix('%')) {
        (Unit::Rate, Language::Zh, Some(points)) => format!("{points}个百分点"),
        _ => delta,
    }
}

/// The KPI's name in the team's language, with the amount unit for amounts: "客单价(万)".
pub fn kpi_name(def: &KpiDef, team: &Team) -> String {
    let name = match team.language {
        Language::Zh => def.zh,
        Language::En => def.en,
    };
    if def.unit == Unit::Amount && !team.amount_unit_label.is_empty() {
        match team.language {
            Language::Zh => format!("{name}({})", team.amount_unit_label),
            Language::En => format!("{name} ({})", team.amount_unit_label),
        }
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::kpi_def;
    use crate::model::Config;

    fn team() -> Team {
        let mut t = Config::default().team;
        t.amount_unit = 10000.0;
        t.amount_unit_label = "万".into();
        t
    }

    #[test]
    fn template_table_4_figures() {
        let t = team();
        let rate = kpi_def("lead_conversion_rate").unwrap();
        assert_eq!(kpi_value(rate, Some(0.12), &t), "12%");
        assert_eq!(kpi_delta(rate, Some(0.12 - 0.14), &t), "-2%");
        assert_eq!(percent(30.0 / 35.0), "85.7%");
        assert_eq!(percent(88.0 / 90.0), "97.8%");
        assert_eq!(percent(450000.0 / 400000.0), "112.5%");
        let size = kpi_def("avg_deal_size").unwrap();
        assert_eq!(kpi_name(size, &t), "客单价(万)");
        assert_eq!(kpi_value(size, Some(450000.0), &t), "45");
        assert_eq!(kpi_delta(size, Some(80000.0), &t), "+8");
        let cycle = kpi_def("avg_deal_cycle_days").unwrap();
        assert_eq!(kpi_delta(cycle, Some(3.0), &t), "+3");
        assert_eq!(kpi_value(cycle, None, &t), "—");
        assert_eq!(kpi_delta(cycle, Some(0.0), &t), "0");
        assert_eq!(kpi_delta(rate, Some(0.007), &t), "+0.7%");
        assert_eq!(kpi_delta(rate, Some(0.0001), &t), "0%");
        let zh = t.language;
        assert_eq!(points_in_words(rate, "-2%".into(), zh), "-2个百分点");
        assert_eq!(points_in_words(rate, "—".into(), zh), "—");
        assert_eq!(points_in_words(size, "+8".into(), zh), "+8");
        assert_eq!(points_in_words(rate, "-2 pp".into(), Language::En), "-2 pp");
    }
}
