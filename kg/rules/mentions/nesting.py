"""Tidying the mentions: one mention per span and class, none inside a longer one or a document's title."""
from __future__ import annotations

import re

from kg.model import ENTERPRISE, Mention, ORGANIZATION, PERSON, PLACE, ZONE
from kg.rules.context import Context
from kg.rules.registry import DOCUMENT, rule
from kg.rules.spans import outermost

# The title of a document, a law or a publication: 《…》.
BOOK_TITLE = re.compile(r"《[^《》\n]{1,60}》")


@rule("mention.outermost", scope=DOCUMENT, requires=["bylines"], ids=())
def drop_nested(words, spec):
    """Within a class, a mention inside a longer one of the same class is a part of it, and goes.

    Names inside a document's title (《…高层次人才引进办法》) are part of the title, not
    things the article speaks of; a byline's outlet (来源:《…日报》) is. People and zones
    are kept whole: 开发区 inside 开发区党工委 is resolved on its own.
    """
    def run(ctx: Context) -> None:
        titles = [t.span() for t in BOOK_TITLE.finditer(ctx.text)]
        by_class: dict[str, list[Mention]] = {}
        for m in ctx.mentions:
            if titles and m not in ctx.bylines and any(a < m.start and m.end < b for a, b in titles):
                continue
            by_class.setdefault(m.cls, []).append(m)
        keep = []
        for cls, ms in by_class.items():
            keep.extend(ms if cls in (PERSON, ZONE) else outermost(ms))
        unique = {}
        organisations = {m.span for m in keep if m.cls == ORGANIZATION}
        companies = [m.span for m in keep if m.cls == ENTERPRISE]
        for m in keep:
            if m.cls == PLACE and m.span in organisations:
                continue  # 党群服务中心: one thing, named by both lists; the organisation stands
            if m.cls == PLACE and any(a <= m.start and m.end <= b and b - a > m.end - m.start for a, b in companies):
                continue  # 某某基金小镇建设发展有限公司: a company named after a place; the company stands
            unique.setdefault((m.start, m.end, m.cls), m)
        ctx.replace_mentions(sorted(unique.values(), key=lambda m: (m.start, -m.end, m.cls)))

    return run
