//! A small valid data repository, one record of each kind, that the robustness
//! and hostile-input tests start from and then break.

use std::path::Path;

pub const PIPELINE: &str = r#"[team]
name = "测试组"
as_of = 2023-10-31

[[owners]]
id = "lisi"
name = "李四"

[[stages]]
id = "lead"
name = "线索获取与筛选"

[[stages]]
id = "nurture"
name = "客户深度培育"
core = true

[[stages]]
id = "proposal"
name = "方案制定与呈现"
core = true

[[stages]]
id = "negotiation"
name = "商务谈判与成交"
closing = true

[[stages]]
id = "fulfilment"
name = "履约与售后维护"
"#;

pub const LEAD: &str = r#"source = "trade_show"
acquired = 2023-10-08
company = "A科技有限公司"
industry = "制造业"
owner = "lisi"
status = "converted"
needs = ["自动化升级"]

[contact]
name = "张三"
title = "采购经理"
"#;

pub const CUSTOMER: &str = r#"+++
name = "A科技有限公司"
industry = "制造业"
owner = "lisi"
lead = "LX001"
+++
Research notes.
"#;

pub const DEAL: &str = r#"customer = "a-tech"
owner = "lisi"
amount = 500000
status = "won"
closed = 2023-10-27

[[stages]]
stage = "nurture"
entered = 2023-10-18

[[stages]]
stage = "proposal"
entered = 2023-10-20

[[stages]]
stage = "negotiation"
entered = 2023-10-23

[[activities]]
date = 2023-10-18
kind = "visit"
"#;

pub const MONTH: &str = "+++\n[[assert]]\nkpi = \"revenue\"\nequals = 500000\n+++\n十月复盘。\n";

pub const CASE: &str = "+++\ntitle = \"A科技签约复盘\"\ndate = 2023-10-30\nresult = \"success\"\n\
                    deal = \"a-tech-2023\"\nauthor = \"lisi\"\n+++\n方案评审一次通过。\n";

/// Every file of the base repository.
pub const BASE: [(&str, &str); 6] = [
    ("pipeline.toml", PIPELINE),
    ("leads/LX001.toml", LEAD),
    ("customers/a-tech.md", CUSTOMER),
    ("deals/a-tech-2023.toml", DEAL),
    ("months/2023-10.md", MONTH),
    ("cases/a-tech-win.md", CASE),
];

/// Writes the base repository into `dir`.
pub fn write_base(dir: &Path) {
    for (path, text) in BASE {
        write(dir, path, text);
    }
}

/// Writes `content` to `root/rel`, creating folders.
pub fn write(root: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}
