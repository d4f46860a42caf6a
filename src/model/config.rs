//! `pipeline.toml`: team, SLAs, owners, channels, stages, grading rules (SPEC §2.1).

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::{Extra, Meta};
use crate::source::Span;

#[derive(Debug, Clone)]
pub struct Config {
    pub meta: Meta,
    pub team: Team,
    pub sla: Sla,
    pub process: Process,
    pub completion: Completion,
    pub owners: Vec<Owner>,
    pub channels: Vec<Channel>,
    pub stages: Vec<StageDef>,
    pub grading: Vec<GradingRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Zh,
    En,
}

#[derive(Debug, Clone)]
pub struct Team {
    pub name: String,
    pub language: Language,
    pub currency: String,
    pub amount_unit: f64,
    pub amount_unit_label: String,
    pub timezone: Tz,
    pub as_of: Option<NaiveDate>,
    pub extra: Extra,
}

#[derive(Debug, Clone)]
pub struct Sla {
    pub first_contact_hours: f64,
    pub minutes_hours: f64,
    pub nurture_interactions_per_week: f64,
    pub stale_days: i64,
    pub update_hours: f64,
}

impl Default for Sla {
    fn default() -> Self {
        Sla {
            first_contact_hours: 24.0,
            minutes_hours: 24.0,
            nurture_interactions_per_week: 1.0,
            stale_days: 14,
            update_hours: 24.0,
        }
    }
}

/// `[completion]`: how a KPI's completion reads on the site — met (at or above
/// 100 %), near (at or above `near`) or missed (below it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Completion {
    pub near: f64,
}

impl Default for Completion {
    fn default() -> Self {
        Completion { near: 0.9 }
    }
}

impl Completion {
    /// `met`, `near` or `missed` for a completion (a fraction; 1 is the target).
    pub fn signal(&self, completion: f64) -> &'static str {
        if completion >= 1.0 {
            "met"
        } else if completion >= self.near {
            "near"
        } else {
            "missed"
        }
    }
}

/// `[process]`: where the team's own process begins (SPEC §2.1).
#[derive(Debug, Clone, Default)]
pub struct Process {
    /// Records that started before this day are history brought in from
    /// elsewhere: counted in every figure, exempt from the process rules.
    pub since: Option<NaiveDate>,
}

impl Process {
    /// Whether something that started on `start` is history from before `since`.
    pub fn is_history(&self, start: NaiveDate) -> bool {
        self.since.is_some_and(|since| start < since)
    }
}

#[derive(Debug, Clone)]
pub struct Owner {
    pub id: String,
    pub span: Span,
    pub name: String,
    pub region: Option<String>,
    pub team: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChannelGroup {
    Event,
    Partner,
    Content,
    Referral,
    Other,
}

impl ChannelGroup {
    pub const ALL: [&'static str; 5] = ["event", "partner", "content", "referral", "other"];
    pub const VALUES: [ChannelGroup; 5] = [
        ChannelGroup::Event,
        ChannelGroup::Partner,
        ChannelGroup::Content,
        ChannelGroup::Referral,
        ChannelGroup::Other,
    ];
    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

#[derive(Debug, Clone)]
pub struct Channel {
    pub id: String,
    pub span: Span,
    pub name: String,
    pub group: ChannelGroup,
}

#[derive(Debug, Clone)]
pub struct StageDef {
    pub id: String,
    pub span: Span,
    pub name: String,
    pub name_en: Option<String>,
    pub core: bool,
    pub closing: bool,
    pub outputs: Vec<String>,
    pub probability: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grade {
    High,
    Medium,
    Low,
}

impl Grade {
    pub const ALL: [&'static str; 3] = ["high", "medium", "low"];
    pub const VALUES: [Grade; 3] = [Grade::High, Grade::Medium, Grade::Low];
    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

/// A grading rule: every condition given must hold.
#[derive(Debug, Clone)]
pub struct GradingRule {
    pub grade: Grade,
    pub min_annual_revenue: Option<f64>,
    pub budget_confirmed: Option<bool>,
    pub min_match: Option<f64>,
}

impl StageDef {
    /// The stage's name in the UI language (`name_en` when English and given).
    pub fn label(&self, language: Language) -> &str {
        match (language, &self.name_en) {
            (Language::En, Some(en)) => en,
            _ => &self.name,
        }
    }
}

impl Config {
    /// A stage's label by id; the id itself for an unknown stage.
    pub fn stage_label(&self, id: &str) -> String {
        self.stages.iter().find(|s| s.id == id).map_or_else(
            || id.to_string(),
            |s| s.label(self.team.language).to_string(),
        )
    }
    /// An owner's name; the id itself for an unknown owner.
    pub fn owner_name(&self, id: &str) -> String {
        self.owner(id)
            .map_or_else(|| id.to_string(), |o| o.name.clone())
    }
    /// A channel's name; the id itself for an unknown channel.
    pub fn channel_name(&self, id: &str) -> String {
        self.channel(id)
            .map_or_else(|| id.to_string(), |c| c.name.clone())
    }
    pub fn owner(&self, id: &str) -> Option<&Owner> {
        self.owners.iter().find(|o| o.id == id)
    }
    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }
    /// Position of a stage in the process order.
    pub fn stage_index(&self, id: &str) -> Option<usize> {
        self.stages.iter().position(|s| s.id == id)
    }
    /// Position of the stage that ends with signing.
    pub fn closing_index(&self) -> Option<usize> {
        self.stages.iter().position(|s| s.closing)
    }
}

impl Default for Config {
    /// The defaults of SPEC §2.1, with no owners.
    fn default() -> Self {
        Config {
            meta: Meta {
                id: "pipeline".into(),
                file: crate::source::FileId(0),
                span: 0..0,
            },
            team: Team {
                name: String::new(),
                language: Language::Zh,
                currency: "CNY".into(),
                amount_unit: 1.0,
                amount_unit_label: String::new(),
                timezone: chrono_tz::Asia::Shanghai,
                as_of: None,
                extra: Extra::new(),
            },
            sla: Sla::default(),
            process: Process::default(),
            completion: Completion::default(),
            owners: Vec::new(),
            channels: default_channels(),
            stages: default_stages(),
            grading: default_grading(),
        }
    }
}

pub fn default_channels() -> Vec<Channel> {
    use ChannelGroup::*;
    [
        ("trade_show", "行业展会", Event),
        ("webinar", "线上研讨会", Event),
        ("agent", "代理商", Partner),
        ("association", "行业协会", Partner),
        ("whitepaper", "白皮书", Content),
        ("case_study", "案例研究", Content),
        ("referral", "客户转介绍", Referral),
        ("other", "其他", Other),
    ]
    .into_iter()
    .map(|(id, name, group)| Channel {
        id: id.into(),
        span: 0..0,
        name: name.into(),
        group,
    })
    .collect()
}

pub fn default_stages() -> Vec<StageDef> {
    let s = |id: &str, name: &str, name_en: &str, core, closing, outputs: &[&str], p| StageDef {
        id: id.into(),
        span: 0..0,
        name: name.into(),
        name_en: Some(name_en.into()),
        core,
        closing,
        outputs: outputs.iter().map(|o| o.to_string()).collect(),
        probability: p,
    };
    vec![
        s(
            "lead",
            "线索获取与筛选",
            "Lead capture & screening",
            false,
            false,
            &["线索来源登记表", "线索分级与跟进计划表"],
            0.05,
        ),
        s(
            "nurture",
            "客户深度培育",
            "Nurturing & needs discovery",
            true,
            false,
            &["客户信息档案表", "需求挖掘与风险评估记录"],
            0.10,
        ),
        s(
            "proposal",
            "方案制定与呈现",
            "Solution design & presentation",
            true,
            false,
            &["定制化解决方案书", "方案沟通会议纪要"],
            0.30,
        ),
        s(
            "negotiation",
            "商务谈判与成交",
            "Negotiation & closing",
            false,
            true,
            &["谈判记录表", "销售合同", "订单交接单"],
            0.60,
        ),
        s(
            "fulfilment",
            "履约与售后维护",
            "Fulfilment & after-sales",
            false,
            false,
            &["履约进度跟踪表", "客户验收报告", "售后回访记录"],
            1.0,
        ),
    ]
}

pub fn default_grading() -> Vec<GradingRule> {
    vec![
        GradingRule {
            grade: Grade::High,
            min_annual_revenue: Some(50_000_000.0),
            budget_confirmed: Some(true),
            min_match: Some(70.0),
        },
        GradingRule {
            grade: Grade::Medium,
            min_annual_revenue: Some(10_000_000.0),
            budget_confirmed: None,
            min_match: Some(50.0),
        },
    ]
}
