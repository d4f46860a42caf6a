//! The shared edition (SPEC §6) on a repository whose shareable cases name their
//! customer in every way people write it: every form is replaced or the build
//! refuses to publish, leaving the previous site as it was. And the team site
//! masks every phone and email, read back by the same scanner.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{base::write, files, salesbook, sample};

const PIPELINE: &str = r#"[team]
name = "测试组"
as_of = 2023-10-31

[[owners]]
id = "lisi"
name = "李四"
"#;

const CUSTOMER: &str = r#"+++
name = "上海润泽物流有限公司"
aliases = ["Runze", "RZ物流"]
industry = "物流"
owner = "lisi"
lead = "LX169"

[[decision_makers]]
name = "宋雨桐"
title = "采购经理"
role = "buyer"
phone = "021-6364 1678"
email = "songyutong@runze.example.com"

[extra]
city = "上海"
+++
Notes.
"#;

const LEAD: &str = r#"source = "referral"
acquired = 2023-09-01
company = "上海润泽物流有限公司"
industry = "物流"
owner = "lisi"
status = "converted"

[contact]
name = "宋雨桐"
title = "采购经理"
"#;

const DEAL: &str = r#"customer = "runze-logistics"
title = "供应链管理建设项目"
owner = "lisi"
amount = 280000
status = "won"
closed = 2023-09-28

[[stages]]
stage = "nurture"
entered = 2023-09-04
outputs = ["客户信息档案表", "需求挖掘与风险评估记录"]

[[activities]]
date = 2023-09-05
kind = "call"

[[activities]]
date = 2023-09-12
kind = "visit"

[[stages]]
stage = "proposal"
entered = 2023-09-14
outputs = ["定制化解决方案书", "方案沟通会议纪要"]

[[stages]]
stage = "negotiation"
entered = 2023-09-21
outputs = ["谈判记录表", "销售合同", "订单交接单"]
"#;

/// The case whose id spells the customer, naming it in every form.
const CASE: &str = "+++
title = \"润泽物流：转介绍线索的快速成交\"
date = 2023-10-03
result = \"success\"
deal = \"runze-logistics-2023\"
tags = [\"润泽\", \"快速成交\"]
lessons = [\"上海润泽的做法可以复制\"]
improvements = [\"RZ物流的报价审批太慢\"]
author = \"lisi\"
shareable = true
+++
# 润泽物流的背景

润泽是老客户介绍的，ＲＵＮＺＥ 的车队很大，润\u{200B}泽物流的调度低效。
这次润泽
物流只用了三周。见[润泽物流官网](https://runze.example.com/about)。

![润泽物流的仓库](warehouse.png)

宋雨桐负责，项目“供应链管理建设项目”，由李四跟进。
";

const CASE_EN: &str = "+++
title = \"Runze: a fast close\"
date = 2023-10-05
result = \"success\"
shareable = true
+++
We met Runze's team twice; runze-logistics is their id.
";

fn repository(root: &Path) {
    write(root, "pipeline.toml", PIPELINE);
    write(root, "customers/runze-logistics.md", CUSTOMER);
    write(root, "leads/LX169.toml", LEAD);
    write(root, "deals/runze-logistics-2023.toml", DEAL);
    write(root, "cases/runze-logistics-win.md", CASE);
    write(root, "cases/english.md", CASE_EN);
}

/// The forms, written out by hand, as a reader would search for them.
const FORMS: &[&str] = &[
    "润泽",
    "runze",
    "rz物流",
    "上海润泽",
    "宋雨桐",
    "李四",
    "供应链管理建设项目",
    "songyutong",
    "02163641678",
    "runze-logistics",
    "lx169",
];

/// What a reader sees of a text: full width folded, lower case, no spaces or
/// invisible characters, percent-escapes and numeric references decoded, tags gone.
fn as_read(s: &str) -> String {
    let mut t = String::new();
    let mut chars = s.chars().peekable();
    let mut in_tag = false;
    while let Some(c) = chars.next() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            '%' => {
                let hex: String = chars.clone().take(2).collect();
                match u8::from_str_radix(&hex, 16) {
                    Ok(b) => {
                        chars.next();
                        chars.next();
                        t.push_str(&format!("\u{0}{b:02x}"));
                    }
                    Err(_) => t.push('%'),
                }
            }
            _ => t.push(c),
        }
    }
    // Percent-escaped bytes back to UTF-8.
    let mut bytes = Vec::new();
    let mut it = t.split('\u{0}');
    bytes.extend_from_slice(it.next().unwrap_or("").as_bytes());
    for piece in it {
        bytes.push(u8::from_str_radix(&piece[..2], 16).unwrap());
        bytes.extend_from_slice(&piece.as_bytes()[2..]);
    }
    String::from_utf8_lossy(&bytes)
        .chars()
        .filter_map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
            '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '-' | ' ' | '(' | ')' => None,
            c if c.is_whitespace() => None,
            c => Some(c),
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn site_files(site: &Path) -> BTreeMap<String, Vec<u8>> {
    files(site)
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(site).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read(&f).unwrap())
        })
        .collect()
}

fn build_shared(data: &Path, out: &Path) -> (i32, String) {
    let (code, _, err) = salesbook(
        data,
        &[
            "build",
            "--audience",
            "shared",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    (code, err)
}

#[test]
fn every_form_is_replaced_in_every_file_and_path() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    repository(&data);
    let site = tmp.path().join("shared");
    let (code, err) = build_shared(&data, &site);
    assert_eq!(code, 0, "{err}");
    let out = site_files(&site);
    assert!(
        out.contains_key("cases/1/index.html") && out.contains_key("cases/2/index.html"),
        "{:?}",
        out.keys()
    );
    for (rel, bytes) in &out {
        let text = as_read(&format!("{rel}\n{}", String::from_utf8_lossy(bytes)));
        for form in FORMS {
            // "lisi" (the owner id) is not confidential; "李四" (the name) is.
            assert!(!text.contains(&as_read(form)), "{form} in {rel}");
        }
    }
    // The labels are there instead.
    let case = String::from_utf8_lossy(&out["cases/1/index.html"]).into_owned();
    assert!(case.contains("物流客户A：转介绍线索的快速成交"), "{case}");
    assert!(
        case.contains("客户联系人负责") && case.contains("该项目") && case.contains("销售顾问"),
        "{case}"
    );
    // The tag that names the customer is listed, and paged, under its label.
    assert!(
        out.keys().any(|k| k.starts_with("cases/tags/物流客户A/")),
        "{:?}",
        out.keys()
    );
}

#[test]
fn check_names_each_form_at_its_source() {
    let tmp = tempfile::tempdir().unwrap();
    repository(tmp.path());
    let (code, out, _) = salesbook(
        tmp.path(),
        &["check", "--audience", "shared", "--format", "json"],
    );
    assert_eq!(code, 0, "{out}");
    let found: Vec<(String, u64, u64)> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|d| d["code"] == "shared-name")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    // title, tag, lesson (上海润泽), improvement (the alias RZ物流), heading,
    // short name, full-width alias, zero-width space, line break, link text,
    // link URL, image alt, contact, deal title, owner; the English alias and
    // the customer id in the other case.
    let at = |file: &str, line, column| (format!("cases/{file}.md"), line, column);
    let case = "runze-logistics-win";
    let want = vec![
        at("english", 2, 10),
        at("english", 7, 8),
        at("english", 7, 28),
        at(case, 2, 10),
        at(case, 6, 10),
        at(case, 7, 13),
        at(case, 8, 18),
        at(case, 12, 3),
        at(case, 14, 1),
        at(case, 14, 11),
        at(case, 14, 23),
        at(case, 15, 3),
        at(case, 16, 11),
        at(case, 16, 27),
        at(case, 18, 3),
        at(case, 20, 1),
        at(case, 20, 10),
        at(case, 20, 22),
    ];
    assert_eq!(found, want);
    // The team's check does not look.
    let (_, out, _) = salesbook(tmp.path(), &["check", "--format", "json"]);
    assert!(!out.contains("shared-name"));
}

/// Each way of writing a name that the anonymiser cannot see: the build refuses,
/// exits 1 and leaves the site it built before as it was.
#[test]
fn what_would_slip_through_stops_the_build_and_keeps_the_old_site() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    repository(&data);
    let site = tmp.path().join("shared");
    assert_eq!(build_shared(&data, &site).0, 0);
    let before = site_files(&site);
    for (case, what) in [
        ("润&#27901;物流的报价", "shared-leak"), // a character reference: check
        (
            "[官网](https://example.com/%E6%B6%A6%E6%B3%BD)",
            "shared-leak",
        ), // percent-encoded: check
        ("润**泽**物流的报价", "would publish"), // split by markup: the scan
    ] {
        write(
            &data,
            "cases/leak.md",
            format!(
                "+++\ntitle = \"复盘\"\ndate = 2023-10-06\nresult = \"success\"\nshareable = true\n+++\n{case}\n"
            ),
        );
        let (code, err) = build_shared(&data, &site);
        assert_eq!(code, 1, "{case}: {err}");
        assert!(err.contains(what), "{case}: {err}");
        assert_eq!(
            site_files(&site),
            before,
            "{case}: the published site changed"
        );
        assert!(!tmp.path().read_dir().unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .contains("building")
        }));
    }
    // The scan's report names the output file, the form and its record.
    let (_, err) = build_shared(&data, &site);
    assert!(
        err.contains("`润泽物流`") && err.contains("customers/runze-logistics.md:2"),
        "{err}"
    );
}

/// The team site masks every phone number and email address of the
/// repository; `--reveal-contacts` shows them (so the scanner is seen to fire).
#[test]
fn the_team_site_and_export_mask_every_contact() {
    use salesbook::confidential::{Confidential, Kind, scan::Scanner};
    let book = salesbook::book::Book::load(&sample(), None).unwrap();
    let names = Confidential::new(&book.repo, &[]);
    let scanner = Scanner::new(&names, &book.repo);
    let contacts = |dir: &Path| -> Vec<String> {
        let leaks = scanner.dir(dir).unwrap();
        leaks
            .into_iter()
            .filter(|l| matches!(l.kind, None | Some(Kind::Email)))
            .map(|l| format!("{} in {}", l.found, l.output))
            .collect()
    };
    let tmp = tempfile::tempdir().unwrap();
    for (extra, masked) in [(&[][..], true), (&["--reveal-contacts"][..], false)] {
        let site = tmp.path().join(format!("site{masked}"));
        let mut args = vec!["build", "--out", site.to_str().unwrap()];
        args.extend(extra);
        assert_eq!(salesbook(&sample(), &args).0, 0);
        let export = tmp.path().join(format!("export{masked}"));
        let mut args = vec!["export", "--out", export.to_str().unwrap()];
        args.extend(extra);
        assert_eq!(salesbook(&sample(), &args).0, 0);
        for dir in [&site, &export] {
            let found = contacts(dir);
            assert_eq!(found.is_empty(), masked, "{}: {found:?}", dir.display());
        }
    }
}

/// A phone written the ways people write it, in fields that are not contact
/// fields (a company name, a stage action, a month's analysis, a case title and
/// tag, a plan): neither the team site nor the export shows any form of it, and
/// a masked number in a case body reads as `138****5678`, not as emphasis.
#[test]
fn phones_in_any_free_text_are_masked_everywhere() {
    let forms = [
        "Tel13812345678",
        "+86 138 1234 5678",
        "8613812345678",
        "\u{FF11}\u{FF13}\u{FF18}\u{FF11}\u{FF12}\u{FF13}\u{FF14}\u{FF15}\u{FF16}\u{FF17}\u{FF18}",
        "138\u{200B}1234\u{200B}5678",
        "138-1234-5678 139-8765-4321",
    ];
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    common::copy_dir(&sample(), &data);
    // (file, text, form): the form is written into the text, after it.
    let places = [
        ("leads/LX001.toml", "region = \"上海", 0),
        ("deals/a-tech-2023.toml", "\"识别决策链", 1),
        ("deals/a-tech-2023.toml", "title = \"自动化升级项目", 2),
        ("months/2022-10.md", "\"工业自动化展集中获客", 3),
        ("months/2022-10.md", "\"新人 SPIN 提问法培训", 4),
        ("cases/a-tech-win.md", "\"行业展会", 5),
        ("cases/a-tech-win.md", "title = \"A科技自动化升级", 0),
    ];
    for (rel, from, form) in places {
        let p = data.join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel} has no {from}");
        let to = format!("{from} {}", forms[form]);
        std::fs::write(&p, text.replacen(from, &to, 1)).unwrap();
    }
    let body = data.join("cases/a-tech-win.md");
    let mut text = std::fs::read_to_string(&body).unwrap();
    text.push_str("\n联系 13812345678 确认。\n");
    std::fs::write(&body, text).unwrap();

    let text_files = |dir: &Path| -> Vec<(String, String)> {
        files(dir)
            .into_iter()
            .filter(|f| f.extension().is_none_or(|e| e != "xlsx"))
            .map(|f| {
                let s = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
                (f.display().to_string(), s)
            })
            .collect()
    };
    for (extra, masked) in [(&[][..], true), (&["--reveal-contacts"][..], false)] {
        let site = tmp.path().join(format!("site{masked}"));
        let mut args = vec!["build", "--out", site.to_str().unwrap()];
        args.extend(extra);
        let (code, _, err) = salesbook(&data, &args);
        assert_eq!(code, 0, "{err}");
        let export = tmp.path().join(format!("export{masked}"));
        let mut args = vec!["export", "--out", export.to_str().unwrap()];
        args.extend(extra);
        let (code, _, err) = salesbook(&data, &args);
        assert_eq!(code, 0, "{err}");
        let all: Vec<(String, String)> = [&site, &export]
            .into_iter()
            .flat_map(|d| text_files(d))
            .collect();
        for form in forms {
            let shown: Vec<&str> = all
                .iter()
                .filter(|(_, s)| s.contains(form))
                .map(|(f, _)| f.as_str())
                .collect();
            // Revealed, each form reaches at least one page or table.
            assert_eq!(shown.is_empty(), masked, "{form:?} in {shown:?}");
        }
        let case = common::read(&site.join("cases/a-tech-win/index.html"));
        if masked {
            assert!(case.contains("联系 138****5678 确认"), "{case}");
        } else {
            assert!(case.contains("联系 13812345678 确认"), "{case}");
        }
    }
}
