"""The word lists under ontology/lexicon/, loaded once and shared.

Rules and word lists are data; this module only reads them. Entries are
returned longest first, so that alternations built from them prefer the longest
match (经济技术开发区 before 开发区).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from kg.vocab import ontology_dir


def read_table(path: Path) -> list[list[str]]:
    """Rows of a lexicon file: `#` comments and blank lines dropped, tab-separated columns."""
    rows = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if line.strip():
            rows.append([cell.strip() for cell in line.split("\t")])
    return rows


def by_length(words) -> list[str]:
    return sorted(set(words), key=lambda w: (-len(w), w))


def alternation(words) -> str:
    """A regex that matches any of `words`, preferring the longest, written as a trie.

    `经济技术开发区|开发区|开发` would make the regex engine try every word at every
    position; `经济技术开发区|开发区?` branches on the first character. Where several
    words match at a position, they are prefixes of one another, and the greedy `?`
    tries them longest first, as the plain longest-first alternation does: the two
    match the same text.
    """
    trie: dict = {}
    for word in set(words):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True  # a word ends here
    return _trie_pattern(trie)


def _trie_pattern(node: dict) -> str:
    branches = [re.escape(ch) + _trie_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    if "" in node:  # a word ends here, and longer ones go on
        return f"(?:{'|'.join(branches)})?"
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


@dataclass(frozen=True)
class Lexicon:
    folder: Path

    def table(self, name: str) -> list[list[str]]:
        return read_table(self.folder / name)

    def words(self, name: str) -> list[str]:
        return by_length(row[0] for row in self.table(name))

    def mapping(self, name: str) -> dict[str, str]:
        return {row[0]: (row[1] if len(row) > 1 else "") for row in self.table(name)}

    @cached_property
    def zone_suffixes(self) -> dict[str, str]:
        return {row[0]: (row[1] if len(row) > 1 else row[0]) for row in self.table("zone_suffixes.txt")}

    @cached_property
    def organization_suffixes(self) -> list[str]:
        return self.words("organization_suffixes.txt")

    @cached_property
    def enterprise_suffixes(self) -> dict[str, str]:
        return self.mapping("enterprise_suffixes.txt")

    @cached_property
    def strong_enterprise_suffixes(self) -> list[str]:
        return by_length(w for w, kind in self.enterprise_suffixes.items() if kind == "strong")

    @cached_property
    def alliance_suffixes(self) -> list[str]:
        return self.words("alliance_suffixes.txt")

    @cached_property
    def place_suffixes(self) -> list[str]:
        return self.words("place_suffixes.txt")

    @cached_property
    def event_heads(self) -> dict[str, str]:
        return self.mapping("event_heads.txt")

    @cached_property
    def campaign_heads(self) -> list[str]:
        return self.words("campaign_heads.txt")

    @cached_property
    def initiative_cues(self) -> list[str]:
        return self.words("initiative_cues.txt")

    @cached_property
    def group_heads(self) -> list[str]:
        return self.words("group_heads.txt")

    @cached_property
    def job_titles(self) -> dict[str, str]:
        return self.mapping("job_titles.txt")

    @cached_property
    def measure_words(self) -> dict[str, str]:
        return self.mapping("measure_words.txt")

    @cached_property
    def triggers(self) -> dict[str, set[str]]:
        signals: dict[str, set[str]] = {}
        for verb, signal in self.table("triggers.tsv"):
            signals.setdefault(signal, set()).add(verb)
        return signals

    @cached_property
    def boundaries(self) -> frozenset[str]:
        return frozenset(self.words("boundaries.txt"))

    @cached_property
    def name_followers(self) -> list[str]:
        return self.words("name_followers.txt")

    @cached_property
    def role_tails(self) -> list[str]:
        return self.words("role_tails.txt")

    @cached_property
    def byline_roles(self) -> dict[str, str]:
        return self.mapping("byline_roles.tsv")

    @cached_property
    def generic_references(self) -> dict[str, str]:
        return self.mapping("generic_references.tsv")

    @cached_property
    def surnames(self) -> frozenset[str]:
        rows = self.table("surnames.txt")
        return frozenset(name for row in rows for cell in row for name in cell.split())

    @cached_property
    def domain_words(self) -> dict[str, str]:
        return self.mapping("domain_words.txt")


@lru_cache(maxsize=None)
def load_lexicon(folder: Path | None = None) -> Lexicon:
    return Lexicon(folder or ontology_dir() / "lexicon")
