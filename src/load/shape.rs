//! The fields of every record kind: name, type, required-ness and meaning.
//!
//! One source of truth: the loader reads a table through the [`Shape`] it
//! declares (unknown keys are the ones not listed here), in debug builds every
//! read is checked against the declared type, and `salesbook schema` writes
//! these same shapes as JSON Schemas for editors.

use crate::model::*;

/// What a field's value is.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    String,
    /// A string following the id rule (it becomes part of page paths).
    Id,
    Strings,
    Bool,
    /// A TOML date (a date-time counts by its date in the team's zone).
    Date,
    /// A TOML date-time, with or without an offset.
    DateTime,
    Number {
        min: Option<f64>,
        max: Option<f64>,
    },
    /// A string, one of these.
    Choice(&'static [&'static str]),
    Table(&'static Shape),
    /// An array of tables (`[[key]]`).
    Tables(&'static Shape),
}

/// What the keys of a free-form table are (checked after loading).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    /// KPI keys of SPEC §4.
    Kpi,
    /// Owner ids of pipeline.toml.
    Owner,
}

/// One key of a table.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub zh: &'static str,
    pub en: &'static str,
}

/// A TOML table: its fields, and what else it may hold.
#[derive(Debug)]
pub struct Shape {
    /// What the table is, for messages: "lead", "stage entry", "[sla]", …
    pub what: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub fields: &'static [Field],
    /// Keys of a free-form table and their values' type.
    pub others: Option<(Keys, Ty)>,
    /// An `[extra]` table of custom fields is allowed.
    pub extra: bool,
}

impl Shape {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The names of the declared fields, for "allowed fields: …".
    pub fn names(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.name).collect()
    }
}

const fn req(name: &'static str, ty: Ty, zh: &'static str, en: &'static str) -> Field {
    Field {
        name,
        ty,
        required: true,
        zh,
        en,
    }
}

const fn opt(name: &'static str, ty: Ty, zh: &'static str, en: &'static str) -> Field {
    Field {
        name,
        ty,
        required: false,
        zh,
        en,
    }
}

const fn record(
    what: &'static str,
    zh: &'static str,
    en: &'static str,
    fields: &'static [Field],
) -> Shape {
    Shape {
        what,
        zh,
        en,
        fields,
        others: None,
        extra: true,
    }
}

const fn part(
    what: &'static str,
    zh: &'static str,
    en: &'static str,
    fields: &'static [Field],
) -> Shape {
    Shape {
        what,
        zh,
        en,
        fields,
        others: None,
        extra: false,
    }
}

const fn free(
    what: &'static str,
    zh: &'static str,
    en: &'static str,
    keys: Keys,
    others: Ty,
) -> Shape {
    Shape {
        what,
        zh,
        en,
        fields: &[],
        others: Some((keys, others)),
        extra: false,
    }
}

/// The largest amount (yuan): 10^15 is far beyond any deal, keeps whole yuan
/// exact in an f64 and lets millions of them add up without overflowing to
/// infinity (1e308 was accepted and a page showed a 300-digit number).
pub const MAX_AMOUNT: f64 = 1e15;

/// An amount in yuan.
pub const AMOUNT: Ty = Ty::Number {
    min: Some(0.0),
    max: Some(MAX_AMOUNT),
};
/// A 0–100 score or percentage.
pub const PERCENT: Ty = Ty::Number {
    min: Some(0.0),
    max: Some(100.0),
};
/// A fraction from 0 to 1.
pub const FRACTION: Ty = Ty::Number {
    min: Some(0.0),
    max: Some(1.0),
};
/// Zero or more (hours, days, a tolerance).
pub const NON_NEGATIVE: Ty = Ty::Number {
    min: Some(0.0),
    max: None,
};
pub const NUMBER: Ty = Ty::Number {
    min: None,
    max: None,
};

// ---- pipeline.toml (SPEC §2.1) ----------------------------------------------------

pub const TEAM: Shape = record(
    "[team]",
    "团队",
    "The team",
    &[
        req("name", Ty::String, "团队名称", "Team name"),
        opt(
            "language",
            Ty::Choice(&["zh", "en"]),
            "站点界面语言，默认 zh",
            "The site's UI language; default zh",
        ),
        opt(
            "currency",
            Ty::String,
            "币种，默认 CNY",
            "Currency; default CNY",
        ),
        opt(
            "amount_unit",
            Ty::Number {
                min: Some(1.0),
                max: Some(1e12),
            },
            "金额显示单位：金额除以此数（10000 显示为万）",
            "Amounts are shown divided by this (10000 shows 万)",
        ),
        opt(
            "amount_unit_label",
            Ty::String,
            "金额单位名称，如“万”",
            "The unit's label, e.g. 万",
        ),
        opt(
            "timezone",
            Ty::String,
            "IANA 时区，默认 Asia/Shanghai",
            "IANA time zone; default Asia/Shanghai",
        ),
        opt(
            "as_of",
            Ty::Date,
            "报告日期，默认今天（--as-of 优先）",
            "The report date; default today (--as-of overrides)",
        ),
    ],
);

pub const SLA: Shape = part(
    "[sla]",
    "服务时限",
    "Service levels",
    &[
        opt(
            "first_contact_hours",
            NON_NEGATIVE,
            "分配后首次联系的时限（小时），默认 24",
            "Hours from assignment to first contact; default 24",
        ),
        opt(
            "minutes_hours",
            NON_NEGATIVE,
            "方案演示后发送会议纪要的时限（小时），默认 24",
            "Hours from a presentation to its minutes; default 24",
        ),
        opt(
            "nurture_interactions_per_week",
            NON_NEGATIVE,
            "培育阶段每周至少互动次数，默认 1",
            "Nurture interactions per started week; default 1",
        ),
        opt(
            "stale_days",
            NON_NEGATIVE,
            "未结商机无事件超过此天数即为停滞，默认 14",
            "An open deal with no event for this many days is stale; default 14",
        ),
        opt(
            "update_hours",
            NON_NEGATIVE,
            "事件发生后应提交到 git 的时限（小时），默认 24",
            "Hours within which an event should be committed; default 24",
        ),
    ],
);

pub const PROCESS: Shape = part(
    "[process]",
    "流程",
    "The process",
    &[opt(
        "since",
        Ty::Date,
        "开始在此记录流程的日期：之前的记录计入指标，但不检查流程规则",
        "The day the team started keeping its process here: older records count, process rules are not checked on them",
    )],
);

pub const COMPLETION: Shape = part(
    "[completion]",
    "完成率分级",
    "Completion bands",
    &[opt(
        "near",
        FRACTION,
        "完成率达到此值为“接近”（0–1），默认 0.9",
        "A completion at or above this (0–1) is near the target; default 0.9",
    )],
);

pub const OWNER: Shape = part(
    "owner",
    "销售负责人",
    "A sales rep",
    &[
        req(
            "id",
            Ty::Id,
            "编号，记录中以此引用",
            "Id, used by records to name the rep",
        ),
        req("name", Ty::String, "姓名", "Name"),
        opt("region", Ty::String, "区域", "Region"),
        opt("team", Ty::String, "小组", "Team"),
    ],
);

pub const CHANNEL: Shape = part(
    "channel",
    "线索来源渠道",
    "A lead source",
    &[
        req(
            "id",
            Ty::Id,
            "编号，线索的 source 引用它",
            "Id, named by a lead's source",
        ),
        req("name", Ty::String, "名称", "Name"),
        opt(
            "group",
            Ty::Choice(&ChannelGroup::ALL),
            "渠道分组，默认 other",
            "Channel group; default other",
        ),
    ],
);

pub const STAGE: Shape = part(
    "stage",
    "销售阶段",
    "A deal stage",
    &[
        req(
            "id",
            Ty::Id,
            "编号，阶段记录的 stage 引用它",
            "Id, named by a stage entry",
        ),
        req("name", Ty::String, "名称", "Name"),
        opt(
            "name_en",
            Ty::String,
            "英文名称（language = \"en\" 时使用）",
            "English name, used with language = \"en\"",
        ),
        opt(
            "core",
            Ty::Bool,
            "核心阶段，不可跳过",
            "A core stage may not be skipped",
        ),
        opt(
            "closing",
            Ty::Bool,
            "签约阶段：恰有一个阶段为 true",
            "The stage that ends with signing: exactly one",
        ),
        opt(
            "outputs",
            Ty::Strings,
            "阶段应有的产出",
            "The outputs expected of the stage",
        ),
        opt(
            "probability",
            FRACTION,
            "处于此阶段的商机赢单概率（0–1），用于加权预测",
            "Chance (0–1) that a deal in this stage is won, for the weighted pipeline",
        ),
    ],
);

pub const GRADING: Shape = part(
    "grading rule",
    "线索分级规则（第一条符合的规则生效）",
    "A lead grading rule (the first that matches wins)",
    &[
        req("grade", Ty::Choice(&Grade::ALL), "等级", "Grade"),
        opt(
            "min_annual_revenue",
            AMOUNT,
            "最低年营收（元）",
            "Minimum annual revenue (yuan)",
        ),
        opt(
            "budget_confirmed",
            Ty::Bool,
            "须有明确采购预算",
            "A confirmed budget is required",
        ),
        opt(
            "min_match",
            PERCENT,
            "最低需求匹配度（0–100）",
            "Minimum needs match (0–100)",
        ),
    ],
);

pub const PIPELINE: Shape = Shape {
    extra: false,
    ..part(
        "pipeline.toml",
        "salesbook 配置：团队、负责人、渠道、阶段、分级规则、时限",
        "salesbook configuration: team, owners, channels, stages, grading, service levels",
        &[
            req("team", Ty::Table(&TEAM), "团队", "The team"),
            opt("sla", Ty::Table(&SLA), "服务时限", "Service levels"),
            opt("process", Ty::Table(&PROCESS), "流程", "The process"),
            opt(
                "completion",
                Ty::Table(&COMPLETION),
                "完成率分级",
                "Completion bands",
            ),
            req(
                "owners",
                Ty::Tables(&OWNER),
                "销售负责人，至少一位",
                "Sales reps, at least one",
            ),
            opt(
                "channels",
                Ty::Tables(&CHANNEL),
                "线索来源渠道；缺省为默认渠道",
                "Lead sources; absent: the default channels",
            ),
            opt(
                "stages",
                Ty::Tables(&STAGE),
                "销售阶段，按流程顺序；缺省为默认五个阶段",
                "Deal stages in process order; absent: the default five",
            ),
            opt(
                "grading",
                Ty::Tables(&GRADING),
                "线索分级规则；缺省为默认两条",
                "Lead grading rules; absent: the default two",
            ),
        ],
    )
};

// ---- lead (SPEC §2.2) -------------------------------------------------------------

pub const CONTACT: Shape = part(
    "contact",
    "联系人（个人信息）",
    "The contact (personal data)",
    &[
        req("name", Ty::String, "联系人", "Name"),
        req("title", Ty::String, "职位", "Title"),
        opt(
            "phone",
            Ty::String,
            "电话：6–20 个数字、空格或 + - ( )，至少 6 位数字",
            "Phone: 6–20 digits, spaces and + - ( ), at least 6 digits",
        ),
        opt("email", Ty::String, "邮箱", "Email"),
    ],
);

pub const LEAD: Shape = record(
    "lead",
    "线索（表 1：线索来源登记表）",
    "A lead (table 1: lead register)",
    &[
        req(
            "source",
            Ty::String,
            "来源渠道（pipeline.toml 的渠道编号）",
            "Source: a channel id of pipeline.toml",
        ),
        req("acquired", Ty::Date, "获取时间", "Date acquired"),
        req("company", Ty::String, "客户名称", "Company"),
        req("industry", Ty::String, "行业", "Industry"),
        req("contact", Ty::Table(&CONTACT), "联系人", "Contact"),
        opt("needs", Ty::Strings, "需求标签", "Needs"),
        req("owner", Ty::String, "负责人（负责人编号）", "Owner id"),
        opt(
            "assigned",
            Ty::DateTime,
            "分配给负责人的时间",
            "When it was assigned to the owner",
        ),
        opt(
            "first_contact",
            Ty::DateTime,
            "分配后首次联系的时间",
            "First call or mail after assignment",
        ),
        req(
            "status",
            Ty::Choice(&LeadStatus::ALL),
            "状态：新 / 已触达 / 待培育 / 已转化 / 无效线索",
            "Status",
        ),
        opt(
            "invalid_reason",
            Ty::String,
            "无效原因（status = \"invalid\" 时必填）",
            "Why it is invalid (required when status = \"invalid\")",
        ),
        opt(
            "annual_revenue",
            AMOUNT,
            "年营收（元），用于分级",
            "Annual revenue (yuan), for grading",
        ),
        opt(
            "budget_confirmed",
            Ty::Bool,
            "有明确采购预算",
            "A purchase budget is confirmed",
        ),
        opt(
            "match",
            PERCENT,
            "需求与产品匹配度（0–100）",
            "Needs match with the product (0–100)",
        ),
        opt(
            "grade",
            Ty::Choice(&Grade::ALL),
            "人工分级；缺省由规则决定",
            "Manual grade; absent: the grading rules decide",
        ),
        opt("region", Ty::String, "区域", "Region"),
    ],
);

// ---- customer (SPEC §2.3) ---------------------------------------------------------

pub const DECISION_MAKER: Shape = part(
    "decision maker",
    "决策人（个人信息）",
    "A decision maker (personal data)",
    &[
        req("name", Ty::String, "姓名", "Name"),
        opt("title", Ty::String, "职位", "Title"),
        opt("role", Ty::Choice(&Role::ALL), "角色", "Role"),
        opt("concerns", Ty::String, "关注点", "Concerns"),
        opt("phone", Ty::String, "电话", "Phone"),
        opt("email", Ty::String, "邮箱", "Email"),
    ],
);

pub const RISK: Shape = part(
    "risk",
    "风险",
    "A risk",
    &[
        req("kind", Ty::Choice(&RiskKind::ALL), "风险类型", "Kind"),
        opt("note", Ty::String, "说明", "Note"),
    ],
);

pub const CUSTOMER: Shape = record(
    "customer",
    "客户（表 2：客户信息档案表），Markdown 文件的 front matter",
    "A customer (table 2: customer profile), the front matter of its Markdown file",
    &[
        req("name", Ty::String, "客户名称", "Name"),
        opt(
            "aliases",
            Ty::Strings,
            "别名：简称、缩写、英文或拼音名（共享版据此匿名）",
            "Other names people write: short names, abbreviations, English or pinyin (the shared edition hides them)",
        ),
        req("industry", Ty::String, "行业", "Industry"),
        opt(
            "annual_revenue",
            AMOUNT,
            "年营收（元）",
            "Annual revenue (yuan)",
        ),
        opt("employees", AMOUNT, "员工人数", "Employees"),
        req("owner", Ty::String, "负责人（负责人编号）", "Owner id"),
        opt("lead", Ty::String, "来源线索编号", "The lead it came from"),
        opt("priority", Ty::Choice(&Grade::ALL), "优先级", "Priority"),
        opt("pain_points", Ty::Strings, "痛点", "Pain points"),
        opt(
            "decision_chain",
            Ty::Strings,
            "决策链，如 [\"采购\", \"技术\", \"副总\"]",
            "Decision chain, e.g. [\"purchasing\", \"technical\", \"VP\"]",
        ),
        opt("progress", Ty::String, "跟进进度", "Progress"),
        opt(
            "decision_makers",
            Ty::Tables(&DECISION_MAKER),
            "决策人",
            "Decision makers",
        ),
        opt("risks", Ty::Tables(&RISK), "风险", "Risks"),
    ],
);

// ---- deal (SPEC §2.4) -------------------------------------------------------------

pub const STAGE_ENTRY: Shape = part(
    "stage entry",
    "阶段记录，按流程顺序",
    "A stage entry, in process order",
    &[
        req(
            "stage",
            Ty::String,
            "阶段编号（pipeline.toml 的 stages）",
            "Stage id of pipeline.toml",
        ),
        req("entered", Ty::Date, "进入日期", "Date entered"),
        opt("completed", Ty::Date, "完成日期", "Date completed"),
        opt(
            "actions",
            Ty::Strings,
            "核心动作完成情况",
            "Core actions done",
        ),
        opt("outputs", Ty::Strings, "阶段产出", "Outputs"),
        opt(
            "owner",
            Ty::String,
            "负责人，默认商机的负责人",
            "Owner id; default the deal's owner",
        ),
        opt(
            "presented",
            Ty::DateTime,
            "方案演示时间",
            "When the proposal was presented",
        ),
        opt(
            "minutes_sent",
            Ty::DateTime,
            "会议纪要发送时间",
            "When the minutes were sent",
        ),
    ],
);

pub const ACTIVITY: Shape = part(
    "activity",
    "互动",
    "An interaction",
    &[
        req("date", Ty::Date, "日期", "Date"),
        opt(
            "kind",
            Ty::Choice(&ActivityKind::ALL),
            "方式，默认 other",
            "Kind; default other",
        ),
        opt("note", Ty::String, "说明", "Note"),
    ],
);

pub const PAYMENT: Shape = part(
    "payment",
    "回款",
    "A payment",
    &[
        req(
            "kind",
            Ty::Choice(&PaymentKind::ALL),
            "类型：预付款 / 进度款 / 尾款",
            "Kind",
        ),
        req("amount", AMOUNT, "金额（元）", "Amount (yuan)"),
        req("due", Ty::Date, "应收日期", "Due date"),
        opt(
            "received",
            Ty::Date,
            "到账日期；缺省为未到账",
            "Date received; absent: not yet received",
        ),
    ],
);

pub const VISIT: Shape = part(
    "visit",
    "售后回访",
    "An after-sales visit",
    &[
        req("date", Ty::Date, "日期", "Date"),
        opt(
            "satisfaction",
            PERCENT,
            "满意度（0–100）",
            "Satisfaction (0–100)",
        ),
        opt("note", Ty::String, "说明", "Note"),
        opt(
            "upsell",
            Ty::Bool,
            "发现新商机",
            "A new opportunity was found",
        ),
    ],
);

pub const DEAL: Shape = record(
    "deal",
    "商机（表 3：销售阶段评估表）",
    "A deal (table 3: stage evaluation)",
    &[
        req("customer", Ty::String, "客户编号", "Customer id"),
        opt("title", Ty::String, "项目名称", "Title"),
        req("owner", Ty::String, "负责人（负责人编号）", "Owner id"),
        opt(
            "lead",
            Ty::String,
            "线索编号，默认客户的线索",
            "Lead id; default the customer's lead",
        ),
        opt(
            "amount",
            AMOUNT,
            "合同金额（元），赢单时必填",
            "Contract amount (yuan); required once won",
        ),
        opt(
            "expected_close",
            Ty::Date,
            "预计成交日期（进行中，用于预测）",
            "Expected close, while open (for the forecast)",
        ),
        req(
            "status",
            Ty::Choice(&DealStatus::ALL),
            "状态：进行中 / 赢单 / 输单",
            "Status",
        ),
        opt(
            "closed",
            Ty::Date,
            "签约或输单日期，赢单或输单时必填",
            "Signing or loss date; required when won or lost",
        ),
        opt(
            "lost_reason",
            Ty::String,
            "输单原因，输单时必填",
            "Why it was lost; required when lost",
        ),
        opt(
            "stages",
            Ty::Tables(&STAGE_ENTRY),
            "阶段记录",
            "Stage history",
        ),
        opt(
            "activities",
            Ty::Tables(&ACTIVITY),
            "互动记录",
            "Interactions",
        ),
        opt("payments", Ty::Tables(&PAYMENT), "回款", "Payments"),
        opt(
            "visits",
            Ty::Tables(&VISIT),
            "售后回访",
            "After-sales visits",
        ),
    ],
);

// ---- month (SPEC §2.5) ------------------------------------------------------------

pub const OWNER_TARGETS: Shape = free(
    "[targets.owners.<id>]",
    "此负责人的 KPI 目标",
    "This owner's KPI targets",
    Keys::Kpi,
    NUMBER,
);

pub const TARGETS_BY_OWNER: Shape = free(
    "[targets.owners]",
    "每位负责人的 KPI 目标，按负责人编号",
    "KPI targets per owner, by owner id",
    Keys::Owner,
    Ty::Table(&OWNER_TARGETS),
);

pub const TARGETS: Shape = Shape {
    others: Some((Keys::Kpi, NUMBER)),
    ..part(
        "[targets]",
        "本月 KPI 目标，按 KPI 键",
        "The month's KPI targets, by KPI key",
        &[opt(
            "owners",
            Ty::Table(&TARGETS_BY_OWNER),
            "每位负责人的目标",
            "Targets per owner",
        )],
    )
};

pub const ANALYSIS: Shape = free(
    "[analysis]",
    "分析简述，按 KPI 键",
    "Analysis, by KPI key",
    Keys::Kpi,
    Ty::String,
);

pub const ASSERTION: Shape = part(
    "assertion",
    "核对：KPI 不符时 check 失败（equals 加 tolerance，或 min / max）",
    "A reconciliation: check fails when the KPI differs (equals within tolerance, or min / max)",
    &[
        req("kpi", Ty::String, "KPI 键", "KPI key"),
        opt("equals", NUMBER, "应等于", "Expected value"),
        opt(
            "tolerance",
            NON_NEGATIVE,
            "允许误差，默认 0",
            "Allowed difference; default 0",
        ),
        opt("min", NUMBER, "下限", "At least"),
        opt("max", NUMBER, "上限", "At most"),
    ],
);

pub const PLAN_ITEM: Shape = part(
    "plan item",
    "下阶段优化计划",
    "A next-period plan item",
    &[
        opt(
            "area",
            Ty::Choice(&PlanArea::ALL),
            "方面，默认 process",
            "Area; default process",
        ),
        req("action", Ty::String, "措施", "Action"),
        opt("owner", Ty::String, "负责人编号", "Owner id"),
        opt("due", Ty::Date, "完成期限", "Due date"),
        opt("done", Ty::Bool, "已完成", "Done"),
    ],
);

pub const MONTH: Shape = record(
    "month",
    "月度（表 4：目标、分析、计划），Markdown 文件的 front matter",
    "A month (table 4: targets, analysis, plan), the front matter of its Markdown file",
    &[
        opt("targets", Ty::Table(&TARGETS), "KPI 目标", "KPI targets"),
        opt("analysis", Ty::Table(&ANALYSIS), "分析简述", "Analysis"),
        opt("assert", Ty::Tables(&ASSERTION), "核对", "Reconciliations"),
        opt(
            "plan",
            Ty::Tables(&PLAN_ITEM),
            "下阶段优化计划",
            "Next-period plan",
        ),
    ],
);

// ---- case review (SPEC §2.6) ------------------------------------------------------

pub const CASE: Shape = record(
    "case review",
    "案例复盘（案例库），Markdown 文件的 front matter",
    "A case review (case library), the front matter of its Markdown file",
    &[
        req("title", Ty::String, "标题", "Title"),
        req("date", Ty::Date, "日期", "Date"),
        req(
            "result",
            Ty::Choice(&CaseResult::ALL),
            "结果：成功 / 失败",
            "Result",
        ),
        opt("deal", Ty::String, "商机编号", "Deal id"),
        opt(
            "industry",
            Ty::String,
            "行业，默认商机客户的行业",
            "Industry; default the deal's customer's",
        ),
        opt(
            "stage",
            Ty::String,
            "关键时刻所在的阶段编号",
            "Stage id of the decisive moment",
        ),
        opt(
            "tags",
            Ty::Strings,
            "标签（至多 100 个）",
            "Tags (at most 100)",
        ),
        opt("lessons", Ty::Strings, "可复制的经验", "Lessons to repeat"),
        opt("improvements", Ty::Strings, "待改进问题", "What to improve"),
        opt(
            "author",
            Ty::String,
            "作者（负责人编号）",
            "Author (owner id)",
        ),
        opt(
            "shareable",
            Ty::Bool,
            "可出现在共享版中，默认 false",
            "May appear in the shared edition; default false",
        ),
    ],
);

/// The file kinds with a schema: the name of `<kind>.schema.json` and its shape.
pub const KINDS: [(&str, &Shape); 6] = [
    ("pipeline", &PIPELINE),
    ("lead", &LEAD),
    ("customer", &CUSTOMER),
    ("deal", &DEAL),
    ("month", &MONTH),
    ("case", &CASE),
];

/// Every shape reachable from [`KINDS`], each once, parents first.
pub fn all() -> Vec<&'static Shape> {
    fn walk(shape: &'static Shape, out: &mut Vec<&'static Shape>) {
        if out.iter().any(|s| std::ptr::eq(*s, shape)) {
            return;
        }
        out.push(shape);
        let nested = shape
            .fields
            .iter()
            .map(|f| f.ty)
            .chain(shape.others.map(|o| o.1));
        for ty in nested {
            if let Ty::Table(s) | Ty::Tables(s) = ty {
                walk(s, out);
            }
        }
    }
    let mut out = Vec::new();
    for (_, shape) in KINDS {
        walk(shape, &mut out);
    }
    out
}

/// Fields the loader has read, as (table, field), in this test process.
#[cfg(test)]
static READS: std::sync::Mutex<Vec<(&str, &str)>> = std::sync::Mutex::new(Vec::new());

#[cfg(test)]
pub(super) fn record_read(shape: &Shape, field: &Field) {
    let mut reads = READS.lock().unwrap_or_else(|e| e.into_inner());
    if !reads.contains(&(shape.what, field.name)) {
        reads.push((shape.what, field.name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The other half of "one source of truth": every declared field is read by
    /// the loader (the loader reading an undeclared field, or reading one
    /// otherwise than declared, fails in `Table` itself).
    #[test]
    fn the_loader_reads_every_declared_field() {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let (repo, _) = crate::load::load(&data).expect("the sample loads");
        assert!(!repo.deals.is_empty());
        // What the sample does not hold.
        let tmp = tempfile::tempdir().unwrap();
        let pipeline = std::fs::read_to_string(data.join("pipeline.toml")).unwrap();
        let more = "\n[process]\nsince = 2023-01-01\n\n[completion]\nnear = 0.8\n";
        std::fs::write(tmp.path().join("pipeline.toml"), pipeline + more).unwrap();
        std::fs::create_dir(tmp.path().join("months")).unwrap();
        let month = "+++\n[targets]\nrevenue = 1\n[targets.owners.lisi]\nrevenue = 1\n+++\n";
        std::fs::write(tmp.path().join("months/2023-10.md"), month).unwrap();
        let (extra, _) = crate::load::load(tmp.path()).unwrap();
        assert_eq!(extra.months[0].owner_targets.len(), 1);
        let reads = READS.lock().unwrap().clone();
        let mut unread = Vec::new();
        for shape in all() {
            for f in shape.fields {
                if !reads.contains(&(shape.what, f.name)) {
                    unread.push(format!("{}.{}", shape.what, f.name));
                }
            }
        }
        assert!(unread.is_empty(), "declared but never read: {unread:?}");
    }

    #[test]
    fn names_are_unique_within_a_table() {
        for shape in all() {
            let mut names = shape.names();
            names.sort();
            let n = names.len();
            names.dedup();
            assert_eq!(n, names.len(), "{}", shape.what);
        }
        assert_eq!(all().len(), 27);
    }
}
