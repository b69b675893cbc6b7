"""The lexicon compiled once for all rules: word sets and patterns that several rules
(or the helpers in `kg.rules.spans` and `kg.rules.agents`) use.

A word list only one rule reads is compiled in that rule's factory, next to the rule.
"""
from __future__ import annotations

import re
from functools import cached_property

from kg.lexicon import Lexicon, alternation
from kg.segment import Segmenter

CJK = "\u4e00-\u9fff"
OPEN_QUOTES, CLOSE_QUOTES = "“‘「『\"", "”’」』\""
CLAUSE_BREAK = frozenset(",;:。!?()")
NUMBER = r"(?:\d+(?:\.\d+)?[千万]?|[零〇一二两三四五六七八九十百千万]+)"
DATE = re.compile(
    r"(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?P<day>\d{1,2})日"
    r"(?:\s*[—\-~至到]\s*(?:(?P<month2>\d{1,2})月)?(?P<day2>\d{1,2})日)?"
)
HAN_WORD = re.compile(rf"[{CJK}]+")
HAN_WORD_2_TO_4 = re.compile(rf"[{CJK}]{{2,4}}")
# A person's name: two to four Han characters, or a transliteration with its dot (阿卜杜·热合曼).
PERSON_NAME = re.compile(rf"[{CJK}]{{2,4}}|[{CJK}]{{1,8}}·[{CJK}]{{1,8}}")


class Words:
    """The lexicon, with the sets and patterns shared between rules."""

    def __init__(self, lexicon: Lexicon, segmenter: Segmenter):
        self.lex = lex = lexicon
        self.tags = segmenter.tags  # jieba's dictionary tags (and the domain words')
        self.triggers = {signal: frozenset(verbs) for signal, verbs in lex.triggers.items()}
        # every trigger verb ends a name to its left (组织|青年人才)
        self.all_triggers = frozenset().union(*self.triggers.values())
        self.boundaries = lex.boundaries
        self.zone_suffixes = lex.zone_suffixes
        self.prepositions = frozenset(lex.words("prepositions.txt"))
        self.companions = frozenset(lex.words("companion_prepositions.txt"))  # 与A召开: A acts with the subject
        self.administrative_suffixes = tuple(lex.words("administrative_suffixes.txt"))  # 某某区, 某某县
        # the areas a name at a sentence's start may be prefixed with: 江苏澜江市|云溪区
        self.place_prefix = re.compile(rf"(?:[{CJK}]{{1,6}}?(?:{alternation(self.administrative_suffixes)}))+")
        # one-character verbs and prepositions jieba may glue to an unknown name: 赴|澜江科技园
        self.leading_verbs = frozenset(w for w in self.triggers.get("motion", frozenset()) | self.prepositions
                                       if len(w) == 1)
        # Heads that name a kind of zone (高新区, 经开区); 园区 and 新区 are common nouns too.
        self.specific_zone_heads = frozenset(lex.zone_suffixes) - {"园区", "片区", "产业园区", "工业园区"}
        # What may stand between an agent and its verb: 已建成, 先后组织, 共同举办 …
        adverb_characters = "".join(sorted(set("".join(lex.words("agent_adverbs.txt")))))
        adverbs = f"[{re.escape(adverb_characters)}]{{0,4}}"
        # …or a place it acts at: 某联盟在某会展中心举行, 某区于某园区设立
        self.agent_verb_gap = re.compile(rf"{adverbs}(?:[在于][^,;:。!?“”]{{1,24}}?)?{adverbs}")
        self.relative_date = re.compile(alternation(lex.words("relative_dates.txt")))
        self.role_tails = tuple(lex.role_tails)
        self.member_head_suffixes = tuple(sorted(lex.words("member_heads.txt")))
        self.industry_modifiers = frozenset(lex.words("industry_modifiers.txt")) | {"相关", "各"}
        self.alliance_roles = alternation(lex.words("alliance_roles.txt"))
        self.number_before = alternation(lex.measures("qualifier-before"))  # 近, 约
        self.number_after = alternation(lex.measures("qualifier-after"))  # 余, 多

    def trigger(self, rule, signal: str) -> frozenset[str]:
        """The verbs of a trigger signal, for a rule that declares it reads that signal."""
        if signal not in rule.triggers:
            raise ValueError(f"rule {rule.name} reads the signal {signal!r} but does not declare it")
        return self.triggers[signal]

    # Names by their suffix: each class's suffixes, as one pattern.
    @cached_property
    def zone_re(self) -> re.Pattern:
        return re.compile(alternation(self.lex.zone_suffixes))

    @cached_property
    def organization_re(self) -> re.Pattern:
        """A government department's whole name (group `department`: 人力资源和社会保障局,
        经济发展与科技创新办, a portfolio or two and a head), or an organisation's suffix."""
        portfolio = alternation(self.lex.government_portfolios)
        department = rf"(?:{portfolio})(?:[和与及]?(?:{portfolio})){{0,2}}(?:{alternation(self.lex.government_heads)})"
        return re.compile(rf"(?P<department>{department})|{alternation(self.lex.organization_suffixes)}")

    @cached_property
    def enterprise_re(self) -> re.Pattern:
        return re.compile(alternation(self.lex.strong_enterprise_suffixes))

    @cached_property
    def alliance_re(self) -> re.Pattern:
        return re.compile(alternation(self.lex.alliance_suffixes))

    @cached_property
    def place_re(self) -> re.Pattern:
        return re.compile(alternation(self.lex.place_suffixes))

    @cached_property
    def organs(self) -> list[str]:
        """What names whose title it is: 党工委(书记), 组织部(部长), 管委会(副主任)."""
        return [t for t, k in self.lex.job_titles.items() if k == "organ"] + self.lex.organization_suffixes

    @cached_property
    def titles(self) -> list[str]:
        return [t for t, k in self.lex.job_titles.items() if k == "title"]

    @cached_property
    def reported_speech(self) -> re.Pattern:
        """A verb of saying and the comma or colon after it: what follows is what was said (A说,联盟将…)."""
        return re.compile(rf"(?:{alternation(self.lex.words('speech_verbs.txt'))})[,:]")

    @cached_property
    def industry_list_head(self) -> re.Pattern:
        """What follows a list of industries: 等主导产业, 两大产业, 等领域, 等多个领域."""
        return re.compile(rf"等?(?:(?:多|{NUMBER})[个大])?(?:{alternation(self.industry_modifiers)})?"
                          rf"(?:产业|行业|领域)")

    @cached_property
    def founded_gap(self) -> re.Pattern:
        """Between a founded alliance and its verb: 宣布成立, 在区党群服务中心揭牌成立."""
        return re.compile(
            rf"[”\s]*(?:在[^,;。]{{2,15}}?(?={alternation(self.triggers['launch'])}|宣布|正式|举行))?"
            r"(?:宣布|正式|今天|当天|揭牌|举行)*")

    @cached_property
    def launch_verb(self) -> re.Pattern:
        return re.compile(alternation(self.triggers["launch"]))
