"""What each rule group adds: the development articles built with one group switched off.

    python benchmarks/ablation.py --dev ../shared/dev [--groups mention.ner relation.visit ...]

For every group (by default the rule-name prefixes of `kg build --list-rules`, two
dots deep, plus the labeller `mention.ner`), each article of DEV is built with
`kg build --disable GROUP`, scored against its gold by `tools/kgeval.py` (beside
DEV, in `../tools/`), and the mean entity F1 and relation recall are compared with
the build that has every rule on. Prints a table, largest loss first.
"""
from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SUMMARY = re.compile(r"F1=(?P<f1>[\d.]+).*relation R=(?P<recall>[\d.]+)")


def rule_groups() -> list[str]:
    from kg.extract import Extractor

    names = [rule.name for rule in Extractor().rules]
    groups = {".".join(name.split(".")[:2]) for name in names}
    return sorted(groups | {"mention.ner"})


def score(article: Path, gold: Path, kgeval: Path, ontology: Path, disable: str | None, work: Path) -> tuple[float, float]:
    out = work / f"{article.stem}-{disable or 'all'}"
    command = [sys.executable, "-m", "kg", "build", str(article), "--out", str(out), "--quiet"]
    if disable:
        command += ["--disable", disable]
    subprocess.run(command, check=True, capture_output=True)
    done = subprocess.run([sys.executable, str(kgeval), "--gold", str(gold), "--ontology", str(ontology),
                           str(out / "graph.ttl")], capture_output=True, text=True)
    found = SUMMARY.search(done.stdout.strip().splitlines()[-1])
    return float(found["f1"]), float(found["recall"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev", type=Path, default=Path("../shared/dev"), help="articles with *.gold.json beside them")
    parser.add_argument("--groups", nargs="*", help="groups to switch off (default: every rule group)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    golds = sorted(args.dev.glob("*.gold.json"))
    articles = [g.with_name(g.name.replace(".gold.json", ".txt")) for g in golds]
    kgeval = args.dev.parent / "tools" / "kgeval.py"
    ontology = Path(__file__).resolve().parent.parent / "ontology"
    groups = [None] + (args.groups or rule_groups())
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(args.jobs) as pool:
        work = Path(tmp)
        means = {}
        for group in groups:
            scores = list(pool.map(lambda pair: score(*pair, kgeval, ontology, group, work), zip(articles, golds)))
            means[group] = (statistics.mean(f for f, _ in scores), statistics.mean(r for _, r in scores))
            print(f"  {group or 'all rules on':<40} entity F1 {means[group][0]:.3f}  relation R {means[group][1]:.3f}",
                  file=sys.stderr, flush=True)
    base_f1, base_recall = means.pop(None)
    print(f"{len(articles)} articles; all rules on: mean entity F1 {base_f1:.3f}, mean relation recall {base_recall:.3f}")
    print(f"{'switched off':<40}{'entity F1':>10}{'Δ':>8}{'relation R':>12}{'Δ':>8}")
    for group, (f1, recall) in sorted(means.items(), key=lambda kv: (kv[1][0] + kv[1][1], kv[0])):
        print(f"{group:<40}{f1:>10.3f}{f1 - base_f1:>+8.3f}{recall:>12.3f}{recall - base_recall:>+8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
