//! `customers/<id>.md`: table 2, 客户信息档案表 (SPEC §2.3).

use super::{Extra, Grade, Meta};
use crate::source::Sp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Buyer,
    Technical,
    Executive,
    Finance,
    User,
    Other,
}

impl Role {
    pub const ALL: [&'static str; 6] = [
        "buyer",
        "technical",
        "executive",
        "finance",
        "user",
        "other",
    ];
    pub const VALUES: [Role; 6] = [
        Role::Buyer,
        Role::Technical,
        Role::Executive,
        Role::Finance,
        Role::User,
        Role::Other,
    ];
    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RiskKind {
    Competition,
    Budget,
    Timing,
    Technical,
    Other,
}

impl RiskKind {
    pub const ALL: [&'static str; 5] = ["competition", "budget", "timing", "technical", "other"];
    pub const VALUES: [RiskKind; 5] = [
        RiskKind::Competition,
        RiskKind::Budget,
        RiskKind::Timing,
        RiskKind::Technical,
        RiskKind::Other,
    ];
    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

#[derive(Debug, Clone)]
pub struct DecisionMaker {
    pub name: String,
    pub title: String,
    pub role: Role,
    pub concerns: Option<String>,
    pub phone: Option<Sp<String>>,
    pub email: Option<Sp<String>>,
}

#[derive(Debug, Clone)]
pub struct Risk {
    pub kind: RiskKind,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Customer {
    pub meta: Meta,
    pub name: String,
    /// Other names people write for the customer (short names, English, pinyin):
    /// confidential like `name` for the shared audience (SPEC §6).
    pub aliases: Vec<String>,
    pub industry: String,
    pub annual_revenue: Option<f64>,
    pub employees: Option<f64>,
    pub owner: Sp<String>,
    pub lead: Option<Sp<String>>,
    pub priority: Option<Grade>,
    pub pain_points: Vec<String>,
    pub decision_chain: Vec<String>,
    pub progress: Option<String>,
    pub decision_makers: Vec<DecisionMaker>,
    pub risks: Vec<Risk>,
    /// The Markdown notes after the front matter.
    pub body: String,
    pub extra: Extra,
}
