//! `deals/<id>.toml`: table 3, 销售阶段评估表 (SPEC §2.4).

use chrono::NaiveDate;

use super::{Extra, Meta, Stamp};
use crate::source::{Sp, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DealStatus {
    Open,
    Won,
    Lost,
}

impl DealStatus {
    pub const ALL: [&'static str; 3] = ["open", "won", "lost"];
    pub const VALUES: [DealStatus; 3] = [DealStatus::Open, DealStatus::Won, DealStatus::Lost];
    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

#[derive(Debug, Clone)]
pub struct StageEntry {
    /// The `[[stages]]` table as a whole.
    pub span: Span,
    pub stage: Sp<String>,
    pub entered: Sp<NaiveDate>,
    pub completed: Option<Sp<NaiveDate>>,
    pub actions: Vec<String>,
    pub outputs: Vec<String>,
    pub owner: Option<Sp<String>>,
    pub presented: Option<Sp<Stamp>>,
    pub minutes_sent: Option<Sp<Stamp>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActivityKind {
    Call,
    Email,
    Meeting,
    Visit,
    Webinar,
    Content,
    Other,
}

impl ActivityKind {
    pub const ALL: [&'static str; 7] = [
        "call", "email", "meeting", "visit", "webinar", "content", "other",
    ];
    pub const VALUES: [ActivityKind; 7] = [
        ActivityKind::Call,
        ActivityKind::Email,
        ActivityKind::Meeting,
        ActivityKind::Visit,
        ActivityKind::Webinar,
        ActivityKind::Content,
        ActivityKind::Other,
    ];
    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

#[derive(Debug, Clone)]
pub struct Activity {
    pub date: Sp<NaiveDate>,
    pub kind: ActivityKind,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentKind {
    Prepayment,
    Progress,
    Final,
}

impl PaymentKind {
    pub const ALL: [&'static str; 3] = ["prepayment", "progress", "final"];
    pub const VALUES: [PaymentKind; 3] = [
        PaymentKind::Prepayment,
        PaymentKind::Progress,
        PaymentKind::Final,
    ];
    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

#[derive(Debug, Clone)]
pub struct Payment {
    pub span: Span,
    pub kind: PaymentKind,
    pub amount: Sp<f64>,
    pub due: Sp<NaiveDate>,
    pub received: Option<Sp<NaiveDate>>,
}

#[derive(Debug, Clone)]
pub struct Visit {
    pub date: Sp<NaiveDate>,
    pub satisfaction: Option<f64>,
    pub note: Option<String>,
    pub upsell: bool,
}

#[derive(Debug, Clone)]
pub struct Deal {
    pub meta: Meta,
    pub customer: Sp<String>,
    pub title: Option<String>,
    pub owner: Sp<String>,
    pub lead: Option<Sp<String>>,
    pub amount: Option<Sp<f64>>,
    pub expected_close: Option<NaiveDate>,
    pub status: Sp<DealStatus>,
    pub closed: Option<Sp<NaiveDate>>,
    pub lost_reason: Option<String>,
    pub stages: Vec<StageEntry>,
    pub activities: Vec<Activity>,
    pub payments: Vec<Payment>,
    pub visits: Vec<Visit>,
    pub extra: Extra,
}
