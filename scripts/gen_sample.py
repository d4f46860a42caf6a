#!/usr/bin/env python3
"""Regenerate salesbook's sample data repository (data/).

Deterministic (random.Random(20231031)), Python 3.11+ standard library only.

    python3 scripts/gen_sample.py            # rewrite data/, then verify it
    python3 scripts/gen_sample.py --verify   # only re-read data/ and verify

The sample is the team 华东大客户部 from 2022-10 to 2023-10 (as of 2023-10-31) and
reproduces the template tables of SPEC §7. Deals that decide the KPIs of table 4
(2023-10, 2023-09, 2022-10) are planned by hand in PLAN; everything else (names,
contacts, activity dates, notes) is drawn from the seeded generator.

`build()` makes every record in memory and `render(db, known)` writes the files as known once
some facts are recorded (`facts(db)` lists them with their dates); scripts/sample_history.py uses
them to replay the sample as a git history. Without `known` the render is today's data/.

--verify re-reads the written files with tomllib (nothing is taken from the
generator), recomputes the four KPIs of table 4 for 2023-10, 2023-09 and
2022-10 from the SPEC §4 definitions, asserts the template values and checks the
months' [[assert]] entries.

Intended `salesbook check` warnings (17; everything else is clean):
  3 late first contacts (2023-03, 2023-07, 2023-10)   2 manual grades against the rules
  2 nurture stages short of weekly interactions        1 proposal minutes sent after 40 h
  3 stage entries missing an expected output           2 stale open deals
  2 overdue progress payments                          1 activity dated after as_of
  1 case review with a phone number in its body
"""
import argparse
import math
import random
import re
import shutil
import sys
import tomllib
import zlib
from datetime import date, datetime, timedelta
from fractions import Fraction
from functools import partial
from pathlib import Path
from types import SimpleNamespace

DATA = Path(__file__).resolve().parent.parent / "data"
AS_OF = date(2023, 10, 31)
rng = random.Random(20231031)
D, D_T = date.fromisoformat, datetime.fromisoformat


def days(n):
    return timedelta(days=n)


# ---------------------------------------------------------------- TOML writer
class Inline(dict):
    """Written as an inline table `{ a = 1, b = 2 }`."""


BIG = {"annual_revenue", "min_annual_revenue"}  # written with digit groups


def q(s):
    """A TOML basic string: backslash, quote and control characters escaped."""
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04X}", s) + '"'


def val(v, key=""):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return f"{v:_}" if key in BIG else str(v)
    if isinstance(v, float):
        return f"{v:.2f}" if key == "probability" and v < 1 else repr(v)
    if isinstance(v, str):
        return q(v)
    if isinstance(v, datetime):
        return v.isoformat(timespec="seconds")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, Inline):
        return "{ " + ", ".join(f"{k} = {val(x, k)}" for k, x in v.items() if x is not None) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(val(x) for x in v) + "]"
    raise TypeError(f"cannot write {v!r}")


def toml(d):
    """Keys "# …" are comments, "~…" blank lines, "_…" private (not written)."""
    out, tail = [], []
    for k, v in d.items():
        if k.startswith("#"):
            out.append(k)
        elif k.startswith("~"):
            out.append("")
        elif k.startswith("_") or v is None or v == []:
            continue
        elif type(v) is dict:
            tail += ["", f"[{k}]"] + toml(v)
        elif isinstance(v, list) and type(v[0]) is dict:
            for item in v:
                tail += ["", f"[[{k}]]"] + toml(item)
        else:
            out.append(f"{k} = {val(v, k)}")
    return out + tail


FILES = {}  # relative path → text of the state being rendered (see render)


def write(rel, text):
    FILES[rel] = text


def write_toml(rel, d, head):
    write(rel, f"# {head}\n\n" + "\n".join(toml(d)).strip("\n") + "\n")


def write_md(rel, d, body):
    write(rel, "+++\n" + "\n".join(toml(d)).strip("\n") + "\n+++\n\n" + body.strip("\n") + "\n")


# ---------------------------------------------------------------- team config
OWNERS = [("lisi", "李四", "上海", "大客户一组"), ("wangfang", "王芳", "江苏", "大客户一组"),
          ("zhaoliu", "赵六", "浙江", "大客户二组"), ("chenjing", "陈静", "上海", "大客户二组"),
          ("zhouqiang", "周强", "安徽", "大客户二组")]
OWNER_NAME = {o[0]: o[1] for o in OWNERS}
CHANNELS = [("trade_show", "行业展会", "event"), ("webinar", "线上研讨会", "event"),
            ("agent", "代理商", "partner"), ("association", "行业协会", "partner"),
            ("whitepaper", "白皮书", "content"), ("case_study", "案例研究", "content"),
            ("referral", "客户转介绍", "referral"), ("other", "其他", "other")]
STAGES = [("lead", "线索获取与筛选", "Lead capture & screening", ["线索来源登记表", "线索分级与跟进计划表"], 0.05),
          ("nurture", "客户深度培育", "Nurturing & needs discovery", ["客户信息档案表", "需求挖掘与风险评估记录"], 0.10),
          ("proposal", "方案制定与呈现", "Solution design & presentation", ["定制化解决方案书", "方案沟通会议纪要"], 0.30),
          ("negotiation", "商务谈判与成交", "Negotiation & closing", ["谈判记录表", "销售合同", "订单交接单"], 0.60),
          ("fulfilment", "履约与售后维护", "Fulfilment & after-sales", ["履约进度跟踪表", "客户验收报告", "售后回访记录"], 1.0)]
ORDER = [s[0] for s in STAGES]
STAGE_CN = {s[0]: s[1] for s in STAGES}
OUTPUTS = {s[0]: s[3] for s in STAGES}
CITIES = [("上海", "上海", "021"), ("苏州", "江苏", "0512"), ("无锡", "江苏", "0510"), ("南京", "江苏", "025"),
          ("常州", "江苏", "0519"), ("杭州", "浙江", "0571"), ("宁波", "浙江", "0574"), ("嘉兴", "浙江", "0573"),
          ("绍兴", "浙江", "0575"), ("合肥", "安徽", "0551"), ("芜湖", "安徽", "0553")]
REGION_OWNERS = {"上海": ["lisi", "chenjing"], "江苏": ["wangfang"], "浙江": ["zhaoliu"], "安徽": ["zhouqiang"]}
OWNER_REGION = {o[0]: o[2] for o in OWNERS}


def pairs(s):
    return re.findall(r"([^\x00-\x7f]+)([a-z]+)", s)


SURNAMES = pairs("张zhang 王wang 刘liu 陈chen 杨yang 黄huang 吴wu 徐xu 孙sun 马ma 朱zhu 胡hu 郭guo 何he 高gao "
                 "林lin 罗luo 郑zheng 梁liang 谢xie 宋song 唐tang 许xu 韩han 冯feng 邓deng 曹cao 彭peng 曾zeng "
                 "田tian 董dong 潘pan 袁yuan 蒋jiang 蔡cai 余yu 杜du 叶ye 程cheng 魏wei 苏su 丁ding 沈shen")
GIVEN = pairs("伟wei 芳fang 娜na 敏min 静jing 丽li 强qiang 磊lei 军jun 洋yang 勇yong 艳yan 杰jie 涛tao 明ming "
              "超chao 霞xia 平ping 刚gang 建华jianhua 志强zhiqiang 海燕haiyan 晓东xiaodong 文博wenbo 思远siyuan "
              "雨桐yutong 浩然haoran 佳怡jiayi 俊杰junjie 晨曦chenxi 立新lixin 国栋guodong 春梅chunmei "
              "永辉yonghui 慧敏huimin 嘉琪jiaqi 一鸣yiming 婉婷wanting 宏亮hongliang 雪莹xueying")
BRANDS = pairs("恒锐hengrui 华辰huachen 博远boyuan 嘉诚jiacheng 中瑞zhongrui 鼎泰dingtai 海川haichuan "
               "信达xinda 佳禾jiahe 启明qiming 联创lianchuang 鑫源xinyuan 宏图hongtu 瑞丰ruifeng 天成tiancheng "
               "汇通huitong 东升dongsheng 正和zhenghe 明德mingde 安泰antai 卓越zhuoyue 金桥jinqiao 新宇xinyu "
               "永盛yongsheng 远航yuanhang 科瑞kerui 同创tongchuang 华阳huayang 众合zhonghe 德润derun "
               "凯达kaida 思源siyuan 云帆yunfan 青禾qinghe 鸿运hongyun 万象wanxiang 精诚jingcheng 立信lixin "
               "盛世shengshi 和光heguang 长风changfeng 星河xinghe 锦程jincheng 弘毅hongyi 泰和taihe "
               "元亨yuanheng 睿达ruida 昊天haotian 润泽runze 翔宇xiangyu 百川baichuan 聚力juli 诚泰chengtai "
               "晟达shengda 嘉盛jiasheng 华腾huateng 北辰beichen 澜海lanhai 致远zhiyuan 拓新tuoxin "
               "宝丰baofeng 瑞晟ruisheng 恒信hengxin 鼎新dingxin 华瑞huarui 海纳haina")


def ind(sfx, pains, needs, titles):
    return SimpleNamespace(sfx=[tuple(x.split("/")) for x in sfx.split()], pains=pains.split(),
                           needs=needs.split(), titles=titles.split())


INDUSTRIES = {
    "制造业": ind("精密机械有限公司/machinery/精密 智能装备股份有限公司/equipment/装备 汽车零部件有限公司/auto-parts/汽配 "
               "电子科技有限公司/electronics/电子", "人工成本高 效率低 设备停机多 质量追溯难 排产靠经验",
               "自动化升级 设备联网 质量追溯 MES实施", "生产副总 设备部经理 厂长"),
    "零售": ind("商贸有限公司/trading/商贸 连锁超市有限公司/mart/超市 百货股份有限公司/department-store/百货",
              "库存周转慢 数据不透明 门店补货不及时 会员运营粗放", "供应链管理 智能补货 会员数字化 BI报表",
              "商品总监 门店运营经理 供应链总监"),
    "医疗": ind("医疗器械有限公司/medical/医疗 生物医药有限公司/biopharma/生物 健康管理有限公司/health/健康",
              "耗材管理混乱 设备利用率低 院内数据孤岛 合规压力大", "耗材追溯 设备资产管理 数据中台",
              "信息科主任 设备处处长 运营副总"),
    "金融": ind("农村商业银行/bank/农商行 财产保险有限公司/insurance/保险 融资租赁有限公司/leasing/租赁",
              "客户画像不全 风控模型滞后 网点效率低 监管报送繁琐", "客户管理系统 数据中台 流程自动化",
              "科技部总经理 运营管理部经理 风险管理部负责人"),
    "教育": ind("教育科技有限公司/edu/教育 职业技术学院/college/职院", "教务系统老旧 数据分散 招生转化低",
              "智慧校园 数据中台 客户管理系统", "信息化办公室主任 教务处处长 副校长"),
    "物流": ind("物流有限公司/logistics/物流 供应链管理有限公司/scm/供应链 国际货运代理有限公司/freight/货代",
              "车辆调度效率低 在途不可视 仓储作业差错多 运价波动大", "智能仓储 运输管理系统 供应链管理",
              "调度中心经理 仓储经理 运营总监"),
    "能源": ind("新能源科技有限公司/new-energy/新能源 燃气股份有限公司/gas/燃气 电力设备有限公司/power/电力",
              "能耗数据不全 巡检依赖人工 设备预警滞后", "能耗管理 远程运维 设备联网", "生产技术部经理 安全总监 运维中心主任"),
    "互联网": ind("网络科技有限公司/network/网络 信息技术有限公司/it/信息", "研发协同低效 云成本高 客户服务响应慢",
               "运维监控 客户管理系统 BI报表", "技术总监 CTO 运营总监"),
}
COMMON_TITLES = "采购经理 采购总监 IT总监 信息中心主任 总经理助理 数字化负责人".split()
MOBILE = "130 131 133 135 136 137 138 139 150 151 152 158 159 177 180 186 187 188 189".split()

# ---------------------------------------------------------------- calendar
HOLIDAYS = set()
for _a, _b in [("2022-10-01", "2022-10-07"), ("2022-12-31", "2023-01-02"), ("2023-01-21", "2023-01-27"),
               ("2023-04-05", "2023-04-05"), ("2023-04-29", "2023-05-03"), ("2023-06-22", "2023-06-24"),
               ("2023-09-29", "2023-10-06")]:
    HOLIDAYS |= {D(_a) + days(i) for i in range((D(_b) - D(_a)).days + 1)}
MAKEUP = {D(x) for x in "2022-10-08 2022-10-09 2023-01-28 2023-01-29 2023-04-23 2023-05-06 2023-06-25 "
                        "2023-10-07 2023-10-08".split()}


def workday(d):
    return d in MAKEUP or (d.weekday() < 5 and d not in HOLIDAYS)


def pick_day(lo, hi):
    """A random working day in [lo, hi] (any day there when none is a working day)."""
    c = [lo + days(i) for i in range((hi - lo).days + 1)]
    return rng.choice([d for d in c if workday(d)] or c)


def at(d, h, m=0):
    return datetime(d.year, d.month, d.day, h, m)


def ym(d):
    return f"{d.year}-{d.month:02d}"


def cn_date(d, year=False):
    return (f"{d.year}年" if year else "") + f"{d.month}月{d.day}日"


def wan(x):
    return f"{x / 10000:g}"


# ---------------------------------------------------------------- people & companies
used_names = set()


def person():
    (s, sp), (g, gp) = rng.choice(SURNAMES), rng.choice(GIVEN)
    return s + g, sp + gp


def phone(area):
    if rng.random() < 0.7:
        return rng.choice(MOBILE) + f"{rng.randint(0, 99999999):08d}"
    return f"{area}-{rng.randint(2000, 8999)} {rng.randint(0, 9999):04d}"


def company(industry, city=None, taken=()):
    cty = city or rng.choice(CITIES)
    for _ in range(200):
        b, sfx = rng.choice(BRANDS), rng.choice(INDUSTRIES[industry].sfx)
        name = cty[0] + b[0] + sfx[0]
        if name not in used_names and f"{b[1]}-{sfx[1]}" not in taken:
            used_names.add(name)
            return SimpleNamespace(name=name, short=b[0] + sfx[2], slug=f"{b[1]}-{sfx[1]}", py=b[1],
                                   city=cty[0], region=cty[1], area=cty[2], industry=industry)
    raise RuntimeError("ran out of company names")


def contact(co, title=None):
    name, py = person()
    t = title or (rng.choice(INDUSTRIES[co.industry].titles) if rng.random() < 0.6 else rng.choice(COMMON_TITLES))
    c = Inline(name=name, title=t)
    if rng.random() < 0.85:
        c["phone"] = phone(co.area)
    if rng.random() < 0.5 or "phone" not in c:
        c["email"] = f"{py}@{co.py}.example.com"
    return c


def role_of(title):
    for words, role in [("采购", "buyer"), ("财务", "finance"), ("总经理 副总 院长 副校长 总裁 厂长", "executive"),
                        ("IT 信息 技术 CTO 设备 数字化 科技", "technical"), ("运营 门店 仓储 调度 商品 供应链 生产 教务", "user")]:
        if any(w in title for w in words.split()):
            return role
    return "other"


def rule_grade(lead, rules):
    """SPEC §2.1: first matching rule wins; a rule needs every field it names; no match → low."""
    for r in rules:
        rev, match = lead.get("annual_revenue"), lead.get("match")
        if "min_annual_revenue" in r and (rev is None or rev < r["min_annual_revenue"]):
            continue
        if "budget_confirmed" in r and lead.get("budget_confirmed") != r["budget_confirmed"]:
            continue
        if "min_match" in r and (match is None or match < r["min_match"]):
            continue
        return r["grade"]
    return "low"


GRADING = [{"grade": "high", "min_annual_revenue": 50_000_000, "budget_confirmed": True, "min_match": 70},
           {"grade": "medium", "min_annual_revenue": 10_000_000, "min_match": 50}]


# ---------------------------------------------------------------- the deal plan
def P(key, industry, owner, acq=None, closed=None, amount=None, status="won", stage="negotiation", **kw):
    return SimpleNamespace(key=key, industry=industry, owner=owner, acq=acq and D(acq), closed=closed and D(closed),
                           amount=amount, status=status, stage=stage, kw=kw)


def L(key, industry, owner, acq, closed, stage, reason, **kw):
    return P(key, industry, owner, acq, closed, None, "lost", stage, reason=reason, **kw)


def O(key, industry, owner, acq, stage, last, amount=None, **kw):
    return P(key, industry, owner, acq, None, amount, "open", stage, last=D(last), **kw)


# Every deal of the sample. KPI-critical months (SPEC §7 table 4):
#   2022-10 won: D1 (23 d) + D2 (37 d) → cycle 30, 80万/2 = 40万; leads converted 7/50 (D1, T7…T12)
#   2023-09 won: S1 (27) + S2 (32) + S3 (37) → 32, 111万/3 = 37万; leads converted 3/20 (S1, W4, W5)
#   2023-10 won: a-tech (19) + W2 (21) + W3 (23) + W4 (56) + W5 (56) → 35, 225万/5 = 45万; 3/25
PLAN = [
    # existing customers from before the repository (no lead): history starts at nurture
    P("L1", "能源", "wangfang", start="2022-09-01", closed="2022-09-16", amount=260000,
      visits=["2022-10-12", "2022-10-26", "2023-01-10", "2023-05-16"]),
    P("D2", "金融", "chenjing", start="2022-09-19", closed="2022-10-26", amount=500000),
    P("L1r", "能源", "wangfang", start="2023-05-08", closed="2023-06-09", amount=420000, same="L1"),
    O("O8", "金融", "chenjing", None, "negotiation", "2023-10-23", 650000, start="2023-09-25", same="D2"),
    # 2022-10: 工业自动化展
    P("D1", "物流", "zhaoliu", "2022-10-08", "2022-10-31", 300000, src="trade_show"),
    P("T7", "制造业", "wangfang", "2022-10-10", "2022-11-18", 380000, src="trade_show"),
    P("T8", "零售", "lisi", "2022-10-11", "2022-11-30", 650000, src="trade_show"),
    P("T9", "教育", "zhouqiang", "2022-10-12", "2022-12-09", 220000, src="webinar"),
    P("T10", "医疗", "chenjing", "2022-10-13", "2022-12-27", 1200000, src="trade_show"),
    P("T11", "互联网", "lisi", "2022-10-17", "2022-11-25", 180000, src="whitepaper"),
    P("T12", "制造业", "zhaoliu", "2022-10-20", "2022-12-16", 560000, src="agent"),
    L("T13", "制造业", "wangfang", "2022-10-24", "2022-12-02", "proposal", "竞品报价低约 20%"),
    L("T14", "零售", "zhaoliu", "2022-10-14", "2022-10-28", "nurture", "客户暂无明确预算"),
    L("T15", "能源", "zhouqiang", "2022-10-25", "2023-01-12", "negotiation", "付款条件未谈拢"),
    L("T16", "物流", "chenjing", "2022-10-26", "2022-12-15", "proposal", "客户决定自研"),
    P("N1", "制造业", "lisi", "2022-11-15", "2023-01-13", 750000, src="association"),
    L("N2", "金融", "chenjing", "2022-11-08", "2022-12-23", "proposal", "总行统一采购，分行项目取消"),
    L("Dc1", "医疗", "zhaoliu", "2022-12-05", "2023-02-17", "proposal", "预算被削减"),
    P("J1", "物流", "wangfang", "2023-01-09", "2023-03-03", 420000, src="referral"),
    L("J2", "零售", "lisi", "2023-01-16", "2023-03-24", "negotiation", "竞品低价抢单", nurture_miss=True),
    P("F1", "制造业", "zhaoliu", "2023-02-13", "2023-04-21", 1800000, src="association", neg_owner="lisi"),
    L("F2", "互联网", "chenjing", "2023-02-20", "2023-03-17", "nurture", "需求与产品不匹配"),
    L("F3", "教育", "zhouqiang", "2023-02-22", "2023-04-28", "proposal", "招标资质不符",
      missing=("nurture", "需求挖掘与风险评估记录")),
    P("M1", "医疗", "lisi", "2023-03-06", "2023-04-14", 320000),
    P("M2", "能源", "wangfang", "2023-03-20", "2023-05-19", 880000),
    L("M3", "制造业", "zhaoliu", "2023-03-13", "2023-05-12", "nurture", "培育期跟进断档，客户转向竞品", nurture_miss=True),
    L("M4", "零售", "chenjing", "2023-03-27", "2023-04-26", "nurture", "客户项目延期至明年"),
    P("A1", "制造业", "lisi", "2023-04-10", "2023-07-04", 2600000, src="agent"),
    L("A2", "金融", "chenjing", "2023-04-17", "2023-06-16", "negotiation", "决策人变动，项目搁置"),
    P("Y1", "物流", "zhaoliu", "2023-05-15", "2023-06-21", 540000, overdue=["progress"]),
    L("Y2", "互联网", "wangfang", "2023-05-22", "2023-07-07", "proposal", "客户选择云厂商标准产品",
      missing=("proposal", "方案沟通会议纪要")),
    L("Y3", "医疗", "zhouqiang", "2023-05-08", "2023-06-02", "nurture", "医院信息化预算延后"),
    P("U1", "零售", "chenjing", "2023-06-12", "2023-07-21", 300000),
    L("U2", "能源", "lisi", "2023-06-05", "2023-08-25", "proposal", "方案技术路线未获认可"),
    L("U3", "制造业", "wangfang", "2023-06-19", "2023-07-28", "negotiation", "价格差距过大"),
    O("O7", "金融", "zhaoliu", "2023-06-26", "negotiation", "2023-09-18", 900000, stale="2023-10-10",
      expected="2023-11-15"),
    P("Jl1", "制造业", "zhouqiang", "2023-07-03", "2023-08-11", 460000, overdue=["progress"]),
    L("Jl2", "物流", "chenjing", "2023-07-10", "2023-09-08", "negotiation", "客户压价，毛利低于底线"),
    O("O6", "教育", "wangfang", "2023-07-17", "proposal", "2023-09-11", 350000, stale="2023-09-22",
      expected="2023-11-30"),
    O("O5", "能源", "lisi", "2023-07-24", "negotiation", "2023-10-16", 1500000, future="2023-11-02",
      expected="2023-11-20"),
    P("S2", "医疗", "chenjing", "2023-08-14", "2023-09-15", 350000, src="case_study"),
    P("S3", "零售", "zhaoliu", "2023-08-16", "2023-09-22", 480000, minutes_late=True),
    L("G1", "制造业", "zhouqiang", "2023-08-07", "2023-10-12", "proposal", "客户内部预算冻结"),
    O("O4", "互联网", "wangfang", "2023-08-21", "proposal", "2023-10-09", 280000),
    P("S1", "物流", "lisi", "2023-09-01", "2023-09-28", 280000, src="referral"),
    P("W4", "金融", "chenjing", "2023-09-01", "2023-10-27", 450000, src="webinar"),
    P("W5", "能源", "zhaoliu", "2023-09-05", "2023-10-31", 660000, src="association",
      missing=("negotiation", "订单交接单")),
    L("Sp1", "教育", "zhouqiang", "2023-09-11", "2023-10-20", "nurture", "学校采购改为集中招标"),
    O("O3", "制造业", "wangfang", "2023-09-18", "nurture", "2023-09-20", 400000),
    O("O9", "医疗", "chenjing", "2023-09-25", "proposal", "2023-10-18", 520000),
    # 2023-10: 华东智能制造展 (SPEC §7 tables 1–3)
    P("a-tech", "制造业", "lisi", "2023-10-08", "2023-10-27", 500000, src="trade_show",
      fixed=["2023-10-09", "2023-10-15", "2023-10-20"]),
    P("W2", "互联网", "wangfang", "2023-10-09", "2023-10-30", 280000, src="webinar"),
    P("W3", "制造业", "zhouqiang", "2023-10-08", "2023-10-31", 360000, src="trade_show"),
    O("b-group", "零售", "zhaoliu", "2023-10-10", "nurture", "2023-10-12", 1200000, src="referral",
      expected="2024-01-31"),
    O("O2", "物流", "lisi", "2023-10-23", "lead", "2023-10-23"),
    O("O10", "能源", "chenjing", "2023-10-16", "nurture", "2023-10-18", 600000),
]
LEADS_PER_MONTH = {"2022-10": 50, "2022-11": 12, "2022-12": 10, "2023-01": 8, "2023-02": 9, "2023-03": 14,
                   "2023-04": 13, "2023-05": 12, "2023-06": 11, "2023-07": 12, "2023-08": 14, "2023-09": 20,
                   "2023-10": 25}
SPECIAL = {  # SPEC §7 tables 1 and 2
    "a-tech": dict(name="A科技有限公司", short="A科技", city=("上海", "上海", "021"), py="atech", revenue=100_000_000,
                   employees=500, contact=Inline(name="张三", title="采购经理", phone="13812345678",
                                                 email="zhangsan@atech.example.com"),
                   needs=["自动化升级"], pains=["人工成本高", "效率低"], chain=["采购", "技术", "副总"], priority="high",
                   risks=[("competition", "竞品价格优势")], progress="方案已呈",
                   role="buyer", concerns="价格与投资回报", more=["技术部经理", "副总经理"], budget=True, match=85,
                   assigned="2023-10-08T10:00:00", first="2023-10-08T15:30:00"),
    "b-group": dict(name="B集团", short="B集团", city=("杭州", "浙江", "0571"), py="bgroup", revenue=500_000_000,
                    employees=2000, contact=Inline(name="王五", title="总监", phone="13912345678",
                                                   email="wangwu@bgroup.example.com"),
                    needs=["供应链管理"], pains=["库存周转慢", "数据不透明"], chain=["总监", "财务部"], priority="medium",
                    risks=[("budget", "预算未最终批复")], progress="需求挖掘",
                    role="executive", concerns="库存周转与数据透明", more=["财务部经理"], budget=False, match=75,
                    assigned="2023-10-10T09:30:00", first="2023-10-10T14:00:00"),
}
CHANNEL_W = {"trade_show": 2, "webinar": 2, "agent": 1.5, "association": 1, "whitepaper": 1, "case_study": 1,
             "referral": 1.5, "other": 0.5}
INVALID = ["重复线索", "联系方式无效", "非目标行业", "无采购需求", "同行调研"]
EVENTS = {"2022-10": "2022 华东工业自动化展", "2023-10": "2023 华东智能制造展"}
EVENT_POOL = ["长三角数字化转型峰会", "华东供应链创新大会", "长三角新能源产业博览会", "华东医疗信息化论坛", "智慧零售大会"]
REVENUES = [8, 15, 30, 60, 80, 120, 200, 350, 600, 1200]  # 百万元


# ---------------------------------------------------------------- leads
def new_lead(acq, co, owner, src, ctc=None, needs=None):
    a = at(acq, rng.choice([9, 9, 10, 11, 14, 15, 16]), rng.choice([0, 30]))
    fc = a + timedelta(hours=rng.choice([1, 1, 2, 3, 4]))
    if fc.hour >= 18:
        fc = at(acq + days(1), 9, 30)
    return {"source": src, "acquired": acq, "company": co.name, "industry": co.industry, "region": co.region,
            "contact": ctc or contact(co),
            "needs": needs or rng.sample(INDUSTRIES[co.industry].needs, rng.randint(1, 2)),
            "owner": owner, "assigned": a, "first_contact": fc,
            "status": "contacted", "invalid_reason": None, "annual_revenue": None, "budget_confirmed": None,
            "match": None, "grade": None, "_co": co}


def grading_fields(lead, rev=None, budget=None, match=None):
    lead["annual_revenue"] = rev or rng.choice(REVENUES) * 1_000_000
    lead["budget_confirmed"] = rng.random() < 0.4 if budget is None else budget
    lead["match"] = match if match is not None else rng.randint(7, 19) * 5


def month_days(m):
    y, mo = map(int, m.split("-"))
    first = date(y, mo, 1)
    last = (date(y + mo // 12, mo % 12 + 1, 1) - days(1))
    return [d for d in (first + days(i) for i in range((last - first).days + 1)) if workday(d) and d <= AS_OF]


def random_leads(m, n):
    out, wd = [], month_days(m)
    if m == "2023-10":
        wd = [d for d in wd if d <= D("2023-10-27")]
    for i in range(n):
        if m == "2022-10" and rng.random() < 0.6:
            src, acq = "trade_show", rng.choice([d for d in wd if D("2022-10-10") <= d <= D("2022-10-14")])
        else:
            src, acq = rng.choices(list(CHANNEL_W), list(CHANNEL_W.values()))[0], rng.choice(wd)
        if m == "2023-10" and i >= n - 3:  # the last few of the month are not assigned / contacted yet
            acq = D("2023-10-30") if i < n - 1 else D("2023-10-31")
        co = company(rng.choice(list(INDUSTRIES)))
        lead = new_lead(acq, co, rng.choice(REGION_OWNERS[co.region]), src)
        if rng.random() < 0.55:
            grading_fields(lead)
        r = rng.random()
        if acq >= D("2023-10-30"):
            lead["status"], lead["first_contact"] = "new", None
            lead["assigned"] = at(D("2023-10-31"), 9, 30) if i < n - 1 else None
        elif r < 0.13:
            lead["status"], lead["invalid_reason"] = "invalid", rng.choice(INVALID)
        else:
            lead["status"] = "contacted" if rng.random() < (0.6 if acq >= D("2023-08-01") else 0.45) else "nurturing"
        if src == "trade_show":
            lead["extra"] = {"event": EVENTS.get(m) or f"{m[:4]} " + rng.choice(EVENT_POOL)}
        out.append(lead)
    return out


# ---------------------------------------------------------------- deals
ACTIONS = {"lead": ["完成线索登记", "完成资质筛选与分级", "制定跟进计划"],
           "nurture": ["完成客户拜访", "梳理需求痛点", "识别决策链", "完成风险评估"],
           "proposal": ["完成方案演示", "根据反馈修订方案", "方案评审通过", "客户无异议"],
           "negotiation": ["确认付款条件", "完成法务审核", "价格达成一致", "合同已签"],
           "fulfilment": ["召开项目启动会", "系统上线", "客户验收通过", "完成首次回访"]}
ACT_NOTES = {"call": ["电话沟通项目进展", "电话确认需求细节", "与采购确认预算节奏", "电话跟进内部审批进度"],
             "email": ["发送产品资料与同行案例", "邮件发送需求调研问卷", "发送报价说明"],
             "meeting": ["需求调研会", "技术交流会", "方案澄清会", "高层拜访"],
             "visit": ["现场调研", "拜访信息中心", "陪同参观样板客户"],
             "webinar": ["邀请参加线上研讨会"], "content": ["推送行业白皮书", "分享同行业案例"],
             "other": ["微信沟通，确认下次会面时间"]}
VISIT_NOTES = ["上线后首次回访，系统运行稳定", "回访：客户希望售后响应再快一些", "季度回访，提出操作人员培训需求",
               "回访：客户提出报表定制需求", "验收后回访，整体满意"]


def act(d, kind=None, note=None):
    kind = kind or rng.choice(["call", "call", "meeting", "visit", "email", "content", "webinar", "other"])
    return {"date": d, "kind": kind, "note": note or rng.choice(ACT_NOTES[kind])}


def weekly(entered, end, only_first=False):
    """One activity per started week of [entered, end] (SPEC §3 nurture SLA)."""
    weeks = max(1, math.ceil((end - entered).days / 7))
    out = [act(pick_day(entered + days(7 * k), min(entered + days(7 * k + 6), end)),
               *([] if k else rng.choice([("meeting", "需求调研会"), ("visit", "现场调研，了解业务流程")])))
           for k in range(weeks)]
    return out[:1] if only_first else out


def split(total, weights):
    w = [x * rng.uniform(0.8, 1.25) for x in weights]
    parts = [max(1, round(total * x / sum(w))) for x in w]
    parts[parts.index(max(parts))] += total - sum(parts)
    assert min(parts) >= 1, (total, parts)
    return parts


def build_deal(p, lead):
    kw, s = p.kw, lead["acquired"] if lead else D(p.kw["start"])
    path = ORDER[1:ORDER.index(p.stage) + 1]
    entries, acts = [], []
    if "fixed" in kw:
        dates = [D(x) for x in kw["fixed"]]
    elif p.status == "open" and len(path) <= 1:
        dates = [kw["last"]] if path else []
    else:
        first = s + days(rng.randint(1, 3) if lead else 0)
        last = kw["last"] if p.status == "open" else p.closed
        parts = split((last - first).days, [4, 3.5, 2.5][:len(path) - (p.status == "open")])
        dates = [first]
        for x in parts[:len(path) - 1]:
            dates.append(dates[-1] + days(x))
    if p.stage == "lead" or (lead and p.key in ("T9", "N1", "M2", "S1", "O10")):
        entries.append({"stage": "lead", "entered": s, "completed": dates[0] if dates else None})
    for i, (st, d) in enumerate(zip(path, dates)):
        e = {"stage": st, "entered": d}
        if i + 1 < len(path) and ("fixed" in kw or rng.random() < 0.7):
            e["completed"] = dates[i + 1]
        entries.append(e)
    stale = D(kw["stale"]) if "stale" in kw else None
    for i, e in enumerate(entries):
        st, last_entry = e["stage"], i == len(entries) - 1
        end = e.get("completed") or (p.closed if last_entry and p.closed else None) or \
            (entries[i + 1]["entered"] if not last_entry else (stale or AS_OF))
        ongoing = last_entry and p.status == "open"
        pool = ACTIONS[st]
        e["actions"] = pool[:1] if ongoing else (pool[-2:] if p.status != "lost" or not last_entry else pool[:1])
        if p.status == "lost" and last_entry:
            e["actions"] = e["actions"] + [{"nurture": "客户终止评估", "proposal": "方案未获通过",
                                            "negotiation": "谈判破裂"}[st]]
        e["outputs"] = [o for o in OUTPUTS[st] if kw.get("missing") != (st, o)]
        if st == "nurture":
            acts += weekly(e["entered"], end, kw.get("nurture_miss", False))
        elif st == "proposal" and (end - e["entered"]).days >= 1:
            pres = at(pick_day(e["entered"] + days(1), max(e["entered"] + days(1), end - days(1))), 14)
            if pres.date() <= min(end, AS_OF) and kw.get("missing") == (st, "方案沟通会议纪要"):
                acts.append(act(pres.date(), "meeting", "方案汇报会（会后未发纪要）"))
            elif pres.date() <= min(end, AS_OF):
                e["presented"] = pres
                e["minutes_sent"] = pres + timedelta(hours=40 if kw.get("minutes_late") else rng.choice([19, 20, 21]))
                acts.append(act(pres.date(), "meeting", "方案汇报会"))
                acts.append(act(e["minutes_sent"].date(), "email", "发送会议纪要及修订方案"))
        elif st == "negotiation" and (end - e["entered"]).days >= 2:
            acts.append(act(pick_day(e["entered"] + days(1), end - days(1)), rng.choice(["meeting", "call"]),
                            rng.choice(["商务谈判", "价格与付款条件沟通", "合同条款确认"])))
        if st == "negotiation" and "neg_owner" in kw:
            e["owner"] = kw["neg_owner"]
    if p.status == "lost" and p.stage != "nurture":
        p.amount = rng.choice([18, 25, 30, 45, 60, 80, 120, 150]) * 10000
    deal = {"customer": None, "title": None, "owner": p.owner, "amount": p.amount,
            "expected_close": D(kw["expected"]) if "expected" in kw else
            (AS_OF + days(rng.randint(30, 75)) if p.status == "open" else None),
            "status": p.status, "closed": p.closed, "lost_reason": kw.get("reason"), "stages": entries,
            "activities": [], "payments": [], "visits": []}
    if p.status == "lost":
        acts.append(act(p.closed, "call", "客户告知最终结果：" + kw["reason"]))
    if p.status == "open":
        if stale:
            acts.append(act(stale, "call", "电话跟进，客户表示内部仍在评估"))
        elif entries[-1]["stage"] != "nurture":
            acts.append(act(pick_day(max(entries[-1]["entered"], D("2023-10-20")), AS_OF), "call"))
        if "future" in kw:
            acts.append(act(D(kw["future"]), "meeting", "约定签约仪式（已预约，尚未发生）"))
    if p.status == "won":
        f = min(p.closed + days(rng.randint(0, 4)), AS_OF)
        fe = {"stage": "fulfilment", "entered": f}
        length = rng.randint(90, 150) if p.amount >= 1_000_000 else rng.randint(45, 100)
        if f + days(length) <= AS_OF - days(7):
            fe["completed"] = f + days(length)
        fe["actions"] = ACTIONS["fulfilment"] if "completed" in fe else ACTIONS["fulfilment"][:1]
        fe["outputs"] = OUTPUTS["fulfilment"]
        entries.append(fe)
        deal["payments"] = payments(p.amount, p.closed, kw.get("overdue", []))
        deal["visits"] = visits(f, kw.get("visits"))
    deal["activities"] = sorted(acts, key=lambda a: a["date"])
    return deal


def payments(amount, closed, overdue):
    sched = [("prepayment", .3, 10), ("progress", .4, 75), ("final", .3, 150)] if amount >= 400000 else \
        [("prepayment", .5, 10), ("final", .5, 100)]
    out, left = [], amount
    for i, (kind, share, off) in enumerate(sched):
        a = left if i == len(sched) - 1 else round(amount * share)
        left -= a
        pay = {"kind": kind, "amount": a, "due": closed + days(off)}
        if pay["due"] <= AS_OF and kind not in overdue:
            pay["received"] = min(AS_OF, max(closed, pay["due"] + days(rng.randint(-3, 8))))
        out.append(pay)
    return out


def visits(f, fixed):
    out, d = [], f + days(rng.randint(21, 35))
    dates = [D(x) for x in fixed] if fixed else []
    while not fixed and d <= AS_OF and len(dates) < 4:
        dates.append(pick_day(d, min(d + days(3), AS_OF)))
        d += days(rng.randint(60, 95))
    for d in dates:
        up = rng.random() < 0.15
        out.append({"date": d, "satisfaction": rng.randint(82, 96) if rng.random() < 0.9 else None,
                    "note": "回访中发现二期扩容需求" if up else rng.choice(VISIT_NOTES), "upsell": up})
    return out


def fix_satisfaction(deals, month, target):
    """Give the visits of a KPI-critical month scores whose mean is exactly the template's value."""
    vs = [v for d in deals for v in d["visits"] if ym(v["date"]) == month]
    assert vs, f"no visits in {month}"
    while True:
        offs = [rng.randint(-5, 5) for _ in vs[:-1]]
        offs.append(-sum(offs))
        if abs(offs[-1]) <= 6:
            break
    for v, o in zip(vs, offs):
        v["satisfaction"] = target + o


# ---------------------------------------------------------------- customers
RISK_NOTES = {"competition": ["竞品价格优势", "竞品已在集团其他工厂落地"], "budget": ["预算未最终批复", "预算需拆分到两个年度"],
              "timing": ["客户年底有系统切换窗口限制", "决策周期受集团审批影响"], "technical": ["需与现有ERP接口对接，存在改造风险"],
              "other": ["关键联系人可能调岗"]}
CHAINS = [["采购", "技术", "副总"], ["信息中心", "财务", "总经理"], ["业务部门", "IT", "分管副总"], ["采购", "财务", "总经理"]]


def progress_of(deal):
    if deal["status"] == "won":
        return "已签约，项目实施中" if "completed" not in deal["stages"][-1] else "已验收，进入售后维护"
    if deal["status"] == "lost":
        return "已丢单"
    return {"lead": "线索筛选", "nurture": "需求挖掘", "proposal": "方案已呈", "negotiation": "商务谈判"}[
        deal["stages"][-1]["stage"]]


# Names the shared audience cannot derive (SPEC §2.3 `aliases`): English and pinyin names,
# a short form. No draw from the generator, so every other value stays as it was.
ALIASES = {
    "runze-logistics": ["Runze", "Runze Logistics"],
    "baofeng-electronics": ["Baofeng", "宝丰电科"],
    "ruida-health": ["Ruida Health"],
}


def make_customer(p, co, lead, sp):
    inds = INDUSTRIES[co.industry]
    rev = (lead or {}).get("annual_revenue") or rng.choice(REVENUES[2:]) * 1_000_000
    c = {"name": co.name, **({"aliases": ALIASES[co.slug]} if co.slug in ALIASES else {}),
         "industry": co.industry, "annual_revenue": rev,
         "employees": sp["employees"] if sp else max(60, int(round(rev / rng.randint(200_000, 600_000), -1))),
         "owner": p.owner, "lead": None,
         "priority": sp["priority"] if sp else ("high" if p.amount and p.amount >= 800000 else
                                                "medium" if p.amount and p.amount >= 300000 else "low"),
         "pain_points": sp["pains"] if sp else rng.sample(inds.pains, 2),
         "decision_chain": sp["chain"] if sp else rng.choice(CHAINS), "progress": None,
         "decision_makers": [], "risks": [], "extra": {"city": co.city}, "_co": co, "_lead": lead}
    ctc = lead["contact"] if lead else contact(co)
    dm = [{"name": ctc["name"], "title": ctc["title"], "role": sp["role"] if sp else role_of(ctc["title"]),
           "concerns": sp["concerns"] if sp else rng.choice(["投资回报", "实施周期", "系统稳定性", "价格"]),
           "phone": ctc.get("phone"), "email": ctc.get("email")}]
    for title in sp["more"] if sp else rng.sample(["总经理", "分管副总", "财务总监", "IT经理"], 2):
        name, _ = person()
        dm.append({"name": name, "title": title, "role": role_of(title)})
    c["decision_makers"] = dm
    c["risks"] = [{"kind": k, "note": n} for k, n in sp["risks"]] if sp else \
        [{"kind": k, "note": rng.choice(RISK_NOTES[k])} for k in rng.sample(list(RISK_NOTES), rng.randint(1, 2))]
    return c


def customer_body(c, deals):
    co, pains = c["_co"], c["pain_points"]
    need = (c["_lead"] or {}).get("needs", INDUSTRIES[co.industry].needs)[0]
    rev = c["annual_revenue"] / 1e8
    lines = [f"# {co.name}", "", "## 公司概况", "",
             f"{co.short}位于{co.city}（{co.industry}），年营收约 {rev:g} 亿元，员工约 {c['employees']} 人。"
             f"决策链为{'、'.join(c['decision_chain'])}，由{OWNER_NAME[c['owner']]}负责跟进。", "",
             "## 调研笔记", "",
             f"- 现有流程以人工和表格为主，{pains[0]}的问题最突出。",
             f"- 客户关注{need}的投入产出，希望看到同行业案例。",
             f"- 主要风险：{'；'.join(r['note'] for r in c['risks'])}。", "",
             "## SPIN 需求分析", "",
             f"- **S 现状**：业务规模扩大，{pains[0]}、{pains[1]}。",
             f"- **P 问题**：{pains[0]}和{pains[1]}长期靠人工协调解决，问题暴露时往往已经滞后。",
             "- **I 影响**：若不改善，运营成本逐年上升，客户服务水平和管理层决策都会受影响。",
             f"- **N 需求-收益**：通过{need}，把关键数据和流程打通，预计一年内收回投入。", ""]
    if len(c["decision_makers"]) > 1:
        lines += ["## 关键人", "", "| 姓名 | 职位 | 角色 | 关注点 |", "|---|---|---|---|"]
        lines += [f"| {m['name']} | {m['title']} | {m['role']} | {m.get('concerns', '—')} |"
                  for m in c["decision_makers"]]
        lines.append("")
    lines += ["## 商机记录", ""] + [f"- {d['title']}：{progress_of(d)}" for d in deals]
    return "\n".join(lines)


# ---------------------------------------------------------------- months
TARGET_KEYS = ["new_leads", "lead_conversion_rate", "first_contact_sla", "deals_won", "win_rate", "revenue",
               "avg_deal_size", "avg_deal_cycle_days", "collection_rate", "satisfaction"]
KPI_CN = dict(zip(TARGET_KEYS, ["新增线索", "线索转化率", "首次触达及时率", "成交单数", "赢单率", "成交金额",
                               "客单价", "平均成交周期", "回款率", "客户满意度"]))
TARGETS = """
2022-10 40 0.12 0.95 2 0.5 800000 400000 45 0.9 88
2022-11 15 0.12 0.95 2 0.5 800000 400000 45 0.9 88
2022-12 15 0.12 0.95 3 0.5 1200000 400000 45 0.9 88
2023-01 10 0.12 0.95 2 0.5 800000 400000 45 0.9 88
2023-02 10 0.12 0.95 1 0.5 500000 400000 45 0.9 88
2023-03 12 0.13 0.95 2 0.5 800000 400000 45 0.9 88
2023-04 12 0.13 0.95 2 0.5 1000000 400000 45 0.9 89
2023-05 12 0.13 0.95 2 0.5 1000000 400000 45 0.9 89
2023-06 12 0.14 0.95 2 0.55 1000000 400000 45 0.9 89
2023-07 12 0.14 0.95 2 0.55 1200000 400000 40 0.92 89
2023-08 12 0.14 0.95 2 0.55 1000000 400000 40 0.92 90
2023-09 15 0.15 0.95 3 0.55 1200000 400000 35 0.92 90
2023-10 20 0.15 0.95 4 0.55 1600000 400000 30 0.92 90
"""
MONTHS = {  # theme; analysis per KPI; plan items (area, action, owner, due, done)
    "2022-10": ("参加 2022 华东工业自动化展，线索集中涌入，是全年线索高峰。",
                {"new_leads": "工业自动化展集中获客", "avg_deal_cycle_days": "老客户续约推进顺利",
                 "satisfaction": "老客户交付口碑良好"},
                [("process", "建立展会线索 24 小时分级与首次触达机制", "lisi", "2022-11-30", True),
                 ("training", "新人 SPIN 提问法培训", "chenjing", "2022-11-15", True)]),
    "2022-11": ("展会线索进入方案阶段，制造业和零售客户率先签约。",
                {"win_rate": "展会线索进入成交期", "revenue": "制造业客户集中签约"},
                [("resources", "补充售前顾问 1 名", "wangfang", "2022-12-31", True)]),
    "2022-12": ("年末客户预算集中释放，同时有两单输给竞品低价和客户自研。",
                {"revenue": "年末预算释放，大单签约", "win_rate": "竞品低价与客户自研导致丢单",
                 "collection_rate": "年底回款集中"},
                [("process", "建立竞品报价应对话术库", "zhaoliu", "2023-01-31", True)]),
    "2023-01": ("春节假期前签约窗口短，线索量回落。",
                {"new_leads": "春节假期影响获客", "deals_won": "春节前签约窗口短"},
                [("target", "制定 2023 年度分解目标", "lisi", "2023-02-15", True)]),
    "2023-02": ("节后复工，客户决策放缓。",
                {"revenue": "节后客户决策放缓", "new_leads": "复工后以线上研讨会引流为主"},
                [("process", "梳理在途商机，逐单制定推进计划", "chenjing", "2023-03-15", True)]),
    "2023-03": ("行业协会年会带来一批优质线索；零售客户一单输给竞品低价。",
                {"win_rate": "竞品低价抢单", "first_contact_sla": "个别线索首次触达超时"},
                [("training", "价格谈判专题培训", "zhaoliu", "2023-04-15", True)]),
    "2023-04": ("制造业大单签约；教育行业因招标资质丢单。",
                {"avg_deal_size": "制造业大单签约", "win_rate": "教育行业招标资质不足"},
                [("resources", "申请教育行业招标资质", "zhouqiang", "2023-06-30", True)]),
    "2023-05": ("能源行业实现突破；一单因培育期跟进断档丢失。",
                {"win_rate": "培育期跟进断档导致丢单", "avg_deal_cycle_days": "能源客户决策链长"},
                [("process", "培育期每周至少一次有效互动，纳入周会检查", "zhaoliu", "2023-06-15", True)]),
    "2023-06": ("年中冲刺，老客户增购贡献明显。",
                {"revenue": "老客户增购贡献明显", "avg_deal_cycle_days": "老客户复购周期短"},
                [("process", "建立老客户季度回访机制", "wangfang", "2023-07-31", True)]),
    "2023-07": ("大客户项目签约，客单价明显提升；个别线索首次触达超时。",
                {"avg_deal_size": "大客户项目签约", "first_contact_sla": "个别线索首次触达超时"},
                [("process", "方案演示后 24 小时内发送会议纪要", "wangfang", "2023-08-31", True)]),
    "2023-08": ("暑期客户决策放缓，重点推进在途商机。",
                {"new_leads": "暑期获客平稳", "satisfaction": "实施交付质量获认可"},
                [("target", "四季度冲刺目标分解", "lisi", "2023-09-15", True)]),
    "2023-09": ("线上研讨会和转介绍带来较多线索；出现一笔进度款逾期。",
                {"collection_rate": "物流客户进度款逾期", "avg_deal_cycle_days": "方案修改次数减少",
                 "satisfaction": "回访及时，客户认可"},
                [("process", "逾期回款每周跟踪", "zhaoliu", "2023-10-31", False)]),
    "2023-10": ("参加 2023 华东智能制造展，A科技 等优质线索当月成交。",
                {"lead_conversion_rate": "高价值线索跟进不及时", "avg_deal_cycle_days": "方案修改耗时过长",
                 "avg_deal_size": "大客户成交占比提升", "satisfaction": "售后响应速度需优化",
                 "revenue": "月末集中签约", "collection_rate": "一笔进度款逾期未回"},
                [("process", "优化线索筛选标准", "lisi", "2023-11-30", False),
                 ("process", "高价值线索 24 小时内首次触达，超时自动提醒", "chenjing", "2023-11-15", False),
                 ("training", "方案评审前内部预审，减少方案返工", "wangfang", "2023-11-30", False),
                 ("resources", "增配售后服务工程师 1 名", "zhaoliu", "2023-12-15", False)]),
}


def month_file(m, leads, deals):
    theme, analysis, plan = MONTHS[m]
    row = next(r.split()[1:] for r in TARGETS.strip().splitlines() if r.startswith(m))
    targets = {k: (float(v) if "." in v else int(v)) for k, v in zip(TARGET_KEYS, row)}
    fm = {"targets": targets, "analysis": analysis,
          "assert": [{"kpi": "revenue", "equals": 2250000, "tolerance": 0}] if m == "2023-10" else [],
          "plan": [{"area": a, "action": x, "owner": o, "due": D(d), "done": done} for a, x, o, d, done in plan]}
    n_leads = sum(1 for l in leads if ym(l["acquired"]) == m)
    won = [d for d in deals if d["status"] == "won" and ym(d["closed"]) == m]
    lost = [d for d in deals if d["status"] == "lost" and ym(d["closed"]) == m]
    y, mo = m.split("-")
    body = [f"# {y}年{int(mo)}月销售效果分析报告", "", "## 一、总体情况", "",
            f"{theme}本月新增线索 {n_leads} 条，" + (f"成交 {len(won)} 单" if won else "无成交")
            + (f"，合同金额合计 {wan(sum(d['amount'] for d in won))} 万元" if won else "")
            + (f"；丢单 {len(lost)} 单。" if lost else "。"), "", "## 二、本月成交", ""]
    if won:
        body += ["| 客户 | 项目 | 负责人 | 金额（万元） |", "|---|---|---|---|"]
        body += [f"| {d['_cust']['_co'].short} | {d['title']} | {OWNER_NAME[d['owner']]} | {wan(d['amount'])} |"
                 for d in won]
    else:
        body.append("本月无成交。")
    if lost:
        body += ["", "丢单原因：" + "；".join(f"{d['_cust']['_co'].short}（{d['lost_reason']}）" for d in lost) + "。"]
    body += ["", "## 三、指标分析", ""] + [f"- {KPI_CN[k]}：{v}" for k, v in analysis.items()]
    body += ["", "## 四、下阶段优化计划", ""] + [f"{i}. {x}（{OWNER_NAME[o]}，{cn_date(D(d))}前）"
                                           for i, (_, x, o, d, _) in enumerate(plan, 1)]
    write_md(f"months/{m}.md", fm, "\n".join(body))


# ---------------------------------------------------------------- cases
CASES = [  # id suffix, deal key, result, stage, author, shareable, title, tags, lessons, improvements, story
    ("win", "a-tech", "success", "negotiation", "lisi", True, "A科技自动化升级：展会线索 19 天签约",
     ["行业展会", "制造业", "快速成交", "竞品应对"],
     ["展会当天完成线索登记与分级，当天首次触达", "方案评审前分别与采购、技术、副总对齐关注点", "用全生命周期成本回应竞品低价"],
     ["方案初稿对产线节拍数据引用不足，返工一次", "订单交接单应在签约当天同步给交付团队"],
     ["在华东智能制造展上结识采购经理张三。客户产线依赖人工上下料，人工成本高、效率低，已有明确的自动化升级预算。",
      "培育阶段安排了一次产线现场调研，识别出“采购、技术、副总”三方决策链；竞品报价低约 15%，是最大的风险。",
      "方案呈现后技术负责人认可了节拍提升的测算，副总要求压缩交付周期。谈判中以分期交付和延长质保换取价格稳定，最终签约。"]),
    ("win", "W5", "success", "proposal", "zhaoliu", False, "{short}能耗管理项目：协会线索的方案突破",
     ["行业协会", "能源", "方案呈现"], ["用客户自己的能耗数据做方案测算", "邀请样板客户现身说法"],
     ["签约当天订单交接单未完成，交付启动推迟两天"],
     ["客户在行业协会年会上主动咨询，能耗数据分散在多个系统，巡检依赖人工。",
      "方案阶段我们拿客户近一年的能耗报表做了节能测算，并安排客户参观同行业样板项目，技术部当场认可方案。"]),
    ("win", "T10", "success", "proposal", "chenjing", True, "{short}：医疗行业首个百万级项目",
     ["行业展会", "医疗", "大单"], ["先做小范围试点，再扩大到全院", "把合规要求写进方案章节"], ["方案评审周期长，应提前锁定评审时间"],
     ["客户在展会上关注耗材追溯，院内数据孤岛严重，合规压力大。",
      "我们提出“先试点一个科室、再全院推广”的路径，降低了客户的决策风险；信息科主任成为内部推动者。"]),
    ("win", "F1", "success", "negotiation", "zhaoliu", False, "{short}：跨组协作拿下大单",
     ["行业协会", "制造业", "大单", "团队协作"], ["谈判阶段请资深同事主谈，分工明确", "按里程碑设计付款节奏"],
     ["合同评审流程多次往返，法务应更早介入"],
     ["项目金额大、决策链长，总经理亲自参与谈判。",
      "谈判由李四主谈、赵六负责技术澄清，用分阶段验收和付款回应了客户对风险的担忧。"]),
    ("win", "L1r", "success", "fulfilment", "wangfang", True, "{short}老客户增购：回访带来的二期",
     ["老客户", "能源", "增购", "售后回访"], ["定期回访中记录客户的新需求", "一期交付口碑是二期最好的方案书"], ["二期需求应更早进入商机管理"],
     ["一期项目交付后坚持季度回访，客户在回访中提出新增厂区的能耗监测需求。",
      "因为一期交付质量好，二期跳过了大部分培育工作，一个多月即完成签约。"]),
    ("win", "S1", "success", "nurture", "lisi", True, "{short}：转介绍线索的快速成交",
     ["客户转介绍", "物流", "快速成交"], ["转介绍线索当天跟进，引用介绍人的使用效果", "培育阶段聚焦一个核心痛点"], ["报价审批耗时两天，可预先准备标准报价"],
     ["老客户把我们介绍给同业伙伴，对方车辆调度效率低、在途不可视。",
      "首次拜访就带上介绍人的使用数据，客户很快认可价值，培育阶段只用一周多就进入方案。"]),
    ("loss", "M3", "failure", "nurture", "zhaoliu", True, "{short}：培育期跟进断档导致丢单",
     ["制造业", "培育期", "跟进节奏"], ["丢单后及时复盘并形成跟进节奏规则"],
     ["培育期连续数周没有有效互动", "没有识别出真正的决策人", "竞品介入后才发现风险"],
     ["客户来自行业协会推荐，需求明确但决策链不清晰。",
      "首次拜访后因手上项目多，连续数周没有跟进；竞品期间完成了两次技术交流，客户最终选择了竞品。"]),
    ("loss", "U3", "failure", "negotiation", "wangfang", False, "{short}：价格差距过大的谈判失败",
     ["制造业", "价格谈判", "竞品"], ["提前摸清客户预算区间"], ["报价前没有确认预算上限", "让步节奏过快，失去谈判空间"],
     ["方案获得技术认可，但进入谈判后客户的预算与报价差距较大。",
      "我们两轮让步后仍无法弥合差距，客户选择了功能较少但价格更低的产品。"]),
    ("loss", "Y2", "failure", "proposal", "wangfang", False, "{short}：方案沟通缺少纪要，错失澄清机会",
     ["互联网", "方案呈现", "会议纪要"], ["标准化方案会议纪要模板"], ["方案汇报后没有发送会议纪要", "没有及时回应客户对云产品的比较"],
     ["客户技术总监在方案会上提出与云厂商标准产品的对比问题，我们口头答复后没有形成纪要。",
      "事后客户 IT 负责人（手机 13916881234）反馈内部评审时没有书面材料，最终选择了标准产品。"]),
    ("collection", "Y1", "failure", "fulfilment", "zhaoliu", False, "{short}：进度款逾期的复盘",
     ["物流", "回款", "履约"], ["回款节点与交付里程碑绑定"], ["签约时未确认客户的付款审批流程", "逾期后一个多月才升级处理"],
     ["项目按期上线，但进度款到期后客户财务迟迟未付。",
      "原因是客户付款需要集团审批，而合同中约定的付款节点没有考虑这一流程。"]),
    ("win", "A1", "success", "proposal", "lisi", True, "{short}：代理商合作的三百万级项目",
     ["代理商", "制造业", "大单", "渠道合作"], ["与代理商明确分工：代理商维护关系，我们负责方案", "方案分期实施，降低一次性投入"],
     ["交付资源排期紧张，需提前锁定实施团队"],
     ["代理商引荐的集团客户，计划对三个工厂做自动化升级。",
      "方案阶段用分期实施和样板工厂验证打消了客户对投入规模的顾虑，周期较长但最终顺利签约。"]),
    ("loss", "J2", "failure", "negotiation", "lisi", False, "{short}：竞品低价抢单",
     ["零售", "竞品", "价格谈判"], ["提前准备竞品对比材料"], ["培育期互动不足，对竞品动向不敏感", "未能把价值差异量化"],
     ["客户对供应链管理有明确需求，方案阶段进展顺利。",
      "谈判阶段竞品报出大幅低价，我们没有提前准备价值量化材料，最终丢单。"]),
]


def entry_ends(deal, lead_acq):
    """SPEC §2.4: (entry, end, ongoing) for each stage entry, the implicit lead entry included."""
    es = list(deal["stages"])
    if lead_acq and es[0]["stage"] != "lead":
        es.insert(0, {"stage": "lead", "entered": lead_acq})
    last_pre = max(i for i, e in enumerate(es) if ORDER.index(e["stage"]) <= ORDER.index("negotiation"))
    out = []
    for i, e in enumerate(es):
        if e.get("completed"):
            out.append((e, e["completed"], False))
        elif deal["status"] != "open" and i == last_pre:
            out.append((e, deal["closed"], False))
        else:
            out.append((e, es[i + 1]["entered"], False) if i + 1 < len(es) else (e, AS_OF, True))
    return out


def case_body(title, story, deal, cust, lead_acq, lessons, improvements, result):
    rows = [(e["stage"], e["entered"], (end - e["entered"]).days, ong)
            for e, end, ong in entry_ends(deal, lead_acq)]
    co = cust["_co"]
    amount = "金额未定" if not deal.get("amount") else \
        f"{'合同金额' if deal['status'] == 'won' else '报价'} {wan(deal['amount'])} 万元"
    out = [f"# {title}", "", "## 项目背景", "",
           f"{co.short}（{co.industry}，{co.city}），项目“{deal['title']}”，由{OWNER_NAME[deal['owner']]}负责，{amount}。"
           + ("最终成交。" if deal["status"] == "won" else f"最终丢单，原因：{deal.get('lost_reason', '')}。"),
           "", "## 关键过程", ""] + [x + "\n" for x in story]
    out += ["## 阶段时间线", "", "| 阶段 | 进入时间 | 耗时（天） |", "|---|---|---|"]
    out += [f"| {STAGE_CN[s]} | {cn_date(d, True)} | {n}{'（进行中）' if ong else ''} |" for s, d, n, ong in rows]
    out += ["", "## 可复制的经验", ""] + [f"- {x}" for x in lessons]
    out += ["", "## 待改进问题", ""] + [f"- {x}" for x in improvements]
    out += ["", "## 复盘结论", "",
            "把以上经验纳入团队的阶段检查清单，在周会上逐条检查落实情况。" if result == "success" else
            "问题已在月度复盘会上讨论，改进措施已写入下阶段优化计划，由负责人跟踪落实。"]
    return "\n".join(out)


# ---------------------------------------------------------------- generate
def planned_records():
    """Companies, leads and customers of the planned deals."""
    leads, customers, by_key = [], {}, {}
    for p in PLAN:
        sp = SPECIAL.get(p.key)
        if "same" in p.kw:  # a second deal of an existing customer
            by_key[p.key] = (by_key[p.kw["same"]][0], p)
            continue
        if sp:
            cty = sp["city"]
            co = SimpleNamespace(name=sp["name"], short=sp["short"], slug=p.key, py=sp["py"], city=cty[0],
                                 region=cty[1], area=cty[2], industry=p.industry)
        else:
            region = OWNER_REGION[p.owner]
            co = company(p.industry, rng.choice([c for c in CITIES if c[1] == region]), customers)
        lead = None
        if p.acq:
            lead = new_lead(p.acq, co, p.owner, p.kw.get("src") or rng.choice(list(CHANNEL_W)),
                            sp and sp["contact"], sp and sp["needs"])
            lead["status"] = "contacted" if p.stage == "lead" else "converted"
            if sp:
                lead["assigned"], lead["first_contact"] = D_T(sp["assigned"]), D_T(sp["first"])
                grading_fields(lead, sp["revenue"], sp["budget"], sp["match"])
                lead["_fixed"] = {"a-tech": "LX001", "b-group": "LX002"}[p.key]
                if p.key == "a-tech":
                    lead["extra"] = {"event": EVENTS["2023-10"]}
            else:
                big = p.amount and p.amount >= 1_000_000
                grading_fields(lead, rng.choice(REVENUES[6:] if big else REVENUES[3:]) * 1_000_000,
                               budget=p.status == "won" or None, match=rng.randint(12, 19) * 5)
                if p.key in ("T10", "F1", "M2", "A1"):
                    lead["grade"] = rule_grade(lead, GRADING)  # a manual grade that agrees with the rules
            leads.append(lead)
        customers[co.slug] = make_customer(p, co, lead, sp)
        by_key[p.key] = (customers[co.slug], p)
    return leads, customers, by_key


def intended_lead_warnings(leads):
    """Three late first contacts and two manual grades that contradict the rules."""
    for m, late in [("2023-03", 1), ("2023-07", 2), ("2023-10", 1)]:
        lead = next(l for l in leads if ym(l["acquired"]) == m and l["status"] in ("contacted", "nurturing"))
        lead["first_contact"] = lead["assigned"] + timedelta(days=late, hours=1)
        if m == "2023-10":  # a high-value lead (table 4: 高价值线索跟进不及时)
            grading_fields(lead, 300_000_000, True, 85)
    graded = [l for l in leads if l["annual_revenue"] and l["status"] == "nurturing" and not l["grade"]
              and ym(l["acquired"]) not in ("2023-03", "2023-07", "2023-10")]
    lo = next(l for l in graded if rule_grade(l, GRADING) == "medium")
    lo["grade"] = "high"
    hi = next(l for l in graded if l is not lo)
    grading_fields(hi, 200_000_000, True, 80)
    hi["grade"] = "medium"


def number_leads(leads):
    """LX001 and LX002 are the template's rows; the others are numbered in order of acquisition."""
    fixed = sorted((l for l in leads if l.get("_fixed")), key=lambda l: l["_fixed"])
    rest = sorted((l for l in leads if not l.get("_fixed")), key=lambda l: (l["acquired"], l["assigned"] or datetime.max))
    for i, l in enumerate(fixed + rest, 1):
        l["_id"] = f"LX{i:03d}"


def a_tech_details(deal):
    """SPEC §7 table 3, word for word."""
    for e in deal["stages"]:
        e["owner"] = "lisi"
    deal["activities"] = [act(D("2023-10-09"), "call", "展会后电话回访，约定现场调研"),
                          act(D("2023-10-12"), "visit", "产线现场调研，确认人工上下料痛点"),
                          act(D("2023-10-18"), "meeting", "方案汇报会（采购、技术、副总参加）"),
                          act(D("2023-10-19"), "email", "发送会议纪要及修订方案"),
                          act(D("2023-10-24"), "meeting", "商务谈判：分期交付与质保条款")]
    prop, neg = (next(x for x in deal["stages"] if x["stage"] == s) for s in ("proposal", "negotiation"))
    prop["presented"], prop["minutes_sent"] = datetime(2023, 10, 18, 14), datetime(2023, 10, 19, 10)
    prop["actions"], prop["outputs"] = ["方案评审通过", "客户无异议"], ["定制化解决方案书", "方案沟通会议纪要"]
    neg["actions"] = ["价格达成一致", "合同已签"]
    deal["extra"] = {"contract_no": "HDKH-2023-118"}


def make_deals(by_key):
    deals = []
    for key, (cust, p) in by_key.items():
        lead = cust["_lead"] if "same" not in p.kw else None
        deal = build_deal(p, lead)
        start = lead["acquired"] if lead else D(p.kw["start"])
        deal["_id"] = f"{cust['_co'].slug}-{start.year}"
        needs = (lead or {}).get("needs") or INDUSTRIES[p.industry].needs
        deal["title"] = {"a-tech": "自动化升级项目", "b-group": "供应链管理平台项目"}.get(key) or \
            needs[0] + ("二期项目" if "same" in p.kw else rng.choice(["项目", "一期项目", "建设项目", "改造项目"]))
        deal["customer"], deal["_cust"] = cust["_co"].slug, cust
        if key == "a-tech":
            a_tech_details(deal)
        deals.append(deal)
        by_key[key] = (cust, p, deal)
        if lead:
            lead["_deal"] = deal  # the deal the lead converted to
    for m, target in [("2022-10", 89), ("2023-09", 90), ("2023-10", 88)]:
        fix_satisfaction(deals, m, target)
    return deals


# ---------------------------------------------------------------- render (the files, as known at some point)
# `known(obj, field)` says whether a fact of the sample is recorded yet: `obj` is a record, stage entry,
# activity, visit or payment dict (or a MONTHS/CASES item, or PIPE), `field` the fact (see facts()).
# The default knows everything and renders today's data/; scripts/sample_history.py replays the facts.
PIPE = SimpleNamespace()  # the pipeline's facts: "as_of" (the sample is frozen at AS_OF)


def known_all(obj, field):
    return True


def lead_at(l, known):
    """The lead's fields once `known` facts are in: no first contact or final status before they happen."""
    out = {k: l.get(k) for k in ["source", "acquired", "company", "industry", "region", "contact", "needs",
                                 "owner", "assigned", "first_contact", "status", "invalid_reason"]}
    if l["first_contact"] and not known(l, "first_contact"):
        out.update(first_contact=None, status="new", invalid_reason=None)
    elif not known(l, "status"):
        out.update(status="contacted", invalid_reason=None)
    return out


def deal_at(d, known):
    """The deal's fields once `known` facts are in (None before its first stage entry is recorded)."""
    out = {k: v for k, v in d.items() if not k.startswith("_")}
    out["stages"] = [{k: v for k, v in e.items() if k not in ("completed", "presented", "minutes_sent") or known(e, k)}
                     for e in d["stages"] if known(e, "entered")]
    if not out["stages"]:
        return None
    if not known(d, "closed"):
        out.update(status="open", closed=None, lost_reason=None)
        if out.get("expected_close") is None and d.get("closed"):
            # While open, the rep's estimate of the close: the real date, often some
            # weeks off (fixed per deal, no draw from the generator), so month pages
            # of the replayed history have a forecast to compare with what was won.
            slip = zlib.crc32(f"{d['customer']}/{d['title']}".encode()) % 43 - 14
            out["expected_close"] = d["closed"] + days(slip)
    out["activities"] = [a for a in d["activities"] if known(a, "date")]
    out["payments"] = [{k: v for k, v in p.items() if k != "received" or known(p, "received")}
                       for p in d["payments"] if known(p, "due")]
    out["visits"] = [v for v in d["visits"] if known(v, "date")]
    out["extra"] = out.pop("extra", None)  # last in the file
    return out


def write_leads(leads, known, only):
    for l in leads:
        if not only(f"leads/{l['_id']}.toml") or not known(l, "record"):
            continue
        out = lead_at(l, known)
        if l["annual_revenue"]:
            out.update({"~1": None, "# 分级依据": None})
            out.update({k: l[k] for k in ["annual_revenue", "budget_confirmed", "match", "grade"]})
        out["extra"] = l.get("extra")
        write_toml(f"leads/{l['_id']}.toml", out, f"{l['_id']} · {l['company']}")


def write_customers(customers, deals, known, only):
    for slug, c in customers.items():
        if not only(f"customers/{slug}.md"):
            continue
        cdeals = [x for x in (deal_at(d, known) for d in deals if d["customer"] == slug) if x]
        if not cdeals:
            continue
        c = dict(c, lead=c["_lead"]["_id"] if c["_lead"] else None)
        final = cdeals[-1] == deal_at([d for d in deals if d["customer"] == slug][-1], known_all)
        c["progress"] = SPECIAL[slug]["progress"] if slug in SPECIAL and final else progress_of(cdeals[-1])
        write_md(f"customers/{slug}.md", c, customer_body(c, cdeals))


def write_deals(deals, known, only):
    for d in deals:
        out = deal_at(d, known) if only(f"deals/{d['_id']}.toml") else None
        if out:
            write_toml(f"deals/{d['_id']}.toml", out, f"{d['_id']} · {d['_cust']['name']} · {d['title']}")


def case_date(case, by_key):
    suffix, key = case[:2]
    deal = by_key[key][2]
    return D("2023-10-30") if key == "a-tech" else D("2023-10-20") if suffix == "collection" else \
        min(AS_OF, deal["closed"] + days(rng.randint(3, 10)))


def write_cases(by_key, case_dates, known, only):
    for case, when in zip(CASES, case_dates):
        suffix, key, result, stage, author, share, title, tags, lessons, impr, story = case
        cust, p, deal = by_key[key]
        if not only(f"cases/{cust['_co'].slug}-{suffix}.md") or not known(case, "record"):
            continue
        title = title.format(short=cust["_co"].short)
        fm = {"title": title, "date": when, "result": result, "deal": deal["_id"], "stage": stage, "tags": tags,
              "lessons": lessons, "improvements": impr, "author": author, "shareable": share}
        lead_acq = cust["_lead"]["acquired"] if cust["_lead"] else None
        write_md(f"cases/{cust['_co'].slug}-{suffix}.md", fm,
                 case_body(title, story, deal, cust, lead_acq, lessons, impr, result))


def write_pipeline(known):
    d = {"team": {"name": "华东大客户部", "language": "zh", "currency": "CNY", "amount_unit": 10000,
                  "amount_unit_label": "万", "timezone": "Asia/Shanghai",
                  "as_of": AS_OF if known(PIPE, "as_of") else None},
         "sla": {"first_contact_hours": 24, "minutes_hours": 24, "nurture_interactions_per_week": 1,
                 "stale_days": 14, "update_hours": 24},
         "owners": [{"id": i, "name": n, "region": r, "team": t} for i, n, r, t in OWNERS],
         "channels": [{"id": i, "name": n, "group": g} for i, n, g in CHANNELS],
         "stages": [{"id": i, "name": n, "name_en": e, "core": i in ("nurture", "proposal"),
                     "closing": i == "negotiation", "outputs": o, "probability": pr} for i, n, e, o, pr in STAGES],
         "grading": GRADING}
    write_toml("pipeline.toml", d, "华东大客户部 · 销售流程配置（salesbook）")


def build():
    """Every record of the sample, in memory (the one place that draws from rng)."""
    leads, customers, by_key = planned_records()
    for m, n in LEADS_PER_MONTH.items():
        leads += random_leads(m, n - sum(1 for l in leads if ym(l["acquired"]) == m))
    intended_lead_warnings(leads)
    number_leads(leads)
    deals = make_deals(by_key)
    case_dates = [case_date(c, by_key) for c in CASES]
    return SimpleNamespace(leads=leads, customers=customers, by_key=by_key, deals=deals, case_dates=case_dates)


def render(db, known=known_all, only=None):
    """{relative path: text} of data/ as recorded once the `known` facts are in; with `only` (a set of
    relative paths), just those files (the ones that exist)."""
    FILES.clear()
    only = (lambda rel: True) if only is None else only.__contains__
    if only("pipeline.toml"):
        write_pipeline(known)
    write_leads(db.leads, known, only)
    write_customers(db.customers, db.deals, known, only)
    write_deals(db.deals, known, only)
    for m in MONTHS:
        if only(f"months/{m}.md") and known(MONTHS[m], "record"):
            month_file(m, db.leads, db.deals)
    write_cases(db.by_key, db.case_dates, known, only)
    return dict(FILES)


def facts(db):
    """Every fact that a team records as it happens, for replaying the sample (scripts/sample_history.py):
    (obj, field, when, owner, chain, event, rel). `when` is a date or a date-time; `event` marks the dated
    events whose entry lag salesbook measures (docs/git.md); facts of one `chain` (a customer with its
    lead, deals and cases) must be recorded in order of `when` for every state to be valid."""
    for l in db.leads:
        chain = l["_deal"]["customer"] if "_deal" in l else l["_id"]
        F = partial(SimpleNamespace, rel=f"leads/{l['_id']}.toml")
        yield F(obj=l, field="record", when=l["assigned"] or l["acquired"], owner=l["owner"], chain=chain, event=False)
        if l["first_contact"]:
            yield F(obj=l, field="first_contact", when=l["first_contact"], owner=l["owner"], chain=chain, event=True)
        if l["status"] in ("nurturing", "invalid"):
            when = min(AS_OF, l["first_contact"].date() + days(3))
            yield F(obj=l, field="status", when=when, owner=l["owner"], chain=chain, event=False)
        elif l["status"] == "converted":
            entered = [e["entered"] for e in l["_deal"]["stages"] if e["stage"] != "lead"]
            yield F(obj=l, field="status", when=entered[0], owner=l["owner"], chain=chain, event=False)
    for d in db.deals:
        own, chain = d["owner"], d["customer"]
        F = partial(SimpleNamespace, rel=f"deals/{d['_id']}.toml")
        for e in d["stages"]:
            yield F(obj=e, field="entered", when=e["entered"], owner=e.get("owner", own), chain=chain, event=True)
            for k in ("completed", "presented", "minutes_sent"):
                if e.get(k):
                    yield F(obj=e, field=k, when=e[k], owner=e.get("owner", own), chain=chain, event=False)
        if d["closed"]:
            yield F(obj=d, field="closed", when=d["closed"], owner=own, chain=chain, event=False, first=True)
        for p in d["payments"]:
            yield F(obj=p, field="due", when=d["closed"], owner=own, chain=chain, event=False)
            if p.get("received"):
                yield F(obj=p, field="received", when=p["received"], owner=own, chain=chain, event=True)
        planned = max(e["entered"] for e in d["stages"])  # an appointment is recorded when it is made
        for a in d["activities"]:
            past = a["date"] <= AS_OF
            yield F(obj=a, field="date", when=a["date"] if past else planned, owner=own, chain=chain, event=past)
        for v in d["visits"]:
            yield F(obj=v, field="date", when=v["date"], owner=own, chain=chain, event=True)
    for m in MONTHS:  # written with its figures on the next month's first working day
        y, mo = map(int, m.split("-"))
        F = partial(SimpleNamespace, rel=f"months/{m}.md")
        nxt = date(y + mo // 12, mo % 12 + 1, 1)
        while not workday(nxt):
            nxt += days(1)
        yield F(obj=MONTHS[m], field="record", when=at(nxt, 10), owner="lisi", chain="months", event=False)
    for case, when in zip(CASES, db.case_dates):
        deal = db.by_key[case[1]][2]
        F = partial(SimpleNamespace, rel=f"cases/{deal['customer']}-{case[0]}.md")
        yield F(obj=case, field="record", when=when, owner=case[4], chain=deal["customer"], event=False)


def generate():
    for sub in ["pipeline.toml", "leads", "customers", "deals", "months", "cases"]:  # what this script owns
        path = DATA / sub
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    db = build()
    for rel, text in render(db).items():
        path = DATA / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    print(f"wrote {len(db.leads)} leads, {len(db.customers)} customers, {len(db.deals)} deals, {len(MONTHS)} months, "
          f"{len(CASES)} cases to {DATA}")


# ---------------------------------------------------------------- verify (reads only the files)
def load():
    def fm(path):
        text = path.read_text("utf-8")
        assert text.startswith("+++\n"), path
        end = text.index("\n+++\n", 3)
        return tomllib.loads(text[4:end + 1]), text[end + 5:]

    def kind(sub, ext):
        return {p.stem: p for p in sorted((DATA / sub).rglob(f"*.{ext}"))}

    db = SimpleNamespace(pipe=tomllib.loads((DATA / "pipeline.toml").read_text("utf-8")))
    db.leads = {k: tomllib.loads(p.read_text("utf-8")) for k, p in kind("leads", "toml").items()}
    db.deals = {k: tomllib.loads(p.read_text("utf-8")) for k, p in kind("deals", "toml").items()}
    db.customers = {k: fm(p)[0] for k, p in kind("customers", "md").items()}
    db.months = {k: fm(p)[0] for k, p in kind("months", "md").items()}
    db.cases = {k: fm(p) for k, p in kind("cases", "md").items()}
    return db


def kpis(db, m, as_of):
    def link(d):
        return d.get("lead") or db.customers[d["customer"]].get("lead")

    won = [d for d in db.deals.values() if d["status"] == "won" and d["closed"] <= as_of]
    converted = {link(d) for d in won} - {None}
    acquired = [k for k, l in db.leads.items() if ym(l["acquired"]) == m and l["acquired"] <= as_of]
    wm = [d for d in won if ym(d["closed"]) == m]
    cyc = [(d["closed"] - (db.leads[link(d)]["acquired"] if link(d) else d["stages"][0]["entered"])).days for d in wm]
    sat = [v["satisfaction"] for d in db.deals.values() for v in d.get("visits", [])
           if ym(v["date"]) == m and v["date"] <= as_of and "satisfaction" in v]

    def mean(xs):
        return Fraction(sum(xs), len(xs)) if xs else None

    hits = [k in converted for k in acquired]
    return {"lead_conversion_rate": (mean(hits), f"{sum(hits)}/{len(hits)}"),
            "avg_deal_cycle_days": (mean(cyc), "+".join(map(str, cyc))),
            "avg_deal_size": (mean([d["amount"] for d in wm]), f"{sum(d['amount'] for d in wm)}/{len(wm)}"),
            "satisfaction": (mean(sat), "+".join(map(str, sat))),
            "revenue": (sum(d["amount"] for d in wm), f"{len(wm)} deals")}


EXPECTED = {"2023-10": {"lead_conversion_rate": "0.12", "avg_deal_cycle_days": "35", "avg_deal_size": "450000",
                        "satisfaction": "88"},
            "2023-09": {"lead_conversion_rate": "0.15", "avg_deal_cycle_days": "32", "avg_deal_size": "370000",
                        "satisfaction": "90"},
            "2022-10": {"lead_conversion_rate": "0.14", "avg_deal_cycle_days": "30", "avg_deal_size": "400000",
                        "satisfaction": "89"}}


def verify():
    db = load()
    as_of = db.pipe["team"]["as_of"]
    ok = True
    print(f"\nTable 4 recomputed from {DATA} (as of {as_of}):")
    print(f"{'KPI':22} {'month':8} {'actual':>9} {'expected':>9} {'target':>8}  inputs")
    for m, exp in EXPECTED.items():
        got = kpis(db, m, as_of)
        for k, e in exp.items():
            v, why = got[k]
            good = v == Fraction(e)
            ok &= good
            tgt = db.months.get(m, {}).get("targets", {}).get(k)
            shown = "—" if v is None else f"{float(v):g}"
            print(f"{k:22} {m:8} {shown:>9} {e:>9} {str(tgt):>8}  {why}{'' if good else '   <-- MISMATCH'}")
    for m, mf in db.months.items():
        for a in mf.get("assert", []):
            v = kpis(db, m, as_of).get(a["kpi"], (None,))[0]
            good = v is not None and "equals" in a and abs(v - a["equals"]) <= a.get("tolerance", 0)
            ok &= good
            print(f"assert {m} {a['kpi']} = {a['equals']}: actual {v} {'ok' if good else '<-- FAILS'}")
    print("counts:", {k: len(getattr(db, k)) for k in ["leads", "customers", "deals", "months", "cases"]})
    if not ok:
        sys.exit("verification FAILED")
    print("verification passed (`salesbook check` lists the intended warnings)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--verify", action="store_true", help="only verify the existing data/")
    if not ap.parse_args().verify:
        generate()
    verify()
