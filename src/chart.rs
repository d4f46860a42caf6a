//! Charts as inline SVG, rendered at build time (SPEC §5): no JavaScript, no chart crate.
//!
//! Every function is pure and returns one `<svg>` element with `role="img"`, a `<title>` and a
//! `<desc>` (the text alternative: the figures in words), a `viewBox` and `width="100%"` so it
//! scales with its container, and the page's font (`font-family="inherit"`, so CJK labels render
//! in the page font). Elements carry class names (`.bar`, `.series-0`, `.target`, `.axis`, `.grid`,
//! `.label`, `.value`, `.step`, `.box`, …) for CSS; the inline presentation attributes are only
//! defaults, which any CSS rule overrides. Text is drawn in `currentColor`.
//!
//! Every piece of text is XML-escaped (labels are user data); non-finite numbers are treated as
//! missing, so no `NaN` or `inf` ever reaches the output. A chart without any figure is a small
//! SVG saying [`Words::no_data`].

use std::fmt::Write as _;

use chrono::{Datelike, Months, NaiveDate};
use unicode_width::UnicodeWidthStr;

use crate::format::{NULL, percent, trim_number};
use crate::model::Language;

/// The few words charts write themselves; the caller localises them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words<'a> {
    pub no_data: &'a str,
    pub target: &'a str,
    pub conversion: &'a str,
    pub median: &'a str,
    pub min: &'a str,
    pub max: &'a str,
    /// An ongoing stage entry (the timeline).
    pub ongoing: &'a str,
}

impl Words<'static> {
    pub const EN: Words<'static> = Words {
        no_data: "No data",
        target: "target",
        conversion: "conversion",
        median: "median",
        min: "min",
        max: "max",
        ongoing: "ongoing",
    };
    pub const ZH: Words<'static> = Words {
        no_data: "暂无数据",
        target: "目标",
        conversion: "转化率",
        median: "中位数",
        min: "最小",
        max: "最大",
        ongoing: "进行中",
    };

    pub fn for_language(language: Language) -> Self {
        match language {
            Language::Zh => Self::ZH,
            Language::En => Self::EN,
        }
    }
}

/// A distribution summary for [`box_plot`] (e.g. days spent in a stage).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxStats {
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
    pub p90: Option<f64>,
    pub n: usize,
}

/// Formats a value for display (axis ticks, value labels, the text alternative).
pub type Fmt<'a> = &'a dyn Fn(f64) -> String;

/// The viewBox width, which is also the widest a chart is drawn (the theme's CSS caps
/// `figure.chart svg` at `max-width: 560px`), so text is at most [`FONT`] px.
pub const W: f64 = 560.0;
/// The font size in user units. The CSS keeps a chart at least `min-width: 480px` wide
/// (a narrow screen scrolls it), so text renders at 13 × 480 / 560 ≈ 11.1 px or more.
pub const FONT: f64 = 13.0;
/// Longer category labels are shortened with "…" (the text alternative keeps them whole).
const LABEL_MAX: f64 = 180.0;
const PALETTE: [&str; 6] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1",
];
const TEXT: &str = r#"fill="currentColor""#;

macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{ let _ = write!($out, $($arg)*); }};
}

/// Escapes text for XML content and attribute values, and drops characters XML 1.0 forbids.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// "Nice" axis ticks covering `lo..=hi` (Heckbert's algorithm): steps of 1, 2 or 5 × 10ⁿ,
/// about `count` of them. 0..=87 → 0, 20, 40, 60, 80, 100. Empty for non-finite bounds.
pub fn nice_ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    if !lo.is_finite() || !hi.is_finite() {
        return Vec::new();
    }
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    let (lo, hi) = match (lo == hi, lo == 0.0) {
        (false, _) => (lo, hi),
        (true, true) => (0.0, 1.0),
        (true, false) => (lo - lo.abs() / 2.0, hi + hi.abs() / 2.0),
    };
    let count = count.max(2);
    let mut step = nice_number(nice_number(hi - lo, false) / (count - 1) as f64, true);
    // Heckbert can overshoot by a tick or two; widen the step (1 → 2 → 5 → 10) until it fits.
    for _ in 0..4 {
        if ((hi / step).ceil() - (lo / step).floor()) as usize <= count {
            break;
        }
        let p = 10f64.powf(step.log10().floor());
        let m = step / p;
        let next = if m < 1.5 {
            2.0
        } else if m < 3.5 {
            5.0
        } else if m < 7.5 {
            10.0
        } else {
            20.0
        };
        step = next * p;
    }
    // Round to the step's precision so 3 × 0.1 is 0.3, not 0.30000000000000004.
    let scale = 10f64.powi((-step.log10().floor()).max(0.0) as i32);
    let (first, last) = ((lo / step).floor() as i64, (hi / step).ceil() as i64);
    // Degenerate ranges (subnormal or near f64::MAX) fall back to the bounds themselves.
    if !step.is_normal() || last - first > 20 {
        return vec![lo, hi];
    }
    let ticks: Vec<f64> = (first..=last)
        .map(|i| match scale.is_finite() {
            true => (i as f64 * step * scale).round() / scale,
            false => i as f64 * step,
        })
        .collect();
    match ticks.len() >= 2 && ticks.iter().all(|t| t.is_finite()) {
        true => ticks,
        false => vec![lo, hi],
    }
}

fn nice_number(x: f64, round: bool) -> f64 {
    let exp = x.log10().floor();
    let f = x / 10f64.powf(exp);
    let nice = match (round, f) {
        (true, f) if f < 1.5 => 1.0,
        (true, f) if f < 3.0 => 2.0,
        (true, f) if f < 7.0 => 5.0,
        (false, f) if f <= 1.0 => 1.0,
        (false, f) if f <= 2.0 => 2.0,
        (false, f) if f <= 5.0 => 5.0,
        _ => 10.0,
    };
    nice * 10f64.powf(exp)
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// A coordinate: one decimal at most, never NaN.
fn n(v: f64) -> String {
    if v.is_finite() {
        trim_number(v, 1)
    } else {
        "0".into()
    }
}

/// Estimated rendered width (generous): CJK characters about 1.2em, Latin ones 0.6em.
fn text_width(s: &str) -> f64 {
    s.width() as f64 * FONT * 0.6
}

/// Shortens a label to fit `max` px, ending it with "…".
fn fit(s: &str, max: f64) -> String {
    if text_width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if text_width(&out) + text_width(&c.to_string()) + text_width("…") > max {
            break;
        }
        out.push(c);
    }
    out + "…"
}

/// The width of a column of category labels, drawn right-aligned at its edge minus 8.
fn label_column<'a>(labels: impl IntoIterator<Item = &'a str>) -> f64 {
    widest(labels, LABEL_MAX) + 16.0
}

/// The widest of some labels, capped.
fn widest<'a>(labels: impl IntoIterator<Item = &'a str>, cap: f64) -> f64 {
    labels
        .into_iter()
        .map(text_width)
        .fold(0.0, f64::max)
        .min(cap)
}

/// A linear map from a value domain to pixels.
#[derive(Clone, Copy)]
struct Scale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Scale {
    fn at(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        let t = if span == 0.0 {
            0.0
        } else {
            (v - self.d0) / span
        };
        self.r0 + t * (self.r1 - self.r0)
    }
}

/// The value domain of a chart: always includes zero; `[0, 1]` when everything is zero.
fn domain(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo == hi { (0.0, 1.0) } else { (lo, hi) }
}

struct Svg(String);

impl Svg {
    fn open(kind: &str, title: &str, desc: &str, height: f64) -> Svg {
        let mut s = String::new();
        w!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{t}" font-family="inherit" font-size="{FONT}"><title>{t}</title><desc>{}</desc>"#,
            n(W),
            n(height),
            escape(desc),
            t = escape(title),
        );
        Svg(s)
    }

    fn text(&mut self, x: f64, y: f64, anchor: &str, class: &str, s: &str) {
        w!(
            self.0,
            r#"<text class="{class}" x="{}" y="{}" dy="0.35em" text-anchor="{anchor}" {TEXT}>{}</text>"#,
            n(x),
            n(y),
            escape(s)
        );
    }

    fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), class: &str, style: &str) {
        w!(
            self.0,
            r#"<line class="{class}" x1="{}" y1="{}" x2="{}" y2="{}" {style}/>"#,
            n(x1),
            n(y1),
            n(x2),
            n(y2)
        );
    }

    /// A rectangle spanning `x0..x1` (either order), with a hover tooltip.
    fn rect(&mut self, (x0, x1): (f64, f64), y: f64, h: f64, class: &str, fill: &str, tip: &str) {
        w!(
            self.0,
            r#"<rect class="{class}" x="{}" y="{}" width="{}" height="{}" fill="{fill}"><title>{}</title></rect>"#,
            n(x0.min(x1)),
            n(y),
            n((x1 - x0).abs()),
            n(h),
            escape(tip)
        );
    }

    /// The unit of the figures (`单位：万元`), top left; nothing when empty.
    fn unit(&mut self, unit: &str) {
        if !unit.is_empty() {
            self.text(4.0, UNIT_Y, "start", "unit", unit);
        }
    }

    fn finish(mut self) -> String {
        self.0.push_str("</svg>");
        self.0
    }
}

/// The baseline of the unit caption, in the top row every chart with a unit reserves.
const UNIT_Y: f64 = 11.0;
/// The height of that row.
const UNIT_ROW: f64 = 22.0;

const GRID: &str = r#"stroke="currentColor" stroke-opacity="0.12""#;
const AXIS: &str = r#"stroke="currentColor" stroke-opacity="0.45""#;

fn no_data(words: &Words, title: &str, kind: &str) -> String {
    let mut svg = Svg::open(&format!("{kind} chart-empty"), title, words.no_data, 48.0);
    svg.text(W / 2.0, 24.0, "middle", "no-data", words.no_data);
    svg.finish()
}

/// A path through `vals` at `x(i)`, `y(v)`, broken at missing values. With `lone_ticks`, a value
/// between two gaps becomes a short horizontal tick (a line needs two points).
fn path_d(vals: &[Option<f64>], x: impl Fn(usize) -> f64, y: Scale, lone_ticks: bool) -> String {
    let mut d = String::new();
    for (i, v) in vals.iter().enumerate() {
        let Some(v) = v else { continue };
        let joined = i > 0 && vals[i - 1].is_some();
        let alone = !joined && vals.get(i + 1).is_none_or(Option::is_none);
        if joined {
            w!(d, "L{} {} ", n(x(i)), n(y.at(*v)));
        } else if alone && lone_ticks {
            w!(d, "M{} {} h12 ", n(x(i) - 6.0), n(y.at(*v)));
        } else {
            w!(d, "M{} {} ", n(x(i)), n(y.at(*v)));
        }
    }
    d.trim_end().to_string()
}

/// A 12-month KPI trend: the actual line with a point per month (gaps for missing months), a
/// dashed target line, 3–5 nice y ticks, and the last actual value labelled.
pub fn line_trend(
    words: &Words,
    title: &str,
    unit: &str,
    points: &[(String, Option<f64>)],
    target: &[Option<f64>],
    fmt: Fmt,
) -> String {
    let actual: Vec<Option<f64>> = points.iter().map(|p| finite(p.1)).collect();
    let goal: Vec<Option<f64>> = (0..points.len())
        .map(|i| finite(target.get(i).copied().flatten()))
        .collect();
    if actual.iter().chain(&goal).all(Option::is_none) {
        return no_data(words, title, "line");
    }
    let (lo, hi) = domain(actual.iter().chain(&goal).flatten().copied());
    let ticks = nice_ticks(lo, hi, 5);
    let tick_labels: Vec<String> = ticks.iter().map(|&t| fmt(t)).collect();
    let last = (actual.iter().enumerate().rev()).find_map(|(i, v)| v.map(|v| (i, v)));
    let last_label = last.map(|(_, v)| fmt(v)).unwrap_or_default();
    // The target line is labelled with its last value: "目标 15%".
    let last_goal = (goal.iter().enumerate().rev()).find_map(|(i, g)| g.map(|g| (i, g)));
    let goal_label = last_goal
        .map(|(_, g)| format!("{} {}", words.target, fmt(g)))
        .unwrap_or_default();

    let desc = points
        .iter()
        .zip(actual.iter().zip(&goal))
        .map(|((label, _), (a, g))| {
            let a = a.map_or(NULL.to_string(), fmt);
            match g {
                Some(g) => format!("{label}: {a} ({} {})", words.target, fmt(*g)),
                None => format!("{label}: {a}"),
            }
        })
        .collect::<Vec<_>>()
        .join("; ");

    let height = 250.0;
    let (top, bottom) = (UNIT_ROW + 12.0, 28.0);
    let left = widest(tick_labels.iter().map(String::as_str), 120.0) + 10.0;
    let right = text_width(&last_label)
        .max(text_width(&goal_label))
        .min(150.0)
        + 14.0;
    let plot_w = W - left - right;
    let count = points.len();
    let x = |i: usize| {
        if count == 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (count - 1) as f64
        }
    };
    let y = Scale {
        d0: ticks[0],
        d1: ticks[ticks.len() - 1],
        r0: height - bottom,
        r1: top,
    };

    let mut svg = Svg::open("line", title, &desc, height);
    svg.unit(unit);
    for (t, label) in ticks.iter().zip(&tick_labels) {
        let class = if *t == 0.0 { "axis" } else { "grid" };
        let style = if *t == 0.0 { AXIS } else { GRID };
        svg.line((left, y.at(*t)), (W - right, y.at(*t)), class, style);
        svg.text(left - 6.0, y.at(*t), "end", "tick", label);
    }
    // Month labels: as many as fit, always including the last.
    let label_w = widest(points.iter().map(|p| p.0.as_str()), 90.0) + 8.0;
    let slot = plot_w / (count.max(2) - 1) as f64;
    let stride = ((label_w / slot).ceil() as usize).max(1);
    for (i, (label, _)) in points.iter().enumerate() {
        if (count - 1 - i).is_multiple_of(stride) {
            let lx = x(i).clamp(label_w / 2.0, W - label_w / 2.0);
            svg.text(
                lx,
                height - bottom / 2.0,
                "middle",
                "label",
                &fit(label, 90.0),
            );
        }
    }
    let target_d = path_d(&goal, x, y, true);
    if !target_d.is_empty() {
        w!(
            svg.0,
            r##"<path class="target" d="{target_d}" fill="none" stroke="#e15759" stroke-width="1.5" stroke-dasharray="5 4"/>"##
        );
    }
    let actual_d = path_d(&actual, x, y, false);
    if !actual_d.is_empty() {
        w!(
            svg.0,
            r#"<path class="line series-0" d="{actual_d}" fill="none" stroke="{}" stroke-width="2"/>"#,
            PALETTE[0]
        );
    }
    for (i, v) in actual.iter().enumerate() {
        if let Some(v) = v {
            w!(
                svg.0,
                r#"<circle class="point series-0" cx="{}" cy="{}" r="3" fill="{}"><title>{}: {}</title></circle>"#,
                n(x(i)),
                n(y.at(*v)),
                PALETTE[0],
                escape(&points[i].0),
                escape(&fmt(*v))
            );
        }
    }
    // The last actual and the target's label sit right of their last points; when both
    // are in the last column and closer than a line, they move apart around their middle.
    let mut ya = last.map(|(_, v)| y.at(v));
    let mut yg = last_goal.map(|(_, g)| y.at(g));
    if let (Some((ia, _)), Some((ig, _)), Some(a), Some(g)) = (last, last_goal, ya, yg)
        && ia == ig
        && (a - g).abs() < FONT + 2.0
    {
        let mid = ((a + g) / 2.0).clamp(top + 8.0, height - bottom - 8.0);
        let half = (FONT + 2.0) / 2.0;
        let (upper, lower) = (mid - half, mid + half);
        // The higher point keeps the upper label (ties: the actual above).
        match a <= g {
            true => (ya, yg) = (Some(upper), Some(lower)),
            false => (ya, yg) = (Some(lower), Some(upper)),
        }
    }
    if let (Some((i, _)), Some(ty)) = (last_goal, yg) {
        svg.text(x(i) + 7.0, ty, "start", "target-label", &goal_label);
    }
    if let (Some((i, _)), Some(ty)) = (last, ya) {
        svg.text(x(i) + 7.0, ty, "start", "value last", &last_label);
    }
    svg.finish()
}

/// Horizontal bars with value labels (pipeline by stage, channel comparison).
pub fn bars(words: &Words, title: &str, unit: &str, items: &[(String, f64)], fmt: Fmt) -> String {
    let categories: Vec<String> = items.iter().map(|i| i.0.clone()).collect();
    let values = vec![(String::new(), items.iter().map(|i| Some(i.1)).collect())];
    hbars(words, title, unit, "bars", &categories, &values, fmt)
}

/// Horizontal bars grouped by category, one bar (and colour, `.series-N`) per series, with a
/// legend: e.g. two KPIs per channel. A series shorter than `categories` is missing the rest.
pub fn grouped_bars(
    words: &Words,
    title: &str,
    unit: &str,
    categories: &[String],
    series: &[(String, Vec<Option<f64>>)],
    fmt: Fmt,
) -> String {
    hbars(words, title, unit, "grouped-bars", categories, series, fmt)
}

fn hbars(
    words: &Words,
    title: &str,
    unit: &str,
    kind: &str,
    categories: &[String],
    series: &[(String, Vec<Option<f64>>)],
    fmt: Fmt,
) -> String {
    let value = |c: usize, s: usize| finite(series[s].1.get(c).copied().flatten());
    let cells = || (0..categories.len()).flat_map(|c| (0..series.len()).map(move |s| (c, s)));
    if cells().all(|(c, s)| value(c, s).is_none()) {
        return no_data(words, title, kind);
    }
    let legend = series.len() > 1;
    let label = |c: usize, s: usize| value(c, s).map_or(NULL.to_string(), fmt);
    let desc = (0..categories.len())
        .map(|c| {
            let figures = (0..series.len()).map(|s| match legend {
                true => format!("{} {}", series[s].0, label(c, s)),
                false => label(c, s),
            });
            format!(
                "{}: {}",
                categories[c],
                figures.collect::<Vec<_>>().join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ");

    let (bar_h, gap) = if legend { (14.0, 2.0) } else { (20.0, 0.0) };
    let group_h = series.len() as f64 * (bar_h + gap) - gap + 10.0;
    // The unit's row, then the legend's.
    let head = if unit.is_empty() { 0.0 } else { UNIT_ROW };
    let top = head + if legend { 28.0 } else { 6.0 };
    let height = top + categories.len() as f64 * group_h + 4.0;
    let left = label_column(categories.iter().map(String::as_str));
    let labels: Vec<String> = cells().map(|(c, s)| label(c, s)).collect();
    let right = widest(labels.iter().map(String::as_str), 140.0) + 10.0;
    let (lo, hi) = domain(cells().filter_map(|(c, s)| value(c, s)));
    let x = Scale {
        d0: lo,
        d1: hi,
        r0: left,
        r1: W - right,
    };
    let x0 = x.at(0.0);

    let mut svg = Svg::open(kind, title, &desc, height);
    svg.unit(unit);
    if legend {
        let mut lx = left;
        for (s, (name, _)) in series.iter().enumerate() {
            let color = PALETTE[s % PALETTE.len()];
            svg.rect(
                (lx, lx + 12.0),
                head + 8.0,
                12.0,
                &format!("legend series-{s}"),
                color,
                name,
            );
            svg.text(lx + 16.0, head + 14.0, "start", "legend", name);
            lx += 16.0 + text_width(name) + 16.0;
        }
    }
    for (c, category) in categories.iter().enumerate() {
        let gy = top + c as f64 * group_h;
        let mid = gy + (group_h - 10.0) / 2.0;
        svg.text(left - 8.0, mid, "end", "label", &fit(category, LABEL_MAX));
        for (s, (name, _)) in series.iter().enumerate() {
            let by = gy + s as f64 * (bar_h + gap);
            let text = label(c, s);
            let Some(v) = value(c, s) else {
                svg.text(x0 + 4.0, by + bar_h / 2.0, "start", "value", &text);
                continue;
            };
            let tip = match legend {
                true => format!("{category} · {name}: {text}"),
                false => format!("{category}: {text}"),
            };
            let class = format!("bar series-{s}");
            svg.rect(
                (x0, x.at(v)),
                by,
                bar_h,
                &class,
                PALETTE[s % PALETTE.len()],
                &tip,
            );
            let vx = x.at(v).max(x0) + 4.0;
            svg.text(vx, by + bar_h / 2.0, "start", "value", &text);
        }
    }
    svg.line((x0, top - 2.0), (x0, height - 4.0), "axis", AXIS);
    svg.finish()
}

/// Funnel: centred bars proportional to each step's count (label, count, conversion), with
/// the count and the conversion as given: the chart draws the metrics' funnel, it does not
/// define one.
pub fn funnel(
    words: &Words,
    title: &str,
    unit: &str,
    steps: &[(String, f64, Option<f64>)],
) -> String {
    let counts: Vec<Option<f64>> = steps.iter().map(|s| finite(Some(s.1))).collect();
    if counts.iter().all(Option::is_none) {
        return no_data(words, title, "funnel");
    }
    let conversion = |i: usize| finite(steps[i].2).map(percent);
    let count_text = |i: usize| counts[i].map_or(NULL.to_string(), |c| trim_number(c, 0));
    let figures: Vec<String> = (0..steps.len())
        .map(|i| match conversion(i) {
            Some(p) => format!("{} · {p}", count_text(i)),
            None => count_text(i),
        })
        .collect();
    let desc = (0..steps.len())
        .map(|i| match conversion(i) {
            Some(p) => format!(
                "{}: {} ({} {p})",
                steps[i].0,
                count_text(i),
                words.conversion
            ),
            None => format!("{}: {}", steps[i].0, count_text(i)),
        })
        .collect::<Vec<_>>()
        .join("; ");

    let row = 34.0;
    let head = if unit.is_empty() { 0.0 } else { UNIT_ROW };
    let height = head + steps.len() as f64 * row + 6.0;
    let left = label_column(steps.iter().map(|s| s.0.as_str()));
    let right = widest(figures.iter().map(String::as_str), 160.0) + 12.0;
    let max = counts.iter().flatten().fold(0.0f64, |m, &c| m.max(c));
    let (centre, half) = ((left + W - right) / 2.0, (W - right - left) / 2.0);

    let mut svg = Svg::open("funnel", title, &desc, height);
    svg.unit(unit);
    for (i, (label, _, _)) in steps.iter().enumerate() {
        let y = head + 3.0 + i as f64 * row;
        svg.text(
            left - 8.0,
            y + row / 2.0 - 2.0,
            "end",
            "label",
            &fit(label, LABEL_MAX),
        );
        if let Some(c) = counts[i] {
            let hw = if max > 0.0 {
                half * c.max(0.0) / max
            } else {
                0.0
            };
            let tip = format!("{label}: {}", figures[i]);
            svg.rect(
                (centre - hw, centre + hw),
                y,
                row - 4.0,
                "step",
                PALETTE[0],
                &tip,
            );
        }
        svg.text(
            W - right + 8.0,
            y + row / 2.0 - 2.0,
            "start",
            "value",
            &figures[i],
        );
    }
    svg.finish()
}

/// One bar of a [`timeline`]: a stage entry from the day it was entered to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// `end − start` in days, as the caller counts them.
    pub days: i64,
    /// Not ended by the as-of date (`end` is the as-of date).
    pub ongoing: bool,
}

/// A stage timeline, Gantt-like: one row per stage entry in the given order, a bar from its
/// start to its end on a shared date axis (month starts as ticks), each bar labelled with its
/// dates and length (`days` formats the length with its unit). An ongoing entry's bar is
/// lighter, dashed and says so.
pub fn timeline(
    words: &Words,
    title: &str,
    spans: &[Span],
    days: &dyn Fn(i64) -> String,
) -> String {
    if spans.is_empty() {
        return no_data(words, title, "timeline");
    }
    let texts: Vec<String> = spans
        .iter()
        .map(|sp| {
            let mut t = format!("{} – {} · {}", sp.start, sp.end, days(sp.days));
            if sp.ongoing {
                w!(t, " ({})", words.ongoing);
            }
            t
        })
        .collect();
    let desc = spans
        .iter()
        .zip(&texts)
        .map(|(sp, t)| format!("{}: {t}", sp.label))
        .collect::<Vec<_>>()
        .join("; ");

    let day = |d: NaiveDate| f64::from(d.num_days_from_ce());
    let d0 = spans.iter().map(|sp| sp.start.min(sp.end)).min();
    let d1 = spans.iter().map(|sp| sp.end.max(sp.start)).max();
    let (Some(d0), Some(d1)) = (d0, d1) else {
        return no_data(words, title, "timeline");
    };
    let (row, bar_h, top) = (40.0, 14.0, UNIT_ROW + 4.0);
    let height = top + spans.len() as f64 * row + 4.0;
    let left = label_column(spans.iter().map(|sp| sp.label.as_str()));
    let right = 8.0;
    let x = Scale {
        d0: day(d0),
        d1: day(d1).max(day(d0) + 1.0),
        r0: left,
        r1: W - right,
    };

    let mut svg = Svg::open("timeline", title, &desc, height);
    // Month starts inside the range, as many labelled as fit (the last always); without
    // one, the first and last days.
    let mut ticks = Vec::new();
    let mut m = d0
        .with_day(1)
        .and_then(|d| d.checked_add_months(Months::new(1)));
    while let Some(t) = m.filter(|t| *t <= d1) {
        ticks.push(t);
        m = t.checked_add_months(Months::new(1));
    }
    let axis_y = top - 2.0;
    if ticks.is_empty() {
        svg.text(x.at(day(d0)), UNIT_Y, "start", "tick", &d0.to_string());
        if d1 > d0 {
            svg.text(x.at(day(d1)), UNIT_Y, "end", "tick", &d1.to_string());
        }
    } else {
        let label_w = text_width("2000-00") + 10.0;
        let plot_w = W - right - left;
        let per = (plot_w / label_w).floor().max(1.0) as usize;
        let stride = ticks.len().div_ceil(per).max(1);
        for (i, t) in ticks.iter().enumerate() {
            let tx = x.at(day(*t));
            svg.line((tx, axis_y), (tx, height - 4.0), "grid", GRID);
            if (ticks.len() - 1 - i).is_multiple_of(stride) {
                let lx = tx.clamp(left + label_w / 2.0, W - right - label_w / 2.0);
                let label = t.format("%Y-%m").to_string();
                svg.text(lx, UNIT_Y, "middle", "tick", &label);
            }
        }
    }
    svg.line((left, axis_y), (W - right, axis_y), "axis", AXIS);
    for (i, (sp, text)) in spans.iter().zip(&texts).enumerate() {
        let y0 = top + i as f64 * row;
        let mid = y0 + 3.0 + bar_h / 2.0;
        svg.text(left - 8.0, mid, "end", "label", &fit(&sp.label, LABEL_MAX));
        let (a, b) = (x.at(day(sp.start)), x.at(day(sp.end)));
        let (a, b) = (a.min(b), a.max(b).max(a.min(b) + 3.0));
        let (class, extra) = match sp.ongoing {
            true => (
                "bar span ongoing series-0",
                r#" fill-opacity="0.45" stroke="currentColor" stroke-dasharray="3 2""#,
            ),
            false => ("bar span series-0", ""),
        };
        w!(
            svg.0,
            r#"<rect class="{class}" x="{}" y="{}" width="{}" height="{}" fill="{}"{extra}><title>{}</title></rect>"#,
            n(a),
            n(y0 + 3.0),
            n(b - a),
            n(bar_h),
            PALETTE[0],
            escape(&format!("{}: {text}", sp.label))
        );
        let tx = a.min(W - right - text_width(text)).max(left);
        svg.text(tx, y0 + 3.0 + bar_h + 11.0, "start", "value", text);
    }
    svg.finish()
}

/// Box plots, one row per stage on a shared axis: whiskers min–max, box Q1–Q3, the median as a
/// bar, P90 as a diamond; the median labelled. Rows with a non-finite figure show "—".
pub fn box_plot(words: &Words, title: &str, items: &[(String, BoxStats)], fmt: Fmt) -> String {
    let valid = |b: &BoxStats| {
        [b.min, b.q1, b.median, b.q3, b.max]
            .iter()
            .all(|v| v.is_finite())
            && b.p90.is_none_or(f64::is_finite)
    };
    if !items.iter().any(|(_, b)| valid(b)) {
        return no_data(words, title, "box");
    }
    let summary = |b: &BoxStats| {
        let mut s = format!(
            "{} {}, Q1 {}, Q3 {}, {} {}, {} {}",
            words.median,
            fmt(b.median),
            fmt(b.q1),
            fmt(b.q3),
            words.min,
            fmt(b.min),
            words.max,
            fmt(b.max)
        );
        if let Some(p) = b.p90 {
            w!(s, ", P90 {}", fmt(p));
        }
        w!(s, ", n={}", b.n);
        s
    };
    let desc = items
        .iter()
        .map(|(label, b)| match valid(b) {
            true => format!("{label}: {}", summary(b)),
            false => format!("{label}: {NULL}"),
        })
        .collect::<Vec<_>>()
        .join("; ");

    let all = items.iter().filter(|(_, b)| valid(b)).flat_map(|(_, b)| {
        [b.min, b.max, b.q1, b.q3, b.median]
            .into_iter()
            .chain(b.p90)
    });
    let (lo, hi) = domain(all);
    let ticks = nice_ticks(lo, hi, 5);
    let medians: Vec<String> = items
        .iter()
        .map(|(_, b)| if valid(b) { fmt(b.median) } else { NULL.into() })
        .collect();
    let (row, box_h, bottom) = (32.0, 16.0, 24.0);
    let height = 4.0 + items.len() as f64 * row + bottom;
    let left = label_column(items.iter().map(|i| i.0.as_str()));
    let right = widest(medians.iter().map(String::as_str), 120.0) + 14.0;
    let x = Scale {
        d0: ticks[0],
        d1: ticks[ticks.len() - 1],
        r0: left,
        r1: W - right,
    };

    let mut svg = Svg::open("box", title, &desc, height);
    let axis_y = height - bottom;
    for t in &ticks {
        svg.line((x.at(*t), 4.0), (x.at(*t), axis_y), "grid", GRID);
        svg.text(x.at(*t), axis_y + bottom / 2.0, "middle", "tick", &fmt(*t));
    }
    svg.line((left, axis_y), (W - right, axis_y), "axis", AXIS);
    for (i, (label, b)) in items.iter().enumerate() {
        let mid = 4.0 + i as f64 * row + row / 2.0;
        svg.text(left - 8.0, mid, "end", "label", &fit(label, LABEL_MAX));
        svg.text(W - right + 8.0, mid, "start", "value", &medians[i]);
        if !valid(b) {
            continue;
        }
        w!(
            svg.0,
            r#"<g class="box-row"><title>{}</title>"#,
            escape(&format!("{label}: {}", summary(b)))
        );
        let (top, bot) = (mid - box_h / 2.0, mid + box_h / 2.0);
        let whisker = r#"stroke="currentColor" stroke-opacity="0.6""#;
        svg.line((x.at(b.min), mid), (x.at(b.max), mid), "whisker", whisker);
        for end in [b.min, b.max] {
            svg.line(
                (x.at(end), mid - 5.0),
                (x.at(end), mid + 5.0),
                "whisker",
                whisker,
            );
        }
        w!(
            svg.0,
            r#"<rect class="box series-0" x="{}" y="{}" width="{}" height="{}" fill="{}" fill-opacity="0.35" stroke="{0}"/>"#,
            n(x.at(b.q1.min(b.q3))),
            n(top),
            n((x.at(b.q3) - x.at(b.q1)).abs()),
            n(box_h),
            PALETTE[0]
        );
        let median = format!(r#"stroke="{}" stroke-width="2.5""#, PALETTE[0]);
        svg.line(
            (x.at(b.median), top),
            (x.at(b.median), bot),
            "median",
            &median,
        );
        if let Some(p) = b.p90 {
            w!(
                svg.0,
                r#"<path class="p90" d="M{} {}l4 4l-4 4l-4 -4z" fill="{}"/>"#,
                n(x.at(p)),
                n(mid - 4.0),
                PALETTE[1]
            );
        }
        svg.0.push_str("</g>");
    }
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(x: f64) -> String {
        trim_number(x, 1)
    }

    /// A minimal well-formedness check: balanced tags, quoted attributes, no raw `<` or stray `&`.
    fn well_formed(svg: &str) -> Result<(), String> {
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find('<') {
            check_text(&rest[..open])?;
            let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
            let tag = &rest[open + 1..close];
            if let Some(name) = tag.strip_prefix('/') {
                match stack.pop() {
                    Some(top) if top == name => {}
                    other => return Err(format!("</{name}> closes {other:?}")),
                }
            } else {
                let body = tag.strip_suffix('/').unwrap_or(tag);
                let name = body.split(' ').next().unwrap_or("");
                if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(format!("bad tag <{tag}>"));
                }
                if !body.matches('"').count().is_multiple_of(2) || body.contains('\'') {
                    return Err(format!("bad attributes in <{tag}>"));
                }
                check_text(body)?;
                if !tag.ends_with('/') {
                    stack.push(name);
                }
            }
            rest = &rest[close + 1..];
            if stack.is_empty() && !rest.is_empty() {
                return Err("content after the root element".into());
            }
        }
        match stack.is_empty() && rest.is_empty() {
            true => Ok(()),
            false => Err(format!("unclosed: {stack:?}")),
        }
    }

    fn check_text(s: &str) -> Result<(), String> {
        for (i, _) in s.match_indices('&') {
            let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"];
            if !entity.iter().any(|e| s[i..].starts_with(e)) {
                return Err(format!("stray & in {s:?}"));
            }
        }
        match s.contains('>') {
            true => Err(format!("raw > in {s:?}")),
            false => Ok(()),
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn months(values: &[Option<f64>]) -> Vec<(String, Option<f64>)> {
        let label = |i: usize| format!("{}-{:02}", 2023 + (i + 9) / 12, (i + 9) % 12 + 1);
        values
            .iter()
            .enumerate()
            .map(|(i, v)| (label(i), *v))
            .collect()
    }

    fn all_charts(label: &str, v: Option<f64>) -> Vec<String> {
        let en = &Words::EN;
        let f: Fmt = &num;
        let stats = BoxStats {
            min: v.unwrap_or(f64::NAN),
            q1: 2.0,
            median: 3.0,
            q3: 4.0,
            max: 9.0,
            p90: v,
            n: 7,
        };
        vec![
            line_trend(
                en,
                label,
                label,
                &[(label.into(), v), (label.into(), Some(2.0))],
                &[v, v],
                f,
            ),
            bars(
                en,
                label,
                label,
                &[
                    (label.into(), v.unwrap_or(f64::INFINITY)),
                    (label.into(), 1.0),
                ],
                f,
            ),
            funnel(
                en,
                label,
                label,
                &[
                    (label.into(), v.unwrap_or(f64::NAN), v),
                    (label.into(), 1.0, None),
                ],
            ),
            box_plot(en, label, &[(label.into(), stats)], f),
            timeline(
                en,
                label,
                &[Span {
                    label: label.into(),
                    start: day("2023-01-05"),
                    end: day("2023-02-10"),
                    days: 36,
                    ongoing: true,
                }],
                &|d| format!("{d} d"),
            ),
            grouped_bars(
                en,
                label,
                label,
                &[label.into()],
                &[(label.into(), vec![v, Some(1.0)])],
                f,
            ),
        ]
    }

    #[test]
    fn hostile_labels_are_escaped() {
        let hostile = r#"<script>alert("x&y's")</script>"#;
        for svg in all_charts(hostile, Some(5.0)) {
            well_formed(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
            assert!(!svg.contains("<script"), "{svg}");
            assert!(
                svg.contains("&lt;script&gt;alert(&quot;x&amp;y&apos;s&quot;)"),
                "{svg}"
            );
        }
        assert_eq!(escape("a\u{0}b\nc"), "ab c");
    }

    #[test]
    fn no_nan_or_infinity_with_missing_or_non_finite_values() {
        for v in [
            None,
            Some(f64::NAN),
            Some(f64::INFINITY),
            Some(f64::NEG_INFINITY),
        ] {
            for svg in all_charts("x", v) {
                well_formed(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
                assert!(
                    !svg.contains("NaN") && !svg.to_lowercase().contains("inf"),
                    "{svg}"
                );
            }
        }
    }

    #[test]
    fn empty_inputs_say_no_data_in_the_callers_language() {
        let zh = &Words::ZH;
        let f: Fmt = &num;
        let charts = [
            line_trend(zh, "趋势", "", &[], &[], f),
            line_trend(zh, "趋势", "", &months(&[None, None]), &[None], f),
            bars(zh, "阶段", "", &[], f),
            funnel(zh, "漏斗", "", &[("线索".into(), f64::NAN, None)]),
            box_plot(zh, "时长", &[], f),
            grouped_bars(zh, "渠道", "", &["官网".into()], &[], f),
            timeline(zh, "阶段", &[], &|d| d.to_string()),
        ];
        for svg in charts {
            well_formed(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
            assert!(
                svg.contains(">暂无数据</text>") && svg.contains("chart-empty"),
                "{svg}"
            );
            assert!(svg.contains(r#"role="img""#) && svg.contains("<desc>暂无数据</desc>"));
        }
    }

    #[test]
    fn nice_ticks_are_round_and_cover_the_range() {
        assert_eq!(
            nice_ticks(0.0, 87.0, 5),
            [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(0.0, 1.0, 5), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(nice_ticks(0.0, 0.3, 5), [0.0, 0.1, 0.2, 0.3]);
        assert_eq!(
            nice_ticks(0.0, 450_000.0, 5),
            [0.0, 100e3, 200e3, 300e3, 400e3, 500e3]
        );
        assert_eq!(
            nice_ticks(-12.0, 30.0, 5),
            [-20.0, -10.0, 0.0, 10.0, 20.0, 30.0]
        );
        assert_eq!(nice_ticks(0.0, 0.0, 5), [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(nice_ticks(5.0, 5.0, 5), [2.0, 4.0, 6.0, 8.0]);
        assert!(nice_ticks(0.0, f64::NAN, 5).is_empty());
        for (lo, hi) in [
            (0.0, 5e-324),
            (-f64::MAX, f64::MAX),
            (0.0, f64::MAX),
            (1e-300, 2e-300),
        ] {
            let ticks = nice_ticks(lo, hi, 5);
            assert!(
                ticks.len() >= 2 && ticks.iter().all(|t| t.is_finite()),
                "{ticks:?}"
            );
        }
        for hi in [1.0, 3.3, 7.0, 13.0, 87.0, 99.0, 101.0, 999.0, 12_345.0] {
            let ticks = nice_ticks(0.0, hi, 5);
            assert!((3..=6).contains(&ticks.len()), "{hi}: {ticks:?}");
            assert!(
                ticks[0] <= 0.0 && *ticks.last().unwrap() >= hi,
                "{hi}: {ticks:?}"
            );
        }
    }

    #[test]
    fn line_trend_draws_a_point_per_value_with_gaps_and_a_target() {
        let mut values = vec![Some(10.0); 12];
        values[4] = None;
        let target = vec![Some(12.0); 12];
        let svg = line_trend(&Words::EN, "Won", "", &months(&values), &target, &|v| {
            format!("{v}万")
        });
        well_formed(&svg).unwrap();
        assert_eq!(svg.matches(r#"class="point"#).count(), 11);
        let line = svg.split(r#"class="line series-0" d=""#).nth(1).unwrap();
        assert_eq!(
            line.split('"').next().unwrap().matches('M').count(),
            2,
            "one gap"
        );
        assert!(svg.contains(r#"class="target""#) && svg.contains("stroke-dasharray"));
        assert!(
            svg.contains("<desc>2023-10: 10万 (target 12万); 2023-11: 10万"),
            "{svg}"
        );
        assert!(svg.contains("2024-02: — (target 12万)"), "{svg}");
        assert!(svg.contains(r#"class="value last""#) && svg.contains(">10万</text>"));
        assert!(svg.contains(r#"viewBox="0 0 560 250" width="100%""#));
        assert!(svg.contains(r#"font-family="inherit""#) && svg.contains("<title>Won</title>"));
        let ticks = svg.matches(r#"class="tick""#).count();
        assert!((3..=7).contains(&ticks), "{ticks}");
    }

    #[test]
    fn bars_draw_one_bar_and_label_per_item() {
        let items: Vec<(String, f64)> = ["初访", "方案", "谈判"]
            .iter()
            .zip([12.0, 7.5, 0.0])
            .map(|(s, v)| (s.to_string(), v))
            .collect();
        let svg = bars(&Words::ZH, "管道", "", &items, &|v| format!("{v}万"));
        well_formed(&svg).unwrap();
        assert_eq!(svg.matches(r#"class="bar "#).count(), 3);
        assert_eq!(svg.matches(r#"class="value""#).count(), 3);
        assert!(
            svg.contains("<desc>初访: 12万; 方案: 7.5万; 谈判: 0万</desc>"),
            "{svg}"
        );
    }

    #[test]
    fn grouped_bars_have_a_bar_per_cell_and_a_legend() {
        let categories = vec!["Web".to_string(), "Referral".into(), "Fair".into()];
        let series = vec![
            ("Leads".to_string(), vec![Some(40.0), Some(12.0), None]),
            ("Won".to_string(), vec![Some(4.0), Some(3.0), Some(1.0)]),
        ];
        let svg = grouped_bars(&Words::EN, "Channels", "", &categories, &series, &num);
        well_formed(&svg).unwrap();
        assert_eq!(svg.matches(r#"class="bar series-0""#).count(), 2);
        assert_eq!(svg.matches(r#"class="bar series-1""#).count(), 3);
        assert_eq!(svg.matches(r#"class="legend series-"#).count(), 2);
        assert!(svg.contains("Fair: Leads —, Won 1</desc>"), "{svg}");
    }

    #[test]
    fn funnel_shows_counts_and_step_conversion() {
        let steps = [
            ("Leads".to_string(), 200.0, None),
            ("Qualified".into(), 50.0, Some(0.25)),
            ("Won".into(), 0.0, Some(0.0)),
        ];
        let svg = funnel(&Words::EN, "Funnel", "", &steps);
        well_formed(&svg).unwrap();
        assert_eq!(svg.matches(r#"class="step""#).count(), 3);
        assert!(
            svg.contains(">50 · 25%</text>") && svg.contains(">0 · 0%</text>"),
            "{svg}"
        );
        assert!(svg.contains("Qualified: 50 (conversion 25%)"), "{svg}");
    }

    #[test]
    fn box_plot_draws_a_box_per_valid_stage() {
        let stats = |m: f64| BoxStats {
            min: 1.0,
            q1: 2.0,
            median: m,
            q3: 8.0,
            max: 30.0,
            p90: Some(20.0),
            n: 9,
        };
        let mut broken = stats(3.0);
        broken.q1 = f64::NAN;
        let items = [
            ("Visit".to_string(), stats(3.0)),
            ("Quote".into(), broken),
            ("Close".into(), stats(5.0)),
        ];
        let svg = box_plot(&Words::EN, "Days per stage", &items, &|d| format!("{d}d"));
        well_formed(&svg).unwrap();
        assert_eq!(svg.matches(r#"class="box series-0""#).count(), 2);
        assert_eq!(svg.matches(r#"class="p90""#).count(), 2);
        assert!(
            svg.contains("Visit: median 3d, Q1 2d, Q3 8d, min 1d, max 30d, P90 20d, n=9; Quote: —")
        );
    }

    #[test]
    fn long_labels_are_shortened_but_kept_in_the_text_alternative() {
        let long = "一个非常非常非常非常非常非常非常非常长的渠道名称";
        let svg = bars(&Words::ZH, "t", "", &[(long.into(), 1.0)], &num);
        assert!(svg.contains(&format!("<desc>{long}: 1</desc>")));
        assert!(svg.contains("…</text>"));
    }

    /// The `(x, width)` of every `<rect class="{class}…"`, in order.
    fn rects(svg: &str, class: &str) -> Vec<(f64, f64)> {
        let attr = |tag: &str, name: &str| -> f64 {
            let at = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
        };
        svg.split(&format!(r#"<rect class="{class}"#))
            .skip(1)
            .map(|tag| (attr(tag, "x"), attr(tag, "width")))
            .collect()
    }

    /// The `y` of the `<text class="{class}"…>` elements.
    fn text_ys(svg: &str, class: &str) -> Vec<f64> {
        svg.split(&format!(r#"<text class="{class}" "#))
            .skip(1)
            .map(|t| {
                let at = t.find("y=\"").unwrap() + 3;
                t[at..at + t[at..].find('"').unwrap()].parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn line_trend_labels_its_target_with_the_value_and_names_its_unit() {
        let pct = |v: f64| percent(v);
        let values = [Some(0.083), Some(0.14), Some(0.12)];
        let target = [Some(0.12), Some(0.14), Some(0.15)];
        let svg = line_trend(
            &Words::ZH,
            "线索转化率",
            "单位：%",
            &months(&values),
            &target,
            &pct,
        );
        well_formed(&svg).unwrap();
        // The last target, with its word, right of the line's end; the unit top left.
        assert!(svg.contains(r#"class="target-label""#), "{svg}");
        assert!(svg.contains(">目标 15%</text>"), "{svg}");
        assert!(svg.contains(r#"<text class="unit" x="4" y="11""#), "{svg}");
        assert!(svg.contains(">单位：%</text>"), "{svg}");
        // 12% and 15% are 3 points apart on a 0–15% axis of 188 px: 37.6 px, so the
        // labels stay at their points (no nudge).
        let (value, goal) = (text_ys(&svg, "value last"), text_ys(&svg, "target-label"));
        assert_eq!((value.len(), goal.len()), (1, 1));
        assert!(
            (value[0] - goal[0] - 37.6).abs() < 0.2,
            "{value:?} {goal:?}"
        );

        // 12% against a 12.5% target: 6.3 px apart, pushed to a line (15) apart.
        let svg = line_trend(
            &Words::EN,
            "Conversion",
            "",
            &months(&values),
            &[None, None, Some(0.125)],
            &pct,
        );
        let (value, goal) = (text_ys(&svg, "value last"), text_ys(&svg, "target-label"));
        assert!(svg.contains(">target 12.5%</text>"), "{svg}");
        assert!(
            (value[0] - goal[0] - (FONT + 2.0)).abs() < 0.2,
            "{value:?} {goal:?}"
        );
        assert!(!svg.contains(r#"class="unit""#), "no unit, no caption");
    }

    #[test]
    fn bars_reserve_a_row_for_the_unit_above_the_legend() {
        let series = vec![
            ("新增线索".to_string(), vec![Some(29.0), Some(28.0)]),
            ("成交数".to_string(), vec![Some(6.0), Some(4.0)]),
        ];
        let cats = ["行业展会".to_string(), "线上研讨会".into()];
        let with = grouped_bars(&Words::ZH, "渠道", "单位：个", &cats, &series, &num);
        let without = grouped_bars(&Words::ZH, "渠道", "", &cats, &series, &num);
        assert!(with.contains(">单位：个</text>"));
        // The legend and the bars move down by the unit's row, 22 units.
        assert_eq!(text_ys(&with, "legend"), [36.0, 36.0]);
        assert_eq!(text_ys(&without, "legend"), [14.0, 14.0]);
        let (a, b) = (
            rects(&with, "bar series-0"),
            rects(&without, "bar series-0"),
        );
        assert_eq!(a, b, "same x and width");
        // 28 (legend) + 2 groups × 40 + 4 = 112, and 22 more for the unit.
        assert!(with.contains(r#"viewBox="0 0 560 134""#), "{with}");
        assert!(without.contains(r#"viewBox="0 0 560 112""#), "{without}");
    }

    #[test]
    fn timeline_draws_each_entry_from_its_start_to_its_end() {
        let spans = [
            ("Lead", "2023-01-05", "2023-01-07", 2, false),
            ("Qualify", "2023-01-07", "2023-02-10", 34, false),
            ("Won", "2023-02-10", "2023-03-31", 49, true),
        ]
        .map(|(label, a, b, days, ongoing)| Span {
            label: label.into(),
            start: day(a),
            end: day(b),
            days,
            ongoing,
        });
        let svg = timeline(&Words::EN, "Stages", &spans, &|d| format!("{d} d"));
        well_formed(&svg).unwrap();
        assert!(svg.contains(r#"class="chart chart-timeline""#) && svg.contains(r#"role="img""#));
        assert!(svg.contains(
            "<desc>Lead: 2023-01-05 – 2023-01-07 · 2 d; Qualify: 2023-01-07 – 2023-02-10 · 34 d; \
             Won: 2023-02-10 – 2023-03-31 · 49 d (ongoing)</desc>"
        ));
        // Labels 7 wide at most ("Qualify": 7 × 0.6 × 13 = 54.6) + 16: the plot runs from
        // 70.6 to 552 over the 85 days from 5 January to 31 March, 5.6635 units a day.
        let bars = rects(&svg, "bar span ");
        let per_day = (552.0 - 70.6) / 85.0;
        let expect = [(0.0, 2.0), (2.0, 34.0), (36.0, 49.0)];
        assert_eq!(bars.len(), 3);
        for ((x, w), (from, days)) in bars.iter().zip(expect) {
            assert!((x - (70.6 + from * per_day)).abs() < 0.1, "{bars:?}");
            assert!((w - days * per_day).abs() < 0.1, "{bars:?}");
        }
        assert_eq!(rects(&svg, "bar span ongoing").len(), 1);
        assert!(svg.contains(">2023-02-10 – 2023-03-31 · 49 d (ongoing)</text>"));
        // Month starts inside the range are the ticks.
        assert_eq!(svg.matches(r#"<text class="tick""#).count(), 2);
        assert!(svg.contains(">2023-02</text>") && svg.contains(">2023-03</text>"));

        // A single-day history still has a visible bar and its dates as the axis.
        let one = [Span {
            label: "Lead".into(),
            start: day("2023-10-31"),
            end: day("2023-10-31"),
            days: 0,
            ongoing: true,
        }];
        let svg = timeline(&Words::ZH, "阶段", &one, &|d| format!("{d}天"));
        well_formed(&svg).unwrap();
        assert_eq!(rects(&svg, "bar span ")[0].1, 3.0);
        assert!(
            svg.contains(">2023-10-31 – 2023-10-31 · 0天 (进行中)</text>"),
            "{svg}"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_input_gives_well_formed_svg(
            labels in proptest::collection::vec("\\PC{0,12}", 0..6),
            values in proptest::collection::vec(proptest::option::of(proptest::num::f64::ANY), 0..6),
        ) {
            let items: Vec<(String, f64)> =
                labels.iter().zip(&values).map(|(l, v)| (l.clone(), v.unwrap_or(1.0))).collect();
            let points: Vec<(String, Option<f64>)> =
                labels.iter().cloned().zip(values.iter().copied()).collect();
            let svgs = [
                line_trend(&Words::EN, "t", "u", &points, &values, &num),
                bars(&Words::EN, "t", "u", &items, &num),
                funnel(
                    &Words::EN,
                    "t",
                    "u",
                    &items.iter().map(|(l, v)| (l.clone(), *v, Some(*v))).collect::<Vec<_>>(),
                ),
                grouped_bars(&Words::EN, "t", "u", &labels, &[("s".into(), values.clone())], &num),
            ];
            for svg in svgs {
                proptest::prop_assert!(well_formed(&svg).is_ok(), "{:?}\n{}", well_formed(&svg), svg);
                let coords = svg.split('"').filter(|a| a.contains("NaN") || a == &"inf");
                let bad: Vec<&str> = coords.collect(); proptest::prop_assert!(bad.is_empty(), "{:?}", bad);
            }
        }
    }
}
