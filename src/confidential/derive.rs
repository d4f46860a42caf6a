//! The forms of a company name that people write (SPEC §6): without the place
//! prefix, without legal-form and trade suffixes, and the combinations of both.
//! The word lists live here and in `places.txt`; docs/confidentiality.md lists them.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::normal::normalize;

/// Legal forms and the like, stripped from the end of a name (longest first).
pub const LEGAL_SUFFIXES: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "集团股份公司",
    "有限公司",
    "集团公司",
    "总公司",
    "分公司",
    "公司",
    "集团",
    "控股",
    "股份",
    "总厂",
    "工厂",
    "厂",
    "事务所",
    "工作室",
    "co.,ltd.",
    "co.,ltd",
    "co.ltd",
    "ltd.",
    "ltd",
    "inc.",
    "inc",
    "corp.",
    "corp",
    "corporation",
    "company",
    "group",
    "limited",
    "llc",
    "gmbh",
];

/// Trade words, stripped from the end of a name after the legal form
/// (润泽物流 → 润泽). Longer words first where one ends another (新能源, 能源).
pub const TRADE_WORDS: &[&str] = &[
    "科技",
    "技术",
    "信息",
    "网络",
    "物流",
    "电子",
    "实业",
    "贸易",
    "商贸",
    "发展",
    "投资",
    "咨询",
    "服务",
    "管理",
    "软件",
    "智能",
    "数据",
    "新能源",
    "能源",
    "电力",
    "设备",
    "机械",
    "制造",
    "工业",
    "汽车",
    "零部件",
    "汽配",
    "医疗",
    "健康",
    "生物",
    "医药",
    "制药",
    "化工",
    "材料",
    "建设",
    "工程",
    "建筑",
    "环保",
    "食品",
    "供应链",
    "国际",
    "电气",
    "电器",
    "通信",
    "传媒",
    "文化",
    "教育",
    "金融",
    "保险",
    "银行",
    "租赁",
    "百货",
    "商业",
    "货运",
    "运输",
    "精工",
    "仪器",
    "光电",
    "半导体",
    "互联网",
    "系统",
    "集成",
    "自动化",
    "装备",
    "重工",
    "纺织",
    "服饰",
    "置业",
    "地产",
    "房地产",
    "物业",
    "餐饮",
    "酒店",
    "旅游",
    "农业",
    "矿业",
    "钢铁",
    "塑料",
    "包装",
    "印刷",
    "家居",
    "电商",
    "学院",
    "大学",
    "医院",
    "中心",
    "研究院",
    "logistics",
    "technologies",
    "technology",
    "tech",
    "electronics",
    "electronic",
    "trading",
    "industrial",
    "industries",
    "holdings",
    "international",
    "systems",
    "software",
    "networks",
    "network",
    "health",
    "medical",
];

/// Words that name a region rather than a place of `places.txt`.
const REGIONS: &[&str] = &[
    "中国",
    "中华",
    "华东",
    "华南",
    "华北",
    "华中",
    "华西",
    "西南",
    "西北",
    "东北",
    "江南",
    "长三角",
    "珠三角",
    "京津冀",
    "大湾区",
    "内地",
    "全国",
];

/// The minority names in autonomous regions, prefectures and counties
/// (延边朝鲜族自治州 → 延边).
const ETHNIC: &[&str] = &[
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
    "各族",
];

/// Administrative suffixes: a place is also written without them (杭州市 → 杭州).
const PLACE_SUFFIXES: &[&str] = &[
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "新区",
    "地区",
    "林区",
    "特区",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "旗",
];

/// Place names, normalised, with and without their administrative suffix:
/// `(all, wide)` — every level for stripping a prefix; only provinces,
/// prefectures and regions for deciding that a form says nothing but a place
/// (a county's name is often a company's: 宝丰县, 宝丰电子).
static PLACES: LazyLock<(HashSet<String>, HashSet<String>)> = LazyLock::new(|| {
    let (mut all, mut wide) = (HashSet::new(), HashSet::new());
    let mut counties = false;
    for line in include_str!("places.txt").lines().map(str::trim) {
        if line.starts_with('#') {
            counties |= line == "# counties";
            continue;
        }
        for form in place_forms(line).into_iter().filter(|f| !f.is_empty()) {
            let norm = normalize(&form);
            if !counties {
                wide.insert(norm.clone());
            }
            all.insert(norm);
        }
    }
    for r in REGIONS {
        all.insert(normalize(r));
        wide.insert(normalize(r));
    }
    (all, wide)
});

/// A place as written: its full name, without its administrative suffix and,
/// for autonomous areas, without the minority names (广西壮族自治区 → 广西).
fn place_forms(name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    let mut short = name;
    if let Some(s) = PLACE_SUFFIXES.iter().find_map(|s| name.strip_suffix(s)) {
        short = s;
    }
    if let Some(cut) = ETHNIC.iter().filter_map(|e| short.find(e)).min() {
        short = &short[..cut];
    }
    if short.chars().count() >= 2 && short != name {
        out.push(short.to_string());
    }
    out
}

/// Is `norm` (normalised) a place or region name, of any level?
pub fn is_place(norm: &str) -> bool {
    PLACES.0.contains(norm)
}

/// A province, prefecture or region: a name that says only where.
fn is_wide_place(norm: &str) -> bool {
    PLACES.1.contains(norm)
}

/// Long enough to match without hitting ordinary words: at least 2 Han
/// characters, or at least 3 ASCII letters and digits with a letter among them.
pub fn long_enough(s: &str) -> bool {
    let han = s.chars().filter(|c| is_han(*c)).count();
    let alnum = s.chars().filter(char::is_ascii_alphanumeric).count();
    han >= 2 || (alnum >= 3 && s.chars().any(|c| c.is_ascii_alphabetic()))
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

/// Made only of place, region, legal-form and trade words (物流有限公司).
fn generic(norm: &str) -> bool {
    norm.is_empty()
        || is_wide_place(norm)
        || LEGAL_SUFFIXES
            .iter()
            .chain(TRADE_WORDS)
            .filter_map(|w| norm.strip_suffix(w))
            .any(generic)
}

/// The longest place (or `city`) at the start of `s`, leaving something after it.
fn strip_place<'a>(s: &'a str, city: Option<&str>) -> Option<&'a str> {
    if let Some(c) = city.filter(|c| !c.is_empty())
        && let Some(rest) = s.strip_prefix(c)
        && !rest.is_empty()
    {
        return Some(rest);
    }
    let ends: Vec<usize> = s.char_indices().map(|(i, _)| i).skip(1).collect();
    ends.iter()
        .rev()
        .find(|&&e| is_place(&s[..e]))
        .map(|&e| &s[e..])
}

fn strip_suffix(s: &str) -> Option<&str> {
    LEGAL_SUFFIXES
        .iter()
        .chain(TRADE_WORDS)
        .filter_map(|w| s.strip_suffix(w))
        .filter(|rest| !rest.is_empty())
        .min_by_key(|rest| rest.len())
}

/// Removes bracketed parts anywhere: 润泽物流(上海)有限公司 → 润泽物流有限公司.
fn without_brackets(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' | '[' | '【' | '〔' => depth += 1,
            ')' | ']' | '】' | '〕' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    (out != s && !out.is_empty()).then_some(out)
}

/// Every form of the company name `name` (normalised: NFKC, lower case, no
/// spaces), the full name first. `city`: the customer's own city, a prefix too.
pub fn company_forms(name: &str, city: Option<&str>) -> Vec<String> {
    let full = normalize(name);
    let city = city.map(normalize);
    let mut bases = vec![full.clone()];
    bases.extend(without_brackets(&full));
    let mut out: Vec<String> = Vec::new();
    let push = |f: &str, out: &mut Vec<String>| {
        if !out.iter().any(|o| o == f) {
            out.push(f.to_string());
        }
    };
    push(&full, &mut out);
    for base in &bases {
        let mut prefixed = vec![base.as_str()];
        let mut cur = base.as_str();
        while let Some(rest) = strip_place(cur, city.as_deref()) {
            prefixed.push(rest);
            cur = rest;
        }
        for p in prefixed {
            let mut cur = p;
            loop {
                if !generic(cur) && long_enough(cur) {
                    push(cur, &mut out);
                }
                match strip_suffix(cur) {
                    Some(rest) if long_enough(rest) => cur = rest,
                    _ => break,
                }
            }
        }
    }
    // The full name is confidential even when short or generic, unless a
    // single character (it would match everywhere).
    if full.chars().count() < 2 {
        out.retain(|f| f != &full);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(name: &str) -> Vec<String> {
        let mut f = company_forms(name, None);
        f.sort();
        f
    }

    #[test]
    fn place_prefix_and_suffixes_in_every_combination() {
        let f = forms("上海润泽物流有限公司");
        for want in [
            "上海润泽物流有限公司",
            "上海润泽物流",
            "上海润泽",
            "润泽物流有限公司",
            "润泽物流",
            "润泽",
        ] {
            assert!(f.contains(&want.to_string()), "{want} not in {f:?}");
        }
        assert!(
            !f.iter()
                .any(|x| x == "上海" || x == "物流" || x == "有限公司")
        );
    }

    #[test]
    fn provinces_cities_and_districts_with_and_without_suffix() {
        for (name, core) in [
            ("浙江省杭州市西湖区宝丰电子科技有限公司", "宝丰"),
            ("浙江杭州宝丰电子科技有限公司", "宝丰电子"),
            ("广西壮族自治区南宁市联创新能源股份有限公司", "联创"),
            ("苏州市昆山市睿达健康科技有限公司", "睿达健康"),
            ("深圳正和电子有限公司", "正和"),
        ] {
            let f = forms(name);
            assert!(f.contains(&core.to_string()), "{core} not in {f:?}");
        }
    }

    #[test]
    fn short_forms_are_not_used_and_brackets_drop_out() {
        // A科技: "A" is too short, so only the full name.
        assert_eq!(forms("A科技有限公司"), ["a科技", "a科技有限公司"]);
        assert_eq!(forms("B集团"), ["b集团"]);
        let f = forms("润泽物流（上海）有限公司");
        assert!(
            f.contains(&"润泽物流有限公司".into()) && f.contains(&"润泽".into()),
            "{f:?}"
        );
        // Latin names: NFKC and case folding; "Ltd" and "Co" are legal forms.
        let f = forms("Ｒｕｎｚｅ Logistics Co.,Ltd.");
        assert!(
            f.contains(&"runzelogistics".into()) && f.contains(&"runze".into()),
            "{f:?}"
        );
        // A name made of place and trade words keeps only its full form.
        assert_eq!(forms("上海物流有限公司"), ["上海物流有限公司"]);
        assert_eq!(forms("华东电力设备有限公司"), ["华东电力设备有限公司"]);
    }

    #[test]
    fn the_customer_city_is_a_prefix_too() {
        let f = company_forms("临港润泽物流有限公司", Some("临港"));
        assert!(f.contains(&"润泽".into()), "{f:?}");
    }
}
