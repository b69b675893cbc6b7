"""The word lists under ontology/lexicon/, loaded once, checked, and shared.

Rules and word lists are data; this module only reads them. Entries are
returned longest first, so that alternations built from them prefer the longest
match (经济技术开发区 before 开发区).

Every column after the word is checked when the lexicon is loaded (`COLUMNS`): a
class or property must be a term of ontology/kg.ttl, a kind one of the kinds its
file allows. A mistake is a `KgError` naming the file and the line, not a rule
that silently finds nothing. Trigger signals are checked against the signals the
rules ask for when the extractor is built (`Lexicon.check_signals`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from kg.errors import KgError
from kg.vocab import ontology_dir

# What the columns after the word hold, file by file (files not listed hold one word a line;
# surnames.txt holds several). "class" and "property" are terms of ontology/kg.ttl;
# "signal" is a trigger signal a rule reads; "number" a decimal; "text" anything;
# a tuple lists the words the column may hold. Columns marked optional may be left empty.
REQUIRED, OPTIONAL = True, False
COLUMNS: dict[str, tuple[tuple[object, bool], ...]] = {
    "zone_suffixes.txt": (("text", OPTIONAL),),  # the short form: 经济技术开发区 → 经开区
    "enterprise_suffixes.txt": ((("legal", "strong"), OPTIONAL),),
    "event_heads.txt": (("class", OPTIONAL),),
    "job_titles.txt": ((("title", "organ"), REQUIRED),),
    "measure_words.txt": ((("unit", "qualifier-before", "qualifier-after"), REQUIRED),),
    "triggers.tsv": (("signal", REQUIRED),),
    "byline_roles.tsv": (("property", REQUIRED),),
    "generic_references.tsv": (("class", REQUIRED),),
    "labelled_org_ends.tsv": (("class", REQUIRED),),
    "domain_words.txt": (("text", OPTIONAL),),  # a jieba tag
    "area_units.tsv": (("number", REQUIRED),),
    "joint_organizers.tsv": ((("adverb", "verb"), REQUIRED),),
}
SEVERAL_A_LINE = {"surnames.txt"}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) of each row of a lexicon file: `#` comments and blank lines dropped."""
    rows = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if line.strip():
            rows.append((number, [cell.strip() for cell in line.split("\t")]))
    return rows


def read_table(path: Path) -> list[list[str]]:
    """Rows of a lexicon file: tab-separated columns."""
    return [cells for _, cells in read_rows(path)]


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


@lru_cache(maxsize=4)
def ontology_terms(path: Path) -> tuple[frozenset[str], frozenset[str]]:
    """(classes, properties) of an ontology file: the local names of its kg: terms."""
    import pyoxigraph as ox

    namespace = "https://w3id.org/kg-news/ontology#"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    owl = "http://www.w3.org/2002/07/owl#"
    classes, properties = set(), set()
    with open(path, "rb") as handle:
        for triple in ox.parse(handle, format=ox.RdfFormat.TURTLE):
            subject = triple.subject
            if triple.predicate != rdf_type or not isinstance(subject, ox.NamedNode) \
                    or not subject.value.startswith(namespace):
                continue
            local = subject.value[len(namespace):]
            if triple.object.value == owl + "Class":
                classes.add(local)
            elif triple.object.value in (owl + "ObjectProperty", owl + "DatatypeProperty"):
                properties.add(local)
    return frozenset(classes), frozenset(properties)


@dataclass(frozen=True)
class Lexicon:
    folder: Path

    def rows(self, name: str) -> list[tuple[int, list[str]]]:
        return read_rows(self.folder / name)

    def table(self, name: str) -> list[list[str]]:
        return read_table(self.folder / name)

    def words(self, name: str) -> list[str]:
        return by_length(row[0] for row in self.table(name))

    def mapping(self, name: str) -> dict[str, str]:
        return {row[0]: (row[1] if len(row) > 1 else "") for row in self.table(name)}

    def error(self, name: str, line: int, message: str) -> KgError:
        return KgError(f"{self.folder / name}:{line}: {message}")

    # ------------------------------------------------------------- checks

    def validate(self, ontology: Path | None = None) -> None:
        """Check every column of every file against `COLUMNS` and the ontology; raise KgError."""
        classes, properties = ontology_terms(ontology or ontology_dir() / "kg.ttl")
        known = {"class": classes, "property": properties}
        for path in sorted(self.folder.iterdir()):
            if path.suffix not in (".txt", ".tsv") or path.name.startswith("."):
                continue
            columns = COLUMNS.get(path.name, ())
            for line, cells in self.rows(path.name):
                if len(cells) > len(columns) + 1 or (path.name in SEVERAL_A_LINE and len(cells) > 1):
                    raise self.error(path.name, line, f"{len(cells)} columns, expected at most {len(columns) + 1}")
                for (kind, required), cell in zip(columns, cells[1:] + [""] * len(columns)):
                    if not cell:
                        if required:
                            raise self.error(path.name, line, f"{cells[0]!r} has no {kind} column")
                        continue
                    if kind in known and cell not in known[kind]:
                        raise self.error(path.name, line, f"unknown {kind} {cell!r} (not in the ontology)")
                    if isinstance(kind, tuple) and cell not in kind:
                        raise self.error(path.name, line, f"unknown kind {cell!r}; expected one of {', '.join(kind)}")
                    if kind == "number" and not _NUMBER.fullmatch(cell):
                        raise self.error(path.name, line, f"{cell!r} is not a number")

    def check_signals(self, needed: dict[str, set[str]]) -> None:
        """Every signal of triggers.tsv is one a rule reads, and every signal a rule reads has verbs.

        `needed` maps each signal to the rules that read it.
        """
        given = set()
        for line, cells in self.rows("triggers.tsv"):
            signal = cells[1]
            if signal not in needed:
                raise self.error("triggers.tsv", line, f"unknown signal {signal!r}; the rules read "
                                 + ", ".join(sorted(needed)))
            given.add(signal)
        for signal in sorted(set(needed) - given):
            raise KgError(f"{self.folder / 'triggers.tsv'}: no verb gives the signal {signal!r} "
                          f"that {', '.join(sorted(needed[signal]))} read")

    # -------------------------------------------------------------- lists

    @cached_property
    def zone_suffixes(self) -> dict[str, str]:
        return {row[0]: (row[1] if len(row) > 1 else row[0]) for row in self.table("zone_suffixes.txt")}

    @cached_property
    def organization_suffixes(self) -> list[str]:
        return self.words("organization_suffixes.txt")

    @cached_property
    def government_portfolios(self) -> list[str]:
        return self.words("government_portfolios.txt")

    @cached_property
    def government_heads(self) -> list[str]:
        return self.words("government_heads.txt")

    @cached_property
    def government_departments(self) -> list[str]:
        """A portfolio and a head (人力资源和社会保障局, 招商办): the segmenter's words for them,
        so that one is not glued to the word after it (科技创新局|从)."""
        return by_length(portfolio + head for portfolio in self.government_portfolios for head in self.government_heads)

    @cached_property
    def enterprise_suffixes(self) -> dict[str, str]:
        return self.mapping("enterprise_suffixes.txt")

    @cached_property
    def strong_enterprise_suffixes(self) -> list[str]:
        """Words that make a company of any name they end: legal forms (有限公司) and 集团, 公司, 银行."""
        return by_length(w for w, kind in self.enterprise_suffixes.items() if kind in ("legal", "strong"))

    @cached_property
    def legal_forms(self) -> list[str]:
        """The legal forms a registered company's full name ends with (有限公司, 股份有限公司)."""
        return by_length(w for w, kind in self.enterprise_suffixes.items() if kind == "legal")

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

    def measures(self, kind: str) -> list[str]:
        """Measure words of one kind: unit, qualifier-before (近, 约) or qualifier-after (余, 多)."""
        return by_length(w for w, k in self.measure_words.items() if k == kind)

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
    """The lexicon in `folder` (default: ontology/lexicon), checked against the ontology."""
    lexicon = Lexicon(folder or ontology_dir() / "lexicon")
    lexicon.validate()
    return lexicon


@lru_cache(maxsize=8192)  # asked of every zone mention; the same names come back
def zone_key(label: str, lex: Lexicon) -> str:
    """The short canonical form of a zone name: 经济技术开发区 → 经开区."""
    for long, short in _abbreviations(lex):
        if label.endswith(long):
            return label[: -len(long)] + short
    return label


@lru_cache(maxsize=4)
def _abbreviations(lex: Lexicon) -> tuple[tuple[str, str], ...]:
    pairs = sorted(lex.zone_suffixes.items(), key=lambda kv: -len(kv[0]))
    return tuple((long, short) for long, short in pairs if long != short)
