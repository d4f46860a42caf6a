//! Turns the simulated world into SPEC files (TOML and Markdown with `+++` front matter).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use super::rng::Rng;
use super::sim::*;
use super::vocab::*;

/// Writes files below a root, creating folders once, counting files and bytes.
pub struct Out {
    root: PathBuf,
    dirs: BTreeSet<PathBuf>,
    pub files: usize,
    pub bytes: u64,
}

impl Out {
    pub fn new(root: &Path) -> Self {
        Out {
            root: root.to_path_buf(),
            dirs: BTreeSet::new(),
            files: 0,
            bytes: 0,
        }
    }

    pub fn write(&mut self, rel: &str, text: &str) -> io::Result<()> {
        let path = self.root.join(rel);
        if let Some(dir) = path.parent()
            && !self.dirs.contains(dir)
        {
            std::fs::create_dir_all(dir)?;
            self.dirs.insert(dir.to_path_buf());
        }
        std::fs::write(&path, text)?;
        self.files += 1;
        self.bytes += text.len() as u64;
        Ok(())
    }
}

// ------------------------------------------------------------------ TOML values

fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list<S: AsRef<str>>(xs: &[S]) -> String {
    let items: Vec<String> = xs.iter().map(|x| q(x.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn datetime(d: NaiveDateTime) -> String {
    d.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// 1_200_000 style, for large amounts that people read.
fn big(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    out
}

/// Yuan as 万, without a trailing ".0".
fn wan(x: u64) -> String {
    let w = x as f64 / 10_000.0;
    if (w - w.round()).abs() < 1e-9 {
        format!("{}", w.round() as u64)
    } else {
        format!("{w:.1}")
    }
}

fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

macro_rules! line {
    ($s:expr, $($arg:tt)*) => {{
        let _ = writeln!($s, $($arg)*);
    }};
}

// ------------------------------------------------------------------ files

pub fn write_all(w: &World, out: &mut Out) -> io::Result<()> {
    out.write("pipeline.toml", &pipeline(w))?;
    for l in &w.leads {
        let rel = if w.scale.by_year {
            format!("leads/{}/{}.toml", l.acquired.year(), l.id)
        } else {
            format!("leads/{}.toml", l.id)
        };
        out.write(&rel, &lead(w, l))?;
    }
    for c in &w.customers {
        out.write(&format!("customers/{}.md", c.id), &customer(w, c))?;
    }
    for d in &w.deals {
        let rel = if w.scale.by_year {
            format!("deals/{}/{}.toml", d.year, d.id)
        } else {
            format!("deals/{}.toml", d.id)
        };
        out.write(&rel, &deal(w, d))?;
    }
    let mut rng = Rng::new(w.seed).fork(7);
    let mut m = w.start;
    while m <= w.as_of {
        out.write(
            &format!("months/{}.md", m.format("%Y-%m")),
            &month(w, m, &mut rng),
        )?;
        m = month_end(m.year(), m.month()) + chrono::Duration::days(1);
    }
    let mut rng = Rng::new(w.seed).fork(8);
    for c in &w.cases {
        out.write(&format!("cases/{}.md", c.id), &case(w, c, &mut rng))?;
    }
    Ok(())
}

fn pipeline(w: &World) -> String {
    let mut s = String::new();
    let team = if w.scale.owners > 10 {
        "全国大客户事业部"
    } else {
        "华东大客户部"
    };
    line!(
        s,
        "# {team} · 销售流程配置（salesbook synth, scale {}）\n",
        w.scale.name
    );
    line!(s, "[team]");
    line!(s, "name = {}", q(team));
    line!(
        s,
        "language = \"zh\"\ncurrency = \"CNY\"\namount_unit = 10000\namount_unit_label = \"万\""
    );
    line!(
        s,
        "timezone = \"Asia/Shanghai\"\nas_of = {}\n",
        date(w.as_of)
    );
    line!(
        s,
        "[sla]\nfirst_contact_hours = 24\nminutes_hours = 24\nnurture_interactions_per_week = 1"
    );
    line!(s, "stale_days = 14\nupdate_hours = 24");
    for o in &w.owners {
        line!(
            s,
            "\n[[owners]]\nid = {}\nname = {}\nregion = {}\nteam = {}",
            q(&o.id),
            q(&o.name),
            q(o.region),
            q(&o.team)
        );
    }
    for (id, name, group, _, _) in CHANNELS {
        line!(
            s,
            "\n[[channels]]\nid = {}\nname = {}\ngroup = {}",
            q(id),
            q(name),
            q(group)
        );
    }
    for (id, name, en, core, closing, outputs, p) in STAGES {
        line!(
            s,
            "\n[[stages]]\nid = {}\nname = {}\nname_en = {}",
            q(id),
            q(name),
            q(en)
        );
        line!(
            s,
            "core = {core}\nclosing = {closing}\noutputs = {}",
            list(outputs)
        );
        line!(
            s,
            "probability = {}",
            if *p >= 1.0 {
                "1.0".to_string()
            } else {
                format!("{p:.2}")
            }
        );
    }
    line!(
        s,
        "\n[[grading]]\ngrade = \"high\"\nmin_annual_revenue = 50_000_000\nbudget_confirmed = true\nmin_match = 70"
    );
    line!(
        s,
        "\n[[grading]]\ngrade = \"medium\"\nmin_annual_revenue = 10_000_000\nmin_match = 50"
    );
    s
}

fn lead(w: &World, l: &Lead) -> String {
    let mut s = String::with_capacity(700);
    line!(s, "# {} · {}\n", l.id, l.company.name);
    line!(s, "source = {}", q(CHANNELS[l.source].0));
    line!(s, "acquired = {}", date(l.acquired));
    line!(s, "company = {}", q(&l.company.name));
    line!(s, "industry = {}", q(INDUSTRIES[l.company.industry].name));
    line!(s, "region = {}", q(CITIES[l.company.city].2));
    let c = &l.contact;
    let mut ctc = format!("{{ name = {}, title = {}", q(&c.name), q(&c.title));
    if let Some(p) = &c.phone {
        let _ = write!(ctc, ", phone = {}", q(p));
    }
    if let Some(e) = &c.email {
        let _ = write!(ctc, ", email = {}", q(e));
    }
    line!(s, "contact = {ctc} }}");
    line!(s, "needs = {}", list(&l.needs));
    line!(s, "owner = {}", q(&w.owners[l.owner].id));
    if let Some(a) = l.assigned {
        line!(s, "assigned = {}", datetime(a));
    }
    if let Some(f) = l.first_contact {
        line!(s, "first_contact = {}", datetime(f));
    }
    line!(s, "status = {}", q(l.status));
    if let Some(r) = l.invalid_reason {
        line!(s, "invalid_reason = {}", q(r));
    }
    if l.annual_revenue.is_some() || l.budget.is_some() || l.match_.is_some() || l.grade.is_some() {
        line!(s, "\n# 分级依据");
        if let Some(r) = l.annual_revenue {
            line!(s, "annual_revenue = {}", big(r));
        }
        if let Some(b) = l.budget {
            line!(s, "budget_confirmed = {b}");
        }
        if let Some(m) = l.match_ {
            line!(s, "match = {m}");
        }
        if let Some(g) = l.grade {
            line!(s, "grade = {}", q(g));
        }
    }
    if let Some(e) = &l.event {
        line!(s, "\n[extra]\nevent = {}", q(e));
    }
    s
}

fn progress(d: &Deal) -> &'static str {
    match d.status {
        Status::Won
            if d.stages
                .last()
                .is_some_and(|e| e.stage == 4 && e.completed.is_some()) =>
        {
            "已验收，进入售后维护"
        }
        Status::Won => "已签约，项目实施中",
        Status::Lost => "已丢单",
        Status::Open => match d.stages.last().map_or(0, |e| e.stage) {
            0 | 1 => "需求挖掘",
            2 => "方案已呈",
            _ => "商务谈判",
        },
    }
}

fn customer(w: &World, c: &Customer) -> String {
    let mut s = String::with_capacity(2500);
    let co = &c.company;
    let deals: Vec<&Deal> = c.deals.iter().map(|&i| &w.deals[i]).collect();
    let top = deals.iter().filter_map(|d| d.amount).max().unwrap_or(0);
    let priority = if top >= 1_000_000 {
        "high"
    } else if top >= 400_000 {
        "medium"
    } else {
        "low"
    };
    line!(s, "+++");
    line!(s, "name = {}", q(&co.name));
    line!(s, "industry = {}", q(INDUSTRIES[co.industry].name));
    line!(s, "annual_revenue = {}", big(c.annual_revenue));
    line!(s, "employees = {}", c.employees);
    line!(s, "owner = {}", q(&w.owners[c.owner].id));
    line!(s, "lead = {}", q(&w.leads[c.lead].id));
    line!(s, "priority = {}", q(priority));
    line!(s, "pain_points = {}", list(&c.pain_points));
    line!(s, "decision_chain = {}", list(c.chain));
    if let Some(d) = deals.last() {
        line!(s, "progress = {}", q(progress(d)));
    }
    for m in &c.decision_makers {
        line!(
            s,
            "\n[[decision_makers]]\nname = {}\ntitle = {}\nrole = {}",
            q(&m.name),
            q(&m.title),
            q(m.role)
        );
        if let Some(x) = m.concerns {
            line!(s, "concerns = {}", q(x));
        }
        if let Some(x) = &m.phone {
            line!(s, "phone = {}", q(x));
        }
        if let Some(x) = &m.email {
            line!(s, "email = {}", q(x));
        }
    }
    for (kind, note) in &c.risks {
        line!(s, "\n[[risks]]\nkind = {}\nnote = {}", q(kind), q(note));
    }
    line!(s, "\n[extra]\ncity = {}", q(CITIES[co.city].0));
    line!(s, "+++\n");
    let ind = &INDUSTRIES[co.industry];
    let owner = &w.owners[c.owner].name;
    let need = w.leads[c.lead].needs[0];
    let (p0, p1) = (c.pain_points[0], c.pain_points[1]);
    line!(s, "# {}\n", co.name);
    if co.en {
        line!(s, "## Company profile\n");
        line!(
            s,
            "{} is a {} company based in {} with annual revenue of about {} 亿 CNY and {} employees. {} owns the account.\n",
            co.name,
            ind.en.to_lowercase(),
            CITIES[co.city].1,
            c.annual_revenue as f64 / 1e8,
            c.employees,
            owner
        );
        line!(s, "## Research notes\n");
        line!(
            s,
            "- Most processes still run on spreadsheets; {p0} is the most visible problem."
        );
        line!(
            s,
            "- The client wants reference cases before committing to {need}."
        );
        line!(s, "- 中文备注：客户关注{need}的投入产出。\n");
    } else {
        line!(s, "## 公司概况\n");
        line!(
            s,
            "{}位于{}（{}），年营收约 {} 亿元，员工约 {} 人。决策链为{}，由{}负责跟进。\n",
            co.short,
            CITIES[co.city].0,
            ind.name,
            c.annual_revenue as f64 / 1e8,
            c.employees,
            c.chain.join("、"),
            owner
        );
        line!(s, "## 调研笔记\n");
        line!(s, "- 现有流程以人工和表格为主，{p0}的问题最突出。");
        line!(s, "- 客户关注{need}的投入产出，希望看到同行业案例。");
        let risks: Vec<&str> = c.risks.iter().map(|r| r.1).collect();
        line!(s, "- 主要风险：{}。\n", risks.join("；"));
        line!(s, "## SPIN 需求分析\n");
        line!(s, "- **S 现状**：业务规模扩大，{p0}、{p1}。");
        line!(
            s,
            "- **P 问题**：{p0}和{p1}长期靠人工协调解决，问题暴露时往往已经滞后。"
        );
        line!(
            s,
            "- **I 影响**：若不改善，运营成本逐年上升，客户服务水平和管理层决策都会受影响。"
        );
        line!(
            s,
            "- **N 需求-收益**：通过{need}，把关键数据和流程打通，预计一年内收回投入。\n"
        );
    }
    line!(
        s,
        "## 关键人\n\n| 姓名 | 职位 | 角色 | 关注点 |\n|---|---|---|---|"
    );
    for m in &c.decision_makers {
        line!(
            s,
            "| {} | {} | {} | {} |",
            m.name,
            m.title,
            m.role,
            m.concerns.unwrap_or("—")
        );
    }
    line!(s, "\n## 商机记录\n");
    for d in &deals {
        line!(s, "- {}：{}", d.title, progress(d));
    }
    s
}

fn deal(w: &World, d: &Deal) -> String {
    let mut s = String::with_capacity(3000);
    let c = &w.customers[d.customer];
    line!(s, "# {} · {} · {}\n", d.id, c.company.name, d.title);
    line!(s, "customer = {}", q(&c.id));
    line!(s, "title = {}", q(&d.title));
    line!(s, "owner = {}", q(&w.owners[d.owner].id));
    if d.explicit_lead {
        line!(s, "lead = {}", q(&w.leads[d.lead].id));
    }
    if let Some(a) = d.amount {
        line!(s, "amount = {a}");
    }
    if let Some(e) = d.expected_close {
        line!(s, "expected_close = {}", date(e));
    }
    line!(s, "status = {}", q(d.status.as_str()));
    if let Some(c) = d.closed {
        line!(s, "closed = {}", date(c));
    }
    if let Some(r) = d.lost_reason {
        line!(s, "lost_reason = {}", q(r));
    }
    for e in &d.stages {
        line!(
            s,
            "\n[[stages]]\nstage = {}\nentered = {}",
            q(STAGES[e.stage].0),
            date(e.entered)
        );
        if let Some(c) = e.completed {
            line!(s, "completed = {}", date(c));
        }
        line!(s, "actions = {}", list(&e.actions));
        line!(s, "outputs = {}", list(&e.outputs));
        if let Some(p) = e.presented {
            line!(s, "presented = {}", datetime(p));
        }
        if let Some(m) = e.minutes_sent {
            line!(s, "minutes_sent = {}", datetime(m));
        }
        line!(s, "owner = {}", q(&w.owners[e.owner.unwrap_or(d.owner)].id));
    }
    for a in &d.activities {
        line!(
            s,
            "\n[[activities]]\ndate = {}\nkind = {}\nnote = {}",
            date(a.date),
            q(a.kind),
            q(&a.note)
        );
    }
    for p in &d.payments {
        line!(
            s,
            "\n[[payments]]\nkind = {}\namount = {}\ndue = {}",
            q(p.kind),
            p.amount,
            date(p.due)
        );
        if let Some(r) = p.received {
            line!(s, "received = {}", date(r));
        }
    }
    for v in &d.visits {
        line!(s, "\n[[visits]]\ndate = {}", date(v.date));
        if let Some(x) = v.satisfaction {
            line!(s, "satisfaction = {x}");
        }
        line!(s, "note = {}\nupsell = {}", q(v.note), v.upsell);
    }
    if let Some(n) = &d.contract_no {
        line!(s, "\n[extra]\ncontract_no = {}", q(n));
    }
    s
}

fn ym(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month())
}

fn month(w: &World, m: NaiveDate, rng: &mut Rng) -> String {
    let key = ym(m);
    let new_leads = w.leads.iter().filter(|l| ym(l.acquired) == key).count();
    let in_month = |d: &&Deal| d.closed.is_some_and(|c| ym(c) == key);
    let won: Vec<&Deal> = w
        .deals
        .iter()
        .filter(in_month)
        .filter(|d| d.status == Status::Won)
        .collect();
    let lost: Vec<&Deal> = w
        .deals
        .iter()
        .filter(in_month)
        .filter(|d| d.status == Status::Lost)
        .collect();
    let revenue: u64 = won.iter().filter_map(|d| d.amount).sum();
    let round = |x: f64, step: f64| ((x / step).round() * step).max(step);
    let deals_t = round(won.len() as f64 * (0.85 + 0.35 * rng.f64()), 1.0);
    let size_t = *rng.pick(&[500_000.0, 550_000.0, 600_000.0]);
    let targets = [
        round(new_leads as f64 * (0.9 + 0.25 * rng.f64()), 5.0),
        *rng.pick(&[0.15, 0.18, 0.2]),
        0.95,
        deals_t,
        *rng.pick(&[0.5, 0.55]),
        deals_t * size_t,
        size_t,
        *rng.pick(&[40.0, 45.0, 50.0]),
        *rng.pick(&[0.9, 0.92]),
        *rng.pick(&[88.0, 89.0, 90.0]),
    ];
    let mut s = String::with_capacity(4000);
    line!(s, "+++\n[targets]");
    for (k, t) in KPI_KEYS.iter().zip(targets) {
        if t.fract() == 0.0 {
            line!(s, "{k} = {}", t as u64);
        } else {
            line!(s, "{k} = {t}");
        }
    }
    line!(s, "\n[analysis]");
    let n_analysis = rng.range(3, 6) as usize;
    let keys: Vec<usize> = rng.sample(&(0..KPI_KEYS.len()).collect::<Vec<_>>(), n_analysis);
    for &k in &keys {
        line!(s, "{} = {}", KPI_KEYS[k], q(rng.pick::<&str>(ANALYSIS[k])));
    }
    line!(s, "\n[[assert]]\nkpi = \"new_leads\"\nequals = {new_leads}");
    line!(
        s,
        "\n[[assert]]\nkpi = \"deals_won\"\nequals = {}",
        won.len()
    );
    let n_plan = rng.range(2, 4) as usize;
    let plan: Vec<(&str, &str)> = rng.sample(PLAN_ACTIONS, n_plan);
    let mut plan_rows = Vec::new();
    let month_last = month_end(key.0, key.1);
    for (area, action) in &plan {
        let owner = &w.owners[rng.below(w.owners.len())];
        let due = month_last + chrono::Duration::days(rng.range(10, 45));
        let done = due < w.as_of && rng.chance(0.75);
        line!(
            s,
            "\n[[plan]]\narea = {}\naction = {}\nowner = {}\ndue = {}\ndone = {done}",
            q(area),
            q(action),
            q(&owner.id),
            date(due)
        );
        plan_rows.push((action, &owner.name, due));
    }
    line!(s, "+++\n");
    line!(s, "# {}年{}月销售效果分析报告\n", key.0, key.1);
    line!(s, "## 一、总体情况\n");
    let _ = write!(s, "本月新增线索 {new_leads} 条，");
    if won.is_empty() {
        let _ = write!(s, "无成交");
    } else {
        let _ = write!(
            s,
            "成交 {} 单，合同金额合计 {} 万元",
            won.len(),
            wan(revenue)
        );
    }
    line!(
        s,
        "{}\n",
        if lost.is_empty() {
            "。".to_string()
        } else {
            format!("；丢单 {} 单。", lost.len())
        }
    );
    line!(
        s,
        "Summary: {new_leads} new leads, {} deals won, {} lost this month.\n",
        won.len(),
        lost.len()
    );
    line!(s, "## 二、本月成交\n");
    if won.is_empty() {
        line!(s, "本月无成交。");
    } else {
        let mut top = won.clone();
        top.sort_by(|a, b| b.amount.cmp(&a.amount).then(a.id.cmp(&b.id)));
        line!(
            s,
            "| 客户 | 项目 | 负责人 | 金额（万元） |\n|---|---|---|---|"
        );
        for d in top.iter().take(10) {
            let c = &w.customers[d.customer];
            line!(
                s,
                "| {} | {} | {} | {} |",
                c.company.short,
                d.title,
                w.owners[d.owner].name,
                wan(d.amount.unwrap_or(0))
            );
        }
        if top.len() > 10 {
            line!(s, "\n（仅列出金额最高的 10 单，共 {} 单。）", top.len());
        }
    }
    if !lost.is_empty() {
        let mut reasons: Vec<(&str, usize)> = Vec::new();
        for d in &lost {
            let r = d.lost_reason.unwrap_or("未说明");
            match reasons.iter_mut().find(|x| x.0 == r) {
                Some(x) => x.1 += 1,
                None => reasons.push((r, 1)),
            }
        }
        reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let top: Vec<String> = reasons
            .iter()
            .take(3)
            .map(|(r, n)| format!("{r}（{n} 单）"))
            .collect();
        line!(s, "\n丢单主要原因：{}。", top.join("；"));
    }
    line!(s, "\n## 三、指标分析\n");
    for &k in &keys {
        line!(
            s,
            "- {}：见上表与趋势图，{}",
            KPI_CN[k],
            if k % 2 == 0 {
                "需持续跟踪"
            } else {
                "较上月有所改善"
            }
        );
    }
    line!(s, "\n## 四、下阶段优化计划\n");
    for (i, (action, owner, due)) in plan_rows.iter().enumerate() {
        line!(
            s,
            "{}. {}（{}，{}前）",
            i + 1,
            action,
            owner,
            cn_date(*due).split_once('年').map_or("", |x| x.1)
        );
    }
    s
}

fn fill(t: &str, w: &World, d: &Deal, reason: &str) -> String {
    let c = &w.customers[d.customer];
    let lead = &w.leads[d.lead];
    t.replace("{channel}", CHANNELS[lead.source].1)
        .replace("{pain}", c.pain_points[0])
        .replace("{chain}", &c.chain.join("、"))
        .replace("{need}", lead.needs[0])
        .replace("{owner}", &w.owners[d.owner].name)
        .replace("{reason}", reason)
}

fn case(w: &World, k: &Case, rng: &mut Rng) -> String {
    let d = &w.deals[k.deal];
    let c = &w.customers[d.customer];
    let co = &c.company;
    let title = if k.en {
        format!(
            "{}: {} — {}",
            co.short,
            d.title,
            if k.success {
                "how we won"
            } else {
                "why we lost"
            }
        )
    } else if k.success {
        format!("{}{}：{}的成交复盘", co.short, d.title, STAGES[k.stage].1)
    } else {
        format!("{}{}：丢单复盘", co.short, d.title)
    };
    let mut s = String::with_capacity(3500);
    line!(s, "+++\ntitle = {}\ndate = {}", q(&title), date(k.date));
    line!(
        s,
        "result = {}\ndeal = {}",
        q(if k.success { "success" } else { "failure" }),
        q(&d.id)
    );
    line!(
        s,
        "stage = {}\ntags = {}",
        q(STAGES[k.stage].0),
        list(&k.tags)
    );
    line!(
        s,
        "lessons = {}\nimprovements = {}",
        list(&k.lessons),
        list(&k.improvements)
    );
    line!(
        s,
        "author = {}\nshareable = {}\n+++\n",
        q(&w.owners[d.owner].id),
        k.shareable
    );
    let head = s.len();
    let reason = d.lost_reason.unwrap_or("");
    let amount = d.amount.map_or("未定".to_string(), wan);
    let lead = &w.leads[d.lead];
    let mut rows = vec![(
        STAGES[0].1,
        lead.acquired,
        d.stages.first().map_or(lead.acquired, |e| e.entered),
    )];
    for (i, e) in d.stages.iter().enumerate() {
        let end = e.completed.or_else(|| {
            if e.stage <= 3 && d.stages.get(i + 1).is_none_or(|n| n.stage > 3) {
                d.closed
            } else {
                None
            }
        });
        let end = end
            .or(d.stages.get(i + 1).map(|n| n.entered))
            .unwrap_or(w.as_of);
        rows.push((STAGES[e.stage].1, e.entered, end));
    }
    line!(s, "# {title}\n");
    if k.en {
        line!(s, "## Background\n");
        line!(
            s,
            "{} ({}, {}), project “{}”, owned by {}, contract value {} 万 CNY. Result: {}.\n",
            co.name,
            INDUSTRIES[co.industry].en,
            CITIES[co.city].1,
            d.title,
            w.owners[d.owner].name,
            amount,
            if k.success { "won" } else { "lost" }
        );
        line!(s, "## What happened\n");
        for t in rng.sample(EN_STORY, 3) {
            line!(s, "{}\n", fill(t, w, d, reason));
        }
        line!(
            s,
            "## Timeline\n\n| Stage | Entered | Days |\n|---|---|---|"
        );
        for (name, entered, end) in &rows {
            line!(
                s,
                "| {} | {} | {} |",
                name,
                cn_date(*entered),
                (*end - *entered).num_days()
            );
        }
        line!(s, "\n## Lessons\n");
        for l in &k.lessons {
            line!(s, "- {l}");
        }
        line!(s, "\n## To improve\n");
        for l in &k.improvements {
            line!(s, "- {l}");
        }
        line!(s, "\n## Conclusion\n");
    } else {
        line!(s, "## 项目背景\n");
        line!(
            s,
            "{}（{}，{}），项目“{}”，由{}负责，合同金额 {} 万元。最终{}。\n",
            co.short,
            INDUSTRIES[co.industry].name,
            CITIES[co.city].0,
            d.title,
            w.owners[d.owner].name,
            amount,
            if k.success { "成交" } else { "丢单" }
        );
        line!(s, "## 关键过程\n");
        let pool = if k.success { STORY_WIN } else { STORY_LOSS };
        let n = rng.range(3, 5) as usize;
        for t in rng.sample(pool, n) {
            line!(s, "{}\n", fill(t, w, d, reason));
        }
        line!(
            s,
            "## 阶段时间线\n\n| 阶段 | 进入时间 | 耗时（天） |\n|---|---|---|"
        );
        for (name, entered, end) in &rows {
            line!(
                s,
                "| {} | {} | {} |",
                name,
                cn_date(*entered),
                (*end - *entered).num_days()
            );
        }
        line!(s, "\n## 可复制的经验\n");
        for l in &k.lessons {
            line!(s, "- {l}");
        }
        line!(s, "\n## 待改进问题\n");
        for l in &k.improvements {
            line!(s, "- {l}");
        }
        line!(s, "\n## 复盘结论\n");
    }
    // Conclusions until the body is 1.5–3 KB.
    let pool = if k.en {
        &[
            "We will add these points to the stage checklist and review them in the weekly meeting.",
            "The discovery questions and ROI template from this deal are reusable for clients in the same industry.",
            "Finance should join before the proposal review so budget gaps surface before negotiation.",
            "We will keep tracking the client's results in follow-up visits and add the figures to this case.",
        ][..]
    } else {
        REFLECTIONS
    };
    let mut order: Vec<&str> = rng.sample(pool, pool.len());
    let first = rng.below(order.len());
    order.rotate_left(first);
    for (i, r) in order.iter().enumerate() {
        if i > 0 && s.len() - head >= 1500 {
            break;
        }
        line!(s, "{r}\n");
    }
    while s.len() - head < 1500 {
        line!(
            s,
            "{}\n",
            if k.en {
                "- Follow-up: share this review in the next team training."
            } else {
                "- 后续：在下次团队培训中分享本案例。"
            }
        );
    }
    debug_assert!(
        s.len() - head <= 3000,
        "case body too long: {}",
        s.len() - head
    );
    s
}
