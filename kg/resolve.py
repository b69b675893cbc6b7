"""Entity resolution: one entity per real thing, within an article and across a build.

Mentions are keyed by class and a canonical form of their name:

- zones: the abbreviation table of the lexicon (经济技术开发区 → 经开区) and leading place
  words dropped while a specific name remains (苏州澜江经开区 → 澜江经开区);
- names that start with a zone (开发区党工委, 澜江经济开发区“科创红盟”) take the zone's key,
  so the generic 开发区党工委 and the full 澜江经济开发区党工委 meet;
- short names meet long ones in the same article (青禾科创 / 江苏青禾科创技术股份有限公司,
  区委政法委 / 澜江区委政法委): same first character, characters in order;
- references (开发区, 园区, 联盟, 该联盟) take the article's principal zone or the alliance in focus.

Entities of classes that are shared between articles (zones, alliances, companies,
organisations, people, places, industries, campaigns) get the same key in every
article; events, talent groups and initiatives belong to their article.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from kg.extract import ARTICLE_SUBJECT, zone_key
from kg.lexicon import Lexicon, alternation, load_lexicon
from kg.model import (
    ALLIANCE, ARTICLE, CAMPAIGN, ENTERPRISE, EVENT, GROUP, INDUSTRY, INITIATIVE, ORGANIZATION, PERSON,
    PLACE, ZONE, Document, Entity, Mention, MentionKey, Statement,
)
from kg.normalize import clean_label
from kg.segment import Segmenter, default_segmenter

SLUGS = {
    ZONE: "zone", ALLIANCE: "alliance", ENTERPRISE: "enterprise", ORGANIZATION: "organization",
    GROUP: "group", PERSON: "person", PLACE: "place", INDUSTRY: "industry", EVENT: "event",
    INITIATIVE: "initiative", CAMPAIGN: "campaign", ARTICLE: "article",
}
ARTICLE_SCOPED = {EVENT, GROUP, INITIATIVE}
GENERIC_ZONE_PREFIXES = {"", "市", "省", "区", "县", "该", "本", "全"}


@dataclass
class Resolved:
    entities: dict[str, Entity]
    statements: list[Statement]
    mentions: dict[str, list[tuple[str, Mention]]]  # entity key → (article id, mention)
    mention_keys: dict[str, list[MentionKey]] = field(default_factory=dict)  # by article id


BRACKET = re.compile(r"[(（]")
# 该联盟, 本联盟, 此联盟: the word that points back, not part of the name
DEMONSTRATIVE = re.compile(r"^(?:该|本|此|这个|这一)")


def most_common(values, tiebreak=lambda v: v) -> str | None:
    """The most frequent of `values` (an iterable, or a Counter of them), the greatest
    `tiebreak(v)` on a tie; None if there are none."""
    counts = values if isinstance(values, Counter) else Counter(values)
    if len(counts) <= 1:  # most entities are named one way
        return next(iter(counts), None)
    return max(counts, key=lambda v: (counts[v], tiebreak(v)))


def article_key(article_id: str) -> str:
    return f"article/{article_id}"


class Resolver:
    def __init__(self, lexicon: Lexicon | None = None, segmenter: Segmenter | None = None):
        self.lex = lexicon or load_lexicon()
        self.generic = self.lex.generic_references
        self.zone_suffixes = sorted(self.lex.zone_suffixes, key=len, reverse=True)
        self.place_tags = (segmenter or default_segmenter()).tags
        lex = self.lex
        self.legal_forms = re.compile(f"(?:{alternation(lex.strong_enterprise_suffixes)})$")
        self._cores: dict[str, str] = {}  # see `abbreviates`: made again for each article
        self.provinces = re.compile(f"^(?:{alternation(lex.words('provinces.txt'))})(?:省|市|自治区)?")
        self.industry_modifiers = re.compile(f"(?:{alternation(lex.words('industry_modifiers.txt'))})(?=产业)")
        self._zone_canonical: dict[str, str] = {}
        self._generic_zone: dict[str, bool] = {}
        # words that stand for the zone in a name (区党工委, 园区管委会), longest first
        self.zone_references = sorted((w for w, c in self.generic.items() if c == ZONE), key=len, reverse=True)
        self.organs = {t for t, kind in lex.job_titles.items() if kind == "organ"} | set(lex.organization_suffixes)

    # -------------------------------------------------------------- keys

    def is_generic_zone(self, label: str) -> bool:
        generic = self._generic_zone.get(label)
        if generic is None:  # asked of every zone mention, and the same labels come back
            generic = self._generic_zone[label] = self._is_generic_zone(label)
        return generic

    def _is_generic_zone(self, label: str) -> bool:
        if label in self.generic:
            return True
        for suffix in self.zone_suffixes:
            if label.endswith(suffix):
                return label[: -len(suffix)] in GENERIC_ZONE_PREFIXES
        return False

    def zone_canonical(self, label: str) -> str:
        """苏州澜江经济开发区 → 澜江经开区: abbreviate, then drop leading place words while a name remains."""
        canonical = self._zone_canonical.get(label)
        if canonical is None:  # the same zone names come back in article after article
            key = zone_key(label, self.lex)
            while True:
                stripped = self.strip_place_word(key)
                if stripped == key or self.is_generic_zone(stripped):
                    break
                key = stripped
            canonical = self._zone_canonical[label] = key
        return canonical

    def same_zone_fuller(self, key: str, keys: set[str]) -> str:
        """南通开发区 is 南通经开区 (or 南通高新区) when the article names that one too."""
        if not key.endswith("开发区") or key.endswith(("经开区", "高新区")):
            return key
        core = key[: -len("开发区")]
        fuller = sorted(k for k in keys if k != key and k.startswith(core) and k[len(core):] in self.lex.zone_suffixes.values())
        return fuller[0] if len(fuller) == 1 else key

    def strip_place_word(self, name: str) -> str:
        stripped = self.provinces.sub("", name)
        if stripped != name:
            return stripped
        for size in (4, 3, 2):
            if len(name) > size and self.place_tags.get(name[:size]) == "ns":
                return name[size:]
        return name

    def resolve(self, docs: list[Document]) -> Resolved:
        """Resolve the mentions of `docs` to entities across the articles, in memory."""
        table = EntityTable()
        statements: list[Statement] = []
        mentions: dict[str, list[tuple[str, Mention]]] = defaultdict(list)
        mention_keys: dict[str, list[MentionKey]] = {}
        for doc in docs:
            keys = self.keys_of(doc)
            for m, key in keys.items():
                mentions[key].append((doc.article_id, m))
            mention_keys[doc.article_id] = self.mention_keys(doc, keys)
            table.add(mention_keys[doc.article_id])
            statements.extend(self.article_statements(doc, keys))
        return Resolved(table.entities(), statements, dict(mentions), mention_keys)

    def keys_of(self, doc: Document) -> dict[Mention, str]:
        """Entity keys of the mentions of `doc` (worked out already by a worker process, or now)."""
        if doc.entity_keys is not None:
            return dict(zip(doc.mentions, doc.entity_keys))
        return self.article_keys(doc)

    def article_keys(self, doc: Document) -> dict[Mention, str]:
        """Give each mention of one article its entity key."""
        ms = sorted(doc.mentions, key=lambda m: (m.start, -m.end))
        local: dict[Mention, str] = {}
        # zones first: everything else may lean on them
        zones = [m for m in ms if m.cls == ZONE]
        plain = {self.zone_canonical(m.label) for m in zones if not self.is_generic_zone(m.label)}
        fuller_zone: dict[str, str] = {}

        def same_zone_fuller(key: str) -> str:  # asked of every zone mention: once per name
            if key not in fuller_zone:
                fuller_zone[key] = self.same_zone_fuller(key, plain)
            return fuller_zone[key]

        specific = Counter(same_zone_fuller(self.zone_canonical(m.label))
                           for m in zones if not self.is_generic_zone(m.label))
        if specific:
            principal_zone = max(specific, key=lambda k: (specific[k], len(k)))
            principal_scoped = False
        else:
            generic = Counter(m.label for m in zones if m.label not in self.generic)
            principal_zone = max(generic, key=lambda k: (generic[k], len(k))) if generic else None
            principal_scoped = True
        for m in zones:
            if self.is_generic_zone(m.label) and principal_zone is not None:
                scoped = principal_scoped
                key = principal_zone
            else:
                scoped = False
                key = same_zone_fuller(self.zone_canonical(m.label))
            local[m] = self.full_key(ZONE, key, doc.article_id, scoped or self.is_generic_zone(key))

        principal_key = (self.full_key(ZONE, principal_zone, doc.article_id, principal_scoped)
                         if principal_zone is not None else None)

        zones_at: dict[int, list[Mention]] = defaultdict(list)
        for z in zones:
            zones_at[z.start].append(z)

        def zone_prefix(m: Mention) -> tuple[str, str] | None:
            """(zone key, rest of the name) for a name starting with a zone: 开发区党工委, 区管委会."""
            inner = [z for z in zones_at.get(m.start, ()) if z.end < m.end]
            if inner:
                z = max(inner, key=lambda z: z.end)
                return local[z], clean_label(doc.text[z.end:m.end])
            if principal_key is not None and m.cls == ORGANIZATION:
                for word in self.zone_references:  # 区党工委: the zone's own organ, named by a reference
                    if m.label.startswith(word) and m.label[len(word):] in self.organs:
                        return principal_key, m.label[len(word):]
            return None

        # named things, each class on its own
        by_class: dict[str, list[Mention]] = {}
        for m in ms:
            by_class.setdefault(m.cls, []).append(m)
        for cls in (ALLIANCE, ORGANIZATION, ENTERPRISE, PLACE, PERSON, INDUSTRY, CAMPAIGN, EVENT, GROUP, INITIATIVE):
            of_class = by_class.get(cls, [])
            specific_names: list[tuple[Mention, str]] = []
            for m in of_class:
                if cls == ALLIANCE and m.label in self.generic:
                    continue
                prefixed = zone_prefix(m) if cls in (ALLIANCE, ORGANIZATION) else None
                if prefixed:
                    zkey, rest = prefixed
                    name = f"{zkey.rsplit('/', 1)[-1]}{rest}"
                    scoped = zkey.count("/") > 1
                else:
                    name = self.canonical(cls, m.label)
                    scoped = cls in ARTICLE_SCOPED
                specific_names.append((m, name))
                local[m] = self.full_key(cls, name, doc.article_id, scoped)
            self.merge_short_names(cls, specific_names, local)
            if cls == ALLIANCE:
                self.alliance_references(of_class, local, specific_names, doc.article_id)
        return local

    def canonical(self, cls: str, label: str) -> str:
        if cls == ENTERPRISE:
            core = self.provinces.sub("", label)
            return core if len(core) >= 2 else label
        if cls == INDUSTRY:
            return self.industry_modifiers.sub("", label)
        return label

    def merge_short_names(self, cls, named: list[tuple[Mention, str]], local: dict[Mention, str]) -> None:
        """青禾科创 → 江苏青禾科创技术股份有限公司; 区委政法委 → 澜江区委政法委 (same article)."""
        if cls not in (ENTERPRISE, ORGANIZATION, PLACE, ALLIANCE, INDUSTRY, EVENT):
            return
        self._cores = {}  # full name → its core (see `abbreviates`), for this article's names
        # every key with its name, longest first (the first of equal length in sorted order wins)
        keys = sorted({local[m] for m, _ in named}, key=lambda k: (-len(k), k))
        names = [k.rsplit("/", 1)[-1] for k in keys]
        # A name can only abbreviate a key whose name shares a first or last character with
        # it (see `abbreviates`): index the keys by those, so that a long article does not
        # compare every name with every key.
        by_char: dict[str, list[int]] = defaultdict(list)
        for i, full in enumerate(names):
            for ch in self._abbreviation_chars(full, cls):
                by_char[ch].append(i)
        members: dict[str, list[Mention]] = defaultdict(list)
        for m, _ in named:
            members[local[m]].append(m)
        fuller: dict[tuple[str, str], str | None] = {}  # (key, name) → the key it abbreviates
        for m, name in named:
            mine = local[m]
            if (mine, name) not in fuller:  # the same name comes back: ask once
                fuller[mine, name] = None
                candidates = sorted({i for ch in {name[:1], name[-1:]} for i in by_char.get(ch, ())})
                for i in candidates:
                    if len(keys[i]) <= len(mine):
                        break  # longest first: no longer key is left
                    if self.abbreviates(name, names[i], cls):
                        fuller[mine, name] = keys[i]
                        break
            best = fuller[mine, name]
            if best:
                moved = members.pop(mine, [])
                for m2 in moved:
                    local[m2] = best
                members[best].extend(moved)

    def _abbreviation_chars(self, full: str, cls: str) -> set[str]:
        """The characters a name must start or end with to abbreviate `full` (see `abbreviates`)."""
        if cls in (EVENT, ORGANIZATION, PLACE, ALLIANCE):
            return {full[-1:]}
        if cls == INDUSTRY:
            return {full[-1:], full[:1]}
        core = self.legal_forms.sub("", full)
        core = self.provinces.sub("", core) or core
        return {full[:1], core[:1]} - {""}

    def abbreviates(self, short: str, full: str, cls: str) -> bool:
        if len(short) < 2 or short == full:
            return False
        if cls == EVENT:  # 人才工作座谈会 in the headline, 某高新区人才工作座谈会 in the text
            return full.endswith(short) and len(short) >= 5
        if cls == ALLIANCE and gapped(short, full):
            return True
        if cls in (ORGANIZATION, PLACE, ALLIANCE, INDUSTRY):
            return full.endswith(short) and len(short) >= 3 or (cls == INDUSTRY and full.startswith(short))
        core = self._cores.get(full)
        if core is None:  # a long article asks about the same full names again and again
            core = self.legal_forms.sub("", full)
            core = self._cores[full] = self.provinces.sub("", core) or core
        if core.startswith(short) or full.startswith(short):
            return True
        # characters in order, starting alike: 青禾科创 in 青禾科创技术
        if short[0] != core[:1]:
            return False
        pos = 0
        for ch in short:
            pos = core.find(ch, pos)
            if pos < 0:
                return False
            pos += 1
        return True

    def alliance_references(self, alliances: list[Mention], local: dict[Mention, str],
                            named: list[tuple[Mention, str]], article_id: str) -> None:
        """联盟, 该联盟: the alliance named last before (else the most named one).

        In an article that names no alliance, the reference stays an alliance of
        that article alone, named by the reference word (党建联盟, 联盟).
        """
        named_sorted = sorted((m for m, _ in named), key=lambda m: m.start)
        starts = [m.start for m in named_sorted]
        counts = Counter(local[m] for m in named_sorted)
        most = max(counts, key=lambda k: (counts[k], len(k))) if counts else None
        for m in alliances:
            if m in local:
                continue
            before = bisect.bisect_left(starts, m.start)  # the named ones that start before m
            if before:
                local[m] = local[named_sorted[before - 1]]
            elif most is not None:
                local[m] = most
            else:
                local[m] = self.full_key(ALLIANCE, DEMONSTRATIVE.sub("", m.label) or m.label, article_id, True)

    @staticmethod
    def full_key(cls: str, name: str, article_id: str, scoped: bool) -> str:
        slug = SLUGS[cls]
        return f"{article_id}/{slug}/{name}" if scoped else f"{slug}/{name}"

    # ----------------------------------------------------------- one article's share

    def mention_keys(self, doc: Document, keys: dict[Mention, str]) -> list[MentionKey]:
        """What each keyed mention of `doc` tells about its entity (see EntityTable)."""
        out = []
        for m, key in keys.items():
            generic = m.label in self.generic
            original = None
            if not generic:
                spelled = clean_label(doc.norm.original_span(m.start, m.end))
                if spelled and not BRACKET.search(spelled):
                    original = spelled
            out.append(MentionKey(key, m.label, m.cls, m.subclass, generic, original))
        return out

    def article_statements(self, doc: Document, keys: dict[Mention, str]) -> list[Statement]:
        """The statements of one article about its keyed mentions, with original-text offsets."""
        by_span = {(m.start, m.end, m.cls): key for m, key in keys.items()}
        norm = doc.norm
        out: list[Statement] = []
        for m in doc.mentions:
            key = by_span.get((m.start, m.end, m.cls))
            if key is None:  # a mention no rule could place names nothing
                continue
            a, b = norm.to_original(m.start, m.end)
            out.append(Statement(key, "type", m.cls, False, doc.article_id, m.sentence, a, b, m.rule))
        for f in doc.facts:
            if f.subject == ARTICLE_SUBJECT:
                subject = article_key(doc.article_id)
            else:
                subject = by_span.get((f.subject.start, f.subject.end, f.subject.cls))
            if subject is None:
                continue
            if isinstance(f.obj, Mention):
                obj = by_span.get((f.obj.start, f.obj.end, f.obj.cls))
                if obj is None or obj == subject:
                    continue
                is_relation = True
            else:
                obj, is_relation = f.obj, False
            a, b = norm.to_original(f.start, f.end)
            out.append(Statement(subject, f.predicate, obj, is_relation, doc.article_id, f.sentence, a, b, f.rule))
        return out


@dataclass(slots=True)
class _Tally:
    labels: Counter = field(default_factory=Counter)
    named: Counter = field(default_factory=Counter)  # labels that are not reference words
    classes: Counter = field(default_factory=Counter)
    subclasses: Counter = field(default_factory=Counter)
    spellings: set = field(default_factory=set)


def gapped(short: str, full: str, head: int = 2, tail: int = 4) -> bool:
    """Whether `short` is `full` with a middle part left out, keeping at least `head`
    characters of its start and `tail` of its end: 南屏经开区党建联盟 for
    南屏经开区非公企业党建联盟 (the zone, then the kind of alliance, with its members' kind dropped)."""
    if len(full) <= len(short) or len(short) < head + tail:
        return False
    return any(full.startswith(short[:cut]) and full.endswith(short[cut:])
               for cut in range(head, len(short) - tail + 1))


class EntityTable:
    """Entities from the mention keys of any number of articles, added one article at a time.

    An entity's label, aliases and class are chosen by majority over all its mentions,
    so they depend on every article that names it; the table keeps counts per entity key,
    not the articles, so it stays small however many articles are added.
    """

    def __init__(self) -> None:
        self._tallies: dict[str, _Tally] = {}

    def add(self, mentions: Iterable[MentionKey]) -> None:
        for m in mentions:
            tally = self._tallies.get(m.key)
            if tally is None:
                tally = self._tallies[m.key] = _Tally()
            tally.labels[m.label] += 1
            if not m.generic:
                tally.named[m.label] += 1
            tally.classes[m.cls] += 1
            if m.subclass:
                tally.subclasses[m.subclass] += 1
            if m.original is not None:
                tally.spellings.add(m.original)

    def __len__(self) -> int:
        return len(self._tallies)

    def keys(self):
        return self._tallies.keys()

    def entities(self) -> dict[str, Entity]:
        return {key: self.entity(key) for key in self._tallies}

    def entity(self, key: str) -> Entity:
        tally = self._tallies[key]
        # A reference word (联盟, 开发区) names the entity only when nothing else does.
        named = tally.named or tally.labels
        label = most_common(named, tiebreak=lambda l: (len(l), l))  # the name used most, then the longest
        alts = (set(named) | tally.spellings) - {label}
        return Entity(key=key, cls=most_common(tally.classes), label=label, alt_labels=tuple(sorted(alts)),
                      subclass=most_common(tally.subclasses))
