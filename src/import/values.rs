//! Reading cell values: dates in the usual spreadsheet forms, lists, amounts,
//! company sizes, priorities, and names of owners, channels and stages.

use chrono::{Datelike, NaiveDate};

use super::sheet::Cell;

/// 2023-10-08, 2023/10/8, 2023.10.8, 2023年10月8日, with an optional time after it
/// (ignored), or an Excel serial date (a number cell of an xlsx sheet).
pub fn date(cell: &Cell) -> Result<NaiveDate, String> {
    match cell {
        Cell::Date(d) => Ok(*d),
        Cell::Number(n) => serial_date(*n).ok_or_else(|| format!("`{n}` is not a date")),
        Cell::Empty => Err("the date is empty".into()),
        Cell::Text(s) => text_date(s.trim()).ok_or_else(|| {
            format!(
                "`{}` is not a date (write it like 2023-10-08, 2023/10/8 or 2023年10月8日)",
                s.trim()
            )
        }),
    }
}

/// Days since 1899-12-30 (Excel's 1900 date system, past its leap-year bug).
pub fn serial_date(n: f64) -> Option<NaiveDate> {
    if !(61.0..2_958_466.0).contains(&n) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(n.floor() as u64))
}

fn text_date(s: &str) -> Option<NaiveDate> {
    // The date part: up to a space or `T` followed by a time.
    let date_part = s
        .split_once([' ', 'T'])
        .map_or(s, |(d, _)| d)
        .trim_end_matches('日')
        .trim();
    let parts: Vec<&str> = date_part
        .split(['-', '/', '.', '年', '月'])
        .map(str::trim)
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 || m.is_empty() || d.is_empty() || m.len() > 2 || d.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// A date-time for the SLA clocks: `2023-10-08 09:30`, `2023-10-08T09:30:00`, with
/// seconds and an offset (`+08:00`, `Z`) if given — without one it is in the team's
/// time zone, as in the records — or an Excel serial date-time. A date alone is
/// refused: the clock needs the hour.
pub fn datetime(cell: &Cell) -> Result<toml_edit::Value, String> {
    let no_time = |shown: &str| {
        format!(
            "`{shown}` has no time of day: write it like 2023-10-08 09:30 (the SLA clocks need the hour)"
        )
    };
    let (date, time, offset) = match cell {
        Cell::Empty => return Err("the date-time is empty".into()),
        Cell::Date(d) => return Err(no_time(&d.to_string())),
        Cell::Number(n) => {
            let date = serial_date(*n).ok_or_else(|| format!("`{n}` is not a date-time"))?;
            let seconds = ((n - n.floor()) * 86_400.0).round() as u32;
            if seconds == 0 {
                return Err(no_time(&date.to_string()));
            }
            let time =
                chrono::NaiveTime::from_num_seconds_from_midnight_opt(seconds.min(86_399), 0)
                    .ok_or_else(|| format!("`{n}` is not a date-time"))?;
            (date, time, None)
        }
        Cell::Text(s) => {
            let s = s.trim();
            let bad = || {
                format!(
                    "`{s}` is not a date-time (write it like 2023-10-08 09:30 or 2023-10-08T09:30:00+08:00)"
                )
            };
            let Some((d, t)) = s.split_once([' ', 'T']) else {
                return match text_date(s) {
                    Some(_) => Err(no_time(s)),
                    None => Err(bad()),
                };
            };
            let date = text_date(d).ok_or_else(bad)?;
            let t = t.trim();
            let (t, offset) = match t.find(['Z', 'z', '+', '-']) {
                Some(i) => (&t[..i], Some(offset(&t[i..]).ok_or_else(bad)?)),
                None => (t, None),
            };
            let time = chrono::NaiveTime::parse_from_str(t, "%H:%M:%S")
                .or_else(|_| chrono::NaiveTime::parse_from_str(t, "%H:%M"))
                .map_err(|_| bad())?;
            (date, time, offset)
        }
    };
    use chrono::Timelike;
    Ok(toml_edit::Value::from(toml_edit::Datetime {
        date: Some(toml_edit::Date {
            year: date.year() as u16,
            month: date.month() as u8,
            day: date.day() as u8,
        }),
        time: Some(toml_edit::Time {
            hour: time.hour() as u8,
            minute: time.minute() as u8,
            second: Some(time.second() as u8),
            nanosecond: None,
        }),
        offset,
    }))
}

/// `Z`, `+08:00`, `-0530`.
fn offset(s: &str) -> Option<toml_edit::Offset> {
    if s.eq_ignore_ascii_case("z") {
        return Some(toml_edit::Offset::Z);
    }
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = s[1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i16, i16) = (digits[..2].parse().ok()?, digits[2..].parse().ok()?);
    (h < 24 && m < 60).then_some(toml_edit::Offset::Custom {
        minutes: sign * (h * 60 + m),
    })
}

/// A TOML date value.
pub fn toml_date(d: NaiveDate) -> toml_edit::Value {
    toml_edit::Value::from(toml_edit::Datetime {
        date: Some(toml_edit::Date {
            year: d.year() as u16,
            month: d.month() as u8,
            day: d.day() as u8,
        }),
        time: None,
        offset: None,
    })
}

/// Splits a list cell on 、 , ， ; ； and line breaks (and on spaces when `spaces`).
pub fn list(s: &str, spaces: bool) -> Vec<String> {
    s.split(|c: char| {
        matches!(c, '、' | ',' | '，' | ';' | '；' | '\n' | '\r') || (spaces && c.is_whitespace())
    })
    .map(str::trim)
    .filter(|x| !x.is_empty())
    .map(String::from)
    .collect()
}

/// A decision chain: 采购+技术+副总, 采购→技术→副总, or a list.
pub fn chain(s: &str) -> Vec<String> {
    list(&s.replace(['+', '＋', '→', '>'], "、"), false)
}

/// Stage outputs: the titles in 《》 when there are any (text around them, such as
/// “(金额50万)”, is a note and left out), else a list.
pub fn outputs(s: &str) -> Vec<String> {
    let mut titles = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find('《') {
        let after = &rest[open + '《'.len_utf8()..];
        let Some(close) = after.find('》') else {
            break;
        };
        let title = after[..close].trim();
        if !title.is_empty() {
            titles.push(title.to_string());
        }
        rest = &after[close + '》'.len_utf8()..];
    }
    if titles.is_empty() {
        list(s, false)
    } else {
        titles
    }
}

/// A number: `1,200`, `1.5亿`, `300万`, `500人`, `2000 元`.
pub fn amount(s: &str) -> Option<f64> {
    let mut t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '，' | '_'))
        .collect();
    for suffix in ["人", "元", "¥", "￥"] {
        t = t
            .trim_end_matches(suffix)
            .trim_start_matches(suffix)
            .to_string();
    }
    let (num, factor) = if let Some(n) = t.strip_suffix("千万") {
        (n, 1e7)
    } else if let Some(n) = t.strip_suffix("亿") {
        (n, 1e8)
    } else if let Some(n) = t.strip_suffix("万") {
        (n, 1e4)
    } else {
        (t.as_str(), 1.0)
    };
    let n: f64 = num.parse().ok()?;
    (n.is_finite() && n >= 0.0).then(|| (n * factor * 100.0).round() / 100.0)
}

/// 企业规模: `1亿/500人` → (revenue, employees); one part alone is employees when it
/// ends in 人, else revenue.
pub fn company_size(s: &str) -> Result<(Option<f64>, Option<f64>), String> {
    let bad = || format!("`{s}` is not a company size like 1亿/500人");
    let parts: Vec<&str> = s.split(['/', '／']).map(str::trim).collect();
    match parts.as_slice() {
        [one] if one.ends_with('人') => Ok((None, Some(amount(one).ok_or_else(bad)?))),
        [one] => Ok((Some(amount(one).ok_or_else(bad)?), None)),
        [r, e] => {
            let r = (!r.is_empty())
                .then(|| amount(r).ok_or_else(bad))
                .transpose()?;
            let e = (!e.is_empty())
                .then(|| amount(e).ok_or_else(bad))
                .transpose()?;
            Ok((r, e))
        }
        _ => Err(bad()),
    }
}

/// 高/中/低 or high/medium/low.
pub fn priority(s: &str) -> Result<&'static str, String> {
    match s.trim().to_lowercase().as_str() {
        "高" | "high" | "h" => Ok("high"),
        "中" | "medium" | "m" | "mid" => Ok("medium"),
        "低" | "low" | "l" => Ok("low"),
        _ => Err(format!(
            "`{s}` is not a priority: use 高/中/低 or high/medium/low"
        )),
    }
}

/// 新 / 已触达 / 待培育 / 已转化 / 无效线索, or the status ids.
pub fn lead_status(s: &str) -> Result<&'static str, String> {
    let t = s.trim().to_lowercase();
    let id = match t.as_str() {
        "新" | "新线索" | "new" => "new",
        "已触达" | "contacted" => "contacted",
        "待培育" | "培育中" | "nurturing" => "nurturing",
        "已转化" | "converted" => "converted",
        "无效" | "无效线索" | "invalid" => "invalid",
        _ => {
            return Err(format!(
                "`{s}` is not a lead status: use 新/已触达/待培育/已转化/无效线索 or new/contacted/nurturing/converted/invalid"
            ));
        }
    };
    Ok(id)
}

/// A risk note's kind, guessed from its words; `other` when nothing fits.
/// A deal status: open/won/lost, or the words CRMs and Chinese sheets use.
pub fn deal_status(s: &str) -> Result<&'static str, String> {
    match s.trim().to_lowercase().as_str() {
        "open" | "进行中" | "跟进中" | "未成交" => Ok("open"),
        "won" | "赢单" | "成交" | "已成交" | "签约" | "已签约" => Ok("won"),
        "lost" | "丢单" | "输单" | "已丢单" | "失败" => Ok("lost"),
        _ => Err(format!(
            "`{s}` is not a deal status: use 进行中/赢单/丢单 or open/won/lost"
        )),
    }
}

pub fn risk_kind(note: &str) -> &'static str {
    let n = note.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| n.contains(w));
    if has(&["竞品", "竞争", "对手", "compet"]) {
        "competition"
    } else if has(&["预算", "资金", "价格", "budget"]) {
        "budget"
    } else if has(&["时间", "周期", "延期", "进度", "timing", "delay"]) {
        "timing"
    } else if has(&["技术", "兼容", "集成", "technical"]) {
        "technical"
    } else {
        "other"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn date_times_need_their_hour() {
        let t = |s: &str| datetime(&Cell::Text(s.into())).map(|v| v.to_string());
        assert_eq!(t("2023-10-08 09:30").unwrap(), "2023-10-08T09:30:00");
        assert_eq!(t("2023/10/8 9:05:07").unwrap(), "2023-10-08T09:05:07");
        assert_eq!(
            t("2023-10-08T09:30:00+08:00").unwrap(),
            "2023-10-08T09:30:00+08:00"
        );
        assert_eq!(t("2023-10-08 01:30:00Z").unwrap(), "2023-10-08T01:30:00Z");
        assert_eq!(
            t("2023-10-08 09:30-0530").unwrap(),
            "2023-10-08T09:30:00-05:30"
        );
        // 45207.4375 = 2023-10-08 10:30 in Excel's serial form.
        assert_eq!(
            datetime(&Cell::Number(45207.4375)).unwrap().to_string(),
            "2023-10-08T10:30:00"
        );
        assert!(t("2023-10-08").unwrap_err().contains("no time of day"));
        assert!(
            datetime(&Cell::Date(d(2023, 10, 8)))
                .unwrap_err()
                .contains("no time of day")
        );
        assert!(
            datetime(&Cell::Number(45207.0))
                .unwrap_err()
                .contains("no time of day")
        );
        assert!(
            t("2023-10-08 25:00")
                .unwrap_err()
                .contains("not a date-time")
        );
        assert!(
            t("2023-10-08 09:30+8")
                .unwrap_err()
                .contains("not a date-time")
        );
        assert!(t("soon").unwrap_err().contains("not a date-time"));
    }

    #[test]
    fn dates_in_spreadsheet_forms() {
        let t = |s: &str| date(&Cell::Text(s.into()));
        assert_eq!(t("2023-10-08"), Ok(d(2023, 10, 8)));
        assert_eq!(t("2023/10/8"), Ok(d(2023, 10, 8)));
        assert_eq!(t("2023.10.8"), Ok(d(2023, 10, 8)));
        assert_eq!(t("2023年10月8日"), Ok(d(2023, 10, 8)));
        assert_eq!(t("2018-02-26 19:58:54"), Ok(d(2018, 2, 26)));
        assert_eq!(t("2023-10-08T09:30:00"), Ok(d(2023, 10, 8)));
        assert!(t("2023-13-01").is_err());
        assert!(t("10/8/2023").is_err());
        assert!(t("下周").is_err());
        assert_eq!(date(&Cell::Number(45207.0)), Ok(d(2023, 10, 8)));
        assert_eq!(date(&Cell::Number(45207.75)), Ok(d(2023, 10, 8)));
    }

    #[test]
    fn lists_sizes_and_outputs() {
        assert_eq!(list("人工成本高,效率低", false), ["人工成本高", "效率低"]);
        assert_eq!(list("a、b，c；d; e", false), ["a", "b", "c", "d", "e"]);
        assert_eq!(list("a b", true), ["a", "b"]);
        assert_eq!(chain("采购+技术+副总"), ["采购", "技术", "副总"]);
        assert_eq!(company_size("1亿/500人"), Ok((Some(1e8), Some(500.0))));
        assert_eq!(company_size("5亿/2000人"), Ok((Some(5e8), Some(2000.0))));
        assert_eq!(
            company_size("100,000,000 / 500"),
            Ok((Some(1e8), Some(500.0)))
        );
        assert_eq!(company_size("300万"), Ok((Some(3e6), None)));
        assert_eq!(company_size("500人"), Ok((None, Some(500.0))));
        assert!(company_size("很大").is_err());
        assert_eq!(outputs("《销售合同》(金额50万)"), ["销售合同"]);
        assert_eq!(
            outputs("《谈判记录表》《销售合同》"),
            ["谈判记录表", "销售合同"]
        );
        assert_eq!(outputs("a; b"), ["a", "b"]);
        assert_eq!(priority("高"), Ok("high"));
        assert_eq!(priority("Low"), Ok("low"));
        assert!(priority("urgent").is_err());
        assert_eq!(risk_kind("竞品价格优势"), "competition");
        assert_eq!(risk_kind("预算未最终批复"), "budget");
    }
}
