"""Extraction speed beside plain jieba segmentation, over the same synthetic articles.

    python benchmarks/bench_extract.py [--articles 300] [--seed 7]

Articles are made up here by recombining sentences of the genre with varied names and
numbers (no real article is read). Timings over the same text, in one run, after a
warm-up that loads every dictionary; each round runs every stage once, one after the other:

  jieba.cut        a fresh jieba.Tokenizer() with HMM: list(tok.cut(text)) per article
  kg extract       normalize → layout → segment → extract → resolve (kg.pipeline without RDF)
  kg extract, N jobs  the same spread over one worker process per core, as `kg build` does
  kg extract+RDF   the same plus the quads of every article graph and their union as Turtle

and prints, per stage, the best time and characters per second, the ratio of best times,
and the median over rounds of each round's ratio to jieba.cut (target: extract >= 0.5x).
A round's ratio compares two runs made seconds apart; on a shared machine whose speed
drifts, its median is steadier than a ratio of two best times taken at different moments.
"""
from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import jieba

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.extract import Extractor  # noqa: E402
from kg.pipeline import default_jobs, extract_and_resolve  # noqa: E402
from kg.rdf import to_quads, turtle, union_triples  # noqa: E402
from kg.reader import SourceText  # noqa: E402

jieba.setLogLevel(logging.WARNING)

PLACES = ["青川", "澜江", "云溪", "北塘", "东湖", "临川", "江岚", "石门", "南屏", "白沙"]
ZONE_SUFFIXES = ["经济技术开发区", "经开区", "高新区", "经济开发区", "高新技术产业开发区", "工业园区"]
COMPANY_HEADS = ["青禾", "远澜", "海岚", "金穗", "星拓", "华岳", "瑞霖", "博衍", "启明", "中琰", "恒川", "新驰"]
COMPANY_TRADES = ["科技", "生物", "电子", "新材料", "智能", "医药", "能源", "机械"]
LEGAL = ["有限公司", "股份有限公司", "集团有限公司"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["明远", "海峰", "文博", "国栋", "晓东", "一鸣", "小红", "建华", "志强", "丽娜", "思远", "嘉怡"]
INDUSTRIES = ["新能源汽车", "生物医药", "集成电路", "高端装备", "新材料", "数字经济"]
GROUPS = ["青年人才", "高层次人才", "党员干部", "技术骨干", "企业家", "青年职工"]
TITLES = ["总经理", "董事长", "副总经理", "党支部书记"]
EVENTS = ["人才工作座谈会", "青年人才专题培训班", "产业对接会", "主题党日活动", "项目推介会", "技能竞赛"]
QUALIFIERS = ["", "", "余", "多"]


def zone(rng):
    return rng.choice(PLACES) + rng.choice(ZONE_SUFFIXES)


def company(rng, legal=True):
    name = rng.choice(COMPANY_HEADS) + rng.choice(COMPANY_TRADES)
    return name + rng.choice(LEGAL) if legal else name


def person(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def sentence(rng, z):
    kind = rng.randrange(9)
    m, d = rng.randint(1, 12), rng.randint(1, 28)
    n = rng.randint(5, 200)
    if kind == 0:
        return (f"{m}月{d}日上午,{z}举办{rng.choice(EVENTS)},{company(rng, False)}、{company(rng, False)}、"
                f"{company(rng, False)}等{n}家企业的{rng.choice(GROUPS)}参加活动。")
    if kind == 1:
        return f"今年以来,{z}党工委选派{n}名党建指导员深入企业,帮助企业解决用工、融资等实际困难。"
    if kind == 2:
        return f"为提升服务水平,{z}聘请{n % 20 + 3}位法律专家,为企业提供政策咨询和法律服务。"
    if kind == 3:
        return f"{m}月{d}日,{z}成立{rng.choice(INDUSTRIES)}产业联盟,首批吸纳成员企业{n}家。"
    if kind == 4:
        return f"近日,{z}组织{n}{rng.choice(QUALIFIERS)}名{rng.choice(GROUPS)}赴{zone(rng)}参观学习,感受创新氛围。"
    if kind == 5:
        return f"{company(rng)}{rng.choice(TITLES)}{person(rng)}说,这次活动让大家收获很大,公司将继续加大研发投入。"
    if kind == 6:
        return f"{m}月{d}日,{z}在市民中心召开{rng.choice(EVENTS)},区内{n}余家企业负责人参加会议。"
    if kind == 7:
        return f"截至目前,{z}已集聚各类人才{n * 10}余名,其中博士{n}名,为{rng.choice(INDUSTRIES)}产业发展提供了有力支撑。"
    return f"会上,{z}党工委副书记{person(rng)}表示,将持续优化营商环境,推动产业链上下游协同发展。"


def article(rng):
    z = zone(rng)
    lines = [f"{z}举办{rng.choice(EVENTS)}", f"(记者 {person(rng)} 通讯员 {person(rng)})"]
    for _ in range(rng.randint(6, 12)):
        lines.append("".join(sentence(rng, z) for _ in range(rng.randint(1, 3))))
    lines += [f"编辑:{person(rng)}", f"来源:{rng.choice(PLACES)}日报"]
    return "\n".join(lines) + "\n"


def sources(n, seed):
    rng = random.Random(seed)
    return [SourceText(f"bench{i:04d}", Path(f"bench{i:04d}.txt"), article(rng), "utf-8", "text/plain")
            for i in range(n)]


def run_jieba(tok, texts):
    for text in texts:
        list(tok.cut(text, HMM=True))


def run_extract(extractor, items, when, jobs=1):
    return extract_and_resolve(items, when, extractor, jobs)


def run_rdf(extractor, items, when):
    docs, resolved = run_extract(extractor, items, when)
    return turtle(union_triples(to_quads(docs, resolved)))


def timed_rounds(stages, repeat):
    """Seconds of each stage in each of `repeat` rounds, every round running every stage.

    Rounds interleave the stages, so that a slow spell of the machine (a shared
    virtual machine has them) falls on all of them rather than on one.
    """
    times = {name: [] for name, _ in stages}
    for _ in range(repeat):
        for name, fn in stages:
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="number of synthetic articles (default 300)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=7, help="timed rounds of every stage (default 7)")
    args = parser.parse_args(argv)

    items = sources(args.articles, args.seed)
    texts = [s.text for s in items]
    chars = sum(map(len, texts))
    when = date(2024, 8, 1)

    # warm-up: dictionaries, OpenCC, lexicons and regexes loaded outside the timings
    tok = jieba.Tokenizer()
    tok.initialize()
    extractor = Extractor()
    run_jieba(tok, texts[:10])
    run_rdf(extractor, items[:10], when)

    baseline = "jieba.cut (HMM)"
    stages = [(baseline, lambda: run_jieba(tok, texts)),
              ("kg extract (no RDF)", lambda: run_extract(extractor, items, when))]
    jobs = default_jobs()
    if jobs > 1:  # what `kg build` does by default: one worker process per core
        stages.append((f"kg extract, {jobs} jobs", lambda: run_extract(extractor, items, when, jobs)))
    stages.append(("kg extract + RDF", lambda: run_rdf(extractor, items, when)))
    times = timed_rounds(stages, args.repeat)

    print(f"{args.articles} articles, {chars:,} characters; {args.repeat} interleaved rounds after warm-up\n")
    print(f"{'stage':<22}{'best s':>9}{'chars/s':>13}{'best/best':>11}{'round ratios: median (min-max)':>34}")
    print("-" * 89)
    verdicts = []
    for name, _ in stages:
        best = min(times[name])
        # each round's ratio compares two runs made one after the other
        ratios = sorted(j / t for j, t in zip(times[baseline], times[name]))
        middle = statistics.median(ratios)
        print(f"{name:<22}{best:>9.3f}{chars / best:>13,.0f}{min(times[baseline]) / best:>10.2f}x"
              f"{middle:>18.2f}x ({ratios[0]:.2f}-{ratios[-1]:.2f})")
        if name != baseline and "RDF" not in name:
            verdicts.append((name, middle))
    for name, middle in verdicts:
        print(f"\n{name} / jieba.cut, median round = {middle:.2f}x (target >= 0.5x): "
              f"{'OK' if middle >= 0.5 else 'BELOW TARGET'}", end="")
    print("\n(jieba.cut runs in one process; the jobs line uses every core, as kg build does)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
