"""Made-up articles of the genre, for benchmarks: development-zone news with invented names.

    from corpus import write_corpus
    write_corpus(Path("/tmp/corpus"), 1000, seed=7)   # 1000 .txt files, about 1,000 characters each

Each article is assembled from sentence templates of the genre (a zone holds an event,
an alliance is founded with its first members, talent groups are sent or hired, a manager
is quoted, a caption, a byline and an editor's footer), filled with names made up from
syllables, so no real article, company or person is reproduced. The same seed gives the
same corpus. Names repeat across articles as they do in a real corpus: a few hundred zones
and a few thousand companies, so cross-article resolution has work to do.
"""
from __future__ import annotations

import random
from pathlib import Path

PLACE_SYLLABLES = "青澜云北东临江石南白金玉松枫桐岚溪川塘湖屏沙岭泉湾"
ZONE_SUFFIXES = ["经济技术开发区", "经开区", "高新区", "经济开发区", "高新技术产业开发区", "工业园区", "产业园"]
COMPANY_SYLLABLES = "禾远澜穗拓岳霖衍启琰恒驰晟睿蓝卓越鸿骏宸泰航峻朗瀚"
COMPANY_TRADES = ["科技", "生物", "电子", "新材料", "智能", "医药", "能源", "机械", "精密", "环保", "化工", "药业"]
LEGAL = ["有限公司", "股份有限公司", "集团有限公司"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "明远海峰文博国栋晓东一鸣小红建华志强丽娜思远嘉怡子涵浩然雨欣俊杰"
INDUSTRIES = ["新能源汽车", "生物医药", "集成电路", "高端装备", "新材料", "数字经济", "智能制造", "绿色化工"]
GROUPS = ["青年人才", "高层次人才", "党员干部", "技术骨干", "企业家", "青年职工", "党务工作者", "博士"]
TITLES = ["总经理", "董事长", "副总经理", "党支部书记", "人力资源总监"]
OFFICIALS = ["党工委书记", "党工委副书记", "管委会主任", "管委会副主任", "组织部部长"]
EVENTS = ["人才工作座谈会", "青年人才专题培训班", "产业对接会", "主题党日活动", "项目推介会", "技能竞赛",
          "政企恳谈会", "党建联盟年会", "招聘会", "重点项目集中开工仪式"]
ALLIANCE_KINDS = ["党建联盟", "产业联盟", "红盟", "人才发展联盟"]
PAPERS = ["日报", "晚报", "新闻网", "发布"]
QUALIFIERS = ["", "", "余", "多"]


class Names:
    """The names of one corpus: drawn once, so that they recur across articles."""

    def __init__(self, rng: random.Random, zones: int = 300, companies: int = 3000) -> None:
        self.rng = rng
        self.places = sorted({self._syllables(PLACE_SYLLABLES, 2) for _ in range(zones)})
        self.zones = [p + rng.choice(ZONE_SUFFIXES) for p in self.places]
        self.companies = sorted({self._syllables(COMPANY_SYLLABLES, 2) + rng.choice(COMPANY_TRADES)
                                 for _ in range(companies)})

    def _syllables(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self._syllables(GIVEN, self.rng.choice((1, 2)))

    def company(self, legal: bool = True) -> str:
        name = self.rng.choice(self.companies)
        return self.rng.choice(self.places) + name + self.rng.choice(LEGAL) if legal else name


# Sentences of the genre, with slots filled by `_fill`: {zone} and {alliance} are the
# article's own, the others are drawn afresh at each use.
TEMPLATES = [
    "{date}上午,{zone}举办{event},{firms}等{n}家企业的{group}参加活动。",
    "今年以来,{zone}党工委选派{n}名党建指导员深入企业,帮助企业解决用工、融资等实际困难。",
    "为提升服务水平,{zone}聘请{few}位法律专家,为企业提供政策咨询和法律服务。",
    "{date},{alliance}在{zone}正式成立,首批成员单位包括{members}等{dozen}家。",
    "近日,{zone}组织{n}{qualifier}名{group}赴{other_zone}参观学习,感受创新氛围。",
    "{company}{title}{person}说,这次活动让大家收获很大,公司将继续加大研发投入。",
    "{date},{zone}在市民中心召开{event},区内{n}余家企业负责人参加会议。",
    "截至目前,{zone}已集聚各类人才{n0}余名,其中博士{n}名,为{industry}产业发展提供了有力支撑。",
    "会上,{zone}{official}{person}表示,将持续优化营商环境,推动产业链上下游协同发展。",
    "该联盟聚焦{industry}产业,由{company}担任首任轮值主席单位,定期开展技术交流和人才共享。",
    "{zone}{official}{person}、{short_company}{title}{other_person}出席活动并致辞。",
    "下一步,{zone}将以{alliance}为纽带,围绕{industry}、{other_industry}等主导产业,推动党建与业务深度融合。",
]


def _fill(template: str, rng: random.Random, names: Names, zone: str, alliance: str) -> str:
    n = rng.randint(5, 200)
    slots = {
        "zone": zone, "alliance": alliance, "n": n, "n0": n * 10, "few": n % 20 + 3, "dozen": n % 30 + 5,
        "date": f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日", "event": rng.choice(EVENTS),
        "group": rng.choice(GROUPS), "qualifier": rng.choice(QUALIFIERS), "other_zone": rng.choice(names.zones),
        "industry": rng.choice(INDUSTRIES), "other_industry": rng.choice(INDUSTRIES),
        "title": rng.choice(TITLES), "official": rng.choice(OFFICIALS),
        "person": names.person(), "other_person": names.person(),
        "company": names.company(), "short_company": names.company(False),
        "firms": "、".join(names.company(False) for _ in range(rng.randint(2, 5))),
        "members": "、".join(names.company() for _ in range(rng.randint(2, 6))),
    }
    return template.format(**slots)


def article(rng: random.Random, names: Names) -> str:
    """One article: headline, byline, paragraphs of the genre, a caption, an editor's footer."""
    zone = rng.choice(names.zones)
    alliance = zone + rng.choice(INDUSTRIES) + rng.choice(ALLIANCE_KINDS)
    lines = [f"{zone}举办{rng.choice(EVENTS)}", f"(记者 {names.person()} 通讯员 {names.person()})"]
    for i in range(rng.randint(6, 14)):
        lines.append("".join(_fill(rng.choice(TEMPLATES), rng, names, zone, alliance)
                             for _ in range(rng.randint(1, 3))))
        if i == 2 and rng.random() < 0.5:
            lines.append(f"图为{rng.choice(EVENTS)}现场")  # a picture caption: no clause punctuation
    lines += [f"编辑:{names.person()}", f"来源:{rng.choice(names.places)}{rng.choice(PAPERS)}"]
    return "\n".join(lines) + "\n"


def articles(n: int, seed: int = 7):
    """`n` made-up articles, as (file name, text), the same for the same seed."""
    rng = random.Random(seed)
    names = Names(rng)
    for i in range(n):
        yield f"a{i:06d}.txt", article(rng, names)


def write_corpus(folder: Path, n: int, seed: int = 7) -> int:
    """Write `n` articles into `folder` (created); return the characters written."""
    folder.mkdir(parents=True, exist_ok=True)
    chars = 0
    for name, text in articles(n, seed):
        (folder / name).write_text(text, encoding="utf-8")
        chars += len(text)
    return chars
