"""kg.rules: the registry, the one order of ontology/pipeline.txt, switching rules off, rule ids."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from kg.cli import main
from kg.errors import KgError
from kg.extract import Extractor, list_rules
from kg.pipeline import build, extract_documents
from kg.reader import SourceText
from kg.rules import load_rules
from kg.rules.registry import SENTENCE, Rule, analyze, load_order, needed_signals, pipeline_file, select
from kg.rules.words import Words

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = (
    "澜江高新区召开人才工作座谈会\n"
    "(记者 罗小红)\n"
    "6月18日,澜江高新区召开人才工作座谈会,区党工委书记张国栋出席会议。\n"
    "今年以来,澜江高新区党工委选派12名党建指导员进驻企业,帮助企业攻克技术难题。\n"
)


@pytest.fixture(scope="module")
def order() -> list[Rule]:
    load_rules()
    return load_order()


def extract(extractor: Extractor, text: str = ARTICLE):
    source = SourceText("r1", Path("r1.txt"), text, "utf-8", "text/plain")
    return extract_documents([source], date(2024, 8, 1), extractor)[0]


def test_every_registered_rule_runs_once_in_the_order(order):
    names = [r.name for r in order]
    assert sorted(names) == sorted(load_rules()) and len(set(names)) == len(names)
    assert names[0] == "mention.byline"  # bylines are masked before any other rule reads the text


def test_what_each_rule_requires_an_earlier_rule_assigns(order):
    assert analyze(order) == []


def test_analyze_finds_a_rule_placed_before_what_it_reads(order):
    attends = next(r for r in order if r.name == "relation.participant.attends")
    assert any("relation.participant.attends requires mentions.Event" in p for p in analyze([attends] + order))
    assert any("focus_event" in p for p in analyze([r for r in order if r.name != "discourse.focus_event"]))


def test_analyze_finds_a_term_the_ontology_lacks(order):
    typo = Rule("relation.typo", lambda words, spec: None, SENTENCE, ("body",), frozenset(), (), ("facts.organiser",),
                ("relation.typo",), "")
    assert analyze(order + [typo]) == ["relation.typo: facts.organiser names no term of the ontology"]


def test_the_order_file_names_each_rule_once(tmp_path, order):
    lines = pipeline_file().read_text(encoding="utf-8")
    bad = tmp_path / "pipeline.txt"
    bad.write_text(lines.replace("relation.visit", "relation.vist"), encoding="utf-8")
    with pytest.raises(KgError, match=r"pipeline.txt:\d+: unknown rule 'relation.vist'"):
        load_order(bad)
    bad.write_text(lines + "mention.byline\n", encoding="utf-8")
    with pytest.raises(KgError, match=r"pipeline.txt:\d+: rule 'mention.byline' is already listed on line \d+"):
        load_order(bad)
    bad.write_text(lines.replace("attribute.area\n", ""), encoding="utf-8")
    with pytest.raises(KgError, match="missing from the order: attribute.area"):
        load_order(bad)


def test_the_order_file_sets_the_order(tmp_path):
    lines = pipeline_file().read_text(encoding="utf-8").splitlines()
    moved = [line for line in lines if line != "relation.visit"] + ["relation.visit"]
    path = tmp_path / "pipeline.txt"
    path.write_text("\n".join(moved) + "\n", encoding="utf-8")
    assert [r.name for r in Extractor(order=path).rules][-1] == "relation.visit"


def test_disable_takes_a_name_or_a_group(order):
    def off(*names):
        return {r.name for r in order} - {r.name for r in select(order, names)}

    assert off("relation.visit") == {"relation.visit"}
    assert off("mention.suffix") == {f"mention.suffix.{c}" for c in
                                     ("zone", "enterprise", "organization", "alliance", "place")}
    assert off("relation.") == {r.name for r in order if r.name.startswith("relation.")}
    assert off("relation.participant") == {"relation.participant.group", "relation.participant.attends",
                                           "relation.participant.signing", "relation.participant.invited",
                                           "relation.participant.with", "relation.participant.at_event",
                                           "relation.participant.led_group"}
    assert not off("relation.participant") & {"relation.part_of.campaign"}  # a prefix ends at a dot


def test_an_unknown_rule_is_an_error_naming_it(order):
    with pytest.raises(KgError, match="unknown rule 'relation.nothing'"):
        select(order, ["relation.nothing"])
    with pytest.raises(KgError, match="it is an id made by rule relation.organizer.verb"):
        select(order, ["relation.organizer.verb.principal_agent"])


def test_a_disabled_rule_makes_nothing_and_the_rest_still_runs():
    every = extract(Extractor())
    without = extract(Extractor(disable=["relation.participant", "mention.byline"]))
    assert any(f.predicate == "participant" for f in every.facts)
    assert not any(f.rule.startswith(("relation.participant", "mention.byline")) for f in without.facts)
    assert not any(m.rule == "mention.byline" for m in without.mentions)
    assert any(f.predicate == "dispatchedBy" for f in without.facts)
    # with the byline unmasked, its names are found by no other rule either (no title before them)
    assert {m.label for m in without.mentions} < {m.label for m in every.mentions}


def test_every_rule_id_in_a_built_graph_is_declared_and_found_by_grep(tmp_path, order):
    for i, path in enumerate(sorted((ROOT / "tests" / "rules").glob("*.jsonl"))):
        for j, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            text = json.loads(line)["text"]
            if re.search("[\u4e00-\u9fff]", text):
                (tmp_path / f"a{i:02d}{j:02d}.txt").write_text(text, encoding="utf-8")
    graph = build([tmp_path], "2024-08-01", jobs=1)
    ids = {st.rule for st in graph.resolved.statements}
    declared = {i for r in order for i in r.ids}
    assert ids <= declared, ids - declared
    assert len(ids) >= 45  # the cases reach nearly every rule
    sources = "\n".join(p.read_text(encoding="utf-8") for folder in ("kg", "ontology")
                        for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".txt", ".tsv"))
    for rule_id in declared:
        assert f'"{rule_id}"' in sources, f"{rule_id} is written nowhere as a literal"


def test_no_behaviour_is_driven_by_a_rule_id():
    """Rules tell mentions apart by explicit state (ctx.bylines, ctx.launched …), never by their rule id."""
    for path in (ROOT / "kg").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not re.search(r"\.rule\s*(==|!=|\bin\b|\.startswith|\.endswith)", line), f"{path}:{number}: {line}"


def test_a_rule_reads_only_the_signals_it_declares(order):
    extractor = Extractor()
    visit = next(r for r in order if r.name == "relation.visit")
    assert extractor.words.trigger(visit, "motion")
    with pytest.raises(ValueError, match="relation.visit reads the signal 'attend' but does not declare it"):
        extractor.words.trigger(visit, "attend")
    assert set(needed_signals(order)) == set(extractor.lex.triggers)
    assert isinstance(extractor.words, Words)


def test_build_list_rules_prints_the_order_with_reads_and_makes(capsys, order):
    assert main(["build", "--list-rules", "--disable", "discourse.focus_event"]) == 0
    out = capsys.readouterr().out
    positions = [out.index(f". {r.name}") for r in order]
    assert positions == sorted(positions)
    assert "discourse.focus_event  (disabled)" in out
    assert "reads:    mentions.Event, visits, focus_event" in out
    assert "warning: relation.organizer.joint requires focus_event" in out
    assert out.rstrip("\n") == list_rules(["discourse.focus_event"])


def test_build_disable_unknown_rule_is_one_line_and_exit_2(capsys, tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert main(["build", str(tmp_path), "--out", str(tmp_path / "out"), "--disable", "relation.nothing"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown rule 'relation.nothing'" in err
    assert not (tmp_path / "out").exists()


def test_build_disable_drops_what_the_rule_made(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert main(["build", str(tmp_path), "--out", str(tmp_path / "all"), "--jobs", "1"]) == 0
    assert main(["build", str(tmp_path), "--out", str(tmp_path / "off"), "--jobs", "1",
                 "--disable", "relation.dispatched_by", "--disable", "mention.byline"]) == 0
    every = (tmp_path / "all" / "graph.ttl").read_text(encoding="utf-8")
    without = (tmp_path / "off" / "graph.ttl").read_text(encoding="utf-8")
    assert "kg:dispatchedBy" in every and "kg:dispatchedBy" not in without
    assert "kg:author" in every and "kg:author" not in without
