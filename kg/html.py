"""The interactive graph page: one self-contained HTML file, drawn by pyvis/vis-network.

Everything the page needs is inside it: the vis-network JS/CSS that the pyvis
package ships, the viewer script, and the graph as JSON. A Content-Security-Policy
that allows nothing but those inline scripts (by hash) keeps the page offline
and stops any markup hiding in the data from running.

    write_html(graph, Path("output/graph.html"))

Large graphs open on an overview (zones, alliances, enterprises and the
highest-ranked nodes); the limit is `overview_limit`, else the environment
variable KG_HTML_OVERVIEW_NODES, else 1500 nodes.
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import networkx as nx
from rdflib import Graph, URIRef

from kg.analytics import degrees, node_measure
from kg.atomic import atomic_write_text
from kg.errors import KgError
from kg.projection import CONTEXT_PREDICATES, RESERVED_NODE_KEYS, Evidence, term_labels, to_networkx
from kg.vocab import KG

OVERVIEW_ENV = "KG_HTML_OVERVIEW_NODES"
DEFAULT_OVERVIEW_LIMIT = 1500
BACKBONE_CLASSES = ("DevelopmentZone", "Alliance", "Enterprise")
# The page stops the force layout after this long even if it has not converged,
# so that a big graph on a slow machine still becomes usable within seconds.
LAYOUT_BUDGET_MS = 3000
MAX_DRAWN_LABEL = 18  # longer labels are cut on the canvas; the panel shows them whole

# One colour per core class, in legend order (Tableau-like: distinct, readable on white).
CLASS_COLORS = {
    "DevelopmentZone": "#d62728",
    "Alliance": "#9467bd",
    "Enterprise": "#1f77b4",
    "Organization": "#17becf",
    "TalentGroup": "#2ca02c",
    "Event": "#ff7f0e",
    "Person": "#e377c2",
    "Place": "#8c564b",
    "Industry": "#bcbd22",
    "Initiative": "#7f7f7f",
    "Campaign": "#393b79",
    "Article": "#9ecae1",
}
FALLBACK_COLOR = "#aaaaaa"

# Fonts installed with the system; no web font, so nothing is fetched.
FONT_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
              '"Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans SC", sans-serif')


def write_html(graph: Graph | nx.MultiDiGraph, path: Path, *, overview_limit: int | None = None) -> Path:
    """Write the interactive graph page for `graph` (or its projection) to `path`, atomically."""
    return atomic_write_text(Path(path), render_html(graph, overview_limit=overview_limit))


def render_html(graph: Graph | nx.MultiDiGraph, *, overview_limit: int | None = None,
                title: str = "知识图谱 Knowledge graph") -> str:
    nxg = graph if isinstance(graph, nx.MultiDiGraph) else to_networkx(graph)
    data = page_data(nxg, overview_limit=page_overview_limit(overview_limit))
    return render_page(data, title=title)


def page_overview_limit(explicit: int | None = None) -> int:
    if explicit is not None:
        return max(1, int(explicit))
    raw = os.environ.get(OVERVIEW_ENV, "").strip()
    if raw:
        try:
            return max(1, int(raw))
        except ValueError:
            raise KgError(f"{OVERVIEW_ENV} must be a whole number of nodes, not {raw!r}") from None
    return DEFAULT_OVERVIEW_LIMIT


# ---------------------------------------------------------------- data

def page_data(nxg: nx.MultiDiGraph, *, overview_limit: int = DEFAULT_OVERVIEW_LIMIT) -> dict:
    """Everything the page script needs, as JSON-ready data; node ids are 0..n-1."""
    iris = list(nxg.nodes)
    index = {iri: i for i, iri in enumerate(iris)}
    ranks = node_measure(nxg)
    degree = degrees(nxg)
    top_rank = max(ranks.values(), default=0.0) or 1.0

    articles = _article_list(nxg, index)
    article_index = {a["iri"]: i for i, a in enumerate(articles)}
    # each evidence sentence once, referenced by its number: a sentence that supports a
    # thousand mentions would otherwise be repeated a thousand times in the page
    sentences: dict[str, int] = {}

    def evidence(rows: list[Evidence]) -> list[list]:
        return [_evidence_row(e, sentences.setdefault(e.sentence, len(sentences)), article_index) for e in rows]

    network = _pyvis_network(nxg, index, ranks, top_rank)
    vis_nodes, vis_edges, _heading, _height, _width, _options = network.get_network_data()

    node_details = []
    for iri in iris:
        data = nxg.nodes[iri]
        own_articles = list(data["articles"])
        if data["class"] == "Article":
            own_articles.append(iri)  # an article node belongs to its own article filter
        label = display_label(data)
        node_details.append({
            "iri": iri,
            "label": label,
            "alt": [a for a in [data["label"], *data["alt_labels"]] if a != label],
            "cls": data["class"],
            "sub": data["subclass"],
            "attrs": _attribute_rows(data, evidence),
            "articles": sorted({article_index[a] for a in own_articles if a in article_index}),
            "ev": evidence(data["evidence"]),
            "rank": round(ranks.get(iri, 0.0), 6),
            "degree": degree.get(iri, 0),
        })

    predicates: dict[str, list[str]] = {}
    edge_details = []
    for s, o, key, data in nxg.edges(keys=True, data=True):
        predicates.setdefault(key, [data["label_zh"], data["label_en"]])
        edge_details.append({
            "p": key,
            "ctx": key in CONTEXT_PREDICATES,
            "ev": evidence(data["evidence"]),
        })

    classes = _class_legend(nxg)
    initial = _overview_nodes(nxg, index, ranks, overview_limit)
    labels_text = "".join(d["label"] + "".join(d["alt"]) for d in node_details)
    return {
        "meta": {
            "nodes": len(iris),
            "edges": nxg.number_of_edges(),
            "overview": initial is not None,
            "overviewLimit": overview_limit,
            "measure": "PageRank",
            "layoutBudgetMs": LAYOUT_BUDGET_MS,
        },
        "classes": classes,
        "articles": articles,
        "predicates": predicates,
        "nodes": vis_nodes,
        "edges": vis_edges,
        "details": {"nodes": node_details, "edges": edge_details},
        "sentences": list(sentences),
        "initial": initial,
        "t2s": traditional_to_simplified_map(labels_text),
        "options": _vis_options(len(iris), nxg.number_of_edges()),
    }


def display_label(data: dict) -> str:
    """What the page calls a node: its label, but an article by its headline when it has one
    (an article's rdfs:label may be just its file id)."""
    headline = data.get("headline") if data["class"] == "Article" else None
    if isinstance(headline, list):
        headline = headline[0] if headline else None
    return str(headline) if headline else data["label"]


def _pyvis_network(nxg: nx.MultiDiGraph, index: dict[str, int], ranks: dict[str, float], top_rank: float):
    """The drawing data, made by pyvis from the networkx projection."""
    from pyvis.network import Network

    network = Network(directed=True, cdn_resources="in_line")
    for iri, data in nxg.nodes(data=True):
        label = display_label(data)
        drawn = label if len(label) <= MAX_DRAWN_LABEL else label[: MAX_DRAWN_LABEL - 1] + "…"
        # sqrt: PageRank is heavy-tailed; area, not radius, should follow it
        size = 8 + 28 * math.sqrt(ranks.get(iri, 0.0) / top_rank)
        network.add_node(index[iri], label=drawn, shape="dot",
                         color=CLASS_COLORS.get(data["class"], FALLBACK_COLOR),
                         size=round(size, 1))
    # pyvis checks endpoints against a list; a set-backed copy keeps big graphs fast
    network.node_ids = _IdList(network.node_ids)
    for edge_id, (s, o, key) in enumerate(nxg.edges(keys=True)):
        network.add_edge(index[s], index[o], id=edge_id)
    return network


class _IdList(list):
    """pyvis's node id list with set-speed `in` (it tests membership per edge)."""

    def __init__(self, items):
        super().__init__(items)
        self._members = set(items)

    def __contains__(self, item):
        return item in self._members


def _article_list(nxg: nx.MultiDiGraph, index: dict[str, int]) -> list[dict]:
    """Every article: the Article nodes, then any article only evidence names."""
    found: dict[str, dict] = {}
    for iri, data in nxg.nodes(data=True):
        if data["class"] == "Article":
            found[iri] = {"iri": iri, "label": display_label(data), "node": index[iri]}
    for _s, _o, data in nxg.edges(data=True):
        for e in data["evidence"]:
            if e.article and e.article not in found:
                found[e.article] = {"iri": e.article, "label": e.article_label or e.article, "node": None}
    for _n, data in nxg.nodes(data=True):
        for e in data["evidence"]:
            if e.article and e.article not in found:
                found[e.article] = {"iri": e.article, "label": e.article_label or e.article, "node": None}
        for a in data["articles"]:
            if a not in found:
                found[a] = {"iri": a, "label": a, "node": None}
    return sorted(found.values(), key=lambda a: (a["label"], a["iri"]))


def _evidence_row(e: Evidence, sentence: int, article_index: dict[str, int]) -> list:
    """[sentence number, article number or -1, start, end, sentence start] — compact for big graphs."""
    return [sentence, article_index.get(e.article, -1), e.start, e.end, e.sentence_start]


def _attribute_rows(data: dict, evidence) -> list[list]:
    """[[Chinese name, English name, value as text, evidence rows], ...] for the literal attributes."""
    rows = []
    for key in sorted(k for k in data if k not in RESERVED_NODE_KEYS):
        value = data[key]
        text = "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
        zh, en = term_labels(URIRef(str(KG._NS) + key))
        rows.append([zh, en, text, evidence(data.get("attribute_evidence", {}).get(key, []))])
    return rows


def _class_legend(nxg: nx.MultiDiGraph) -> list[dict]:
    counts: dict[str, int] = {}
    for _n, cls in nxg.nodes(data="class"):
        counts[cls] = counts.get(cls, 0) + 1
    order = list(CLASS_COLORS) + sorted(set(counts) - set(CLASS_COLORS))
    legend = []
    for cls in order:
        if cls not in counts:
            continue
        zh, en = term_labels(URIRef(str(KG._NS) + cls))
        legend.append({"name": cls, "zh": zh, "en": en,
                       "color": CLASS_COLORS.get(cls, FALLBACK_COLOR), "count": counts[cls]})
    return legend


def _overview_nodes(nxg, index, ranks, limit: int) -> list[int] | None:
    """Node ids to show first when the graph is bigger than `limit`, else None (show all).

    The backbone (zones, alliances, enterprises) comes first, most central first,
    then the highest-ranked other nodes until the limit.
    """
    if nxg.number_of_nodes() <= limit:
        return None
    by_rank = sorted(nxg.nodes, key=lambda n: (-ranks.get(n, 0.0), n))
    backbone = [n for n in by_rank if nxg.nodes[n]["class"] in BACKBONE_CLASSES]
    chosen = backbone[:limit]
    taken = set(chosen)
    for n in by_rank:
        if len(chosen) >= limit:
            break
        if n not in taken:
            chosen.append(n)
            taken.add(n)
    return sorted(index[n] for n in chosen)


def _vis_options(node_count: int, edge_count: int) -> dict:
    big = node_count > 400 or edge_count > 1200
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": node_count <= 150},
        "nodes": {"shape": "dot", "borderWidth": 1,
                  "font": {"size": 14, "face": FONT_STACK, "color": "#333333",
                           "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "color": {"color": "#b8c0cc", "highlight": "#444444", "hover": "#666666"},
                  "width": 1, "selectionWidth": 2, "hoverWidth": 1.5,
                  "smooth": False if big else {"enabled": True, "type": "continuous", "roundness": 0.4}},
        "physics": {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -6000, "centralGravity": 0.25,
                          "springLength": 120, "springConstant": 0.04, "damping": 0.3,
                          "avoidOverlap": 0 if big else 0.1},
            # small update intervals let the page check its time budget often
            "stabilization": {"enabled": True, "iterations": 200 if big else 400,
                              "updateInterval": 10, "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "multiselect": False,
                        "hideEdgesOnDrag": big, "hideEdgesOnZoom": big, "navigationButtons": False,
                        "keyboard": False},
    }


# ---------------------------------------------------------------- traditional → simplified

@lru_cache(maxsize=1)
def _cjk_t2s_table() -> dict[str, str]:
    """Every CJK ideograph that OpenCC (t2s) turns into a different single character."""
    import opencc

    chars = [chr(c) for c in range(0x3400, 0xA000)] + [chr(c) for c in range(0xF900, 0xFB00)]
    # one character per line, so OpenCC's phrase rules cannot join neighbours
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):
        return {}
    return {t: s for t, s in zip(chars, converted) if t != s and len(s) == 1}


def traditional_to_simplified_map(text: str) -> dict[str, str]:
    """The part of the t2s table whose simplified side occurs in `text` (the graph's labels).

    Searching 開發區 must find 开发区; only characters that can match a label matter,
    which keeps the map small.
    """
    wanted = set(text)
    return {t: s for t, s in sorted(_cjk_t2s_table().items()) if s in wanted}


# ---------------------------------------------------------------- page

def _asset(name: str) -> str:
    return resources.files("kg").joinpath("html_assets", name).read_text(encoding="utf-8")


def _vis_files() -> tuple[str, str]:
    """(vis-network.min.js, vis-network.css) as shipped in the pyvis package."""
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "lib"
    folders = sorted(lib.glob("vis-*"), key=lambda p: [int(x) for x in re.findall(r"\d+", p.name)])
    for folder in reversed(folders):
        js, css = folder / "vis-network.min.js", folder / "vis-network.css"
        if js.is_file() and css.is_file():
            return js.read_text(encoding="utf-8"), css.read_text(encoding="utf-8")
    raise KgError(f"vis-network not found in the pyvis package ({lib}); reinstall pyvis")


def json_for_script(data) -> str:
    """JSON that is safe inside <script type="application/json">: no <, >, & or line separators raw."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _inline_script(js: str) -> str:
    # "</script" would end the element early; JS reads "<\/script" the same way
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def render_page(data: dict, *, title: str) -> str:
    from jinja2 import Environment

    vis_js, vis_css = _vis_files()
    vis_js = _inline_script(vis_js)
    viewer_js = _inline_script(_asset("viewer.js"))
    env = Environment(autoescape=True, keep_trailing_newline=True)
    template = env.from_string(_asset("viewer.html"))
    return template.render(
        title=title,
        csp_script_hashes=_safe(" ".join(_csp_hash(s) for s in (vis_js, viewer_js))),
        vis_css=_safe(vis_css.replace("</", "<\\/")),
        viewer_css=_safe(_asset("viewer.css").replace("</", "<\\/")),
        vis_js=_safe(vis_js),
        viewer_js=_safe(viewer_js),
        data_json=_safe(json_for_script(data)),
        font_stack=FONT_STACK,
    )


def _safe(text: str):
    from markupsafe import Markup

    return Markup(text)
