"""kg.lexicon: word lists checked against the ontology and the rules when they are loaded."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.extract import Extractor
from kg.lexicon import Lexicon, alternation, load_lexicon
from kg.vocab import ontology_dir


@pytest.fixture
def lexicon_dir(tmp_path) -> Path:
    """A copy of the project's lexicon to break."""
    folder = tmp_path / "lexicon"
    shutil.copytree(ontology_dir() / "lexicon", folder)
    return folder


def append(folder: Path, name: str, line: str) -> int:
    """Add a line to a lexicon file; its line number."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1


def test_the_project_lexicon_is_valid():
    Lexicon(ontology_dir() / "lexicon").validate()


def test_a_clean_copy_loads(lexicon_dir):
    assert "开发区" in load_lexicon(lexicon_dir).zone_suffixes


@pytest.mark.parametrize("name, line, message", [
    ("event_heads.txt", "茶话会\tMeetingEvnt", "unknown class 'MeetingEvnt' (not in the ontology)"),
    ("generic_references.tsv", "本园\tDevelopmentZon", "unknown class 'DevelopmentZon'"),
    ("byline_roles.tsv", "主编\teditr", "unknown property 'editr'"),
    ("job_titles.txt", "站长\ttitel", "unknown kind 'titel'; expected one of title, organ"),
    ("measure_words.txt", "余\tqualifier", "unknown kind 'qualifier'"),
    ("area_units.tsv", "公顷\tten thousand", "'ten thousand' is not a number"),
    ("generic_references.tsv", "本园", "'本园' has no class column"),
    ("speech_verbs.txt", "谈\tspeech", "2 columns, expected at most 1"),
])
def test_a_wrong_column_is_an_error_with_file_and_line(lexicon_dir, name, line, message):
    number = append(lexicon_dir, name, line)
    with pytest.raises(KgError, match=re.escape(f"{lexicon_dir / name}:{number}: {message}")):
        load_lexicon(lexicon_dir)


def test_a_misspelt_trigger_signal_is_an_error_not_a_lost_relation(lexicon_dir):
    number = append(lexicon_dir, "triggers.tsv", "主持召开\torganise")
    with pytest.raises(KgError, match=re.escape(f"triggers.tsv:{number}: unknown signal 'organise'")):
        Extractor(lexicon=Lexicon(lexicon_dir))


def test_a_signal_a_rule_reads_must_have_verbs(lexicon_dir):
    path = lexicon_dir / "triggers.tsv"
    path.write_text("".join(line + "\n" for line in path.read_text(encoding="utf-8").splitlines()
                            if not line.endswith("\tdispatch")), encoding="utf-8")
    with pytest.raises(KgError, match="no verb gives the signal 'dispatch' that relation.dispatched_by.verb read"):
        Extractor(lexicon=Lexicon(lexicon_dir))


def test_a_word_added_to_a_list_reaches_its_rule(lexicon_dir):
    """The vocabulary is data: a unit of area added to the file is converted by the rule."""
    from datetime import date

    from kg.pipeline import extract_documents
    from kg.reader import SourceText

    append(lexicon_dir, "area_units.tsv", "公顷\t10000")
    text = "今年以来,青川经开区建成占地2公顷的政治生活馆。"
    source = SourceText("a", Path("a.txt"), text, "utf-8", "text/plain")
    with_unit = extract_documents([source], date(2024, 8, 1), Extractor(lexicon=load_lexicon(lexicon_dir)))[0]
    assert [f.obj for f in with_unit.facts if f.predicate == "area"] == [20000.0]
    plain = extract_documents([source], date(2024, 8, 1), Extractor())[0]
    assert not [f for f in plain.facts if f.predicate == "area"]


def test_alternation_matches_as_the_plain_longest_first_alternation():
    words = ["经济技术开发区", "开发区", "开发", "高新区", "区"]
    pattern = re.compile(alternation(words))
    plain = re.compile("|".join(sorted(words, key=len, reverse=True)))
    for text in ["澜江经济技术开发区", "开发区内", "开发", "高新区区", "无"]:
        assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)]
