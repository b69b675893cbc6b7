"""Rule-based extraction of mentions and facts from one normalized article.

The rules are general for the genre (development-zone news) and read every word
they need from the lexicons: name suffixes (开发区, 有限公司, 联盟, 党工委 …),
event heads (座谈会, 培训, 仪式 …), talent categories, job titles and trigger
verbs (组织, 成立, 选派, 聘请 …). No rule knows a particular name.

Mentions come first, class by class; facts then link mentions that stand in
one sentence. Each fact keeps the evidence span and the name of its rule.
Discourse defaults are explicit: an event or initiative whose sentence names no
agent is credited to the article's principal agent (the development zone it
reports on), and words such as 联盟 or 仪式上 refer to the alliance or event
last named.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from operator import itemgetter

from kg.lexicon import Lexicon, alternation, load_lexicon
from kg.model import (
    AGENT_CLASSES, ALLIANCE, CAMPAIGN, ENTERPRISE, EVENT, GROUP, INDUSTRY, INITIATIVE, ORGANIZATION,
    PERSON, PLACE, ZONE, Document, Fact, Mention, Sentence,
)
from kg.normalize import clean_label
from kg.numbers import parse_count
from kg.segment import Segmenter, Token, default_segmenter

CJK = "\u4e00-\u9fff"
OPEN_QUOTES, CLOSE_QUOTES = "“‘「『\"", "”’」』\""
CLAUSE_BREAK = set(",;:。!?()")
CLAUSE_BREAK_RE = re.compile("[{}]".format(re.escape("".join(sorted(CLAUSE_BREAK)))))
# Quotes that nest (the straight " cannot tell opening from closing, so it does not count).
CURLY_QUOTE = re.compile("[{}]".format("".join(sorted(set(OPEN_QUOTES + CLOSE_QUOTES) - {'"'}))))
# Dictionary tags that never sit inside a name (verbs, prepositions, particles, numerals …).
STOP_TAGS = frozenset("v p c u uj ul uz ud ug uv d t f m q y e o ad vd df dg tg mq vg".split())
PLACE_TAGS = frozenset({"ns", "nr", "nz", "nrt", "j", None})
# Verbal nouns and adverbs start a name only after a verb (研究部署园区, 深化党建联盟).
VERBAL_TAGS = frozenset({"vn", "ad", "an", "l", "i"})
# Numbers, ordinals and counted measures (一轮, 四个, 第一届) end a name; 零部件 does not.
NUMERALISH = re.compile(r"[\d一二三四五六七八九十百千万两几数多余第首]*[个名位家件项条批届次轮年月日场]?")
# Company names hold almost anything (汽车零部件, 远帆沐光); only verbs, prepositions and
# particles end them on the left.
COMPANY_STOP_TAGS = frozenset("v p c u uj ul uz ud ug uv d t f".split())
# Zones are named after places: 云溪市东港工业园, 澜江经开区北塘园区.
ZONE_PREFIX_TAGS = frozenset({"ns", "nr", "nrt", "nz", "eng", None})
ADMIN_WORDS = frozenset({"市", "省", "区", "县", "镇", "州", "乡"})
NUMBER = r"(?:\d+(?:\.\d+)?[千万]?|[零〇一二两三四五六七八九十百千万]+)"
DATE = re.compile(
    r"(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?P<day>\d{1,2})日"
    r"(?:\s*[—\-~至到]\s*(?:(?P<month2>\d{1,2})月)?(?P<day2>\d{1,2})日)?"
)
AREA = re.compile(rf"(?P<q>近|约|超|逾)?(?P<n>{NUMBER})(?P<q2>余|多)?(?P<unit>平方米|平米|亩|平方公里)")
AREA_UNITS = re.compile("平方米|平米|亩|平方公里")
AREA_FACTOR = {"平方米": 1, "平米": 1, "亩": 666.67, "平方公里": 1_000_000}


# What may stand between an agent and its verb: 已建成, 先后组织, 共同举办.
ADVERBS = re.compile(r"[已先后成功率共同联合正式还也都再将今年近来]{0,4}")
# A department between an employer and a title: 人力资源部, 财务处, 综合办公室.
DEPARTMENT = re.compile(r"[\u4e00-\u9fff]{1,6}(?:部|处|科|室|中心|办公室)")
# Nouns that, right after a quoted name, are part of it (“一把手”工程); 品牌 and 载体 are not.
NAME_FORMING_CUE = re.compile(r"工程|计划|行动|工作法|机制|模式|制度")

# Shapes of words and spans, compiled once (they are tried on every token or sentence).
HAN_WORD = re.compile(rf"[{CJK}]+")
HAN_WORD_2_TO_4 = re.compile(rf"[{CJK}]{{2,4}}")
NAME_CHARACTER = re.compile(rf"[{CJK}A-Za-z0-9·]")
HAN_OR_LATIN_RUN = re.compile(rf"[{CJK}A-Za-z]+")
# 青禾、远澜、海岚: a run of items joined by the enumeration comma.
# It starts only where a run of such characters starts: trying every character inside
# a long run that ends in no 、 would take time quadratic in the run.
ENUMERATION_RUN = re.compile(rf"(?<![{CJK}A-Za-z0-9“”()])[{CJK}A-Za-z0-9“”()]+(?:、[{CJK}A-Za-z0-9“”()]+)+")
# What follows a list of names and says what they are: 等15家企业, 共9家单位.
ENUMERATION_HEAD = re.compile(rf"(?:等|共)?(?:{NUMBER}(?:余|多)?[家个名位])?([{CJK}]{{0,5}}?)(企业|公司|单位|机构)")
# …的 after a list: the list is where a group comes from (15家企业的青年人才).
AFFILIATION_OF_LIST = re.compile(rf"(?:等)?(?:{NUMBER}(?:余|多)?[家个])?(?:企业|公司|单位)?的")
# The title of a document, a law or a publication: 《…》.
BOOK_TITLE = re.compile(r"《[^《》\n]{1,60}》")
# 等 or 共 closing a list (A、B等15家, A、B共9家), not 共同 (jointly).
LIST_TOTAL = re.compile(r"等|共(?!同)")
# 由A和B共同举办: the organizers of an event.
JOINT_ORGANIZERS = re.compile(r"由(.+?)(?:共同|联合)?(?:主办|举办|承办|组织|召开|举行|发起)")
# Between groups that together take part: 青年人才、技术骨干, 党员以及职工.
GROUP_CHAIN_GAP = re.compile(r"[“”\s]*|(?:、|以及|和|及|与)[^,;:。、“”]{0,6}")
QUOTED_SPAN = re.compile(r"“[^”]*”")
AT = re.compile("在")
# A word between a verb and a name that makes the name no object of the verb: 成立并…, 为…
OBJECT_GAP_BREAK = re.compile(r"[并为将对向与和]")
MOTION_BEFORE = re.compile(r"(赴|前往|走进|来到|到)$")
# 聚焦生物医药产业: the industry an agent focuses on.
FOCUS_INDUSTRY = re.compile(rf"(?:聚焦|围绕|发展|深耕|专注)([{CJK}]{{2,8}}?(?:产业链|产业))")

# Verbs that found, send or hire: the relation each gives and the classes its object may have.
FOUNDING = {
    "establish": ("establishedBy", {ALLIANCE, ORGANIZATION, GROUP, PLACE, ZONE}),
    "dispatch": ("dispatchedBy", {GROUP, PERSON}),
    "engage": ("engagedBy", {GROUP, PERSON}),
}


@dataclass
class SentenceView:
    """A sentence with its tokens, for rules that look at word boundaries."""

    sentence: Sentence
    tokens: list[Token]
    breaks: list[int] | None = None  # clause punctuation outside quotes, found on first use
    ends: dict[int, int] = field(init=False)  # token end offset → index
    # The words of the sentence: a rule whose trigger words are not among them has nothing to do.
    words: frozenset[str] = field(init=False)

    def __post_init__(self):
        tokens = self.tokens
        self.ends = dict(zip(map(_END, tokens), range(len(tokens))))
        self.words = frozenset(map(_WORD, tokens))

    def tokens_among(self, words: frozenset[str] | set[str]) -> list[tuple[int, Token]]:
        """(index, token) of each token that is one of `words`, in order.

        Found by searching the sentence for the few words it holds, not by
        walking all its tokens.
        """
        present = self.words & words
        if not present:
            return []
        text, base = self.sentence.text, self.sentence.start
        found = []
        for word in present:
            at = text.find(word)
            while at >= 0:
                i = self.ends.get(base + at + len(word))
                if i is not None and self.tokens[i].word == word:
                    found.append((i, self.tokens[i]))
                at = text.find(word, at + 1)
        found.sort()
        return found


_WORD, _END, _TAG = itemgetter(0), itemgetter(2), itemgetter(3)  # Token fields, read in C


class Extractor:
    """Finds mentions and facts in a `Document`; call it on each document."""

    def __init__(self, lexicon: Lexicon | None = None, segmenter: Segmenter | None = None):
        self.lex = lex = lexicon or load_lexicon()
        self.segmenter = segmenter or default_segmenter()
        self.member_heads = set(lex.words("member_heads.txt"))
        self.generic_event_modifiers = set(lex.words("event_generic_modifiers.txt"))
        self.event_references = re.compile(alternation(lex.words("event_references.txt")))
        # 本次大赛, 此次活动: the event in focus, named again
        self.event_again = re.compile(rf"(?:{alternation(lex.words('event_demonstratives.txt'))})"
                                      rf"[{CJK}]{{0,4}}(?:{alternation(lex.event_heads)})$")
        self.speech_verbs = frozenset(lex.words("speech_verbs.txt"))
        self.trig = {signal: set(verbs) for signal, verbs in lex.triggers.items()}
        self.attendance_words = frozenset(self.trig["attend"]) | self.speech_verbs
        self.all_triggers = set().union(*self.trig.values())
        self.organize_re = re.compile(alternation(self.trig["organize"]))
        self.establish_re = re.compile(alternation(self.trig["establish"]))
        self.brings = re.compile(alternation(self.trig["bring"]))
        self.includes = re.compile(alternation(self.trig["include"]))
        self.honour_before = re.compile(f"(?:{alternation(self.trig['honour'])})$")
        self.held = re.compile(alternation(self.trig["hold"]))
        self.held_somewhere = re.compile(rf"[在于][^,。]{{1,20}}({self.held.pattern})")  # 在会议中心举行
        self.launch_verb = re.compile(alternation(self.trig["launch"]))
        # between a founded alliance and its verb: 宣布成立, 在区党群服务中心揭牌成立
        self.founded_gap = re.compile(
            rf"[”\s]*(?:在[^,;。]{{2,15}}?(?={alternation(self.trig['launch'])}|宣布|正式|举行))?"
            r"(?:宣布|正式|今天|当天|揭牌|举行)*")
        self.relative_date = re.compile(alternation(lex.words("relative_dates.txt")))
        roles = alternation(lex.words("alliance_roles.txt"))
        self.role_after = re.compile(f"({roles}|成员)")
        self.elected = re.compile(rf"(?:{alternation(self.trig['elect'])})(?:首任|首届|第一届|新一届|该联盟|联盟)*({roles})")
        self.founding_signals: dict[str, list[str]] = {}
        for signal in FOUNDING:
            for verb in self.trig[signal]:
                self.founding_signals.setdefault(verb, []).append(signal)
        self.founding_verbs = frozenset(self.founding_signals)
        # words an event's name does not reach back over: 组织|…培训班, 参加|…座谈会
        self.event_name_stops = frozenset(self.trig["organize"] | self.trig["attend"] | self.trig["motion"] | lex.boundaries)
        self.place_motion_verbs = frozenset(self.trig["motion"] | {"到", "位于", "落户"})
        self.zone_re = re.compile(alternation(lex.zone_suffixes))
        # Heads that name a kind of zone (高新区, 经开区); 园区 and 新区 are common nouns too.
        self.specific_zone_heads = set(lex.zone_suffixes) - {"园区", "片区", "产业园区", "工业园区"}
        self.org_re = re.compile(alternation(lex.organization_suffixes))
        self.strong_ent_re = re.compile(alternation(lex.strong_enterprise_suffixes))
        self.weak_ent_suffixes = tuple(lex.enterprise_suffixes)
        self.alliance_re = re.compile(alternation(lex.alliance_suffixes))
        self.place_re = re.compile(alternation(lex.place_suffixes))
        # every place an event head starts, overlapping: in 人才工作会议 both 工作会 and 会议 are tried
        self.event_heads_at = re.compile(f"(?=({alternation(lex.event_heads)}))")
        self.campaign_head_re = re.compile(alternation(lex.campaign_heads))
        self.group_re = re.compile(alternation(lex.group_heads))
        self.group_heads = set(lex.group_heads)
        qualifiers = [w for w, k in lex.measure_words.items() if k == "qualifier"]
        units = [w for w, k in lex.measure_words.items() if k == "unit"]
        self.count_before = re.compile(
            rf"(?P<q>{alternation(q for q in qualifiers if q in '近约逾超')})?(?P<n>{NUMBER})"
            rf"(?P<q2>{alternation(q for q in qualifiers if q in '余多')})?(?P<unit>{alternation(units)})$")
        self.count_after = re.compile(
            rf"^(?P<n>{NUMBER})(?P<q2>余|多)?(?P<unit>{alternation(units)})")
        titles = [t for t, k in lex.job_titles.items() if k == "title"]
        # An organ names whose title it is: 党工委书记, 组织部部长, 管委会副主任.
        organs = [t for t, k in lex.job_titles.items() if k == "organ"] + lex.organization_suffixes
        one_title = rf"(?:{alternation(organs)})?(?:{alternation(titles)})"
        surnames = sorted(lex.surnames, key=len, reverse=True)
        name = rf"(?:{alternation(surnames)})[{CJK}]{{1,2}}?"
        follower = rf"(?:{alternation(lex.name_followers)}|[,.;:。!?、\s”)(]|$)"
        self.titled_person = re.compile(rf"(?P<titles>{one_title}(?:、{one_title})*)(?P<name>{name})(?={follower})")
        self.organ_re = re.compile(rf"^(?:{alternation(organs)})")
        self.title_after = re.compile(rf"(?:{alternation(titles)})")
        self.role_tails = tuple(lex.role_tails)
        # words that open a list item but are not part of the name (辖区内), longest first
        self.leading_boundaries = tuple(sorted((w for w in lex.boundaries if len(w) > 1), key=lambda w: (-len(w), w)))
        self.member_head_suffixes = tuple(sorted(self.member_heads))
        self.leading_verbs = {w for w in self.trig["motion"] | {"在", "到", "于", "从", "向", "由", "对"} if len(w) == 1}
        roles = alternation(lex.byline_roles)
        # (记者 X 通讯员 Y), also after the outlet: (某某融媒 记者 X)
        self.byline_paren = re.compile(rf"\(\s*(?:(?P<outlet>[{CJK}]{{2,10}})\s+)?(?:{roles})\s*:?\s*[{CJK}][^()]*\)")
        self.byline_role = re.compile(rf"({roles})\s*:?\s*")
        self.bare_byline = re.compile(rf"\(([{CJK}]{{2,3}})\)\s*$|^\(([{CJK}]{{2,3}})\)")
        # 某某网6月12日某市讯 / 新华网扬州3月8日电: the outlet, a place, the date, 讯 or 电
        self.dateline = re.compile(
            rf"^■?\s*(?:(?P<outlet>[{CJK}A-Za-z]{{1,10}}?(?:网|报|台|社|新闻|发布|客户端|融媒))[{CJK}]{{0,4}}?"
            rf"|(?P<plain>[{CJK}A-Za-z]{{2,12}}?))(?:\d{{1,2}}月\d{{1,2}}日)[{CJK}]{{0,6}}?(?:讯|电)")
        self.column_byline = re.compile(rf"^■\s*(?P<outlet>[^/\s]{{2,12}})/\S+\s+(?P<rest>(?:{roles}).*)$")
        self.quoted = re.compile(r"“([^“”]{1,30})”")
        self.initiative_cue = re.compile(rf"^(?:[{CJK}]{{0,4}}?)(?:{alternation(lex.initiative_cues)})")
        self.industry_modifiers = set(lex.words("industry_modifiers.txt")) | {"相关", "各"}
        # what follows a list of industries: 等主导产业, 两大产业, 等领域
        self.industry_list_head = re.compile(
            rf"(?:等|[两三四五六]大)?(?:{alternation(self.industry_modifiers)})?(?:产业|行业|领域)")
        self.industry_in_name = re.compile(
            rf"([{CJK}]{{1,6}}?)(?:{alternation(self.industry_modifiers)})?(产业链|产业)(?!园)")

    # ------------------------------------------------------------------ driver

    def __call__(self, doc: Document) -> Document:
        run = _Run(self, doc)
        run.extract()
        doc.mentions = run.mentions
        doc.facts = run.facts
        return doc


class _Run:
    """The state of extracting one document."""

    def __init__(self, ex: Extractor, doc: Document):
        self.ex, self.lex, self.doc = ex, ex.lex, doc
        self.text = doc.text
        # One jieba call per article: punctuation is always a token of its own, so
        # sentence edges are token edges and each sentence takes its slice.
        tokens = ex.segmenter.tokens(doc.text)
        starts = [t.start for t in tokens]
        self.views = [SentenceView(s, tokens[bisect_left(starts, s.start):bisect_left(starts, s.end)]
                                   if s.kind != "footer" else [])
                      for s in doc.sentences]
        self.mentions: list[Mention] = []
        self.index: dict[int, list[Mention]] = {}  # the same mentions by sentence, in the same order
        self.facts: list[Fact] = []
        self.masked: dict[int, list[tuple[int, int]]] = {}  # by sentence: bylines, no other rule reads them
        self.attrs: dict[Mention, dict] = {}
        self.enum_runs: dict[int, list[list[tuple[int, int]]]] = {}  # item spans of each list, by sentence
        self.destinations: set[tuple[int, int]] = set()  # places reached by 赴/前往/走进
        self.person_titles: list[tuple[Mention, int, str]] = []

    # -------------------------------------------------------------- helpers

    def add(self, start: int, end: int, cls: str, view: SentenceView, rule: str,
            label: str | None = None, subclass: str | None = None) -> Mention | None:
        label = clean_label(label if label is not None else self.text[start:end])
        if len(label) < 2 or self.is_masked(view, start, end):
            return None
        return self.keep(Mention(start, end, cls, label, view.sentence.index, rule, subclass))

    def keep(self, mention: Mention) -> Mention:
        self.mentions.append(mention)
        self.index.setdefault(mention.sentence, []).append(mention)
        return mention

    def fact(self, subject: Mention, predicate: str, obj, view: SentenceView, rule: str,
             span: tuple[int, int] | None = None) -> None:
        if isinstance(obj, Mention):
            if obj is subject or (obj.cls == subject.cls and obj.label == subject.label):
                return
            # The evidence is what this sentence says: a mention from another
            # sentence (the principal agent, the event in focus) adds no span.
            index = view.sentence.index
            if obj.sentence != index:
                start, end = subject.start, subject.end
            elif subject.sentence != index:
                start, end = obj.start, obj.end
            else:
                start, end = min(subject.start, obj.start), max(subject.end, obj.end)
        else:
            start, end = span or subject.span
        self.facts.append(Fact(subject, predicate, obj, view.sentence.index, start, end, rule))

    def mask(self, view: SentenceView, start: int, end: int) -> None:
        self.masked.setdefault(view.sentence.index, []).append((start, end))

    def is_masked(self, view: SentenceView, start: int, end: int) -> bool:
        masked = self.masked.get(view.sentence.index)
        return masked is not None and any(s < end and start < e for s, e in masked)

    def body_views(self):
        return [v for v in self.views if v.sentence.kind in ("body", "headline")]

    def in_sentence(self, view: SentenceView, classes=None) -> list[Mention]:
        """The mentions of a sentence so far (a copy: rules add mentions as they go)."""
        here = self.index.get(view.sentence.index, ())
        return list(here) if classes is None else [m for m in here if m.cls in classes]

    def named_here(self, view: SentenceView) -> list[Mention] | tuple:
        """The sentence's own list of mentions, for a scan that adds none."""
        return self.index.get(view.sentence.index, ())

    def clause_bounds(self, view: SentenceView, pos: int) -> tuple[int, int]:
        """The clause around `pos`: between clause punctuation outside quotes."""
        s = view.sentence
        if view.breaks is None:
            if CURLY_QUOTE.search(self.text, s.start, s.end):
                view.breaks = []
                depth = 0
                for i in range(s.start, s.end):
                    ch = self.text[i]
                    if ch in OPEN_QUOTES and ch != '"':
                        depth += 1
                    elif ch in CLOSE_QUOTES and ch != '"':
                        depth = max(0, depth - 1)
                    elif depth == 0 and ch in CLAUSE_BREAK:
                        view.breaks.append(i)
            else:  # most sentences quote nothing: one regex pass
                view.breaks = [m.start() for m in CLAUSE_BREAK_RE.finditer(self.text, s.start, s.end)]
        k = bisect_left(view.breaks, pos)
        start = view.breaks[k - 1] + 1 if k > 0 else s.start
        end = view.breaks[k] if k < len(view.breaks) else s.end
        return start, end

    def extend_name_left(self, view: SentenceView, head_index: int, limit: int = 14,
                         allowed_tags: frozenset | None = None, verbal: bool = False,
                         stop_tags: frozenset = STOP_TAGS) -> int:
        """Start of a name whose head is token `head_index`: walk left over name-like tokens.

        Quoted parts (“一园三区”产业园) are taken whole. `allowed_tags`, when
        given, narrows the dictionary tags a name may hold (zones take place words only).
        """
        tokens = view.tokens
        start = tokens[head_index].start
        head_end = tokens[head_index].end
        boundaries, triggers = self.lex.boundaries, self.ex.all_triggers
        in_quote = False
        quoted = 0
        skip_to = None
        for i in range(head_index - 1, -1, -1):
            tok = tokens[i]
            if tok.word in CLOSE_QUOTES and tok.word != '"':
                in_quote = True
                start = tok.start
                continue
            if tok.word in OPEN_QUOTES and tok.word != '"':
                in_quote = False
                start = tok.start
                if i > 0 and tokens[i - 1].word in CLOSE_QUOTES:
                    break  # “银企对接会”“人才招聘周”: two names side by side
                continue
            industry_word = (verbal and tok.tag == "v" and tokens[i + 1].word in ("产业", "产业链", "行业")  # 智能制造产业
                             and tok.word not in triggers)  # not 组建产业链…联盟
            if tok.tag is None and len(tok.word) >= 3 and tok.word[0] in self.ex.leading_verbs:
                start = tok.start + 1  # 由云溪|开发区: jieba glued the preposition to an unknown name
                break
            # 石门|高新区: a common noun right before a specific zone head is the zone's place name
            place_noun = (allowed_tags is ZONE_PREFIX_TAGS and tok.tag == "n"
                          and tokens[i + 1].word in self.ex.specific_zone_heads)
            if (stop_tags is COMPANY_STOP_TAGS and tok.word == ")" and i >= 2 and tokens[i - 2].word == "("
                    and HAN_WORD_2_TO_4.fullmatch(tokens[i - 1].word)):
                start = tokens[i - 2].start  # 某某太阳能(眉山)有限公司: a place in brackets is part of the name
                skip_to = i - 2
                continue
            if skip_to is not None and i >= skip_to:
                continue
            if (tok.tag in ("m", "mq") and not NUMERALISH.fullmatch(tok.word) and not in_quote
                    and allowed_tags is None and tok.word not in boundaries):
                start = tok.start  # 零部件: jieba calls it a numeral, it is a noun
                continue
            if in_quote:
                quoted += len(tok.word)
            elif industry_word or (
                    stop_tags is COMPANY_STOP_TAGS and tok.tag == "v" and len(tok.word) == 1 and i > 0
                    and tokens[i - 1].tag in ("n", "ns", "nz", "nr", None) and tokens[i - 1].word not in CLAUSE_BREAK):
                pass  # 光|能|科技股份有限公司: one verb character cut out of a company name
            else:
                if (tok.word in boundaries or tok.tag in stop_tags
                        or (tok.tag in VERBAL_TAGS and not verbal and stop_tags is STOP_TAGS)
                        or (allowed_tags is not None and tok.tag not in allowed_tags and not place_noun
                            and tok.word not in ADMIN_WORDS and tok.word not in self.lex.zone_suffixes)
                        or tok.word in triggers or not NAME_CHARACTER.match(tok.word)):
                    break
            if head_end - tok.start - quoted > limit:
                break
            start = tok.start
        # never start on a closing quote or a dangling opening one
        while start < tokens[head_index].start and self.text[start] in CLOSE_QUOTES:
            start += 1
        return start

    def extend_place_left(self, view: SentenceView, head: int) -> int:
        start = view.tokens[head].start
        for i in range(head - 1, max(-1, head - 4), -1):
            tok = view.tokens[i]
            if tok.tag in ("n", "vn", "ns", "nz", "nr", None) and HAN_WORD.fullmatch(tok.word) \
                    and tok.word not in self.lex.boundaries and tok.word not in self.ex.all_triggers:
                start = tok.start
            else:
                break
        return start

    def head_token(self, view: SentenceView, end: int) -> int | None:
        """The token ending at `end` (a suffix must end a word, not sit inside one)."""
        return view.ends.get(end)

    # ------------------------------------------------------------ the run

    def extract(self) -> None:
        for view in self.views:
            self.bylines(view)
        for view in self.body_views():
            self.suffix_names(view)
        for view in self.body_views():
            self.persons(view)
            self.enumerations(view)
            self.places(view)
            self.groups(view)
            self.events(view)
            self.campaigns_and_initiatives(view)
            self.industries(view)
        self.drop_nested()
        self.remention_people()
        self.principal = self.principal_agent()
        self.focus_event: Mention | None = None
        self.focus_alliance: Mention | None = None
        self.titled_people: dict[int, list[tuple[Mention, int, str]]] = {}
        for entry in self.person_titles:
            self.titled_people.setdefault(entry[0].sentence, []).append(entry)
        for view in self.body_views():
            self.relate(view)
        for mention, values in self.attrs.items():
            view = self.views[mention.sentence]
            for predicate, (value, span) in values.items():
                self.fact(mention, predicate, value, view, f"attribute.{predicate}", span)

    # ------------------------------------------------------------ bylines

    def bylines(self, view: SentenceView) -> None:
        s = view.sentence
        text = s.text
        found = []
        for m in self.ex.byline_paren.finditer(text):
            if m.group("outlet"):
                self.publisher(view, s.start + m.start("outlet"), s.start + m.end("outlet"))
            found.append((m.start(), m.end()))
        if s.kind in ("footer", "byline") and not text.startswith("■") and not found:
            found.append((0, len(text)))
        column = self.ex.column_byline.match(text)
        if column:
            self.publisher(view, s.start + column.start("outlet"), s.start + column.end("outlet"))
            found.append((column.start("rest"), len(text)))
        dateline = self.ex.dateline.match(text)
        if dateline:
            outlet = "outlet" if dateline.group("outlet") else "plain"
            self.publisher(view, s.start + dateline.start(outlet), s.start + dateline.end(outlet))
            self.mask(view, s.start, s.start + dateline.end())
        bare = self.ex.bare_byline.search(text)
        if bare and s.kind == "body" and not found:
            group = 1 if bare.group(1) else 2
            if bare.group(group)[0] in self.lex.surnames:
                self.byline_person(view, s.start + bare.start(group), s.start + bare.end(group), "author")
                self.mask(view, s.start + bare.start(), s.start + bare.end())
        for start, end in found:
            self.byline_block(view, s.start + start, text[start:end])
            self.mask(view, s.start + start, s.start + end)

    def byline_block(self, view: SentenceView, offset: int, block: str) -> None:
        roles = list(self.ex.byline_role.finditer(block))
        for i, role in enumerate(roles):
            relation = self.lex.byline_roles[role.group(1)]
            stop = roles[i + 1].start() if i + 1 < len(roles) else len(block)
            names = block[role.end():stop]
            for name in HAN_OR_LATIN_RUN.finditer(names):
                start, end = offset + role.end() + name.start(), offset + role.end() + name.end()
                if relation == "publisher":
                    self.publisher(view, start, end)
                elif 2 <= len(name.group()) <= 4:
                    self.byline_person(view, start, end, relation)

    def publisher(self, view: SentenceView, start: int, end: int) -> None:
        org = self.keep(Mention(start, end, ORGANIZATION, clean_label(self.text[start:end]), view.sentence.index,
                                "byline.publisher"))
        self.article_fact("publisher", org, view)

    def byline_person(self, view: SentenceView, start: int, end: int, relation: str) -> None:
        person = self.keep(Mention(start, end, PERSON, self.text[start:end], view.sentence.index, f"byline.{relation}"))
        self.article_fact(relation, person, view)

    def article_fact(self, relation: str, obj: Mention, view: SentenceView) -> None:
        # The article is the subject; the resolver maps ARTICLE_SUBJECT to it.
        self.facts.append(Fact(ARTICLE_SUBJECT, relation, obj, view.sentence.index, obj.start, obj.end,
                               f"byline.{relation}"))

    # ------------------------------------------------- names with suffixes

    def suffix_names(self, view: SentenceView) -> None:
        ex, text = self.ex, view.sentence.text
        base = view.sentence.start
        for regex, cls, rule in ((ex.zone_re, ZONE, "name.zone_suffix"),
                                 (ex.strong_ent_re, ENTERPRISE, "name.enterprise_suffix"),
                                 (ex.org_re, ORGANIZATION, "name.organization_suffix"),
                                 (ex.alliance_re, ALLIANCE, "name.alliance_suffix"),
                                 (ex.place_re, PLACE, "name.place_suffix")):
            for m in regex.finditer(text):
                end = base + m.end()
                if end < view.sentence.end and self.text[end] in CLOSE_QUOTES and cls == ALLIANCE:
                    end += 1  # “科创红盟”: the name closes its quote
                head = self.head_token(view, base + m.end())
                if head is None:
                    continue
                start = self.extend_name_left(
                    view, head, limit=24 if cls == ALLIANCE else 14,
                    allowed_tags=ZONE_PREFIX_TAGS if cls == ZONE else None,
                    verbal=cls == ALLIANCE,  # 智能制造产业联盟
                    stop_tags=COMPANY_STOP_TAGS if cls == ENTERPRISE else STOP_TAGS)
                if cls == ORGANIZATION:  # 某某科技股份有限公司党支部: a company's party branch
                    owner = [e.start for e in self.named_here(view) if e.cls == ENTERPRISE and e.end == base + m.start()]
                    start = min([start] + owner)
                if cls == PLACE:  # 市烈士纪念馆: facility names often hold a verbal noun
                    start = min(start, self.extend_place_left(view, head))
                if self.text[start] in self.ex.leading_verbs and start + 3 < end:
                    start += 1  # 赴澜江科技园: jieba glued the verb to an unknown name
                label = clean_label(self.text[start:end])
                if cls == ZONE and label == m.group() and label not in self.lex.generic_references:
                    continue  # 片区, 新区 alone refer to nothing in particular
                if label == m.group() and cls != ALLIANCE and cls != ZONE and (cls == ENTERPRISE or len(label) < 3 or (
                        cls == ORGANIZATION and self.ex.title_after.match(self.text, end))):
                    continue  # a bare suffix (有限公司, 党委, 管委会主任) names nothing
                self.add(start, end, cls, view, rule)

    # --------------------------------------------------------- enumerations

    def enumerations(self, view: SentenceView) -> None:
        """A、B、C等N家企业: each item is named, typed by its suffix or by the head noun."""
        s = view.sentence
        if "、" not in s.text:
            return
        text = self.text
        # items may hold a bracketed place: 某某太阳能(眉山)有限公司
        for run in ENUMERATION_RUN.finditer(s.text):
            if "“" in run.group() or "”" in run.group():
                continue  # quoted lists are slogans, not names
            start0 = s.start + run.start()
            items = []
            pos = start0
            parts = run.group().split("、")
            for k, part in enumerate(parts):
                a, b = pos, pos + len(part)
                pos = b + 1
                if k == 0:
                    a = self.trim_left_to_name(view, a, b)
                if k == len(parts) - 1:
                    b = self.trim_right_to_name(view, a, b)
                items.append((a, b))
            after = text[items[-1][1]:s.end]
            head = ENUMERATION_HEAD.match(after)
            if head and head.group(1) and any(
                    t.tag in ("v", "p", "uj") for t in view.tokens
                    if items[-1][1] + head.start(1) <= t.start < items[-1][1] + head.end(1)):
                head = None  # 清单、政策送进企业: a verb stands between the list and 企业
            labels = [clean_label(text[a:b]) for a, b in items]
            if self.ex.industry_list_head.match(after):  # 新能源汽车、生物医药等主导产业: industries, not companies
                for (a, b), label in zip(items, labels):
                    if 2 <= len(label) <= 12 and self.class_by_suffix(label) is None:
                        self.add(a, b, INDUSTRY, view, "industry.enumeration_item")
                continue
            all_trade = all(l.endswith(self.ex.weak_ent_suffixes) and len(l) > 3 for l in labels)
            people = [m.span for m in self.named_here(view) if m.cls == PERSON]
            for (a, b), label in zip(items, labels):
                if not (2 <= len(label) <= 20) or any(a < pe and ps < b for ps, pe in people):
                    continue  # 某公司总经理张三、…: a list of people, not of companies
                cls = self.class_by_suffix(label)
                if cls is None and ((head and head.group(2) in ("企业", "公司")) or all_trade):
                    cls = ENTERPRISE
                if cls:
                    self.add(a, b, cls, view, "name.enumeration_item")
            self.enum_runs.setdefault(view.sentence.index, []).append(items)

    def class_by_suffix(self, label: str) -> str | None:
        for regex, cls in ((self.ex.org_re, ORGANIZATION), (self.ex.strong_ent_re, ENTERPRISE),
                           (self.ex.zone_re, ZONE), (self.ex.alliance_re, ALLIANCE)):
            m = regex.search(label)
            if m and m.end() == len(label) and len(label) > len(m.group()):
                return cls
        return None

    def trim_left_to_name(self, view: SentenceView, a: int, b: int) -> int:
        i = view.ends.get(b)
        if i is not None:
            a = max(a, self.extend_name_left(view, i, limit=12))
        if self.text.startswith(self.ex.leading_boundaries, a):  # 辖区内华芯微电子 → 华芯微电子
            for word in self.ex.leading_boundaries:
                if self.text.startswith(word, a) and b - a > len(word) + 1:
                    return a + len(word)
        return a

    def trim_right_to_name(self, view: SentenceView, a: int, b: int) -> int:
        """Cut a list's last item before 等, numerals, role words (代表) or verbs."""
        end = a
        for tok in view.tokens:
            if tok.start < a or tok.start >= b:
                continue
            if tok.start > a and (tok.word in self.lex.boundaries or tok.tag in STOP_TAGS
                                  or tok.word in self.ex.all_triggers):
                break
            end = tok.end
        end = min(end, b)
        etc = self.text.find("等", a + 2, end)
        if etc > 0:
            end = etc  # 云海哲等企业: jieba glued 等 to the name
        label = self.text[a:end]
        tail = next((t for t in self.ex.role_tails if label.endswith(t) and len(label) > len(t) + 1), "")
        return end - len(tail)  # 某银行代表 → 某银行

    # --------------------------------------------------------------- places

    def places(self, view: SentenceView) -> None:
        """Places after motion and locative verbs (赴X, 走进X, 在X举行), and runs of place words."""
        motion = self.ex.place_motion_verbs
        tokens = view.tokens
        for i, tok in view.tokens_among(motion):
            j = i + 1
            while j < len(tokens) and tokens[j].word not in CLAUSE_BREAK and tokens[j].word not in ("等", "、"):
                j += 1
            span_start, span_end = (tokens[i + 1].start, tokens[j - 1].end) if j > i + 1 else (tok.end, tok.end)
            if j == i + 1:
                continue
            named = [m for m in self.named_here(view) if span_start <= m.start < span_end
                     and m.cls in (ZONE, ORGANIZATION, PLACE, ENTERPRISE, ALLIANCE)]
            if named:
                # 赴杭州未来科技城: place words before a named place belong to it
                where = min(named, key=lambda m: (m.start, -m.end))
                lead = [t for t in tokens[i + 1:j] if t.end <= where.start]
                if lead and all(t.tag in PLACE_TAGS | {"t"} and HAN_WORD.fullmatch(t.word) for t in lead):
                    where = self.add(span_start, where.end, PLACE, view, "place.after_motion_verb") or where
                if where.start == span_start:
                    self.destinations.add(where.span)
                continue
            first = run_end = None
            for k in range(i + 1, j):  # 赴红色教育基地井冈山 → the first run of place words: 井冈山
                placey = tokens[k].tag in PLACE_TAGS and len(tokens[k].word) > 1 and HAN_WORD.fullmatch(tokens[k].word)
                if placey:
                    first = k if first is None else first
                    run_end = k
                elif first is not None:
                    break
            if run_end is not None:
                place = self.add(tokens[first].start, tokens[run_end].end, PLACE, view, "place.after_motion_verb")
                if place is not None:
                    self.destinations.add((place.start, place.end))
        # runs of place words standing alone: 浙江湖州
        tags = list(map(_TAG, tokens))
        n = len(tags)
        k = next_index(tags, "ns", 0)
        while k < n:
            j = k
            while j + 1 < n and tags[j + 1] == "ns":
                j += 1
            a, b = tokens[k].start, tokens[j].end
            nxt = tokens[j + 1] if j + 1 < n else None
            prev = tokens[k - 1] if k > 0 else None
            standalone = (nxt is None or nxt.tag in STOP_TAGS or nxt.tag == "v" or nxt.word in CLAUSE_BREAK) and (
                prev is None or prev.word in CLAUSE_BREAK or prev.word in OPEN_QUOTES)
            if standalone and b - a >= 2 and not any(m.start <= a and b <= m.end for m in self.named_here(view)):
                self.add(a, b, PLACE, view, "place.place_words")
            k = next_index(tags, "ns", j + 1)  # the next run

    # --------------------------------------------------------------- groups

    def groups(self, view: SentenceView) -> None:
        s, text = view.sentence, self.text
        for m in self.ex.group_re.finditer(s.text):
            end = s.start + m.end()
            head = self.head_token(view, end)
            if head is None or (view.tokens[head].word != m.group() and view.tokens[head].tag in ("v", "vn", "l", "i")):
                continue  # 发展党员: a verb phrase, not a group
            nxt = view.tokens[head + 1] if head + 1 < len(view.tokens) else None
            if nxt is not None and not (nxt.tag in STOP_TAGS or nxt.tag == "v" or nxt.word in CLAUSE_BREAK
                                        or nxt.word in "、“”" or nxt.word in self.lex.boundaries
                                        or re.match(r"\d", nxt.word) or nxt.word in self.ex.all_triggers
                                        or (nxt.word in self.lex.event_heads and "“" not in s.text[:m.start()][-12:])):
                continue  # 人才工作, 专家智囊: the head modifies another noun
            start = self.extend_name_left(view, head, limit=12)
            if m.group() in self.ex.role_tails and any(
                    o.end == s.start + m.start() and o.cls in AGENT_CLASSES for o in self.named_here(view)):
                continue  # 江南银行代表: people speaking for an organisation
            count = self.ex.count_before.search(text[max(s.start, start - 8):start])
            trailing = self.ex.count_after.match(text[end:s.end])
            label = clean_label(text[start:end])
            if len(label) <= 2 and not (count or trailing):
                continue  # 人才, 成员 alone name no group
            if count:
                start -= len(count.group())
            if text[end:end + 1] in CLOSE_QUOTES and "“" in text[start:end]:
                end += 1  # “青年突击队”: the name closes its quote
            mention = self.add(start, end, GROUP, view, "group.talent_category", label=text[start:end])
            if mention is None:
                continue
            found = count or trailing
            if found:
                value = parse_count(found.group("n"))
                if value is not None:
                    qualifier = (found.groupdict().get("q") or "") + (found.group("q2") or "")
                    span = (mention.start, end + (trailing.end() if trailing and not count else 0))
                    attrs = self.attrs.setdefault(mention, {})
                    attrs["count"] = (value, span)
                    if qualifier:
                        attrs["countQualifier"] = (qualifier, span)
                    attrs["countUnit"] = (found.group("unit"), span)

    # -------------------------------------------------------------- persons

    def persons(self, view: SentenceView) -> None:
        s = view.sentence
        for m in self.ex.titled_person.finditer(s.text):
            start, end = s.start + m.start("name"), s.start + m.end("name")
            if self.ex.segmenter.tags.get(m.group("name"), "nr")[:2] != "nr":
                continue  # a common word after a title (轮值主席单位: 单 is a surname, 单位 no name)
            person = self.add(start, end, PERSON, view, "person.after_title")
            if person is None:
                continue
            titles = m.group("titles")
            tstart = s.start + m.start("titles")
            self.attrs.setdefault(person, {})["jobTitle"] = (titles, (tstart, end))
            self.person_titles.append((person, tstart, titles))

    def remention_people(self) -> None:
        """A person named once with a title is the same person where the name stands alone."""
        people = [m.span for m in self.mentions if m.cls == PERSON]
        names = sorted({m.label for m in self.mentions if m.cls == PERSON}, key=lambda n: (-len(n), n))
        for view in self.body_views():
            text = view.sentence.text
            for name in names:
                at = text.find(name)
                while at >= 0:
                    a, b = view.sentence.start + at, view.sentence.start + at + len(name)
                    at = text.find(name, at + len(name))
                    if not any(s <= a < e for s, e in people):
                        self.add(a, b, PERSON, view, "person.repeated_name")
                        people.append((a, b))

    # --------------------------------------------------------------- events

    def events(self, view: SentenceView) -> None:
        s, text = view.sentence, self.text
        group_ends = None
        seen_ends = set()
        for m in self.ex.event_heads_at.finditer(s.text):
            head_word = m.group(1)
            end = s.start + m.start() + len(head_word)
            if end in seen_ends:
                continue  # 成立大会, then 大会: the longest head ending here decides
            seen_ends.add(end)
            head = self.head_token(view, end)
            if head is None or view.tokens[head].word[: -len(head_word)] in self.ex.all_triggers:
                continue  # 出席会议: a verb phrase, not an event name
            nxt = view.tokens[head + 1] if head + 1 < len(view.tokens) else None
            if nxt is not None and nxt.tag in ("n", "vn") and nxt.word not in self.lex.boundaries:
                continue  # 活动室, 培训基地: the head modifies another noun
            if group_ends is None:
                group_ends = {g.end for g in self.named_here(view) if g.cls == GROUP}
            start = self.extend_event_left(view, head, group_ends)
            label = clean_label(text[start:end])
            modifier = label[: len(label) - len(head_word)]
            if len(modifier) < 2 or modifier in self.ex.generic_event_modifiers:
                continue
            self.add(start, end, EVENT, view, "event.head_noun", subclass=self.lex.event_heads.get(head_word) or None)

    def extend_event_left(self, view: SentenceView, head: int, group_ends: set[int]) -> int:
        tokens = view.tokens
        start = tokens[head].start
        in_quote = False
        stops = self.ex.event_name_stops
        for i in range(head - 1, -1, -1):
            tok = tokens[i]
            if tok.word in CLOSE_QUOTES and tok.word != '"':
                in_quote = True
            elif tok.word in OPEN_QUOTES and tok.word != '"':
                in_quote = False
            elif not in_quote:
                # “…”实践活动, “…”首批发放仪式: what follows a quoted name belongs to the event's name
                after_quote = i > 0 and (tokens[i - 1].word in CLOSE_QUOTES or (
                    tokens[i - 1].tag == "m" and i > 1 and tokens[i - 2].word in CLOSE_QUOTES))
                quoted_compound = (tok.tag == "v" and after_quote) or (
                    tok.tag == "m" and i > 0 and tokens[i - 1].word in CLOSE_QUOTES and tokens[i + 1].tag == "v")
                # 科技创新大会: a noun + verb compound names what the event is about
                noun_verb = (tok.tag == "v" and i > 0 and tokens[i - 1].tag in ("n", "nz", "j", "vn")
                             and tok.word not in self.ex.all_triggers and tok.word not in self.lex.boundaries
                             and tokens[i - 1].word not in self.ex.all_triggers and tokens[i + 1].tag != "v")
                if quoted_compound or noun_verb or tok.word in self.ex.generic_event_modifiers:
                    pass  # “青春建功”系列活动: kept in the name, generic only alone
                elif tok.word in CLAUSE_BREAK or tok.word == "、" or tok.word in self.lex.boundaries \
                        or (tok.word in stops and not (tok.word in ("启动", "揭牌") and tok.tag != "v")) \
                        or tok.tag in ("v", "p", "c", "uj", "ul", "m", "q", "r", "d", "t", "ad", "l", "i") and tok.word != "暨":
                    break
                if tok.end in group_ends and i + 1 < len(tokens) and tokens[i + 1].word in OPEN_QUOTES:
                    break  # 组织青年人才“…”主题学习: the group takes part, it is not the name
            if tokens[head].end - tok.start > 40:
                break
            start = tok.start
        if self.text[start] == "暨":  # the first half of a joint name was cut off: keep the second
            start += 1
        i = 0 if start == tokens[0].start else view.ends.get(start, head) + 1  # the token starting at `start`
        while i < head and tokens[i].tag in ("vn", "v") and not tokens[i].word.startswith("启动"):
            start = tokens[i].end  # 策划党建活动 → 党建活动
            i += 1
        while self.text[start] in CLOSE_QUOTES:
            start += 1
        return start

    # --------------------------------------------------- campaigns, initiatives

    def campaigns_and_initiatives(self, view: SentenceView) -> None:
        s, text = view.sentence, self.text
        for found in self.ex.campaign_head_re.finditer(s.text):
            i = view.ends.get(s.start + found.end())
            if i is None:
                continue
            tok, head = view.tokens[i], found.group()
            a = tok.start
            if len(tok.word) == len(head) and i > 0:
                prev = view.tokens[i - 1]
                if prev.tag in ("n", "nz", "j", None) and HAN_WORD_2_TO_4.fullmatch(prev.word) \
                        and prev.word not in self.lex.boundaries:
                    a = prev.start
            if tok.end - a > len(head):
                self.add(a, tok.end, CAMPAIGN, view, "campaign.head_noun")
        quotes = list(self.ex.quoted.finditer(s.text))
        for q in quotes:
            inner = q.group(1)
            a, b = s.start + q.start(), s.start + q.end()
            if any(ch in inner for ch in ",。!?:") or len(clean_label(inner)) < 2:
                continue
            if any(m.start <= a + 1 and b - 1 <= m.end and m.cls != INITIATIVE
                   for m in self.named_here(view)):
                continue  # part of a longer name
            after = text[b:s.end]
            if after[:1] and HAN_WORD.match(after[0]) and not self.ex.initiative_cue.match(after) \
                    and not re.match(r"(工作|活动|行动)", after) and not after.startswith(("等", "三", "两", "四")) \
                    and not re.match(r"[促推助成为在]", after[0]):
                continue  # “两新”组织: the quote starts a longer name
            if after.startswith("的"):
                continue  # “…”的良好格局: a description, not a name
            if self.ex.honour_before.search(text[s.start:a]):
                continue  # 担任“链长”: a role or an honour, not an initiative
            cls = CAMPAIGN if re.match(r"(工作|行动)", after) and not self.ex.initiative_cue.match(after) else INITIATIVE
            named = NAME_FORMING_CUE.match(after)  # “一把手”工程 → 一把手工程
            self.add(a, b + (named.end() if named else 0), cls, view, f"{cls.lower()}.quoted_name")

    # ----------------------------------------------------------- industries

    def industries(self, view: SentenceView) -> None:
        s, text = view.sentence, self.text
        for alliance in self.in_sentence(view, {ALLIANCE}):
            zones = [z for z in self.named_here(view) if z.cls in (ZONE, PLACE) and z.start == alliance.start and z.end < alliance.end]
            offset = max((z.end for z in zones), default=alliance.start)
            inner = text[offset:alliance.end]
            m = self.ex.industry_in_name.search(inner)
            if m and m.group(1) not in self.ex.industry_modifiers:
                a = offset + m.start()
                # drop a leading place word the name carries (云溪生物医药产业 → 生物医药产业)
                for tok in self.views[alliance.sentence].tokens:
                    if tok.start == a and tok.tag in ("ns", "nr") and tok.end < offset + m.end(2) - 2:
                        a = tok.end
                self.add(a, offset + m.end(), INDUSTRY, view, "industry.in_alliance_name")
        for m in FOCUS_INDUSTRY.finditer(s.text):
            a, b = s.start + m.start(1), s.start + m.end(1)
            self.add(a, b, INDUSTRY, view, "industry.after_focus_verb")

    # ---------------------------------------------------------- tidying up

    def drop_nested(self) -> None:
        """Within a class, a mention inside a longer one of the same class is a part of it.

        Names inside a document's title (《…高层次人才引进办法》) are part of the title, not
        things the article speaks of; a byline's outlet (来源:《…日报》) is.
        """
        keep = []
        by_class: dict[str, list[Mention]] = {}
        titles = [t.span() for t in BOOK_TITLE.finditer(self.text)]
        for m in self.mentions:
            if titles and not m.rule.startswith("byline") and any(a < m.start and m.end < b for a, b in titles):
                continue
            by_class.setdefault(m.cls, []).append(m)
        for cls, ms in by_class.items():
            keep.extend(ms if cls in (PERSON, ZONE) else outermost(ms))
        unique = {}
        organisations = {m.span for m in keep if m.cls == ORGANIZATION}
        for m in keep:
            if m.cls == PLACE and m.span in organisations:
                continue  # 党群服务中心: one thing, named by both lists; the organisation stands
            unique.setdefault((m.start, m.end, m.cls), m)
        self.mentions = sorted(unique.values(), key=lambda m: (m.start, -m.end, m.cls))
        self.index = {}
        for m in self.mentions:
            self.index.setdefault(m.sentence, []).append(m)
        self.attrs = {m: v for m, v in self.attrs.items() if unique.get((m.start, m.end, m.cls)) is m}
        self.person_titles = [t for t in self.person_titles if unique.get((t[0].start, t[0].end, PERSON)) is t[0]]

    def principal_agent(self) -> Mention | None:
        """The agent the article reports on: the most named development zone (else organisation)."""
        for classes in ((ZONE,), (ORGANIZATION, ALLIANCE)):
            counts: dict[str, list[Mention]] = {}
            for m in self.mentions:
                if m.cls in classes and m.label not in self.lex.generic_references:
                    counts.setdefault(zone_key(m.label, self.lex), []).append(m)
            if counts:
                best = max(counts.values(), key=lambda ms: (len(ms), -ms[0].start))
                return max(best, key=lambda m: (len(m.label), -m.start))
        return None

    # ------------------------------------------------------------- relations

    def subject_of(self, view: SentenceView, before: int) -> Mention | None:
        """The agent a clause names before `before`, standing at a clause start."""
        s = view.sentence
        candidates = []
        for m in self.in_sentence(view, AGENT_CLASSES | {GROUP}):
            if m.start >= before or m.rule.startswith("byline"):
                continue
            prev = self.text[s.start:m.start].rstrip()
            at_clause_start = not prev or prev[-1] in ",;:。" or self.ex.relative_date.fullmatch(prev) is not None
            follows = self.text[m.end:m.end + 1]
            if at_clause_start and follows not in ("的", "、"):
                candidates.append(m)
        if not candidates:
            return None
        first = min(c.start for c in candidates)
        best = max((c for c in candidates if c.start == first), key=lambda c: c.end - c.start)
        return best if best.cls in AGENT_CLASSES else None

    def agent_for(self, view: SentenceView, pos: int, verb: bool = False) -> tuple[Mention | None, str]:
        if verb:
            # 某集团有限公司建成…: an agent named right before the verb acts, wherever the clause
            # starts, unless a preposition makes it a place (在园区党群服务中心设立…)
            adjacent = [m for m in self.in_sentence(view, AGENT_CLASSES)
                        if m.end <= pos and ADVERBS.fullmatch(self.text[m.end:pos]) and not m.rule.startswith("byline")
                        and self.text[m.start - 1:m.start] not in ("在", "于", "从", "到", "向", "对", "由")]
            if adjacent:
                return max(adjacent, key=lambda m: (m.end, m.end - m.start)), "agent_before_verb"
        subject = self.subject_of(view, pos)
        if subject is not None:
            return subject, "sentence_subject"
        return self.principal, "principal_agent"

    def relate(self, view: SentenceView) -> None:
        s, text = view.sentence, self.text
        if not self.named_here(view) and self.focus_event is None:
            return  # nothing named, and no event to take part in
        self.launch_event(view)
        ms = self.in_sentence(view)
        by_cls: dict[str, list[Mention]] = {}
        for m in ms:
            by_cls.setdefault(m.cls, []).append(m)
        events = by_cls.get(EVENT, [])
        groups = by_cls.get(GROUP, [])
        alliances = by_cls.get(ALLIANCE, [])
        if alliances:
            self.focus_alliance = max(alliances, key=lambda a: a.end - a.start)
        self.relate_people(view, ms)
        self.relate_enumerations(view, ms)
        # -- events: organizer, participants, location, date, campaign
        for ev in events:
            cb = self.clause_bounds(view, ev.start)
            window = text[cb[0]:ev.start]
            after = text[ev.end:cb[1]]
            organized = (ev.rule == "event.launch" or self.ex.organize_re.search(window)
                         or self.ex.held_somewhere.match(after) or self.ex.held.match(after))
            joint = JOINT_ORGANIZERS.search(text[s.start:ev.start])
            if joint:
                self.joint_organizers(view, ms, ev, joint)
            elif organized:
                agent, how = self.agent_for(view, ev.start)
                if ev.rule == "event.launch" and agent is not None and agent.cls == ALLIANCE:
                    agent, how = self.principal, "principal_agent"  # the alliance does not found itself
                if agent is not None:
                    self.fact(ev, "organizer", agent, view, f"event.organizer.{how}")
            for g in self.participant_groups(view, ev, groups, events):
                self.fact(ev, "participant", g, view, "event.participant.group")
            self.event_location(view, ev, ms)
            for camp in by_cls.get(CAMPAIGN, []):
                if ev.start <= camp.start and camp.end <= ev.end or re.search("在" + re.escape(text[camp.start:camp.end]) + "中", text[s.start:ev.start]):
                    self.fact(ev, "partOf", camp, view, "event.part_of_campaign")
            self.event_date(view, ev)
        if events:
            self.focus_event = max(events, key=lambda e: e.end - e.start)
        elif self.focus_event is not None:  # 本次大赛由A、B联合主办: the event in focus, organized jointly
            joint = JOINT_ORGANIZERS.search(s.text)
            if joint and self.ex.event_again.search(s.text, self.clause_bounds(view, s.start + joint.start())[0] - s.start,
                                                      joint.start()):
                self.joint_organizers(view, ms, self.focus_event, joint)
        # -- visits: a group goes somewhere and no event is named
        if not events:
            self.visit(view, ms)
        # -- people and agents who speak or attend take part in the event in focus
        self.attendance(view, ms, events)
        # -- initiatives and campaigns
        for ini in by_cls.get(INITIATIVE, []) + by_cls.get(CAMPAIGN, []):
            cb = self.clause_bounds(view, ini.start)
            window = text[cb[0]:ini.start]
            strong = self.ex.organize_re.search(window) is not None
            weak = "通过" in window and self.subject_of(view, ini.start) is not None
            if strong or weak or s.kind == "headline":
                agent, how = self.agent_for(view, ini.start)
                if agent is not None:
                    self.fact(ini, "organizer", agent, view, f"{ini.cls.lower()}.organizer.{how}")
        # -- founding, dispatching, engaging
        for _, tok in view.tokens_among(self.ex.founding_verbs):
            for signal in self.ex.founding_signals.get(tok.word, ()):
                predicate, classes = FOUNDING[signal]
                if signal == "establish":
                    target = self.object_after(view, tok, ms, classes)
                    if self.ex.launch_verb.fullmatch(tok.word) and (target is None or self.founded_subject(view, tok, ms)):
                        target = self.founded_subject(view, tok, ms)  # X宣布成立: X is what was founded
                else:
                    target = self.object_after(view, tok, ms, classes) or self.object_before(view, tok, ms, classes)
                if target is None:
                    continue
                agent, how = self.agent_for(view, tok.start, verb=True)
                if agent is not None and agent is not target and not (agent.start <= target.start and target.end <= agent.end):
                    self.fact(target, predicate, agent, view, f"{signal}.{how}")
        self.alliance_links(view, ms, by_cls)
        self.place_links(view, ms)
        self.industry_links(view, ms, by_cls)

    def people_listed_before(self, view: SentenceView, clause_start: int, ms: list[Mention]) -> list[Mention]:
        """People named one per clause, with their titles and no verb, before the clause at `clause_start`."""
        listed = []
        pos = clause_start
        while pos - 2 >= view.sentence.start and self.text[pos - 1] == ",":
            a, b = self.clause_bounds(view, pos - 2)
            last = [m for m in ms if m.cls == PERSON and m.end == b]
            if not last or any(t.tag == "v" for t in view.tokens if a <= t.start < b):
                break
            listed.append(last[0])
            pos = a
        return listed

    def joint_organizers(self, view: SentenceView, ms: list[Mention], event: Mention, joint: re.Match) -> None:
        """由A、B共同主办: each agent named between 由 and the verb organizes `event`."""
        a, b = view.sentence.start + joint.start(1), view.sentence.start + joint.end(1)
        named = [m for m in ms if m.cls in AGENT_CLASSES and a <= m.start and m.end <= b]
        for agent in named:  # 云溪高新区管委会 organizes, not the 云溪高新区 inside its name
            if not any(o is not agent and o.start <= agent.start and agent.end <= o.end for o in named):
                self.fact(event, "organizer", agent, view, "event.organizer.joint")

    def launch_event(self, view: SentenceView) -> None:
        """盐城高新区…联盟在区党群服务中心揭牌成立: the founding is itself an event (a ceremony)."""
        s = view.sentence
        here = self.named_here(view)
        if s.kind != "body" or any(m.cls == EVENT for m in here):
            return
        for alliance in [m for m in here if m.cls == ALLIANCE]:
            gap = self.ex.founded_gap.match(self.text, alliance.end)
            verb = self.ex.launch_verb.match(self.text, gap.end()) if gap else None
            if verb is None or not (DATE.search(s.text) or "在" in gap.group()):
                continue
            self.add(verb.start(), verb.end(), EVENT, view, "event.launch",
                     label=alliance.label + verb.group(), subclass="CeremonyEvent")
            return

    def participant_groups(self, view, ev, groups, events):
        text = self.text
        inside = [g for g in groups if ev.start <= g.start and g.end <= ev.end]
        chain = []
        pos = ev.start
        anchor = min([g.start for g in groups if ev.start <= g.start and g.end <= ev.end] + [ev.start])
        pos = anchor
        for g in sorted((g for g in groups if g.end <= anchor), key=lambda g: -g.end):
            gap = text[g.end:pos]
            if GROUP_CHAIN_GAP.fullmatch(gap) or (not chain and QUOTED_SPAN.fullmatch(gap)):
                chain.append(g)
                pos = g.start
            else:
                break
        if inside or chain:
            return inside + chain
        # 组织…人才赴…,开展…活动: a group brought along earlier in the sentence takes part;
        # a group founded or sent there (组建…队伍, 选派…指导员) does not.
        earlier = [g for g in groups if g.end <= ev.start
                   and not any(g.start < e.end <= ev.start for e in events if e is not ev)
                   and self.ex.brings.search(text[self.clause_bounds(view, g.start)[0]:g.start])]
        return [max(earlier, key=lambda g: g.end)] if earlier else []

    def event_location(self, view, ev, ms):
        text, s = self.text, view.sentence
        for m in ms:
            if m.cls not in (PLACE, ORGANIZATION, ZONE) or (ev.start <= m.start and m.end <= ev.end):
                continue
            before = text[max(s.start, m.start - 3):m.start]
            held_at = self.ex.held.match(text, m.end) or (
                ev.rule == "event.launch" and m.end <= ev.start)  # X在Y揭牌成立
            if m.span in self.destinations or MOTION_BEFORE.search(before) or (
                    re.search(r"在$", before) and held_at):
                self.fact(ev, "location", m, view, "event.location.after_verb")

    def event_date(self, view, ev):
        s = view.sentence
        for m in DATE.finditer(s.text):
            a, b = s.start + m.start(), s.start + m.end()
            when = self.resolve_date(int(m.group("month")), int(m.group("day")), m.group("year"))
            if when is not None:
                self.fact(ev, "date", when, view, "event.date", (a, b))
                if m.group("day2"):
                    end = self.resolve_date(int(m.group("month2") or m.group("month")), int(m.group("day2")), m.group("year"))
                    if end is not None:
                        self.fact(ev, "endDate", end, view, "event.date", (a, b))
            else:
                self.fact(ev, "dateText", m.group(), view, "event.date_text", (a, b))
            return
        rel = self.ex.relative_date.search(s.text)
        if rel:
            a = s.start + rel.start()
            self.fact(ev, "dateText", rel.group(), view, "event.date_text", (a, a + len(rel.group())))

    def resolve_date(self, month: int, day: int, year: str | None) -> date | None:
        try:
            if year:
                return date(int(year), month, day)
            pub = self.doc.publication_date
            if pub is not None:
                guess = date(pub.year, month, day)
                return guess if guess <= pub else date(pub.year - 1, month, day)
        except ValueError:
            return None
        return None

    def visit(self, view, ms):
        for _, tok in view.tokens_among(self.ex.trig["motion"]):
            places = [m for m in ms if m.cls in (PLACE, ORGANIZATION, ZONE) and m.start >= tok.end and m.start - tok.end <= 2]
            clause = self.clause_bounds(view, tok.start)
            subject_groups = [g for g in ms if g.cls == GROUP and g.end <= tok.start and self.clause_bounds(view, g.start) == clause]
            if not places or not subject_groups:
                continue
            place = places[0]
            ev = self.add(tok.start, place.end, EVENT, view, "event.visit", subclass="VisitEvent")
            if ev is None:
                return
            self.fact(ev, "participant", subject_groups[-1], view, "event.participant.visitor")
            self.fact(ev, "location", place, view, "event.location.visited")
            self.event_date(view, ev)
            self.focus_event = ev
            return

    def attendance(self, view, ms, events):
        s = view.sentence
        focus = max(events, key=lambda e: e.end - e.start) if events else self.focus_event
        if focus is None:
            return
        verbs = view.tokens_among(self.ex.attendance_words)
        if not verbs:
            return
        refers = bool(self.ex.event_references.search(s.text)) or bool(events)
        for _, tok in verbs:
            attend = tok.word in self.ex.trig["attend"]
            speech = tok.word in self.ex.speech_verbs
            if speech and not refers:
                continue
            cb = self.clause_bounds(view, tok.start)
            start = cb[0]
            people = [m for m in ms if m.cls == PERSON and start <= m.start and m.end <= tok.start]
            if attend and people:  # 书记A,主任B,委员C出席会议: everyone listed before the verb
                listed = self.people_listed_before(view, start, ms)
                people += listed
                start = min([start] + [m.start for m in listed])
            for m in people or ms:
                if m.cls in (PERSON, ORGANIZATION, ENTERPRISE, ZONE, ALLIANCE, GROUP) and start <= m.start and m.end <= tok.start \
                        and not (focus.start <= m.start and m.end <= focus.end) and m is not focus:
                    if m.cls == GROUP and not attend:
                        continue
                    if any(o.start <= m.start and m.end <= o.end and o is not m and o.cls in (PERSON, ORGANIZATION, ENTERPRISE, ALLIANCE)
                           and o.start >= start and o.end <= tok.start for o in ms):
                        continue  # a part of a longer name
                    self.fact(focus, "participant", m, view, "event.participant.attends")
            if tok.word == "带领":
                for g in ms:
                    if g.cls == GROUP and g.start >= tok.end and g.end <= cb[1]:
                        self.fact(focus, "participant", g, view, "event.participant.led_group")

    def object_after(self, view, tok, ms, classes):
        cb = self.clause_bounds(view, tok.start)
        best = None
        for m in ms:
            if m.cls not in classes or not (tok.end <= m.start < cb[1] and m.start - tok.end <= 16):
                continue
            if self.text.startswith("组成", m.end):
                continue  # 组建由20名专家组成的“智囊团”: the experts make it up; the team is founded
            if not OBJECT_GAP_BREAK.search(self.text, tok.end, m.start):
                if best is None or m.start < best.start or (m.start == best.start and m.end > best.end):
                    best = m
        return best

    def object_before(self, view, tok, ms, classes):
        cb = self.clause_bounds(view, tok.start)
        found = [m for m in ms if m.cls in classes and cb[0] <= m.start and m.end <= tok.start]
        return max(found, key=lambda m: m.end) if found else None

    def founded_subject(self, view, tok, ms):
        """X宣布成立 / X正式成立: the alliance or organisation founded is the subject."""
        cb = self.clause_bounds(view, tok.start)
        found = [m for m in ms if m.cls in (ALLIANCE, ORGANIZATION) and cb[0] <= m.start and m.end <= tok.start
                 and self.ex.founded_gap.fullmatch(self.text[m.end:tok.start])]
        return max(found, key=lambda m: m.end - m.start) if found else None

    def relate_people(self, view, ms):
        text = self.text
        for person, tstart, titles in self.titled_people.get(view.sentence.index, ()):
            organ = self.ex.organ_re.match(titles)
            employers = [m for m in ms if m.cls in AGENT_CLASSES and m.end == tstart]
            if not employers:  # 某集团有限公司人力资源部经理: the company, through a department
                employers = [m for m in ms if m.cls in AGENT_CLASSES and 0 < tstart - m.end <= 8
                             and DEPARTMENT.fullmatch(text[m.end:tstart])]
            if organ:
                employers += [m for m in ms if m.cls == ORGANIZATION and m.end == tstart + len(organ.group())]
            for employer in employers:
                self.fact(person, "worksFor", employer, view, "person.works_for_before_title")
        # people, and companies or bodies elected to a chair (远澜新材料有限公司当选轮值主席单位)
        alliance = self.alliance_in_focus(view, ms) or self.focus_alliance
        may_be_elected = alliance is not None and self.ex.elected.search(view.sentence.text) is not None
        if not may_be_elected and not any(m.cls == ALLIANCE for m in ms):
            return
        for person in (m for m in ms if m.cls in (PERSON, ENTERPRISE, ORGANIZATION)):
            cb = self.clause_bounds(view, person.start)
            elected = self.ex.elected.match(text[person.end:cb[1]]) if may_be_elected else None
            rule = "person.alliance_role" if person.cls == PERSON else "member.alliance_role"
            if elected and alliance is not None and alliance is not person:
                self.fact(person, "memberOf", alliance, view, rule)
                self.fact(person, "role", elected.group(1), view, rule, (person.start, person.end + elected.end()))
                continue
            if person.cls != PERSON:
                continue
            for named in ms:
                if named.cls == ALLIANCE and person.end <= named.start < cb[1]:
                    role = self.ex.role_after.match(text, named.end)
                    if role:
                        self.fact(person, "memberOf", named, view, "person.alliance_role")
                        self.fact(person, "role", role.group(1), view, "person.alliance_role", (person.start, named.end + len(role.group(1))))

    def relate_enumerations(self, view, ms):
        """来自A、B等企业的G: G comes from each; 集结A、B共N家服务单位: each is a member of G."""
        text, s = self.text, view.sentence
        for items in self.enum_runs.get(s.index, ()):
            run = []
            for a, b in items:
                # the item as cut, or a longer name ending there (某某(眉山)有限公司)
                named = [m for m in ms if m.start <= a and m.end == b and m.cls in AGENT_CLASSES | {GROUP}
                         and "、" not in self.text[m.start:m.end]]
                if named:
                    run.append(max(named, key=lambda m: m.cls in AGENT_CLASSES))
            if not run:
                continue
            end = items[-1][1]
            after = text[end:s.end]
            groups = [g for g in ms if g.cls == GROUP and g.start >= end and g.start - end <= 16]
            affiliated = AFFILIATION_OF_LIST.match(after)
            if groups and affiliated:
                group = min(groups, key=lambda g: g.start)
                for m in run:
                    self.fact(group, "affiliation", m, view, "group.affiliation.enumeration")
            elif groups and LIST_TOTAL.match(after):
                group = min(groups, key=lambda g: g.start)
                for m in run:
                    self.fact(m, "memberOf", group, view, "member.enumerated_in_group")
            alliance = self.alliance_in_focus(view, ms)
            if alliance is not None and len(run) > 1 and all(m.cls == ENTERPRISE for m in run):
                for m in run:
                    self.fact(m, "memberOf", alliance, view, "member.enterprises_of_alliance")

    def alliance_in_focus(self, view, ms):
        here = [m for m in ms if m.cls == ALLIANCE]
        if here:
            return max(here, key=lambda m: m.end - m.start)
        return None

    def alliance_links(self, view, ms, by_cls):
        alliance = self.alliance_in_focus(view, ms) or self.focus_alliance
        if alliance is None:
            return
        for g in by_cls.get(GROUP, []):
            named_as_members = g.label.endswith(self.ex.member_head_suffixes)
            cb = self.clause_bounds(view, g.start)
            counted_in = self.ex.includes.search(self.text, cb[0], g.start)
            if named_as_members or (counted_in and alliance.start < g.start):
                self.fact(g, "memberOf", alliance, view, "group.member_of_alliance")
        for zone in by_cls.get(ZONE, []):
            if zone.start == alliance.start and zone.end < alliance.end:
                self.fact(alliance, "establishedBy", zone, view, "alliance.named_after_zone")
        # 联盟成员单位澜江云谷芯片股份有限公司: a member named after the word for members
        for m in by_cls.get(ENTERPRISE, []) + by_cls.get(ORGANIZATION, []):
            if self.text.endswith(self.ex.member_head_suffixes, view.sentence.start, m.start):
                self.fact(m, "memberOf", alliance, view, "member.named_as_member")

    def place_links(self, view, ms):
        text, s = self.text, view.sentence
        for m in AT.finditer(s.text) if "在" in s.text else ():
            a = s.start + m.end()
            where = [p for p in ms if p.cls in (PLACE, ZONE, ORGANIZATION) and p.start == a]
            if not where:
                continue
            place = max(where, key=lambda p: p.end)
            cb = self.clause_bounds(view, a)
            built = [x for x in ms if x.cls in (PLACE, ORGANIZATION) and place.end < x.start and x.end <= cb[1]
                     and self.ex.establish_re.search(text, place.end, x.start)]
            for x in built:
                self.fact(x, "location", place, view, "place.built_in")
        for m in ms if AREA_UNITS.search(s.text) else ():
            area = AREA.search(text[max(s.start, m.start - 14):m.start])
            if area and m.cls == PLACE and text[m.start - 1] == "的":
                value = parse_count(area.group("n"))
                if value is not None:
                    start = max(s.start, m.start - 14) + area.start()
                    self.fact(m, "area", float(value) * AREA_FACTOR[area.group("unit")], view, "attribute.area", (start, m.end))

    def industry_links(self, view, ms, by_cls):
        for ind in by_cls.get(INDUSTRY, []):
            holders = [a for a in ms if a.cls == ALLIANCE and a.start <= ind.start and ind.end <= a.end]
            if not holders and ind.rule == "industry.after_focus_verb":
                holders = [a for a in ms if a.cls == ALLIANCE]
                agent, _ = self.agent_for(view, ind.start)
                if agent is not None and agent.cls == ZONE:
                    self.fact(agent, "industry", ind, view, "industry.focus_of_agent")
            for a in holders:
                self.fact(a, "industry", ind, view, "industry.of_alliance")


def next_index(items: list, value, start: int) -> int:
    """Where `value` next stands in `items` from `start` on (searched in C), else len(items)."""
    try:
        return items.index(value, start)
    except ValueError:
        return len(items)


def outermost(mentions: list[Mention]) -> list[Mention]:
    """The mentions not inside a longer one, in their first order.

    Sorted by start, longest first, a mention lies inside a longer one exactly when
    some mention of another span sorted before it reaches as far: one sweep.
    """
    inside = set()
    reach = -1  # the furthest end of the spans sorted before the current span
    previous = None
    for start, negative_end, i in sorted([(m.start, -m.end, i) for i, m in enumerate(mentions)]):
        if (start, negative_end) != previous:  # a new span: what came before is all of another span
            if previous is not None:
                reach = max(reach, -previous[1])
            previous = (start, negative_end)
        if reach >= -negative_end:
            inside.add(i)
    return [m for i, m in enumerate(mentions) if i not in inside]


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


ARTICLE_SUBJECT = Mention(-1, -1, "Article", "article", -1, "article")
