"""Lists: A、B、C等15家企业. Each item is named, typed by its suffix or by the head noun after the list."""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import ALLIANCE, ENTERPRISE, INDUSTRY, ORGANIZATION, PERSON, ZONE
from kg.normalize import clean_label
from kg.rules.context import Context, SentenceView
from kg.rules.registry import Gated, rule
from kg.rules.spans import STOP_TAGS, extend_name_left
from kg.rules.words import CJK, NUMBER

# 青禾、远澜、海岚: a run of items joined by the enumeration comma.
# It starts only where a run of such characters starts: trying every character inside
# a long run that ends in no 、 would take time quadratic in the run.
# Items may hold a bracketed place: 某某太阳能(眉山)有限公司.
ENUMERATION_COMMA = frozenset("、")  # a token of its own, as all punctuation
ENUMERATION_RUN = re.compile(rf"(?<![{CJK}A-Za-z0-9“”()])[{CJK}A-Za-z0-9“”()]+(?:、[{CJK}A-Za-z0-9“”()]+)+")


class ListsOfNames:
    """The lists of a sentence, cut into items, worked out once for the rules that read them."""

    def __init__(self, words):
        self.words = words
        # words that open a list item but are not part of the name (辖区内), longest first
        self.leading_boundaries = tuple(sorted((w for w in words.boundaries if len(w) > 1),
                                               key=lambda w: (-len(w), w)))
        # What follows a list of names and says what they are: 等15家企业, 共9家单位.
        self.head = re.compile(rf"(?:等|共)?(?:{NUMBER}(?:{words.number_after})?[家个名位])?"
                               rf"([{CJK}]{{0,5}}?)(企业|公司|单位|机构)")
        self.suffixes = ((words.organization_re, ORGANIZATION), (words.enterprise_re, ENTERPRISE),
                         (words.zone_re, ZONE), (words.alliance_re, ALLIANCE))

    def of(self, ctx: Context, view: SentenceView) -> list[tuple[list[tuple[int, int]], list[str], str]]:
        """(item spans, item labels, text after the list) of each list of the sentence."""
        found = view.memo.get(ListsOfNames)
        if found is None:
            found = view.memo[ListsOfNames] = self._cut(ctx, view)
        return found

    def _cut(self, ctx: Context, view: SentenceView):
        s, text = view.sentence, ctx.text
        lists = []
        for run in ENUMERATION_RUN.finditer(s.text):
            if "“" in run.group() or "”" in run.group():
                continue  # quoted lists are slogans, not names
            items = []
            pos = s.start + run.start()
            parts = run.group().split("、")
            # 青岚、远帆等企业代表开门见山、畅所欲言: the list ends at 等, another run goes on after it
            ended = next((k for k, part in enumerate(parts[:-1]) if part.find("等", 2) > 0), None)
            if ended is not None:
                parts = parts[:ended + 1]
            for k, part in enumerate(parts):
                a, b = pos, pos + len(part)
                pos = b + 1
                if k == 0:
                    a = self.trim_left_to_name(ctx, view, a, b)
                if k == len(parts) - 1:
                    b = self.trim_right_to_name(ctx, view, a, b)
                items.append((a, b))
            lists.append((items, [clean_label(text[a:b]) for a, b in items], text[items[-1][1]:s.end]))
        return lists

    def trim_left_to_name(self, ctx: Context, view: SentenceView, a: int, b: int) -> int:
        i = view.ends.get(b)
        if i is not None:
            a = max(a, extend_name_left(ctx, view, i, limit=12))
        if ctx.text.startswith(self.leading_boundaries, a):  # 辖区内华芯微电子 → 华芯微电子
            for word in self.leading_boundaries:
                if ctx.text.startswith(word, a) and b - a > len(word) + 1:
                    return a + len(word)
        return a

    def trim_right_to_name(self, ctx: Context, view: SentenceView, a: int, b: int) -> int:
        """Cut a list's last item before 等, numerals, role words (代表) or verbs."""
        words, text = self.words, ctx.text
        end = a
        for tok in view.tokens:
            if tok.start < a or tok.start >= b:
                continue
            if tok.start > a and (tok.word in words.boundaries or tok.tag in STOP_TAGS
                                  or tok.word in words.all_triggers):
                break
            end = tok.end
        end = min(end, b)
        etc = text.find("等", a + 2, end)
        if etc > 0:
            end = etc  # 云海哲等企业: jieba glued 等 to the name
        label = text[a:end]
        tail = next((t for t in words.role_tails if label.endswith(t) and len(label) > len(t) + 1), "")
        return end - len(tail)  # 某银行代表 → 某银行

    def class_by_suffix(self, label: str) -> str | None:
        """The class a label's suffix gives it (a suffix alone names nothing)."""
        for regex, cls in self.suffixes:
            m = regex.search(label)
            if m and m.end() == len(label) and len(label) > len(m.group()):
                return cls
        return None


@rule("mention.list.name", requires=["tokens", "masks", "mentions.Person"],
      assigns=["mentions.Enterprise", "mentions.Organization", "mentions.DevelopmentZone", "mentions.Alliance",
               "lists"])
def list_names(words, spec):
    """Items of a list of names (A、B、C等15家企业), typed by their suffix or by the head noun."""
    rule_id = spec.name
    lists = ListsOfNames(words)
    weak_suffixes = tuple(words.lex.enterprise_suffixes)
    industry_head = words.industry_list_head
    sectors = frozenset(words.lex.words("sector_words.txt"))
    conjunction = re.compile(r"和|及|与|以及")
    counted = re.compile(rf"等|共|{NUMBER}")

    def joined_last(after: str):
        """(start, end) of a last name joined by a conjunction, right before a counted head:
        和海岚电子|等企业, 及云帆物流|3家企业 (a head such as 其他企业 with no 等 or number is not one)."""
        joined = conjunction.match(after)
        if joined is None:
            return None
        for end in range(joined.end() + 2, min(len(after), joined.end() + 16) + 1):
            head = lists.head.match(after, end)
            if head and not head.group(1) and counted.match(after, end):
                return joined.end(), end
        return None

    def run(ctx: Context, view: SentenceView) -> None:
        for items, labels, after in lists.of(ctx, view):
            if industry_head.match(after):
                continue  # industries (mention.list.industry)
            head = lists.head.match(after)
            end = items[-1][1]
            last = None if head else joined_last(after)
            if last is not None:  # 青禾科技、远澜生物和海岚电子等企业: the last name is one of them
                a, b = last
                items = items + [(end + a, end + b)]
                labels = labels + [clean_label(after[a:b])]
                end, after = end + b, after[b:]
                head = lists.head.match(after)
            if head and head.group(1) and any(t.tag in ("v", "p", "uj", "c") for t in view.tokens
                                              if end + head.start(1) <= t.start < end + head.end(1)):
                head = None  # 清单、政策送进企业, 教授、专家和企业高管: a verb or a conjunction stands between the list and 企业
            all_trade = all(label.endswith(weak_suffixes) and len(label) > 3 for label in labels)
            people = [m.span for m in view.mentions if m.cls == PERSON]
            for (a, b), label in zip(items, labels):
                if not (2 <= len(label) <= 20) or any(a < pe and ps < b for ps, pe in people):
                    continue  # 某公司总经理张三、…: a list of people, not of companies
                if label in sectors:
                    continue  # 工业、服务业企业: sectors, not companies
                cls = lists.class_by_suffix(label)
                if cls is None and ((head and head.group(2) in ("企业", "公司")) or all_trade):
                    cls = ENTERPRISE
                if cls:
                    ctx.add(a, b, cls, view, rule_id)
            ctx.lists.setdefault(view.sentence.index, []).append(items)

    return Gated(run, ENUMERATION_COMMA)


@rule("mention.list.industry", requires=["tokens", "masks"], assigns=["mentions.Industry"])
def list_industries(words, spec):
    """Items of a list of industries: 新能源汽车、生物医药等主导产业, 涵盖A、B和C等多个领域."""
    rule_id = spec.name
    lists = ListsOfNames(words)
    industry_head = words.industry_list_head
    # the last item joined by a conjunction, before the head: 和高端新材料|等多个领域
    joined_last = re.compile(rf"(?:和|及|与|以及)([{CJK}]{{2,8}}?)(?={industry_head.pattern})")
    # the rest of a last item that the cut for company names took for a verb: 高端装备|制造等领域
    rest_of_last = re.compile(rf"(?:{alternation(words.lex.words('industry_tails.txt'))})(?={industry_head.pattern})")

    def run(ctx: Context, view: SentenceView) -> None:
        for items, labels, after in lists.of(ctx, view):
            rest = None if industry_head.match(after) else rest_of_last.match(after)
            if rest and not joined_last.match(after):
                a, b = items[-1]
                items = items[:-1] + [(a, b + rest.end())]
                labels = labels[:-1] + [labels[-1] + rest.group()]
                after = after[rest.end():]
            last = joined_last.match(after)  # …、科创载体和高端新材料等多个领域
            if last:
                end = items[-1][1]
                items = items + [(end + last.start(1), end + last.end(1))]
                labels = labels + [last.group(1)]
                after = after[last.end():]
            if industry_head.match(after):
                for (a, b), label in zip(items, labels):
                    if 2 <= len(label) <= 12 and lists.class_by_suffix(label) is None:
                        ctx.add(a, b, INDUSTRY, view, rule_id)

    return Gated(run, ENUMERATION_COMMA)
