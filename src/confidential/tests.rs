use super::*;
use crate::metrics::testutil::{customer, deal, lead, repo};
use proptest::prelude::*;

/// 上海润泽物流有限公司 (alias Runze, city 上海) with a decision maker, a lead
/// of another company, an owner, a deal title.
fn sample() -> Repo {
    let mut c = customer("runze-logistics", Some("LX169"));
    c.name = "上海润泽物流有限公司".into();
    c.industry = "物流".into();
    c.aliases = vec!["Runze".into(), "RZL".into()];
    c.decision_makers.push(crate::model::DecisionMaker {
        name: "宋雨桐".into(),
        title: "采购经理".into(),
        role: crate::model::Role::Buyer,
        concerns: None,
        phone: Some(crate::source::Sp::new("021-6364 1678".into(), 0..0)),
        email: Some(crate::source::Sp::new(
            "songyutong@runze.example.com".into(),
            0..0,
        )),
    });
    let mut l = lead("LX169", "2023-09-01");
    l.company = "上海润泽物流有限公司".into();
    let mut other = lead("LX170", "2023-09-02");
    other.company = "杭州宝丰电子科技有限公司".into();
    other.industry = "电子".into();
    let mut d = deal("runze-logistics-2023", "runze-logistics", vec![]);
    d.title = Some("供应链管理建设项目".into());
    let (r, _) = repo(vec![l, other], vec![c], vec![d], vec![]);
    r
}

fn conf() -> Confidential {
    Confidential::new(&sample(), &["runze-logistics".into()])
}

#[test]
fn every_written_form_is_replaced() {
    let c = conf();
    for (text, want) in [
        ("润泽物流的项目", "物流客户A的项目"),
        ("上海润泽去年签约", "物流客户A去年签约"),
        ("润泽", "物流客户A"),
        ("ＲＵＮＺＥ wins", "物流客户A wins"),
        ("润\u{200B}泽物流", "物流客户A"),
        ("润泽\n物流来访", "物流客户A来访"),
        ("宝丰电子和宝丰", "电子客户B和电子客户B"),
        ("宋雨桐 说", "客户联系人 说"),
        ("李四负责", "销售顾问负责"),
        ("“供应链管理建设项目”", "“该项目”"),
        ("见 runze-logistics 与 LX169", "见 物流客户A 与 物流客户A"),
        ("mail songyutong@runze.example.com", "mail ***"),
    ] {
        assert_eq!(c.replace(text), want, "{text:?}");
    }
}

#[test]
fn labels_are_lettered_like_spreadsheet_columns() {
    assert_eq!(
        [0, 25, 26, 27, 701, 702].map(letter),
        ["A", "Z", "AA", "AB", "ZZ", "AAA"]
    );
}

#[test]
fn latin_forms_match_whole_words_only() {
    let c = conf();
    assert_eq!(c.replace("Runze's fleet"), "物流客户A's fleet");
    assert_eq!(c.replace("a runzeal plan, RZLX"), "a runzeal plan, RZLX");
    assert_eq!(c.replace("run ze"), "物流客户A");
    // Ordinary words are untouched: 上海, 物流 and 有限公司 alone are not forms.
    assert_eq!(c.replace("上海的物流有限公司"), "上海的物流有限公司");
}

#[test]
fn locations_name_the_record() {
    let r = sample();
    let c = Confidential::new(&r, &[]);
    let f = c.forms.iter().position(|f| f.norm == "润泽").unwrap();
    assert_eq!(c.forms[f].kind, Kind::Company);
    assert_eq!(c.forms[f].file, r.customers[0].meta.file);
    assert_eq!(c.phones[0].digits, "02163641678");
    assert_eq!(c.customer("runze-logistics"), Some("物流客户A"));
}

fn has_form(c: &Confidential, text: &str) -> bool {
    let norm = normalize(text);
    c.forms.iter().any(|f| norm.contains(&f.norm))
}

/// Names and fillers from alphabets that share no character with the labels.
fn han(chars: &'static str, len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    let pool: Vec<char> = chars.chars().collect();
    prop::collection::vec(prop::sample::select(pool), len).prop_map(|v| v.into_iter().collect())
}

/// How a writer may mangle a name: full width, spaces, zero-width characters,
/// line breaks.
fn mangle(name: &str, how: u8) -> String {
    match how {
        0 => name.to_string(),
        1 => name.chars().flat_map(|c| [c, '\u{200B}']).collect(),
        2 => name
            .chars()
            .flat_map(|c| [c, ' '])
            .collect::<String>()
            .trim_end()
            .to_string(),
        3 => name
            .chars()
            .flat_map(|c| [c, '\n'])
            .collect::<String>()
            .trim_end()
            .to_string(),
        _ => name.to_string(),
    }
}

proptest! {
    #[test]
    fn no_form_survives_the_replacement(
        cores in prop::collection::vec(han("润泽宝丰正和睿达联创鑫宇", 2..=3), 1..4),
        place in prop::sample::select(vec!["", "上海", "杭州市", "浙江省", "江苏省苏州市"]),
        suffix in prop::sample::select(vec!["有限公司", "物流有限公司", "电子科技股份有限公司", "集团", ""]),
        pieces in prop::collection::vec((han("的在了和是有项目方案", 0..=4), 0usize..8, 0u8..4, any::<bool>()), 1..12),
    ) {
        let mut r = sample();
        r.customers.truncate(0);
        let names: Vec<String> = cores.iter().map(|core| format!("{place}{core}{suffix}")).collect();
        for (i, n) in names.iter().enumerate() {
            let mut c = customer(&format!("c{i}"), None);
            c.name = n.clone();
            c.industry = "制造".into();
            r.customers.push(c);
        }
        let c = Confidential::new(&r, &[]);
        // A text of filler and names in every form, mangled.
        let mut text = String::new();
        for (filler, which, how, short) in &pieces {
            text.push_str(filler);
            let name = &names[which % names.len()];
            let core = &cores[which % cores.len()];
            text.push_str(&mangle(if *short { core } else { name }, *how));
        }
        let out = c.replace(&text);
        prop_assert!(!has_form(&c, &out), "{text:?} → {out:?}");
        prop_assert!(c.find(&out).is_empty());
    }

    #[test]
    fn matching_is_the_leftmost_longest_rule(
        names in prop::collection::vec(han("ab华东精工", 2..=4), 1..6),
        text in han("ab华东精工 ", 0..=30),
    ) {
        let mut r = sample();
        r.customers.truncate(0);
        r.leads.truncate(0);
        r.deals.truncate(0);
        for (i, n) in names.iter().enumerate() {
            let mut c = customer(&format!("c{i}"), None);
            c.name = n.clone();
            r.customers.push(c);
        }
        let c = Confidential::new(&r, &[]);
        let norm: Vec<String> = c.forms.iter().map(|f| f.norm.clone()).collect();
        // The rule spelled out on the normalised text: at each character the
        // longest form starting there, then on after it.
        let n = crate::normal::Normal::new(&text);
        let (mut i, mut want) = (0, Vec::new());
        let t = &n.text;
        while i < t.len() {
            let best = norm.iter().enumerate().filter(|(_, f)| t[i..].starts_with(f.as_str())).max_by_key(|(k, f)| (f.len(), std::cmp::Reverse(*k)));
            match best {
                Some((k, f)) if !(f.chars().next().unwrap().is_ascii_alphanumeric() && i > 0 && t.as_bytes()[i - 1].is_ascii_alphanumeric() && !n.gap_before(i)) && !(f.chars().last().unwrap().is_ascii_alphanumeric() && t.as_bytes().get(i + f.len()).is_some_and(u8::is_ascii_alphanumeric) && !n.gap_before(i + f.len())) => {
                    want.push((i..i + f.len(), k));
                    i += f.len();
                }
                _ => i += t[i..].chars().next().unwrap().len_utf8(),
            }
        }
        prop_assert_eq!(c.find_normal(&n), want);
    }
}
