//! `cases/<id>.md`: 案例复盘总结表, the case library (SPEC §2.6).

use chrono::NaiveDate;

use super::{Extra, Meta};
use crate::source::Sp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseResult {
    Success,
    Failure,
}

impl CaseResult {
    pub const ALL: [&'static str; 2] = ["success", "failure"];
    pub const VALUES: [CaseResult; 2] = [CaseResult::Success, CaseResult::Failure];
    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

#[derive(Debug, Clone)]
pub struct Case {
    pub meta: Meta,
    pub title: String,
    pub date: Sp<NaiveDate>,
    pub result: CaseResult,
    pub deal: Option<Sp<String>>,
    pub industry: Option<String>,
    pub stage: Option<Sp<String>>,
    pub tags: Vec<String>,
    pub lessons: Vec<String>,
    pub improvements: Vec<String>,
    pub author: Option<Sp<String>>,
    pub shareable: bool,
    pub body: String,
    /// Byte offset of the body in the file, for pointing into it.
    pub body_offset: usize,
    pub extra: Extra,
}
