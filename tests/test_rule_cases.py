"""Each extraction rule's cases, as data: tests/rules/<rule name>.jsonl.

One case a line: a text (made-up names; `\\n` separates headline, body and byline lines),
an optional publication `date`, and what must and must not come out of the whole pipeline:

    {"text": "…", "mentions": [["Event", "人才工作座谈会"]],
     "facts": [["人才工作座谈会", "organizer", "澜江高新区"]],
     "no_mentions": [...], "no_facts": [...]}

A fact is (subject, predicate, object): labels for mentions ("ARTICLE" for the article),
plain JSON for values (dates as YYYY-MM-DD); `"date": null` builds without a publication
date. Every case must hold with every rule on, and must stop holding when its file's rule
is switched off (the rule is what makes it true), unless it says `"also_holds_without_rule":
true`: a case of what the rule must not find. A case that another rule also makes true (the
labeller finds many names the suffix rules find) names it, `"also_found_by": ["mention.ner"]`,
and must stop holding when both are off.

tests/rules/odd.jsonl holds odd texts (bare references, empty names, lists without items,
only punctuation, a text `repeat`ed into a long run with no punctuation): every rule runs
on them, with all the others, alone, and with the others but itself, and none raises.
"""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest

from kg.extract import ARTICLE_SUBJECT, Extractor
from kg.model import Mention
from kg.pipeline import extract_documents
from kg.reader import SourceText
from kg.rules import load_rules

CASE_DIR = Path(__file__).parent / "rules"
ODD = CASE_DIR / "odd.jsonl"
PUBLISHED = date(2024, 8, 1)
RULES = sorted(load_rules())


def read_cases(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def rule_files() -> list[Path]:
    return sorted(p for p in CASE_DIR.glob("*.jsonl") if p != ODD)


CASES = [pytest.param(path.stem, case, id=f"{path.stem}:{n}")
         for path in rule_files() for n, case in enumerate(read_cases(path), 1)]


@lru_cache(maxsize=None)
def extractor(disable: tuple[str, ...] = ()) -> Extractor:
    return Extractor(disable=disable)


def extract(ex: Extractor, text: str, when: date | None = PUBLISHED):
    source = SourceText("case", Path("case.txt"), text, "utf-8", "text/plain")
    return extract_documents([source], when, ex)[0]


def found(doc) -> tuple[set, set]:
    def name(m):
        return "ARTICLE" if m == ARTICLE_SUBJECT else m.label

    def value(v):
        return name(v) if isinstance(v, Mention) else v.isoformat() if isinstance(v, date) else v

    return ({(m.cls, m.label) for m in doc.mentions},
            {(name(f.subject), f.predicate, value(f.obj)) for f in doc.facts})


def problems(case: dict, doc) -> list[str]:
    """What of the case does not hold for `doc`; empty when it all holds."""
    mentions, facts = found(doc)
    out = []
    out += [f"missing mention {m}" for m in map(tuple, case.get("mentions", [])) if m not in mentions]
    out += [f"missing fact {f}" for f in map(tuple, case.get("facts", [])) if f not in facts]
    out += [f"unwanted mention {m}" for m in map(tuple, case.get("no_mentions", [])) if m in mentions]
    out += [f"unwanted fact {f}" for f in map(tuple, case.get("no_facts", [])) if f in facts]
    return out


def when(case: dict) -> date | None:
    return date.fromisoformat(case["date"]) if case.get("date") else (None if "date" in case else PUBLISHED)


@pytest.mark.parametrize("rule, case", CASES)
def test_case_holds(rule, case):
    doc = extract(extractor(), case["text"], when(case))
    assert not problems(case, doc), (problems(case, doc), sorted(map(str, found(doc)[1])))


@pytest.mark.parametrize("rule, case", [c for c in CASES if not c.values[1].get("also_holds_without_rule")])
def test_case_fails_without_its_rule(rule, case):
    off = (rule, *case.get("also_found_by", ()))
    doc = extract(extractor(off), case["text"], when(case))
    assert problems(case, doc), f"{' and '.join(off)} switched off, and the case still holds"


def test_every_rule_has_a_case_file_and_every_file_a_rule():
    files = {p.stem: read_cases(p) for p in rule_files()}
    assert sorted(files) == RULES
    for rule, cases in files.items():
        assert any(c.get("mentions") or c.get("facts") for c in cases), f"{rule} has no positive case"


ODD_TEXTS = [case["text"] * case.get("repeat", 1) for case in read_cases(ODD)]


@pytest.mark.parametrize("text", ODD_TEXTS, ids=[f"odd{n}" for n in range(1, len(ODD_TEXTS) + 1)])
def test_odd_texts_raise_nothing_with_every_rule(text):
    doc = extract(extractor(), text)
    for m in doc.mentions:
        assert len(m.label) >= 2 and doc.text[m.start:m.end], m


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_alone_and_each_rule_off_raise_nothing_on_odd_texts(rule):
    alone = extractor(tuple(r for r in RULES if r != rule))
    without = extractor((rule,))
    for text in ODD_TEXTS + [case["text"] for path in rule_files() for case in read_cases(path)][::7]:
        extract(alone, text)
        extract(without, text, None)


def test_odd_texts_cover_the_kinds_the_rules_must_survive():
    texts = "\n".join(ODD_TEXTS)
    assert "、、" in texts and "“”" in texts and "()" in texts  # lists without items, empty names
    assert any(t and not any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in ODD_TEXTS)  # only punctuation
    assert any(len(t) >= 3000 and not any(p in t for p in ",。;:!?") for t in ODD_TEXTS)  # a long run
