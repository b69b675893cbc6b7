"""The real page in headless Chromium: offline, searchable, filterable, and inert to hostile data.

Every test opens graph.html from disk with all network requests aborted and
checks that nothing but the file itself was requested. Skipped (with the reason)
where Chromium or Playwright is missing.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from kg.html import write_html
from kg.projection import to_networkx
from viewer_graphs import (
    ALLIANCE, EVENT, HOSTILE, HOSTILE_LABEL, PERSON, SENTENCE_1, SENTENCE_2, SENTENCE_3, ZONE, small_graph,
)

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
READY = "html[data-kg-ready=true]"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip(f"Chromium is not installed ({CHROMIUM} not found)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    with sync_api.sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Exception as exc:  # a broken install should skip, not fail, the suite
            pytest.skip(f"Chromium at {executable} does not start: {str(exc).splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def small_page(tmp_path_factory) -> Path:
    return write_html(small_graph(), tmp_path_factory.mktemp("html") / "graph.html")


def open_page(browser, path: Path):
    """Open `path` offline; collect console errors and every request the page makes."""
    url = path.resolve().as_uri()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    opened = SimpleNamespace(context=context, url=url, errors=[], requests=[])

    def only_the_page(route):
        if route.request.url == url:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_the_page)
    page = context.new_page()
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("console", lambda message: opened.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.goto(url)
    page.wait_for_selector(READY, state="attached", timeout=20000)
    opened.page = page
    return opened


@pytest.fixture
def opened(browser, small_page):
    opened = open_page(browser, small_page)
    yield opened
    opened.context.close()


def node_id(page, iri: str) -> int:
    return page.evaluate("iri => window.kg.nodeId(iri)", iri)


def node_point(page, iri: str) -> tuple[float, float]:
    """Where a node is drawn, in page coordinates, once the view stands still (the page may
    still be finishing a zoom or a layout when it says it is ready; a loaded machine is slow)."""
    read = """id => {
        const p = window.kg.network.canvasToDOM(window.kg.network.getPositions([id])[id]);
        const box = document.getElementById('kg-network').getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }"""
    node = node_id(page, iri)
    point = page.evaluate(read, node)
    for _ in range(50):
        page.wait_for_timeout(100)
        again = page.evaluate(read, node)
        if abs(again[0] - point[0]) < 0.5 and abs(again[1] - point[1]) < 0.5:
            break
        point = again
    return point[0], point[1]


def panel_text(page) -> str:
    return page.eval_on_selector("#kg-panel", "el => el.hidden ? '' : document.getElementById('kg-panel-body').textContent")


def test_opens_offline_without_errors_and_shows_every_node(opened):
    page = opened.page
    assert opened.errors == []
    assert opened.requests == [opened.url]
    assert page.evaluate("window.kgReady") is True
    assert page.evaluate("window.kg.nodes.length") == to_networkx(small_graph()).number_of_nodes() == 9
    # physics is off once the layout has settled
    assert page.evaluate("window.kg.network.physics.options.enabled") is False
    assert "9 / 9" in page.text_content("#kg-status")


def test_chinese_text_is_on_the_page(opened):
    legend = opened.page.text_content("#kg-legend")
    assert "开发区" in legend and "联盟" in legend


def test_search_with_traditional_characters_focuses_the_node(opened):
    page = opened.page
    page.fill("#kg-search", "青山經濟開發區")
    assert page.text_content("#kg-results li:first-child button").startswith("青山经济开发区")
    page.press("#kg-search", "Enter")
    assert page.evaluate("window.kg.network.getSelectedNodes()") == [node_id(page, ZONE)]
    assert page.text_content("#kg-panel h2") == "青山经济开发区"
    assert opened.errors == []


def test_search_finds_a_node_by_alias(opened):
    page = opened.page
    page.fill("#kg-search", "青山經開區")  # traditional form of the alias 青山经开区
    page.click("#kg-results li:first-child button")
    assert page.evaluate("window.kg.network.getSelectedNodes()") == [node_id(page, ZONE)]


def test_class_filter_hides_the_class(opened):
    page = opened.page
    person = node_id(page, PERSON)
    assert page.evaluate("id => window.kg.nodes.get(id).hidden", person) is False
    page.uncheck("input.kg-class-filter[data-class=Person]")
    assert page.evaluate("id => window.kg.nodes.get(id).hidden", person) is True
    assert page.evaluate("id => window.kg.nodes.get(id).hidden", node_id(page, ZONE)) is False
    assert "8 / 9" in page.text_content("#kg-status")
    page.check("input.kg-class-filter[data-class=Person]")
    assert page.evaluate("id => window.kg.nodes.get(id).hidden", person) is False


def test_article_filter_keeps_only_that_articles_nodes(opened):
    page = opened.page
    page.select_option("#kg-article-filter", label="青山开发区举办青年党员培训班")
    hidden = page.evaluate("() => window.kg.nodes.get({filter: n => n.hidden}).map(n => n.id)")
    assert node_id(page, PERSON) in hidden and node_id(page, ALLIANCE) in hidden
    assert node_id(page, EVENT) not in hidden and node_id(page, ZONE) not in hidden


def test_clicking_a_node_opens_the_panel_with_its_evidence(opened):
    page = opened.page
    page.mouse.click(*node_point(page, EVENT))
    text = panel_text(page)
    assert text.startswith("青年党员培训班")
    assert "活动事件 Event · TrainingEvent" in text
    assert SENTENCE_1 in text
    assert "青山开发区举办青年党员培训班" in text  # the evidence's article
    assert "组织者 organizer" in text and "日期 date2024-07-01" in text
    marks = page.eval_on_selector_all("#kg-panel mark", "els => els.map(e => e.textContent)")
    assert marks[:3] == ["青年党员培训班", "青山经济开发区", "30余名青年党员"]  # type, organizer, participant spans
    # the neighbourhood is highlighted: a non-neighbour is dimmed, a neighbour keeps its colour
    colours = page.evaluate("""ids => ids.map(id => window.kg.nodes.get(id).color)""",
                            [node_id(page, PERSON), node_id(page, ZONE)])
    assert colours[0].startswith("rgba(") and colours[1].startswith("#")


def test_panel_lists_relations_with_their_evidence(opened):
    page = opened.page
    page.mouse.click(*node_point(page, ZONE))
    text = panel_text(page)
    assert "别名 Aliases青山开发区、青山经开区" in text
    assert "成员隶属 member of" in text and SENTENCE_2 in text


def test_panel_shows_where_an_attribute_was_read(opened):
    page = opened.page
    page.fill("#kg-search", "青年党员")
    page.press("#kg-search", "Enter")  # exact match beats 青年党员培训班
    text = panel_text(page)
    assert text.startswith("青年党员人才群体")
    assert "数量 count: 30" in text and SENTENCE_1 in text
    assert page.text_content("#kg-panel mark") == "30余"  # offsets 49–52, the sentence starts at 20


def test_mentioned_in_links_are_off_until_asked_for(opened):
    page = opened.page
    without = page.evaluate("window.kg.edges.length")
    page.check("#kg-context")
    assert page.evaluate("window.kg.edges.length") == without + 8
    page.uncheck("#kg-context")
    assert page.evaluate("window.kg.edges.length") == without


def test_hovering_a_node_shows_its_evidence_sentence(opened):
    page = opened.page
    page.mouse.move(*node_point(page, EVENT))
    page.wait_for_selector("#kg-tooltip:not([hidden])", timeout=5000)
    assert SENTENCE_1 in page.text_content("#kg-tooltip")


def test_hovering_an_edge_shows_the_relation_in_chinese_and_english(opened):
    page = opened.page
    (x1, y1), (x2, y2) = node_point(page, ZONE), node_point(page, ALLIANCE)
    page.mouse.move((x1 + x2) / 2, (y1 + y2) / 2)
    page.wait_for_selector("#kg-tooltip:not([hidden])", timeout=5000)
    tip = page.text_content("#kg-tooltip")
    assert "成员隶属 member of" in tip and SENTENCE_2 in tip


def test_hostile_label_and_sentence_stay_text(opened):
    page = opened.page
    page.fill("#kg-search", "绿叶")
    page.press("#kg-search", "Enter")
    assert page.evaluate("window.kg.network.getSelectedNodes()") == [node_id(page, HOSTILE)]
    assert page.text_content("#kg-panel h2") == HOSTILE_LABEL
    assert SENTENCE_3 in panel_text(page)  # markup shown literally
    page.fill("#kg-search", "script")
    assert HOSTILE_LABEL in page.text_content("#kg-results")
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelectorAll('img, #kg-panel b, #kg-panel script').length") == 0
    assert opened.errors == []
    assert opened.requests == [opened.url]


def test_overview_starts_small_and_expands(browser, tmp_path):
    path = write_html(small_graph(), tmp_path / "graph.html", overview_limit=3)
    opened = open_page(browser, path)
    try:
        page = opened.page
        assert page.evaluate("window.kg.nodes.length") == 3
        assert page.is_visible("#kg-show-all")
        page.mouse.dblclick(*node_point(page, ZONE))
        loaded = page.evaluate("window.kg.nodes.getIds()")
        assert node_id(page, PERSON) in loaded and node_id(page, EVENT) in loaded  # the zone's neighbours
        page.click("#kg-show-all")
        assert page.evaluate("window.kg.nodes.length") == 9
        assert not page.is_visible("#kg-show-all")
        assert opened.errors == []
        assert opened.requests == [opened.url]
    finally:
        opened.context.close()


def test_search_reaches_nodes_the_overview_left_out(browser, tmp_path):
    path = write_html(small_graph(), tmp_path / "graph.html", overview_limit=3)
    opened = open_page(browser, path)
    try:
        page = opened.page
        person = node_id(page, PERSON)
        assert person not in page.evaluate("window.kg.nodes.getIds()")
        page.fill("#kg-search", "李晓红")
        page.press("#kg-search", "Enter")
        assert person in page.evaluate("window.kg.nodes.getIds()")
        assert page.evaluate("window.kg.network.getSelectedNodes()") == [person]
        assert opened.errors == []
    finally:
        opened.context.close()


def test_empty_graph_page_is_ready(browser, tmp_path):
    from rdflib import Graph

    opened = open_page(browser, write_html(Graph(), tmp_path / "graph.html"))
    try:
        assert opened.page.evaluate("window.kg.nodes.length") == 0
        assert "图谱为空" in opened.page.text_content("#kg-network")
        assert opened.errors == []
    finally:
        opened.context.close()
