//! The text of a new record of each kind, from values already resolved to ids.
//! Pure: no I/O, no clock. Given fields are written as TOML; the optional fields
//! not given are listed as comments, ready to uncomment.

use chrono::{NaiveDate, NaiveDateTime};
use unicode_width::UnicodeWidthStr;

use crate::model::{Language, YearMonth};

/// A TOML basic string.
pub fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML array of strings.
pub fn arr(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| q(s)).collect();
    format!("[{}]", items.join(", "))
}

/// A number as TOML: integers without a fraction.
pub fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

pub fn datetime(dt: NaiveDateTime) -> String {
    dt.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Lines of TOML with an aligned trailing comment each.
#[derive(Default)]
struct Lines(Vec<(String, String)>);

impl Lines {
    fn push(&mut self, code: impl Into<String>, comment: impl Into<String>) {
        self.0.push((code.into(), comment.into()));
    }
    fn render(&self, prefix: &str, out: &mut String) {
        let width = self
            .0
            .iter()
            .filter(|(_, c)| !c.is_empty())
            .map(|(code, _)| code.width())
            .max()
            .unwrap_or(0)
            .min(44);
        for (code, comment) in &self.0 {
            out.push_str(prefix);
            out.push_str(code);
            if !comment.is_empty() {
                let pad = width.saturating_sub(code.width()) + 2;
                out.push_str(&" ".repeat(pad));
                out.push_str("# ");
                out.push_str(comment);
            }
            out.push('\n');
        }
    }
}

/// A record's fields: those given, then the optional ones as comments.
#[derive(Default)]
struct Fields {
    given: Lines,
    optional: Lines,
}

impl Fields {
    fn set(&mut self, key: &str, value: Option<String>, example: &str, comment: &str) {
        match value {
            Some(v) => self.given.push(format!("{key} = {v}"), comment),
            None => self.optional.push(format!("{key} = {example}"), comment),
        }
    }
    fn req(&mut self, key: &str, value: String, comment: &str) {
        self.given.push(format!("{key} = {value}"), comment);
    }
    fn render(&self, out: &mut String) {
        self.given.render("", out);
        if !self.optional.0.is_empty() {
            out.push_str("\n# 可选字段，去掉 # 即可使用 / optional fields: remove the # to use\n");
            self.optional.render("# ", out);
        }
    }
}

/// What a placeholder for a required value not given reads.
pub fn placeholder(language: Language) -> &'static str {
    match language {
        Language::Zh => "待补充",
        Language::En => "TBD",
    }
}

pub struct LeadText<'a> {
    pub id: &'a str,
    pub source: &'a str,
    pub acquired: NaiveDate,
    pub company: &'a str,
    /// `None`: the placeholder.
    pub industry: Option<&'a str>,
    pub contact_name: Option<&'a str>,
    pub contact_title: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub needs: &'a [String],
    pub owner: &'a str,
    pub assigned: Option<NaiveDateTime>,
    pub status: &'a str,
    pub invalid_reason: Option<&'a str>,
    pub region: Option<&'a str>,
    pub language: Language,
}

pub fn lead(l: &LeadText) -> String {
    let tbd = placeholder(l.language);
    let mut out = format!("# {} · {}\n\n", l.id, l.company);
    let mut f = Fields::default();
    f.req("source", q(l.source), "来源渠道 / channel");
    f.req("acquired", l.acquired.to_string(), "获取时间 / acquired");
    f.req("company", q(l.company), "客户名称 / company");
    f.req("industry", q(l.industry.unwrap_or(tbd)), "行业 / industry");
    let mut contact = format!(
        "{{ name = {}, title = {}",
        q(l.contact_name.unwrap_or(tbd)),
        q(l.contact_title.unwrap_or(tbd))
    );
    if let Some(p) = l.phone {
        contact.push_str(&format!(", phone = {}", q(p)));
    }
    if let Some(e) = l.email {
        contact.push_str(&format!(", email = {}", q(e)));
    }
    contact.push_str(" }");
    f.req(
        "contact",
        contact,
        "联系人 / contact: name, title, phone?, email?",
    );
    f.req("owner", q(l.owner), "负责人 / owner");
    f.set(
        "assigned",
        l.assigned.map(datetime),
        &format!("{}T09:00:00", l.acquired),
        "分配时间 / assigned to the owner",
    );
    f.set(
        "first_contact",
        None,
        &l.assigned.map_or_else(
            || format!("{}T15:00:00", l.acquired),
            |a| datetime(a + chrono::Duration::hours(2)),
        ),
        "首次触达 / first contact",
    );
    f.req(
        "status",
        q(l.status),
        "new | contacted | nurturing | converted | invalid",
    );
    f.set(
        "invalid_reason",
        l.invalid_reason.map(q),
        "\"…\"",
        "无效原因（无效线索必填）/ required when invalid",
    );
    f.set(
        "needs",
        (!l.needs.is_empty()).then(|| arr(l.needs)),
        "[\"自动化升级\"]",
        "需求标签 / needs",
    );
    f.set("region", l.region.map(q), "\"上海\"", "区域 / region");
    f.set(
        "annual_revenue",
        None,
        "50_000_000",
        "年营收（元），用于分级 / annual revenue (yuan), for grading",
    );
    f.set(
        "budget_confirmed",
        None,
        "true",
        "有明确采购预算 / budget confirmed",
    );
    f.set("match", None, "80", "需求匹配度 0–100 / needs match %");
    f.set(
        "grade",
        None,
        "\"high\"",
        "手动分级，默认按规则 / manual grade: high | medium | low",
    );
    f.render(&mut out);
    out
}

pub struct CustomerText<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub industry: Option<&'a str>,
    pub owner: &'a str,
    pub lead: Option<&'a str>,
    pub annual_revenue: Option<f64>,
    /// The lead's contact, as the first decision maker: name, title, phone, email.
    pub contact: Option<(&'a str, &'a str, Option<&'a str>, Option<&'a str>)>,
    pub language: Language,
}

pub fn customer(c: &CustomerText) -> String {
    let tbd = placeholder(c.language);
    let mut out = String::from("+++\n");
    let mut f = Fields::default();
    f.req("name", q(c.name), "客户名称 / name");
    f.req("industry", q(c.industry.unwrap_or(tbd)), "行业 / industry");
    f.req("owner", q(c.owner), "负责人 / owner");
    f.set(
        "lead",
        c.lead.map(q),
        "\"LX001\"",
        "来源线索 / the lead it came from",
    );
    f.set(
        "annual_revenue",
        c.annual_revenue.map(num),
        "100_000_000",
        "年营收（元）/ annual revenue (yuan)",
    );
    f.set("employees", None, "500", "员工数 / employees");
    f.set("priority", None, "\"high\"", "high | medium | low");
    f.set(
        "pain_points",
        None,
        "[\"人工成本高\"]",
        "痛点 / pain points",
    );
    f.set(
        "decision_chain",
        None,
        "[\"采购\", \"技术\", \"副总\"]",
        "决策链 / decision chain",
    );
    f.set("progress", None, "\"…\"", "跟进进度 / progress");
    f.render(&mut out);
    out.push('\n');
    match c.contact {
        Some((name, title, phone, email)) => {
            out.push_str("[[decision_makers]]                  # 关键人，可多个 / key people, repeatable\n");
            out.push_str(&format!("name = {}\ntitle = {}\n", q(name), q(title)));
            out.push_str("# role = \"buyer\"                     # buyer | technical | executive | finance | user | other\n");
            out.push_str("# concerns = \"…\"\n");
            if let Some(p) = phone {
                out.push_str(&format!("phone = {}\n", q(p)));
            }
            if let Some(e) = email {
                out.push_str(&format!("email = {}\n", q(e)));
            }
        }
        None => out.push_str(
            "# [[decision_makers]]                # 关键人，可多个 / key people, repeatable\n\
             # name = \"…\"\n\
             # title = \"…\"\n\
             # role = \"buyer\"                     # buyer | technical | executive | finance | user | other\n\
             # concerns = \"…\"\n",
        ),
    }
    out.push_str(
        "\n# [[risks]]                          # 风险，可多个 / risks, repeatable\n\
         # kind = \"competition\"               # competition | budget | timing | technical | other\n\
         # note = \"…\"\n",
    );
    out.push_str("+++\n\n");
    out.push_str(&format!("# {}\n\n", c.name));
    let headings: &[&str] = match c.language {
        Language::Zh => &["公司概况", "调研笔记", "SPIN 需求分析", "关键人"],
        Language::En => &["Company", "Research notes", "SPIN", "Key people"],
    };
    for h in headings {
        out.push_str(&format!("## {h}\n\n"));
        if h.starts_with("SPIN") {
            out.push_str(match c.language {
                Language::Zh => "- **S 现状**：\n- **P 问题**：\n- **I 影响**：\n- **N 需求-收益**：\n\n",
                Language::En => "- **S situation**: \n- **P problem**: \n- **I implication**: \n- **N need-payoff**: \n\n",
            });
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

pub struct DealText<'a> {
    pub id: &'a str,
    pub customer: &'a str,
    pub customer_name: &'a str,
    pub title: Option<&'a str>,
    pub owner: &'a str,
    pub lead: Option<&'a str>,
    pub amount: Option<f64>,
    pub expected_close: Option<NaiveDate>,
    /// The first stage entry: stage id, entered, and the stage's expected outputs.
    pub stage: Option<(&'a str, NaiveDate, &'a [String])>,
    /// The record's date, for the examples in comments.
    pub date: NaiveDate,
}

pub fn deal(d: &DealText) -> String {
    let mut out = format!("# {} · {}", d.id, d.customer_name);
    if let Some(t) = d.title {
        out.push_str(&format!(" · {t}"));
    }
    out.push_str("\n\n");
    let mut f = Fields::default();
    f.req("customer", q(d.customer), "客户 / customer");
    f.set("title", d.title.map(q), "\"…项目\"", "商机名称 / title");
    f.req("owner", q(d.owner), "负责人 / owner");
    f.set(
        "lead",
        d.lead.map(q),
        "\"LX001\"",
        "来源线索，默认取客户的 / default: the customer's lead",
    );
    f.set(
        "amount",
        d.amount.map(num),
        "500000",
        "预计合同金额（元）/ expected amount (yuan)",
    );
    f.set(
        "expected_close",
        d.expected_close.map(|d| d.to_string()),
        &(d.date + chrono::Duration::days(60)).to_string(),
        "预计签约日期 / expected close",
    );
    f.req("status", q("open"), "open | won | lost");
    f.set(
        "closed",
        None,
        &d.date.to_string(),
        "签约或丢单日期（won/lost 必填）/ required when won or lost",
    );
    f.set(
        "lost_reason",
        None,
        "\"…\"",
        "丢单原因（lost 必填）/ required when lost",
    );
    f.render(&mut out);
    if let Some((stage, entered, outputs)) = d.stage {
        out.push_str("\n[[stages]]                          # 按流程顺序 / in process order\n");
        out.push_str(&format!("stage = {}\nentered = {entered}\n", q(stage)));
        out.push_str("# completed = …                     # 完成日期 / completed\n");
        out.push_str(
            "actions = []                        # 核心动作完成情况 / core actions done\n",
        );
        if outputs.is_empty() {
            out.push_str("outputs = []                        # 阶段产出 / outputs\n");
        } else {
            out.push_str(&format!(
                "outputs = []                        # 阶段产出，应有 / outputs expected: {}\n",
                arr(outputs)
            ));
        }
    }
    let day = d.date;
    out.push_str(&format!(
        "\n# [[activities]]                    # 互动记录，可多条 / interactions, repeatable\n\
         # date = {day}\n\
         # kind = \"call\"                      # call | email | meeting | visit | webinar | content | other\n\
         # note = \"…\"\n\
         \n\
         # [[payments]]                      # 回款 / payments\n\
         # kind = \"prepayment\"                # prepayment | progress | final\n\
         # amount = 150000\n\
         # due = {day}\n\
         # received = {day}              # 到账日期 / received\n\
         \n\
         # [[visits]]                        # 售后回访 / after-sales visits\n\
         # date = {day}\n\
         # satisfaction = 90                  # 0–100\n\
         # note = \"…\"\n\
         # upsell = false                     # 发现新商机 / new opportunity found\n",
    ));
    out
}

pub struct CaseText<'a> {
    pub title: &'a str,
    pub date: NaiveDate,
    pub result: &'a str,
    pub deal: Option<&'a str>,
    pub industry: Option<&'a str>,
    pub stage: Option<&'a str>,
    pub tags: &'a [String],
    pub author: Option<&'a str>,
    pub shareable: bool,
    pub language: Language,
}

pub fn case(c: &CaseText) -> String {
    let mut out = String::from("+++\n");
    let mut f = Fields::default();
    f.req("title", q(c.title), "标题 / title");
    f.req("date", c.date.to_string(), "复盘日期 / date");
    f.req("result", q(c.result), "success | failure");
    f.set("deal", c.deal.map(q), "\"a-tech-2023\"", "商机 / deal");
    f.set(
        "industry",
        c.industry.map(q),
        "\"制造业\"",
        "默认取商机客户的行业 / default: the deal's customer's",
    );
    f.set(
        "stage",
        c.stage.map(q),
        "\"negotiation\"",
        "关键节点所在阶段 / stage of the decisive moment",
    );
    f.set(
        "tags",
        (!c.tags.is_empty()).then(|| arr(c.tags)),
        "[\"竞品应对\"]",
        "标签 / tags",
    );
    f.set("author", c.author.map(q), "\"lisi\"", "复盘人 / author");
    f.set("lessons", None, "[\"…\"]", "可复制的经验 / lessons");
    f.set("improvements", None, "[\"…\"]", "待改进问题 / improvements");
    f.set(
        "shareable",
        c.shareable.then(|| "true".to_string()),
        "true",
        "可出现在对外分享的案例库 / may appear in the shared build",
    );
    f.render(&mut out);
    out.push_str("+++\n\n");
    out.push_str(&format!("# {}\n\n", c.title));
    let headings: &[&str] = match c.language {
        Language::Zh => &[
            "项目背景",
            "关键过程",
            "可复制的经验",
            "待改进问题",
            "复盘结论",
        ],
        Language::En => &[
            "Background",
            "What happened",
            "Lessons",
            "To improve",
            "Conclusion",
        ],
    };
    let body: Vec<String> = headings.iter().map(|h| format!("## {h}\n")).collect();
    out.push_str(&body.join("\n"));
    out
}

pub struct MonthText<'a> {
    pub month: &'a str,
    /// (year, month) for the heading.
    pub ym: (i32, u32),
    /// Targets copied from `from`, in its order.
    pub targets: &'a [(String, f64)],
    pub from: Option<&'a str>,
    /// Every KPI key, for the commented list when there is nothing to copy.
    pub kpi_keys: &'a [&'a str],
    pub language: Language,
}

pub fn month(m: &MonthText) -> String {
    let mut out = String::from("+++\n");
    match m.from {
        Some(from) => out.push_str(&format!(
            "# 月度目标，复制自 {from} / targets, copied from {from}; rates are fractions (0.15 = 15%)\n"
        )),
        None => out.push_str(
            "# 月度目标 / targets; rates are fractions (0.15 = 15%), amounts in yuan\n",
        ),
    }
    out.push_str("[targets]\n");
    if m.targets.is_empty() {
        let examples = [
            ("new_leads", "20"),
            ("lead_conversion_rate", "0.15"),
            ("first_contact_sla", "0.95"),
            ("deals_won", "4"),
            ("win_rate", "0.5"),
            ("revenue", "1600000"),
            ("avg_deal_size", "400000"),
            ("avg_deal_cycle_days", "30"),
            ("collection_rate", "0.9"),
            ("satisfaction", "90"),
        ];
        for key in m.kpi_keys {
            let example = examples
                .iter()
                .find(|(k, _)| k == key)
                .map_or("0", |(_, v)| v);
            out.push_str(&format!("# {key} = {example}\n"));
        }
    } else {
        for (key, value) in m.targets {
            out.push_str(&format!("{key} = {}\n", num(*value)));
        }
    }
    let (y, mo) = m.ym;
    let next = YearMonth { year: y, month: mo }.plus(1);
    let last_day = NaiveDate::from_ymd_opt(next.year, next.month, 1)
        .and_then(|d| d.pred_opt())
        .map_or_else(String::new, |d| d.to_string());
    out.push_str(&format!(
        "\n# 分析简述，按指标 / analysis per KPI key\n\
         [analysis]\n\
         # lead_conversion_rate = \"…\"\n\
         \n\
         # 下阶段优化计划 / next-period plan, repeatable\n\
         # [[plan]]\n\
         # area = \"process\"                   # process | resources | training | target\n\
         # action = \"…\"\n\
         # owner = \"lisi\"\n\
         # due = {last_day}\n\
         # done = false\n",
    ));
    out.push_str("+++\n\n");
    match m.language {
        Language::Zh => {
            out.push_str(&format!("# {y}年{mo}月销售效果分析报告\n\n"));
            out.push_str(
                "## 一、总体情况\n\n## 二、本月成交\n\n## 三、指标分析\n\n## 四、下阶段优化计划\n",
            );
        }
        Language::En => {
            out.push_str(&format!("# Sales review {}\n\n", m.month));
            out.push_str("## Overview\n\n## Deals won\n\n## KPIs\n\n## Next-period plan\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_strings() {
        assert_eq!(q("A\"B\\C\n"), r#""A\"B\\C\n""#);
        assert_eq!(q("\u{7}"), r#""\u0007""#);
        assert_eq!(arr(&["a".into(), "中".into()]), r#"["a", "中"]"#);
        assert_eq!(num(500000.0), "500000");
        assert_eq!(num(0.15), "0.15");
    }
}
