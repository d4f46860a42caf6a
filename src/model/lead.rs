//! `leads/<id>.toml`: table 1, 线索来源登记表 (SPEC §2.2).

use chrono::NaiveDate;

use super::{Extra, Grade, Meta, Stamp};
use crate::source::Sp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeadStatus {
    New,
    Contacted,
    Nurturing,
    Converted,
    Invalid,
}

impl LeadStatus {
    pub const ALL: [&'static str; 5] = ["new", "contacted", "nurturing", "converted", "invalid"];
    pub const VALUES: [LeadStatus; 5] = [
        LeadStatus::New,
        LeadStatus::Contacted,
        LeadStatus::Nurturing,
        LeadStatus::Converted,
        LeadStatus::Invalid,
    ];
    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

/// A person to reach; phone and email are personal data (SPEC §6).
#[derive(Debug, Clone)]
pub struct Contact {
    pub name: String,
    pub title: String,
    pub phone: Option<Sp<String>>,
    pub email: Option<Sp<String>>,
}

#[derive(Debug, Clone)]
pub struct Lead {
    pub meta: Meta,
    pub source: Sp<String>,
    pub acquired: Sp<NaiveDate>,
    pub company: String,
    pub industry: String,
    pub contact: Contact,
    pub needs: Vec<String>,
    pub owner: Sp<String>,
    pub assigned: Option<Sp<Stamp>>,
    pub first_contact: Option<Sp<Stamp>>,
    pub status: Sp<LeadStatus>,
    pub invalid_reason: Option<String>,
    pub annual_revenue: Option<f64>,
    pub budget_confirmed: Option<bool>,
    pub match_score: Option<f64>,
    pub grade: Option<Sp<Grade>>,
    pub region: Option<String>,
    pub extra: Extra,
}
