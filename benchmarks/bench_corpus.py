"""`kg build` at corpus scale, beside `jieba.cut` over the same text, in one run.

    python benchmarks/bench_corpus.py --articles 1000 3000 10000
    python benchmarks/bench_corpus.py --hostile          # one huge article, a long name list, no punctuation

For each size, articles of the genre are made up (benchmarks/corpus.py: templates with
invented names, no real text), then, one after the other:

  jieba.cut       a fresh jieba.Tokenizer() with HMM over every article, in this process
  kg build        the whole command in a new process: extraction, store, graph.ttl, page, GraphML
  jieba.cut       again (the machine's speed drifts; the better of the two is used)
  kg build again  with nothing changed (the no-change rebuild)

and prints articles/s, characters/s, the build's peak memory (its largest process, as
`kg build` reports it, and all its processes together, sampled as PSS), the ratio jieba.cut time /
build time, and the time of the no-change rebuild. Targets for 10,000 articles: build <= 5 min,
peak memory <= 2 GB, ratio >= 0.25, no-change rebuild <= 10 s.

--hostile builds three inputs that used to blow up time or memory and prints time, peak
memory and the size of the page for each: a 5 MB article, a list of 1,000 company names,
and 56,000 characters without sentence punctuation. Targets: the 5 MB article <= 60 s and
<= 1 GB, the list <= 10 s and <= 500 MB, no page over 50 MB.
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import jieba
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import COMPANY_SYLLABLES, COMPANY_TRADES, LEGAL, Names, article, write_corpus  # noqa: E402

jieba.setLogLevel(logging.WARNING)
ROOT = Path(__file__).resolve().parent.parent


def jieba_seconds(folder: Path) -> float:
    tok = jieba.Tokenizer()
    tok.initialize()
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())]
    start = time.perf_counter()
    for text in texts:
        list(tok.cut(text, HMM=True))
    return time.perf_counter() - start


class TreeMemory:
    """The largest memory of a process and its children together, sampled: the sum of their
    proportional set sizes (PSS: a page shared by n processes counts 1/n in each), where the
    system tells it. Summing resident sizes would count the dictionaries and model that the
    workers share with the parent (they are forked after loading them) once per process."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        self.peak = 0
        self._process = psutil.Process(pid)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(every,), daemon=True)
        self._thread.start()

    def _sample(self, every: float) -> None:
        while not self._done.is_set():
            try:
                processes = [self._process, *self._process.children(recursive=True)]
                self.peak = max(self.peak, sum(_proportional(p) for p in processes))
            except psutil.Error:
                pass
            self._done.wait(every)

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak


def _proportional(process: psutil.Process) -> int:
    try:
        return process.memory_full_info().pss
    except (AttributeError, psutil.AccessDenied):  # no PSS on this system: resident size
        return process.memory_info().rss


def kg_build(inputs: Path, out: Path, *extra: str) -> dict:
    """Run `kg build` in a new process; its wall time, summary, and peak memory (largest process, sum)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "kg", "build", str(inputs), "--out", str(out), *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    memory = TreeMemory(process.pid)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    tree = memory.stop()
    if process.returncode not in (0, 1):
        raise SystemExit(f"kg build failed ({process.returncode}):\n{stderr}")
    largest = re.search(r"peak memory: (\d+) MB", stdout)
    return {"seconds": seconds, "stdout": stdout, "tree_mb": tree / 2**20,
            "largest_mb": int(largest.group(1)) if largest else 0}


def corpus_sizes(sizes: list[int], seed: int) -> int:
    print(f"{'articles':>9}{'chars':>12}{'build s':>9}{'art/s':>8}{'chars/s':>10}{'peak MB':>9}{'all PSS':>8}"
          f"{'jieba s':>9}{'ratio':>7}{'again s':>9}")
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
            folder = Path(tmp) / "articles"
            chars = write_corpus(folder, n, seed)
            first_jieba = jieba_seconds(folder)
            built = kg_build(folder, Path(tmp) / "output")
            second_jieba = jieba_seconds(folder)
            again = kg_build(folder, Path(tmp) / "output")
            assert "nothing changed" in again["stdout"], again["stdout"]
            jieba_s = min(first_jieba, second_jieba)
            print(f"{n:>9,}{chars:>12,}{built['seconds']:>9.1f}{n / built['seconds']:>8.1f}"
                  f"{chars / built['seconds']:>10,.0f}{built['largest_mb']:>9,}{built['tree_mb']:>8,.0f}"
                  f"{jieba_s:>9.1f}{jieba_s / built['seconds']:>7.2f}{again['seconds']:>9.1f}", flush=True)
            phases = re.search(r"time: .*", built["stdout"])
            print(f"{'':>9}  {phases.group(0) if phases else ''}", flush=True)
    return 0


# ---------------------------------------------------------------- hostile inputs


def hostile_inputs(folder: Path, seed: int) -> dict[str, Path]:
    rng = random.Random(seed)
    names = Names(rng)
    folder.mkdir(parents=True, exist_ok=True)
    big = folder / "big-5mb.txt"
    with open(big, "w", encoding="utf-8") as handle:
        size = 0
        while size < 5 * 2**20:
            text = article(rng, names)
            handle.write(text)
            size += len(text.encode("utf-8"))
    companies = sorted({"".join(rng.choice(COMPANY_SYLLABLES) for _ in range(3)) + rng.choice(COMPANY_TRADES)
                        + rng.choice(LEGAL) for _ in range(1200)})[:1000]
    listing = folder / "list-1000.txt"
    listing.write_text("青川经开区重点企业名单\n" + f"青川经开区重点企业包括{'、'.join(companies)}等1000家企业。\n",
                       encoding="utf-8")
    unpunctuated = folder / "no-punctuation.txt"
    body = re.sub(r"[,。、:;!?“”()\n]", "", "".join(article(rng, names) for _ in range(80)))
    unpunctuated.write_text("青川经开区新闻\n" + body[:56_000] + "\n", encoding="utf-8")
    return {"5 MB article": big, "1,000-name list": listing, "56k chars, no punctuation": unpunctuated}


def hostile(seed: int) -> int:
    print(f"{'input':<28}{'chars':>11}{'build s':>9}{'peak MB':>9}{'all PSS':>8}{'page MB':>9}{'GraphML MB':>11}")
    with tempfile.TemporaryDirectory(prefix="kg-hostile-") as tmp:
        for name, path in hostile_inputs(Path(tmp) / "in", seed).items():
            out = Path(tmp) / path.stem
            built = kg_build(path, out)
            page = (out / "graph.html").stat().st_size / 2**20
            graphml = (out / "graph.graphml").stat().st_size / 2**20
            chars = len(path.read_text(encoding="utf-8"))
            print(f"{name:<28}{chars:>11,}{built['seconds']:>9.1f}{built['largest_mb']:>9,}{built['tree_mb']:>8,.0f}"
                  f"{page:>9.1f}{graphml:>11.1f}", flush=True)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000], metavar="N",
                        help="corpus sizes to build (default: 1000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hostile", action="store_true", help="build the three hostile inputs instead")
    args = parser.parse_args(argv)
    return hostile(args.seed) if args.hostile else corpus_sizes(args.articles, args.seed)


if __name__ == "__main__":
    raise SystemExit(main())
