//! Typed access to a parsed TOML table, reporting every problem with its span.
//!
//! serde's `deny_unknown_fields` stops at the first error in a file; reading the
//! spanned tree by hand lets one file report all its unknown fields, wrong types
//! and missing values at once, each with a hint.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use toml::Spanned;
use toml::de::{DeTable, DeValue};
use toml::value::{Datetime, Offset};

use super::shape::{MAX_AMOUNT, Shape, Ty};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{Extra, Stamp};
use crate::source::{FileId, Sp, Span};

/// The state of parsing one file: where spans point and what went wrong.
pub struct Cx {
    pub file: FileId,
    /// Byte offset of the TOML text in the file (front matter, BOM).
    pub offset: usize,
    pub tz: Tz,
    pub diags: Vec<Diagnostic>,
    /// Set when a required value is missing or unusable: the record is dropped.
    pub failed: bool,
}

impl Cx {
    pub fn new(file: FileId, offset: usize, tz: Tz) -> Self {
        Cx {
            file,
            offset,
            tz,
            diags: Vec::new(),
            failed: false,
        }
    }

    pub fn abs(&self, span: Span) -> Span {
        span.start + self.offset..span.end + self.offset
    }

    pub fn error(
        &mut self,
        code: &'static str,
        span: Span,
        msg: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::error(code, self.file, span, msg));
        self.diags.last_mut().expect("just pushed")
    }

    fn wrong_type(&mut self, key: &str, value: &Spanned<DeValue>, expected: &str) {
        let span = self.abs(value.span());
        let found = type_name(value.get_ref());
        let d = self.error(
            "wrong-type",
            span,
            format!("`{key}` must be {expected}, found {found}"),
        );
        let hint = match expected {
            "a date" => Some("write a TOML date without quotes, like 2023-10-08"),
            "a date-time" => {
                Some("write a TOML date-time without quotes, like 2023-10-08T09:30:00")
            }
            "a number" => Some("write a number without quotes, like 150000 or 0.15"),
            _ => None,
        };
        if let Some(h) = hint {
            d.hint = Some(h.into());
        }
    }
}

pub fn type_name(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(d) if d.time.is_none() => "a date",
        DeValue::Datetime(d) if d.date.is_none() => "a time",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// One TOML table of a record (the record itself or a nested table), read
/// through the [`Shape`] that declares its fields.
pub struct Table<'t, 'i> {
    table: &'t DeTable<'i>,
    /// Absolute span of the table: where missing fields are reported.
    pub span: Span,
    shape: &'static Shape,
}

impl<'t, 'i> Table<'t, 'i> {
    /// Wraps a table and reports every key its shape does not declare.
    pub fn new(cx: &mut Cx, table: &'t DeTable<'i>, span: Span, shape: &'static Shape) -> Self {
        let t = Table { table, span, shape };
        if shape.others.is_some() {
            return t; // free keys (KPI keys, owner ids), checked later
        }
        let known = shape.names();
        let mut unknown: Vec<_> = table
            .iter()
            .filter(|(k, _)| {
                let k = k.get_ref().as_ref();
                !(shape.extra && k == "extra") && shape.field(k).is_none()
            })
            .collect();
        unknown.sort_by_key(|(k, _)| k.span().start);
        let custom = if shape.extra {
            "; put custom fields in an [extra] table"
        } else {
            ""
        };
        for (key, _) in unknown {
            let name = key.get_ref();
            let hint = did_you_mean(name, known.iter().copied())
                .unwrap_or_else(|| format!("allowed fields: {}{custom}", known.join(", ")));
            let span = cx.abs(key.span());
            cx.error(
                "unknown-field",
                span,
                format!("unknown field `{name}` in {}", shape.what),
            )
            .hint = Some(hint);
        }
        t
    }

    /// Checks (in debug builds) that the loader reads `key` as its shape declares
    /// it, so that the schemas written from the shapes cannot drift from the loader.
    #[track_caller]
    fn declared(&self, key: &str, required: Option<bool>, fits: impl Fn(&Ty) -> bool) {
        if !cfg!(debug_assertions) {
            return;
        }
        let shape = self.shape;
        let (ty, declared_required) = match (shape.field(key), &shape.others) {
            (Some(f), _) => {
                #[cfg(test)]
                super::shape::record_read(shape, f);
                (&f.ty, f.required)
            }
            (None, Some((_, ty))) => (ty, false),
            (None, None) => panic!("`{key}` of {} is read but not declared", shape.what),
        };
        assert!(
            fits(ty),
            "`{key}` of {} is read otherwise than declared ({ty:?})",
            shape.what
        );
        if let Some(required) = required {
            assert_eq!(
                required, declared_required,
                "`{key}` of {}: required-ness differs from its declaration",
                shape.what
            );
        }
    }

    pub fn get(&self, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        self.table.get(key)
    }

    fn missing(&self, cx: &mut Cx, key: &str) {
        cx.failed = true;
        let what = self.shape.what;
        cx.error(
            "missing-field",
            self.span.clone(),
            format!("missing required field `{key}` in {what}"),
        );
    }

    /// A value of any type, with its absolute span; reports a missing required value.
    fn value(&self, cx: &mut Cx, key: &str, required: bool) -> Option<&'t Spanned<DeValue<'i>>> {
        let v = self.get(key);
        if v.is_none() && required {
            self.missing(cx, key);
        }
        v
    }

    /// Reports a wrong type; a required value of the wrong type fails the record.
    fn mistyped(
        &self,
        cx: &mut Cx,
        key: &str,
        v: &Spanned<DeValue>,
        expected: &str,
        required: bool,
    ) {
        cx.wrong_type(key, v, expected);
        cx.failed |= required;
    }

    pub fn string(&self, cx: &mut Cx, key: &str, required: bool) -> Option<Sp<String>> {
        self.declared(key, Some(required), |ty| matches!(ty, Ty::String | Ty::Id));
        self.string_value(cx, key, required)
    }

    fn string_value(&self, cx: &mut Cx, key: &str, required: bool) -> Option<Sp<String>> {
        let v = self.value(cx, key, required)?;
        match v.get_ref() {
            DeValue::String(s) => Some(Sp::new(s.to_string(), cx.abs(v.span()))),
            _ => {
                self.mistyped(cx, key, v, "a string", required);
                None
            }
        }
    }

    /// A required string, or "" when it is missing (the record is then dropped anyway).
    pub fn req_string(&self, cx: &mut Cx, key: &str) -> String {
        self.string(cx, key, true)
            .map(|s| s.value)
            .unwrap_or_default()
    }

    pub fn opt_string(&self, cx: &mut Cx, key: &str) -> Option<String> {
        self.string(cx, key, false).map(|s| s.value)
    }

    /// An array of strings; absent = empty.
    pub fn strings(&self, cx: &mut Cx, key: &str) -> Vec<String> {
        self.declared(key, Some(false), |ty| matches!(ty, Ty::Strings));
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            cx.wrong_type(key, v, "an array of strings");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(s.to_string()),
                _ => cx.wrong_type(key, item, "a string"),
            }
        }
        out
    }

    pub fn bool(&self, cx: &mut Cx, key: &str) -> Option<bool> {
        self.declared(key, Some(false), |ty| matches!(ty, Ty::Bool));
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                cx.wrong_type(key, v, "true or false");
                None
            }
        }
    }

    /// An integer or float; NaN and infinities are out of range.
    /// (Bounds declared for it are checked by the caller.)
    pub fn number(&self, cx: &mut Cx, key: &str, required: bool) -> Option<Sp<f64>> {
        self.declared(key, Some(required), |ty| matches!(ty, Ty::Number { .. }));
        self.number_value(cx, key, required)
    }

    fn number_value(&self, cx: &mut Cx, key: &str, required: bool) -> Option<Sp<f64>> {
        let v = self.value(cx, key, required)?;
        let span = cx.abs(v.span());
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|i| i as f64),
            DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
            _ => {
                self.mistyped(cx, key, v, "a number", required);
                return None;
            }
        };
        match n {
            // `+ 0.0` turns -0 into 0, so that no "-0" reaches a page or an export.
            Some(n) if n.is_finite() => Some(Sp::new(n + 0.0, span)),
            _ => {
                let literal = match v.get_ref() {
                    DeValue::Integer(i) => i.as_str().to_string(),
                    DeValue::Float(f) => f.as_str().to_string(),
                    _ => String::new(),
                };
                let message = if literal.contains("nan") || literal.contains("inf") {
                    format!("`{key}` must be a finite number, not {literal}")
                } else {
                    format!("`{key}` = {literal} is too large for a number")
                };
                cx.failed |= required;
                cx.error("out-of-range", span, message);
                None
            }
        }
    }

    /// A number within `min..=max` (either bound optional).
    pub fn number_in(
        &self,
        cx: &mut Cx,
        key: &str,
        required: bool,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Option<Sp<f64>> {
        self.declared(
            key,
            Some(required),
            |ty| matches!(ty, Ty::Number { min: lo, max: hi } if *lo == min && *hi == max),
        );
        let n = self.number_value(cx, key, required)?;
        let below = min.is_some_and(|m| *n < m);
        let above = max.is_some_and(|m| *n > m);
        if below || above {
            let range = match (min, max) {
                (Some(lo), Some(hi)) => format!("between {lo} and {hi}"),
                (Some(lo), None) => format!("at least {lo}"),
                (None, Some(hi)) => format!("at most {hi}"),
                (None, None) => unreachable!("a bound was crossed"),
            };
            cx.failed |= required;
            cx.error(
                "out-of-range",
                n.span.clone(),
                format!("`{key}` must be {range}, found {}", n.value),
            );
            return None;
        }
        Some(n)
    }

    /// An amount in yuan: a number from 0 to [`MAX_AMOUNT`].
    pub fn amount(&self, cx: &mut Cx, key: &str, required: bool) -> Option<Sp<f64>> {
        self.number_in(cx, key, required, Some(0.0), Some(MAX_AMOUNT))
    }

    /// A 0–100 score or percentage.
    pub fn percent(&self, cx: &mut Cx, key: &str) -> Option<f64> {
        self.number_in(cx, key, false, Some(0.0), Some(100.0))
            .map(|n| n.value)
    }

    /// A date; a date-time counts by its date in the team's time zone.
    pub fn date(&self, cx: &mut Cx, key: &str, required: bool) -> Option<Sp<NaiveDate>> {
        self.declared(key, Some(required), |ty| matches!(ty, Ty::Date));
        let v = self.value(cx, key, required)?;
        let span = cx.abs(v.span());
        let parsed = match v.get_ref() {
            DeValue::Datetime(dt) => to_stamp(dt, cx.tz).map(|s| s.date),
            _ => None,
        };
        let Some(date) = parsed else {
            self.mistyped(cx, key, v, "a date", required);
            return None;
        };
        if !plausible(date) {
            implausible(cx, key, span, required);
            return None;
        }
        Some(Sp::new(date, span))
    }

    /// A date-time (with or without offset; without one it is in the team's zone).
    pub fn stamp(&self, cx: &mut Cx, key: &str) -> Option<Sp<Stamp>> {
        self.declared(key, Some(false), |ty| matches!(ty, Ty::DateTime));
        let v = self.get(key)?;
        let parsed = match v.get_ref() {
            DeValue::Datetime(dt) if dt.time.is_some() => to_stamp(dt, cx.tz),
            _ => None,
        };
        let Some(stamp) = parsed else {
            cx.wrong_type(key, v, "a date-time");
            return None;
        };
        let span = cx.abs(v.span());
        if !plausible(stamp.date) {
            implausible(cx, key, span, false);
            return None;
        }
        Some(Sp::new(stamp, span))
    }

    /// A string that must be one of `names`; returns the matching value.
    pub fn choice<E: Copy>(
        &self,
        cx: &mut Cx,
        key: &str,
        required: bool,
        names: &[&str],
        values: &[E],
    ) -> Option<Sp<E>> {
        self.declared(
            key,
            Some(required),
            |ty| matches!(ty, Ty::Choice(n) if *n == names),
        );
        let s = self.string_value(cx, key, required)?;
        match names.iter().position(|n| *n == s.value) {
            Some(i) => Some(Sp::new(values[i], s.span)),
            None => {
                cx.failed |= required;
                let allowed = names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let hint = did_you_mean(&s.value, names.iter().copied())
                    .unwrap_or_else(|| format!("allowed values: {allowed}"));
                cx.error(
                    "invalid-value",
                    s.span,
                    format!("`{key}` must be one of {allowed}, found `{}`", s.value),
                )
                .hint = Some(hint);
                None
            }
        }
    }

    /// A nested table, read through the shape declared for it.
    pub fn table(&self, cx: &mut Cx, key: &str, required: bool) -> Option<Table<'t, 'i>> {
        self.declared(key, Some(required), |ty| matches!(ty, Ty::Table(_)));
        let (t, span) = self.table_value(cx, key, required)?;
        Some(Table::new(cx, t, span, self.nested(key)))
    }

    fn table_value(
        &self,
        cx: &mut Cx,
        key: &str,
        required: bool,
    ) -> Option<(&'t DeTable<'i>, Span)> {
        let v = self.value(cx, key, required)?;
        match v.get_ref() {
            DeValue::Table(t) => Some((t, cx.abs(v.span()))),
            _ => {
                self.mistyped(cx, key, v, "a table", required);
                None
            }
        }
    }

    /// The shape declared for a nested table or array of tables.
    fn nested(&self, key: &str) -> &'static Shape {
        let ty = match self.shape.field(key) {
            Some(f) => Some(f.ty),
            None => self.shape.others.map(|o| o.1),
        };
        match ty {
            Some(Ty::Table(s) | Ty::Tables(s)) => s,
            _ => unreachable!("`{key}` of {} is not declared a table", self.shape.what),
        }
    }

    /// An array of tables (`[[key]]`), each read through its declared shape;
    /// absent = empty.
    pub fn tables(&self, cx: &mut Cx, key: &str) -> Vec<Table<'t, 'i>> {
        // Required-ness of a list (owners) is checked by the caller.
        self.declared(key, None, |ty| matches!(ty, Ty::Tables(_)));
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            cx.wrong_type(key, v, "an array of tables");
            return Vec::new();
        };
        let shape = self.nested(key);
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(t) => {
                    let span = cx.abs(item.span());
                    out.push(Table::new(cx, t, span, shape));
                }
                _ => cx.wrong_type(key, item, "a table"),
            }
        }
        out
    }

    /// Every key of a free-form table with its span (targets, analysis).
    pub fn entries(
        &self,
    ) -> impl Iterator<Item = (&'t Spanned<Cow<'i, str>>, &'t Spanned<DeValue<'i>>)> {
        self.table.iter()
    }

    /// The `[extra]` table, as JSON values for display.
    pub fn extra(&self, cx: &mut Cx) -> Extra {
        debug_assert!(self.shape.extra, "{} has no [extra]", self.shape.what);
        match self.table_value(cx, "extra", false) {
            Some((t, _)) => t
                .iter()
                .map(|(k, v)| (k.get_ref().to_string(), to_json(v.get_ref())))
                .collect(),
            None => Extra::new(),
        }
    }
}

/// The dates salesbook accepts (SPEC's TOML allows 0000-01-01 to 9999-12-31).
/// The figures run month by month from the earliest event to the as-of date,
/// so a typo like `0023-10-08` would mean 24,000 months of work and pages.
pub const FIRST_DATE: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");
pub const LAST_DATE: NaiveDate = NaiveDate::from_ymd_opt(2199, 12, 31).expect("a date");

/// Is `date` within [`FIRST_DATE`]`..=`[`LAST_DATE`]?
pub fn plausible(date: NaiveDate) -> bool {
    (FIRST_DATE..=LAST_DATE).contains(&date)
}

fn implausible(cx: &mut Cx, key: &str, span: Span, required: bool) {
    cx.failed |= required;
    cx.error(
        "out-of-range",
        span,
        format!("`{key}` must be between {FIRST_DATE} and {LAST_DATE}"),
    )
    .hint = Some("a typo in the year?".into());
}

/// A TOML date or date-time as an instant and a team-local date.
pub fn to_stamp(dt: &Datetime, tz: Tz) -> Option<Stamp> {
    let d = dt.date?;
    let date = NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())?;
    let time = match dt.time {
        Some(t) => NaiveTime::from_hms_nano_opt(
            t.hour.into(),
            t.minute.into(),
            t.second.unwrap_or(0).min(59).into(),
            t.nanosecond.unwrap_or(0),
        )?,
        None => NaiveTime::MIN,
    };
    let local = NaiveDateTime::new(date, time);
    let instant = match dt.offset {
        Some(Offset::Z) => Utc.from_utc_datetime(&local),
        Some(Offset::Custom { minutes }) => {
            Utc.from_utc_datetime(&(local - chrono::Duration::minutes(minutes.into())))
        }
        // A wall time that a DST change skips is taken one hour later.
        None => tz
            .from_local_datetime(&local)
            .earliest()
            .or_else(|| {
                tz.from_local_datetime(&(local + chrono::Duration::hours(1)))
                    .earliest()
            })?
            .with_timezone(&Utc),
    };
    let date = if dt.offset.is_some() {
        instant.with_timezone(&tz).date_naive()
    } else {
        date
    };
    Some(Stamp { instant, date })
}

fn to_json(v: &DeValue) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        DeValue::String(s) => J::String(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map(J::from)
            .unwrap_or_else(|_| J::String(i.to_string())),
        DeValue::Float(f) => f
            .as_str()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| J::String(f.to_string()), J::Number),
        DeValue::Boolean(b) => J::Bool(*b),
        DeValue::Datetime(d) => J::String(d.to_string()),
        DeValue::Array(a) => J::Array(a.iter().map(|x| to_json(x.get_ref())).collect()),
        DeValue::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.get_ref().to_string(), to_json(v.get_ref())))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::shape;
    use super::*;

    fn with_lead(read: impl Fn(&mut Cx, &Table)) {
        let root = DeTable::parse("company = \"A\"\n").unwrap();
        let mut cx = Cx::new(FileId(0), 0, chrono_tz::Asia::Shanghai);
        let t = Table::new(&mut cx, root.get_ref(), 0..0, &shape::LEAD);
        read(&mut cx, &t);
    }

    #[test]
    fn a_read_as_declared_passes() {
        with_lead(|cx, t| assert_eq!(t.req_string(cx, "company"), "A"));
    }

    #[test]
    #[should_panic(expected = "read otherwise than declared")]
    fn reading_a_field_as_another_type_fails() {
        with_lead(|cx, t| {
            t.date(cx, "company", true);
        });
    }

    #[test]
    #[should_panic(expected = "required-ness differs")]
    fn reading_a_required_field_as_optional_fails() {
        with_lead(|cx, t| {
            t.opt_string(cx, "company");
        });
    }

    #[test]
    #[should_panic(expected = "is read but not declared")]
    fn reading_an_undeclared_field_fails() {
        with_lead(|cx, t| {
            t.opt_string(cx, "website");
        });
    }
}
