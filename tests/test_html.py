"""kg.html: the page is one self-contained file and its data is inert text."""
from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest

from kg.errors import KgError
from kg.html import (
    OVERVIEW_ENV, json_for_script, page_data, render_html, traditional_to_simplified_map, write_html,
)
from kg.projection import to_networkx
from viewer_graphs import ALLIANCE, GROUP, SENTENCE_1, HOSTILE, HOSTILE_LABEL, SENTENCE_2, SENTENCE_3, ZONE, small_graph, synthetic_graph


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(small_graph())


class _Scripts(HTMLParser):
    """Collects (attributes, content) of every <script> element, as a browser splits them."""

    def __init__(self):
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._current = (dict(attrs), [])

    def handle_data(self, data):
        if self._current is not None:
            self._current[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._current is not None:
            self.scripts.append((self._current[0], "".join(self._current[1])))
            self._current = None


def scripts_of(html: str) -> list[tuple[dict, str]]:
    parser = _Scripts()
    parser.feed(html)
    return parser.scripts


def embedded_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert match, "no embedded graph data"
    return json.loads(match.group(1))


def test_no_external_resource_of_any_kind(page):
    # every script and style is inline; the only src/href is the empty data: favicon
    assert re.findall(r'\b(?:src|href)\s*=\s*"([^"]*)"', page) == ["data:,"]
    assert "@import" not in page
    assert not re.search(r"url\(\s*(?!['\"]?data:)", page)
    assert "@font-face" not in page
    for cdn in ("cdnjs", "jsdelivr", "unpkg", "googleapis", "bootstrapcdn"):
        assert cdn not in page
    assert re.search(r"<link[^>]+stylesheet", page) is None


def test_vis_network_from_pyvis_is_inlined(page):
    assert "vis-network" in page
    scripts = scripts_of(page)
    assert [attrs for attrs, _ in scripts] == [{"type": "application/json", "id": "kg-data"}, {}, {}]
    assert "vis-network" in scripts[1][1] and "new vis.Network" in scripts[2][1]
    assert 'id="kg-network"' in page


def test_content_security_policy_allows_only_the_inline_scripts(page):
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp
    scripts = [text for attrs, text in scripts_of(page) if not attrs]
    assert len(scripts) == 2
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_hostile_label_is_escaped_json_not_markup(page):
    assert "<script>window.__pwned" not in page
    data = embedded_data(page)
    labels = [d["label"] for d in data["details"]["nodes"]]
    assert HOSTILE_LABEL in labels
    raw = page.split('id="kg-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in raw and ">" not in raw and "&" not in raw


def test_json_for_script_escapes_markup_characters():
    text = json_for_script({"a": "</script><b>&amp;\u2028"})
    assert text == '{"a":"\\u003c/script\\u003e\\u003cb\\u003e\\u0026amp;\\u2028"}'
    assert json.loads(text) == {"a": "</script><b>&amp;\u2028"}


def test_embedded_data_describes_every_node_and_edge(page):
    data = embedded_data(page)
    nxg = to_networkx(small_graph())
    assert data["meta"]["nodes"] == len(data["nodes"]) == nxg.number_of_nodes()
    assert len(data["edges"]) == nxg.number_of_edges()
    assert data["initial"] is None  # small graph: everything shown at once
    by_iri = {d["iri"]: d for d in data["details"]["nodes"]}
    zone = by_iri[ZONE]
    assert zone["alt"] == ["青山开发区", "青山经开区"]
    assert ["面积(平方米)", "area (square metres)", "1200000.5", []] in zone["attrs"]
    group = by_iri[GROUP]
    count_row = next(row for row in group["attrs"] if row[1] == "count")
    assert count_row[2] == "30" and data["sentences"][count_row[3][0][0]] == SENTENCE_1
    member_edges = [d for d in data["details"]["edges"] if d["p"] == "memberOf"]
    assert data["sentences"][member_edges[0]["ev"][0][0]] == SENTENCE_2
    assert data["predicates"]["memberOf"] == ["成员隶属", "member of"]
    assert {e["label"] for e in data["articles"]} == {"青山开发区举办青年党员培训班", "青山党建联盟新闻"}


def test_node_size_follows_pagerank_and_colour_follows_class(page):
    data = embedded_data(page)
    by_iri = {d["iri"]: i for i, d in enumerate(data["details"]["nodes"])}
    zone, alliance = data["nodes"][by_iri[ZONE]], data["nodes"][by_iri[ALLIANCE]]
    assert zone["size"] > alliance["size"]  # the zone has the most relations
    assert zone["color"] != alliance["color"]
    colours = {c["name"]: c["color"] for c in data["classes"]}
    assert zone["color"] == colours["DevelopmentZone"]


def test_long_labels_are_shortened_on_the_canvas_only(page):
    data = embedded_data(page)
    i = [d["iri"] for d in data["details"]["nodes"]].index(HOSTILE)
    assert data["nodes"][i]["label"].endswith("…")
    assert data["details"]["nodes"][i]["label"] == HOSTILE_LABEL


def test_traditional_map_covers_the_label_characters_only():
    mapping = traditional_to_simplified_map("青山经济开发区")
    assert mapping["開"] == "开" and mapping["發"] == "发" and mapping["區"] == "区"
    assert mapping["經"] == "经" and mapping["濟"] == "济"
    assert set(mapping.values()) <= set("青山经济开发区")
    assert "聯" not in mapping  # 联 is not in the text


def test_page_carries_the_t2s_map_for_its_labels(page):
    t2s = embedded_data(page)["t2s"]
    assert t2s["開"] == "开" and t2s["聯"] == "联" and t2s["黨"] == "党"


def test_big_graph_opens_on_an_overview_led_by_the_backbone():
    nxg = to_networkx(small_graph())
    data = page_data(nxg, overview_limit=3)
    assert data["meta"]["overview"] is True
    shown = {data["details"]["nodes"][i]["cls"] for i in data["initial"]}
    assert shown == {"DevelopmentZone", "Alliance", "Enterprise"}
    assert len(data["initial"]) == 3


def test_overview_fills_up_with_the_highest_ranked_nodes():
    nxg = to_networkx(small_graph())
    data = page_data(nxg, overview_limit=4)
    chosen = [data["details"]["nodes"][i] for i in data["initial"]]
    extra = [d for d in chosen if d["cls"] not in ("DevelopmentZone", "Alliance", "Enterprise")]
    assert [d["label"] for d in extra] == ["青年党员培训班"]  # the best-connected non-backbone node


def test_overview_limit_from_the_environment(monkeypatch):
    monkeypatch.setenv(OVERVIEW_ENV, "5")
    assert len(embedded_data(render_html(small_graph()))["initial"]) == 5
    monkeypatch.setenv(OVERVIEW_ENV, "many")
    with pytest.raises(KgError):
        render_html(small_graph())


def test_synthetic_graph_above_the_limit_starts_with_the_limit():
    graph = synthetic_graph(300, 700)
    data = page_data(to_networkx(graph), overview_limit=100)
    assert len(data["initial"]) == 100
    assert data["meta"]["nodes"] == 300


def test_write_html_is_atomic_and_returns_the_path(tmp_path):
    target = tmp_path / "out" / "graph.html"
    assert write_html(small_graph(), target) == target
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in html
    assert sorted(p.name for p in target.parent.iterdir()) == ["graph.html"]
    assert SENTENCE_3 not in html  # the hostile sentence is only present escaped


def test_articles_are_shown_by_headline_and_found_by_file_id():
    from rdflib import Graph

    from viewer_graphs import PREFIXES

    graph = Graph().parse(data=PREFIXES + """
        <article/007_abc> a kg:Article ; rdfs:label "007_abc"@zh ; kg:headline "青山开发区召开人才座谈会"@zh .
        <article/008_def> a kg:Article ; rdfs:label "008_def"@zh .
    """, format="turtle")
    data = page_data(to_networkx(graph))
    shown = {d["iri"].rsplit("/", 1)[1]: d for d in data["details"]["nodes"]}
    assert shown["007_abc"]["label"] == "青山开发区召开人才座谈会"
    assert "007_abc" in shown["007_abc"]["alt"]  # still searchable by its id
    assert shown["008_def"]["label"] == "008_def"  # no headline: the label
    assert {a["label"] for a in data["articles"]} == {"青山开发区召开人才座谈会", "008_def"}


def test_each_evidence_sentence_is_in_the_page_once():
    # one sentence supporting many statements: rows point at it, the text is written once
    data = page_data(to_networkx(small_graph()))
    assert len(data["sentences"]) == len(set(data["sentences"]))
    rows = [row for d in data["details"]["nodes"] for row in d["ev"]]
    rows += [row for d in data["details"]["edges"] for row in d["ev"]]
    used = {row[0] for row in rows}
    assert used == set(range(len(data["sentences"])))
    assert len(rows) > len(data["sentences"])  # some sentence is referenced more than once
