//! `months/YYYY-MM.md`: table 4 targets, analysis and next-period plan (SPEC §2.5).

use chrono::NaiveDate;

use super::{Extra, Meta};
use crate::source::{Sp, Span};

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    /// 1–12
    pub month: u32,
}

impl YearMonth {
    pub fn of(date: NaiveDate) -> Self {
        use chrono::Datelike;
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Self> {
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let ym = YearMonth {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
        };
        (1..=12).contains(&ym.month).then_some(ym)
    }

    /// The month `n` months later (earlier when negative).
    pub fn plus(self, n: i32) -> Self {
        let idx = self.year * 12 + self.month as i32 - 1 + n;
        YearMonth {
            year: idx.div_euclid(12),
            month: idx.rem_euclid(12) as u32 + 1,
        }
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[derive(Debug, Clone)]
pub struct Assertion {
    pub span: Span,
    pub kpi: Sp<String>,
    pub equals: Option<f64>,
    pub tolerance: f64,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanArea {
    Process,
    Resources,
    Training,
    Target,
}

impl PlanArea {
    pub const ALL: [&'static str; 4] = ["process", "resources", "training", "target"];
    pub const VALUES: [PlanArea; 4] = [
        PlanArea::Process,
        PlanArea::Resources,
        PlanArea::Training,
        PlanArea::Target,
    ];
    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

#[derive(Debug, Clone)]
pub struct PlanItem {
    pub area: PlanArea,
    pub action: String,
    pub owner: Option<Sp<String>>,
    pub due: Option<NaiveDate>,
    pub done: bool,
}

/// KPI key → target, in file order.
pub type TargetList = Vec<(Sp<String>, f64)>;

#[derive(Debug, Clone)]
pub struct Month {
    pub meta: Meta,
    /// `None` when the file stem is not `YYYY-MM` (an error).
    pub month: Option<YearMonth>,
    pub targets: TargetList,
    /// `[targets.owners.<id>]`: an owner's targets for their scorecard, by owner
    /// id, each KPI key → target in file order.
    pub owner_targets: Vec<(Sp<String>, TargetList)>,
    pub analysis: Vec<(Sp<String>, String)>,
    pub asserts: Vec<Assertion>,
    pub plan: Vec<PlanItem>,
    pub body: String,
    pub extra: Extra,
}
