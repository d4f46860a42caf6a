//! Word lists for names, companies, notes and reviews (Chinese, some English).

/// Splits "张zhang 王wang" into (汉字, pinyin) pairs.
pub fn pairs(s: &'static str) -> Vec<(&'static str, &'static str)> {
    s.split_whitespace()
        .map(|w| {
            let at = w.find(|c: char| c.is_ascii_lowercase()).unwrap_or(w.len());
            (&w[..at], &w[at..])
        })
        .collect()
}

pub const SURNAMES: &str = "张zhang 王wang 刘liu 陈chen 杨yang 黄huang 吴wu 徐xu 孙sun 马ma 朱zhu 胡hu 郭guo 何he 高gao \
    林lin 罗luo 郑zheng 梁liang 谢xie 宋song 唐tang 许xu 韩han 冯feng 邓deng 曹cao 彭peng 曾zeng \
    田tian 董dong 潘pan 袁yuan 蒋jiang 蔡cai 余yu 杜du 叶ye 程cheng 魏wei 苏su 丁ding 沈shen";
pub const GIVEN: &str = "伟wei 芳fang 娜na 敏min 静jing 丽li 强qiang 磊lei 军jun 洋yang 勇yong 艳yan 杰jie 涛tao 明ming \
    超chao 霞xia 平ping 刚gang 建华jianhua 志强zhiqiang 海燕haiyan 晓东xiaodong 文博wenbo 思远siyuan \
    雨桐yutong 浩然haoran 佳怡jiayi 俊杰junjie 晨曦chenxi 立新lixin 国栋guodong 春梅chunmei \
    永辉yonghui 慧敏huimin 嘉琪jiaqi 一鸣yiming 婉婷wanting 宏亮hongliang 雪莹xueying";
pub const BRANDS: &str = "恒锐hengrui 华辰huachen 博远boyuan 嘉诚jiacheng 中瑞zhongrui 鼎泰dingtai 海川haichuan \
    信达xinda 佳禾jiahe 启明qiming 联创lianchuang 鑫源xinyuan 宏图hongtu 瑞丰ruifeng 天成tiancheng \
    汇通huitong 东升dongsheng 正和zhenghe 明德mingde 安泰antai 卓越zhuoyue 金桥jinqiao 新宇xinyu \
    永盛yongsheng 远航yuanhang 科瑞kerui 同创tongchuang 华阳huayang 众合zhonghe 德润derun \
    凯达kaida 思源siyuan 云帆yunfan 青禾qinghe 鸿运hongyun 万象wanxiang 精诚jingcheng 立信lixin \
    盛世shengshi 和光heguang 长风changfeng 星河xinghe 锦程jincheng 弘毅hongyi 泰和taihe \
    元亨yuanheng 睿达ruida 昊天haotian 润泽runze 翔宇xiangyu 百川baichuan 聚力juli 诚泰chengtai \
    晟达shengda 嘉盛jiasheng 华腾huateng 北辰beichen 澜海lanhai 致远zhiyuan 拓新tuoxin \
    宝丰baofeng 瑞晟ruisheng 恒信hengxin 鼎新dingxin 华瑞huarui 海纳haina";

pub const EN_BRANDS: &[&str] = &[
    "Northwind",
    "Bluestone",
    "Harbor",
    "Silverline",
    "Pinecrest",
    "Redwood",
    "Summit",
    "Evergreen",
    "Lakeside",
    "Ironbridge",
    "Brightpath",
    "Crescent",
];

pub struct Industry {
    pub name: &'static str,
    pub en: &'static str,
    /// (suffix, id slug, short suffix)
    pub sfx: &'static [(&'static str, &'static str, &'static str)],
    pub en_sfx: &'static [&'static str],
    pub pains: &'static [&'static str],
    pub needs: &'static [&'static str],
    pub titles: &'static [&'static str],
    /// Relative share of leads.
    pub weight: f64,
}

pub const INDUSTRIES: &[Industry] = &[
    Industry {
        name: "制造业",
        en: "Manufacturing",
        sfx: &[
            ("精密机械有限公司", "machinery", "精密"),
            ("智能装备股份有限公司", "equipment", "装备"),
            ("汽车零部件有限公司", "auto-parts", "汽配"),
            ("电子科技有限公司", "electronics", "电子"),
        ],
        en_sfx: &["Precision Co., Ltd.", "Components Ltd."],
        pains: &[
            "人工成本高",
            "效率低",
            "设备停机多",
            "质量追溯难",
            "排产靠经验",
        ],
        needs: &["自动化升级", "设备联网", "质量追溯", "MES实施"],
        titles: &["生产副总", "设备部经理", "厂长"],
        weight: 3.0,
    },
    Industry {
        name: "零售",
        en: "Retail",
        sfx: &[
            ("商贸有限公司", "trading", "商贸"),
            ("连锁超市有限公司", "mart", "超市"),
            ("百货股份有限公司", "department-store", "百货"),
        ],
        en_sfx: &["Retail Group", "Trading Ltd."],
        pains: &["库存周转慢", "数据不透明", "门店补货不及时", "会员运营粗放"],
        needs: &["供应链管理", "智能补货", "会员数字化", "BI报表"],
        titles: &["商品总监", "门店运营经理", "供应链总监"],
        weight: 1.5,
    },
    Industry {
        name: "医疗",
        en: "Healthcare",
        sfx: &[
            ("医疗器械有限公司", "medical", "医疗"),
            ("生物医药有限公司", "biopharma", "生物"),
            ("健康管理有限公司", "health", "健康"),
        ],
        en_sfx: &["Medical Devices Ltd.", "Health Co."],
        pains: &["耗材管理混乱", "设备利用率低", "院内数据孤岛", "合规压力大"],
        needs: &["耗材追溯", "设备资产管理", "数据中台"],
        titles: &["信息科主任", "设备处处长", "运营副总"],
        weight: 1.2,
    },
    Industry {
        name: "金融",
        en: "Finance",
        sfx: &[
            ("农村商业银行", "bank", "农商行"),
            ("财产保险有限公司", "insurance", "保险"),
            ("融资租赁有限公司", "leasing", "租赁"),
        ],
        en_sfx: &["Capital Ltd.", "Insurance Co."],
        pains: &["客户画像不全", "风控模型滞后", "网点效率低", "监管报送繁琐"],
        needs: &["客户管理系统", "数据中台", "流程自动化"],
        titles: &["科技部总经理", "运营管理部经理", "风险管理部负责人"],
        weight: 1.0,
    },
    Industry {
        name: "教育",
        en: "Education",
        sfx: &[
            ("教育科技有限公司", "edu", "教育"),
            ("职业技术学院", "college", "职院"),
        ],
        en_sfx: &["Learning Ltd."],
        pains: &["教务系统老旧", "数据分散", "招生转化低"],
        needs: &["智慧校园", "数据中台", "客户管理系统"],
        titles: &["信息化办公室主任", "教务处处长", "副校长"],
        weight: 0.6,
    },
    Industry {
        name: "物流",
        en: "Logistics",
        sfx: &[
            ("物流有限公司", "logistics", "物流"),
            ("供应链管理有限公司", "scm", "供应链"),
            ("国际货运代理有限公司", "freight", "货代"),
        ],
        en_sfx: &["Logistics Ltd.", "Freight Co."],
        pains: &[
            "车辆调度效率低",
            "在途不可视",
            "仓储作业差错多",
            "运价波动大",
        ],
        needs: &["智能仓储", "运输管理系统", "供应链管理"],
        titles: &["调度中心经理", "仓储经理", "运营总监"],
        weight: 1.3,
    },
    Industry {
        name: "能源",
        en: "Energy",
        sfx: &[
            ("新能源科技有限公司", "new-energy", "新能源"),
            ("燃气股份有限公司", "gas", "燃气"),
            ("电力设备有限公司", "power", "电力"),
        ],
        en_sfx: &["Energy Ltd.", "Power Co."],
        pains: &["能耗数据不全", "巡检依赖人工", "设备预警滞后"],
        needs: &["能耗管理", "远程运维", "设备联网"],
        titles: &["生产技术部经理", "安全总监", "运维中心主任"],
        weight: 0.9,
    },
    Industry {
        name: "互联网",
        en: "Internet",
        sfx: &[
            ("网络科技有限公司", "network", "网络"),
            ("信息技术有限公司", "it", "信息"),
        ],
        en_sfx: &["Technologies Inc.", "Software Ltd."],
        pains: &["研发协同低效", "云成本高", "客户服务响应慢"],
        needs: &["运维监控", "客户管理系统", "BI报表"],
        titles: &["技术总监", "CTO", "运营总监"],
        weight: 1.0,
    },
];

pub const COMMON_TITLES: &[&str] = &[
    "采购经理",
    "采购总监",
    "IT总监",
    "信息中心主任",
    "总经理助理",
    "数字化负责人",
];
pub const EN_TITLES: &[&str] = &[
    "Procurement Manager",
    "IT Director",
    "COO",
    "Head of Operations",
    "CFO",
];
pub const MOBILE: &[&str] = &[
    "130", "131", "133", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159",
    "177", "180", "186", "187", "188", "189",
];

/// (city, pinyin, region)
pub const CITIES: &[(&str, &str, &str)] = &[
    ("上海", "shanghai", "上海"),
    ("苏州", "suzhou", "江苏"),
    ("无锡", "wuxi", "江苏"),
    ("南京", "nanjing", "江苏"),
    ("常州", "changzhou", "江苏"),
    ("杭州", "hangzhou", "浙江"),
    ("宁波", "ningbo", "浙江"),
    ("嘉兴", "jiaxing", "浙江"),
    ("绍兴", "shaoxing", "浙江"),
    ("合肥", "hefei", "安徽"),
    ("芜湖", "wuhu", "安徽"),
    ("济南", "jinan", "山东"),
    ("青岛", "qingdao", "山东"),
    ("福州", "fuzhou", "福建"),
    ("厦门", "xiamen", "福建"),
    ("广州", "guangzhou", "广东"),
    ("深圳", "shenzhen", "广东"),
    ("东莞", "dongguan", "广东"),
    ("北京", "beijing", "北京"),
    ("天津", "tianjin", "天津"),
    ("武汉", "wuhan", "湖北"),
    ("成都", "chengdu", "四川"),
    ("重庆", "chongqing", "重庆"),
    ("西安", "xian", "陕西"),
];
/// Regions in the order teams are opened as the organisation grows.
pub const REGIONS: &[&str] = &[
    "上海", "江苏", "浙江", "安徽", "山东", "福建", "广东", "北京", "天津", "湖北", "四川", "重庆",
    "陕西",
];
pub const TEAM_NUM: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// (id, name, group, relative share of leads, win-rate factor)
pub const CHANNELS: &[(&str, &str, &str, f64, f64)] = &[
    ("trade_show", "行业展会", "event", 18.0, 1.0),
    ("webinar", "线上研讨会", "event", 14.0, 0.85),
    ("agent", "代理商", "partner", 12.0, 1.05),
    ("association", "行业协会", "partner", 8.0, 1.0),
    ("whitepaper", "白皮书", "content", 10.0, 0.75),
    ("case_study", "案例研究", "content", 8.0, 0.9),
    ("referral", "客户转介绍", "referral", 20.0, 1.3),
    ("other", "其他", "other", 10.0, 0.7),
];

/// (id, name, name_en, core, closing, outputs, probability)
pub type StageDef = (
    &'static str,
    &'static str,
    &'static str,
    bool,
    bool,
    &'static [&'static str],
    f64,
);
pub const STAGES: &[StageDef] = &[
    (
        "lead",
        "线索获取与筛选",
        "Lead capture & screening",
        false,
        false,
        &["线索来源登记表", "线索分级与跟进计划表"],
        0.05,
    ),
    (
        "nurture",
        "客户深度培育",
        "Nurturing & needs discovery",
        true,
        false,
        &["客户信息档案表", "需求挖掘与风险评估记录"],
        0.10,
    ),
    (
        "proposal",
        "方案制定与呈现",
        "Solution design & presentation",
        true,
        false,
        &["定制化解决方案书", "方案沟通会议纪要"],
        0.30,
    ),
    (
        "negotiation",
        "商务谈判与成交",
        "Negotiation & closing",
        false,
        true,
        &["谈判记录表", "销售合同", "订单交接单"],
        0.60,
    ),
    (
        "fulfilment",
        "履约与售后维护",
        "Fulfilment & after-sales",
        false,
        false,
        &["履约进度跟踪表", "客户验收报告", "售后回访记录"],
        1.0,
    ),
];

pub const ACTIONS: [&[&str]; 5] = [
    &["完成线索登记", "完成资质筛选与分级", "制定跟进计划"],
    &["完成客户拜访", "梳理需求痛点", "识别决策链", "完成风险评估"],
    &[
        "完成方案演示",
        "根据反馈修订方案",
        "方案评审通过",
        "客户无异议",
    ],
    &["确认付款条件", "完成法务审核", "价格达成一致", "合同已签"],
    &["召开项目启动会", "系统上线", "客户验收通过", "完成首次回访"],
];

pub const ACT_KINDS: &[&str] = &[
    "call", "email", "meeting", "visit", "webinar", "content", "other",
];
pub fn act_notes(kind: &str) -> &'static [&'static str] {
    match kind {
        "call" => &[
            "电话沟通项目进展",
            "电话确认需求细节",
            "与采购确认预算节奏",
            "电话跟进内部审批进度",
            "Follow-up call on the rollout plan",
        ],
        "email" => &[
            "发送产品资料与同行案例",
            "邮件发送需求调研问卷",
            "发送报价说明",
            "Sent the reference list and pricing notes",
        ],
        "meeting" => &[
            "需求调研会",
            "技术交流会",
            "方案澄清会",
            "高层拜访",
            "Workshop with the operations team",
        ],
        "visit" => &[
            "现场调研",
            "拜访信息中心",
            "陪同参观样板客户",
            "Site visit at the main plant",
        ],
        "webinar" => &["邀请参加线上研讨会", "参加行业直播分享"],
        "content" => &["推送行业白皮书", "分享同行业案例"],
        _ => &[
            "微信沟通，确认下次会面时间",
            "Short chat to confirm the next meeting",
        ],
    }
}
pub const NEGOTIATION_NOTES: &[&str] = &[
    "商务谈判",
    "价格与付款条件沟通",
    "合同条款确认",
    "法务审核意见沟通",
    "Contract review with legal",
];
pub const PROPOSAL_NOTES: &[&str] = &[
    "方案细节澄清",
    "补充技术答疑",
    "电话确认方案修改意见",
    "Clarified integration scope",
];
pub const VISIT_NOTES: &[&str] = &[
    "上线后首次回访，系统运行稳定",
    "回访：客户希望售后响应再快一些",
    "季度回访，提出操作人员培训需求",
    "回访：客户提出报表定制需求",
    "验收后回访，整体满意",
    "Quarterly check-in, users are satisfied",
];
pub const UPSELL_NOTE: &str = "回访中发现二期扩容需求";

pub const INVALID_REASONS: &[&str] = &[
    "重复线索",
    "联系方式无效",
    "非目标行业",
    "无采购需求",
    "同行调研",
    "预算过小",
];
/// (lost at stage index, reason)
pub const LOST_REASONS: &[(usize, &str)] = &[
    (1, "客户暂无明确预算"),
    (1, "需求与产品不匹配"),
    (1, "客户项目延期至明年"),
    (1, "培育期跟进断档，客户转向竞品"),
    (2, "竞品报价低约 20%"),
    (2, "客户决定自研"),
    (2, "方案技术路线未获认可"),
    (2, "招标资质不符"),
    (2, "Client chose a cloud vendor's standard product"),
    (3, "付款条件未谈拢"),
    (3, "价格差距过大"),
    (3, "决策人变动，项目搁置"),
    (3, "客户内部预算冻结"),
];
pub const RISKS: &[(&str, &[&str])] = &[
    ("competition", &["竞品价格优势", "竞品已在集团其他工厂落地"]),
    ("budget", &["预算未最终批复", "预算需拆分到两个年度"]),
    (
        "timing",
        &["客户年底有系统切换窗口限制", "决策周期受集团审批影响"],
    ),
    ("technical", &["需与现有ERP接口对接，存在改造风险"]),
    ("other", &["关键联系人可能调岗"]),
];
pub const CHAINS: &[&[&str]] = &[
    &["采购", "技术", "副总"],
    &["信息中心", "财务", "总经理"],
    &["业务部门", "IT", "分管副总"],
    &["采购", "财务", "总经理"],
];
pub const MORE_TITLES: &[&str] = &["总经理", "分管副总", "财务总监", "IT经理", "采购总监"];
pub const CONCERNS: &[&str] = &["投资回报", "实施周期", "系统稳定性", "价格", "数据安全"];
pub const EVENTS: &[&str] = &[
    "华东智能制造展",
    "长三角数字化转型峰会",
    "华东供应链创新大会",
    "长三角新能源产业博览会",
    "华东医疗信息化论坛",
    "智慧零售大会",
    "中国国际工业博览会",
];
pub const TITLE_SFX: &[&str] = &["项目", "一期项目", "建设项目", "改造项目", "升级项目"];

pub const KPI_KEYS: &[&str] = &[
    "new_leads",
    "lead_conversion_rate",
    "first_contact_sla",
    "deals_won",
    "win_rate",
    "revenue",
    "avg_deal_size",
    "avg_deal_cycle_days",
    "collection_rate",
    "satisfaction",
];
pub const KPI_CN: &[&str] = &[
    "新增线索",
    "线索转化率",
    "首次触达及时率",
    "成交单数",
    "赢单率",
    "成交金额",
    "客单价",
    "平均成交周期",
    "回款率",
    "客户满意度",
];
pub const ANALYSIS: &[&[&str]] = &[
    &[
        "展会集中获客",
        "线上研讨会引流效果好",
        "节假日影响获客",
        "转介绍线索增加",
    ],
    &["高价值线索跟进不及时", "线索质量提升", "无效线索占比偏高"],
    &["个别线索首次触达超时", "首次触达机制执行到位"],
    &["月末集中签约", "签约窗口短", "在途商机集中转化"],
    &["竞品低价抢单", "方案匹配度提升", "谈判阶段丢单偏多"],
    &["大单签约拉动", "老客户增购贡献明显", "客户预算收紧"],
    &["大客户成交占比提升", "小单占比上升"],
    &[
        "方案修改耗时过长",
        "老客户复购周期短",
        "决策链长的客户拉长周期",
    ],
    &[
        "一笔进度款逾期未回",
        "年底回款集中",
        "回款节点与里程碑绑定见效",
    ],
    &[
        "售后响应速度需优化",
        "实施交付质量获认可",
        "回访及时，客户认可",
    ],
];
/// (area, action)
pub const PLAN_ACTIONS: &[(&str, &str)] = &[
    ("process", "优化线索筛选标准"),
    ("process", "高价值线索 24 小时内首次触达，超时自动提醒"),
    ("process", "培育期每周至少一次有效互动，纳入周会检查"),
    ("process", "方案演示后 24 小时内发送会议纪要"),
    ("process", "逾期回款每周跟踪"),
    ("training", "方案评审前内部预审，减少方案返工"),
    ("training", "价格谈判专题培训"),
    ("training", "新人 SPIN 提问法培训"),
    ("resources", "增配售后服务工程师 1 名"),
    ("resources", "补充售前顾问 1 名"),
    ("target", "下季度冲刺目标分解"),
    ("target", "重点行业目标客户清单更新"),
];

// ------------------------------------------------------------------ case reviews
pub const STORY_WIN: &[&str] = &[
    "客户在{channel}渠道接触到我们，{pain}的问题已经影响到日常经营，管理层希望年内看到改善。",
    "培育阶段安排了现场调研，识别出“{chain}”的决策链，并把{pain}对成本的影响量化成了具体数字。",
    "方案呈现时我们用客户自己的数据做了测算，技术负责人当场认可了{need}的实施路径。",
    "谈判中客户对价格有顾虑，我们以分期交付和延长质保换取价格稳定，最终顺利签约。",
    "项目采用“先试点、再推广”的方式推进，降低了客户的决策风险，关键用户成为内部推动者。",
    "竞品在方案阶段介入，我们提前准备了全生命周期成本对比，帮助客户看清长期投入。",
    "签约后交付团队在两周内完成启动会，客户对交付节奏和沟通方式都比较满意。",
    "{owner}在每个阶段结束时都向客户发送书面小结，客户内部评审时材料齐全，决策效率明显提高。",
];
pub const STORY_LOSS: &[&str] = &[
    "客户在{channel}渠道接触到我们，需求方向明确，但决策链并不清晰。",
    "培育阶段有两周没有有效互动，竞品趁机完成了两次技术交流，我们失去了先发优势。",
    "方案呈现后客户提出了与标准产品的对比问题，我们口头答复后没有形成书面材料。",
    "进入谈判后客户的预算与报价差距较大，我们两轮让步后仍无法弥合差距。",
    "客户内部组织调整，原先支持我们的关键人调岗，新负责人重新评估了项目优先级。",
    "最终客户以“{reason}”为由结束了评估，我们在一周内完成了内部复盘。",
    "回头看，{pain}虽然是真实痛点，但客户当下更关心预算和上线时间，我们的方案重心有偏差。",
];
pub const LESSONS: &[&str] = &[
    "线索登记当天完成分级，当天首次触达",
    "方案评审前分别与各决策人对齐关注点",
    "用全生命周期成本回应竞品低价",
    "先做小范围试点，再扩大推广",
    "按里程碑设计付款节奏",
    "转介绍线索当天跟进，引用介绍人的使用效果",
    "定期回访中记录客户的新需求",
    "把合规要求写进方案章节",
    "每个阶段结束时发送书面小结",
];
pub const IMPROVEMENTS: &[&str] = &[
    "方案初稿对客户数据引用不足，返工一次",
    "订单交接单应在签约当天同步给交付团队",
    "培育期连续数周没有有效互动",
    "没有识别出真正的决策人",
    "报价前没有确认预算上限",
    "让步节奏过快，失去谈判空间",
    "合同评审流程多次往返，法务应更早介入",
    "方案汇报后没有及时发送会议纪要",
];
pub const REFLECTIONS: &[&str] = &[
    "把以上经验纳入团队的阶段检查清单，在周会上逐条检查落实情况。",
    "建议在同行业客户中复用本案例的需求调研提纲和测算模板，缩短培育周期。",
    "对同类客户，方案阶段应尽早邀请财务参与，避免谈判阶段才暴露预算问题。",
    "本案例已整理成培训材料，用于新人的阶段演练，重点讲解决策链识别和异议处理。",
    "后续回访中继续跟踪客户的使用效果，把量化结果补充到案例库，作为后续项目的参考。",
    "团队约定：每个超过一百万的商机在方案阶段都要做一次内部预审，由资深同事给出意见。",
];
pub const EN_STORY: &[&str] = &[
    "The client found us through the {channel} channel; {pain} was already hurting day-to-day operations.",
    "During nurturing we ran an on-site assessment and mapped the decision chain ({chain}).",
    "The proposal used the client's own data, and the technical lead accepted the {need} roadmap in the meeting.",
    "In negotiation we traded a phased delivery and a longer warranty for a stable price.",
    "A competitor entered late; a total-cost-of-ownership comparison helped the client look beyond the first year.",
    "The team sent a written summary after every stage, so the client's internal review had everything it needed.",
];
pub const EN_LESSONS: &[&str] = &[
    "Grade and contact new leads on the day they arrive",
    "Align with every decision maker before the proposal review",
    "Pilot first, then roll out",
    "Tie payments to delivery milestones",
];
pub const EN_IMPROVEMENTS: &[&str] = &[
    "The first draft of the proposal lacked the client's own figures",
    "Legal review should start earlier",
    "Minutes went out late after the presentation",
];
