"""`kg query` and the named queries (kg.query), on the hand-written sample graph."""
from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.cli import main
from kg.errors import KgError
from kg.query import (
    bind_params,
    display_width,
    format_result,
    format_table,
    named_queries,
    open_source,
    parse_named_query,
    resolve_query,
    run_query,
    sparql_literal,
)
from test_store import SAMPLE_TRIG, write_sample


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.load(SAMPLE_TRIG, format=ox.RdfFormat.TRIG)
    from kg.store import add_ontology, merge_into_default
    from kg.summary import add_summary

    add_ontology(store)
    merge_into_default(store)
    add_summary(store)
    return store


def rows(store: ox.Store, name: str, **params: str) -> list[dict[str, str]]:
    result = run_query(store, resolve_query(name, params))
    variables = [v.value for v in result.variables]
    return [{v: (s[v].value if s[v] is not None else None) for v in variables} for s in result]


# ------------------------------------------------------------ named queries


def test_every_named_query_has_a_description_and_parses(store):
    queries = named_queries()
    assert len(queries) >= 12
    for name, q in queries.items():
        assert q.description, f"{name}.rq needs a first comment line saying what it answers"
        values = {p.name: "x" for p in q.params if p.default is None}  # whole-number ones have defaults
        run_query(store, bind_params(q.text, values, q.params))  # raises on a malformed query


def test_entities_per_class(store):
    counts = {r["class"].rsplit("#", 1)[1]: (int(r["entities"]), r["name"]) for r in rows(store, "entities-per-class")}
    assert counts["Person"] == (4, "人物")
    assert counts["Enterprise"] == (2, "企业")
    assert counts["DevelopmentZone"] == (1, "开发区")
    assert counts["TrainingEvent"] == (1, "培训")


def test_enterprises_per_event(store):
    result = {r["eventLabel"]: (int(r["enterprises"]), set(r["names"].split("、"))) for r in rows(store, "enterprises-per-event")}
    assert result == {"青年骨干培训班": (2, {"云帆科技", "青松制药"}), "年度大会": (1, {"云帆科技"})}


def test_zone_events(store):
    result = rows(store, "zone-events")
    assert [(r["zoneLabel"], r["eventLabel"], r["date"]) for r in result] == [
        ("星河经济开发区", "青年骨干培训班", "2024-03-01")]
    assert result[0]["type"].endswith("#TrainingEvent")


def test_alliance_members(store):
    result = rows(store, "alliance-members")
    assert [(r["allianceLabel"], r["memberLabel"]) for r in result] == [("星河产业链党建联盟", "云帆科技")]


def test_talent_groups_with_counts(store):
    result = rows(store, "talent-groups")
    assert {(r["group"], r["count"], r["qualifier"], r["unit"]) for r in result} == {("青年骨干", "120", "余", "名")}
    assert {r["from"] for r in result} == {"云帆科技", "青松制药"}


def test_people_and_titles(store):
    result = {r["person"]: (r["title"], r["organization"]) for r in rows(store, "people")}
    assert result["陈志远"] == ("党工委书记", "星河经济开发区")
    assert result["王小明"] == (None, None)
    assert len(rows(store, "people")) == 4, "a person stated in two articles is listed once"


@pytest.mark.parametrize("name", ["星河经济开发区", "星河开发区"])
def test_entity_by_name_or_alias_with_evidence(store, name):
    result = rows(store, "entity", entity=name)
    facts = {(r["subject"], r["predicate"].rsplit("#", 1)[1], r["object"]) for r in result}
    assert facts == {
        ("青年骨干培训班", "organizer", "星河经济开发区"),
        ("星河产业链党建联盟", "establishedBy", "星河经济开发区"),
    }
    organizer = next(r for r in result if r["predicate"].endswith("#organizer"))
    assert organizer["rule"] == "organizer:组织"
    assert (organizer["start"], organizer["end"]) == ("25", "36")
    assert organizer["evidence"].startswith("3月1日，星河经济开发区组织")
    assert organizer["article"].endswith("/article/t001")


def test_entity_parameter_cannot_inject_sparql(store):
    hostile = '云帆科技"@zh } ?e ?p ?o . { ?x ?y "'
    assert rows(store, "entity", entity=hostile) == []
    hostile = "云帆科技\\\" } UNION { ?s ?p ?o } #"
    assert rows(store, "entity", entity=hostile) == []


def test_provenance_lists_every_assertion_once(store):
    result = rows(store, "provenance")
    assert len(result) == 6
    count = next(r for r in result if r["predicate"].endswith("#count"))
    assert (count["subject"], count["object"], count["rule"]) == ("青年骨干", "120", "count:数量词")
    assert count["sentence"].endswith("/article/t001/s0")
    assert all(r["evidence"] and r["start"] and r["end"] for r in result)


def test_articles_with_bylines(store):
    result = {r["article"].rsplit("/", 1)[1]: r for r in rows(store, "articles")}
    first = result["t001"]
    assert (first["authors"], first["contributors"], first["editors"], first["publishers"]) == (
        "王小明", "李芳", "赵强", "星河日报")
    assert first["headline"] == "星河经济开发区举办青年骨干培训班"
    assert (first["statements"], result["t002"]["statements"]) == ("4", "2")


def test_event_timeline(store):
    result = rows(store, "event-timeline")
    assert [r["event"] for r in result] == ["年度大会", "青年骨干培训班"]
    meeting, training = result
    assert (meeting["dateText"], meeting["organizers"], meeting["campaign"]) == ("日前", "星河产业链党建联盟", "百日攻坚行动")
    assert (training["date"], training["place"]) == ("2024-03-01", "星河会展中心")


def test_industry_enterprises(store):
    assert [(r["industry"], r["enterprises"], r["names"]) for r in rows(store, "industry-enterprises")] == [
        ("人工智能", "1", "云帆科技")]


def test_rules(store):
    result = {r["rule"]: int(r["statements"]) for r in rows(store, "rules")}
    assert result["organizer:组织"] == 1
    assert sum(result.values()) == 6


def test_co_mentioned(store):
    result = {frozenset((r["a"], r["b"])): int(r["articles"]) for r in rows(store, "co-mentioned")}
    assert result[frozenset(("星河经济开发区", "云帆科技"))] == 2
    assert result[frozenset(("星河产业链党建联盟", "云帆科技"))] == 1


def test_article(store):
    result = rows(store, "article", article="t002")
    assert [(r["start"], r["predicate"].rsplit("#", 1)[1]) for r in result] == [("16", "establishedBy"), ("37", "memberOf")]
    assert rows(store, "article", article="no-such-article") == []


# ------------------------------------------------------------ parameters


def test_sparql_literal_escapes():
    assert sparql_literal('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert sparql_literal("青禾医药", "zh") == '"青禾医药"@zh'
    # the escaped literal parses back to the very same string
    for value in ['a"b', "back\\slash", "line\nbreak", "tab\tand\r", "'single'", '"""']:
        result = ox.Store().query(f"SELECT ?v WHERE {{ BIND({sparql_literal(value)} AS ?v) }}")
        assert next(iter(result))["v"].value == value


def test_bind_params_requires_declared_and_rejects_unknown(tmp_path):
    rq = tmp_path / "q.rq"
    rq.write_text("# Labels of one thing.\n# param: who@zh — a name\nSELECT ?e WHERE { ?e rdfs:label $who }\n",
                  encoding="utf-8")
    named = parse_named_query(rq)
    assert named.description == "Labels of one thing."
    assert [(p.name, p.language, p.description) for p in named.params] == [("who", "zh", "a name")]
    assert '"云帆科技"@zh' in bind_params(named.text, {"who": "云帆科技"}, named.params)
    with pytest.raises(KgError, match="--param who="):
        bind_params(named.text, {}, named.params)
    with pytest.raises(KgError, match=r"no parameter \$whom"):
        bind_params(named.text, {"who": "x", "whom": "y"}, named.params)
    # $who2 is another variable, not the parameter
    assert bind_params("SELECT * { ?a ?b $who2 . ?c ?d $who }", {"who": "x"}) == 'SELECT * { ?a ?b $who2 . ?c ?d "x" }'


def test_a_value_holding_another_parameter_stays_text(tmp_path, capsys):
    # Sequential substitution rewrote `$b` inside a's value, splicing b's raw
    # text into the query and turning this filter always-true.
    rq = tmp_path / "mine.rq"
    rq.write_text("SELECT ?l WHERE { VALUES ?l { 'x' 'y' } "
                  "FILTER(CONTAINS(STR(?l), $a) && CONTAINS(STR(?l), $b)) }\n", encoding="utf-8")
    splice = ") || true || CONTAINS(STR(?l),'"
    bound = bind_params(rq.read_text(encoding="utf-8"), {"a": "$b", "b": splice})
    assert 'CONTAINS(STR(?l), "$b")' in bound
    assert 'CONTAINS(STR(?l), ") || true || CONTAINS(STR(?l),\'")' in bound
    assert main(["query", str(rq), "--graph", str(write_sample(tmp_path)[1]), "--format", "csv",
                 "--param", "a=$b", "--param", f"b={splice}"]) == 0
    assert capsys.readouterr().out.splitlines() == ["l"]
    # with only $a in the query, `b` was bound inside a's value: `"" ) || true || CONTAINS(…, "")`
    only_a = "SELECT ?l WHERE { VALUES ?l { 'x' 'y' } FILTER(CONTAINS(STR(?l), $a)) }"
    with pytest.raises(KgError, match=r"no parameter \$b"):
        bind_params(only_a, {"a": "$b", "b": ") || true || CONTAINS(STR(?l), "})


def test_parameters_in_comments_strings_and_iris_are_not_parameters():
    text = "# uses $who\nSELECT * { ?s <http://x/$who> '$who' . ?s ?p $who }"
    assert bind_params(text, {"who": "x"}) == "# uses $who\nSELECT * { ?s <http://x/$who> '$who' . ?s ?p \"x\" }"
    with pytest.raises(KgError, match=r"no parameter \$who"):
        bind_params("SELECT * { ?s ?p '$who' } # $who", {"who": "x"})


def test_iri_parameters_are_escaped(tmp_path):
    rq = tmp_path / "doc.rq"
    rq.write_text("# One article.\n# param: doc=kgr:article/ — its id\nASK { $doc a kg:Article }\n", encoding="utf-8")
    named = parse_named_query(rq)
    assert named.params[0].iri_prefix == "https://w3id.org/kg-news/id/article/"
    bound = bind_params(named.text, {"doc": "t001> } # <x"}, named.params)
    assert "<https://w3id.org/kg-news/id/article/t001%3E%20%7D%20#%20%3Cx>" in bound
    assert bind_params(named.text, {"doc": "新闻1"}, named.params).startswith("# One")
    assert "<https://w3id.org/kg-news/id/article/新闻1>" in bind_params(named.text, {"doc": "新闻1"}, named.params)


def test_whole_number_parameters_have_defaults_and_take_digits_only(tmp_path):
    rq = tmp_path / "page.rq"
    rq.write_text("# A page of labels.\n# param: limit=100 — rows per page\n# param: offset=0 — rows to skip\n"
                  "SELECT ?l WHERE { ?e rdfs:label ?l } LIMIT $limit OFFSET $offset\n", encoding="utf-8")
    named = parse_named_query(rq)
    assert [(p.name, p.default, p.iri_prefix) for p in named.params] == [("limit", 100, None), ("offset", 0, None)]
    assert bind_params(named.text, {}, named.params).endswith("LIMIT 100 OFFSET 0\n")
    assert bind_params(named.text, {"limit": "5", "offset": " 10 "}, named.params).endswith("LIMIT 5 OFFSET 10\n")
    for bad in ["-1", "1.5", "1e3", "10 } LIMIT 1", "", "١٢"]:
        with pytest.raises(KgError, match="whole number"):
            bind_params(named.text, {"limit": bad}, named.params)


LISTING_QUERIES = ["alliance-members", "articles", "co-mentioned", "enterprises-per-event", "event-timeline",
                   "people", "provenance", "talent-groups", "zone-events"]
PAGED_BY = {"talent-groups": "group", "event-timeline": "event"}


@pytest.mark.parametrize("name", LISTING_QUERIES)
def test_listing_queries_page_with_limit_and_offset(store, name):
    q = named_queries()[name]
    assert {p.name: p.default for p in q.params} == {"limit": 100, "offset": 0}
    assert "(limit, offset)" in q.description
    everything = rows(store, name)
    assert rows(store, name, limit="0") == []
    first = rows(store, name, limit="1")
    if name in PAGED_BY:  # a page of talent groups or events: one of them, on as many rows as it needs
        assert len({r[PAGED_BY[name]] for r in first}) == 1
    else:
        assert len(first) == min(1, len(everything))
    assert rows(store, name, offset=str(len(everything) + 5)) == []


def test_provenance_pages_cover_every_statement_once(store):
    pages = [rows(store, "provenance", limit="4", offset="0"), rows(store, "provenance", limit="4", offset="4")]
    assert [len(p) for p in pages] == [4, 2]

    def key(r):
        return (r["article"], r["start"], r["predicate"])

    assert sorted(map(key, pages[0] + pages[1])) == sorted(map(key, rows(store, "provenance")))


def test_articles_page_in_id_order(store):
    assert [r["article"].rsplit("/", 1)[1] for r in rows(store, "articles", limit="1")] == ["t001"]
    second = rows(store, "articles", limit="1", offset="1")
    assert [(r["article"].rsplit("/", 1)[1], r["statements"]) for r in second] == [("t002", "2")]


def test_event_timeline_pages_by_date(store):
    assert [r["event"] for r in rows(store, "event-timeline", limit="1")] == ["年度大会"]
    assert [r["event"] for r in rows(store, "event-timeline", limit="1", offset="1")] == ["青年骨干培训班"]


def test_cli_limit_must_be_a_whole_number(tmp_path, capsys):
    store_dir, _trig = write_sample(tmp_path)
    assert main(["query", "provenance", "--store", str(store_dir), "--param", "limit=ten"]) == 2
    assert "whole number" in capsys.readouterr().err
    assert main(["query", "provenance", "--store", str(store_dir), "--param", "limit=2", "--format", "csv"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 3  # header and two rows


def test_resolve_query_accepts_text_files_and_names(tmp_path):
    rq = tmp_path / "mine.rq"
    rq.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    assert resolve_query(str(rq)).startswith("SELECT")
    assert "kg:Assertion" in resolve_query("provenance")
    assert resolve_query("ASK { ?s ?p ?o }") == "ASK { ?s ?p ?o }"
    with pytest.raises(KgError, match="no named query 'provenanse'"):
        resolve_query("provenanse")
    with pytest.raises(KgError, match="no such query file"):
        resolve_query(str(tmp_path / "missing.rq"))


# ------------------------------------------------------------ output formats


def test_table_aligns_chinese_by_display_width():
    text = format_table(["名称", "n"], [["云帆科技", "1"], ["ab", "22"]])
    lines = text.splitlines()
    assert display_width("云帆科技") == 8
    # the column separator sits in the same terminal column on every row
    positions = {display_width(line.split("|")[0]) for line in (lines[0], lines[2], lines[3])}
    assert len(positions) == 1
    assert lines[-1] == "(2 rows)"


def test_table_cuts_long_cells():
    text = format_table(["t"], [["很长" * 100]], cell_width=20)
    assert max(display_width(line) for line in text.splitlines()[2:3]) <= 20
    assert "…" in text


def test_csv_and_json_are_sparql_results(store):
    query = resolve_query("industry-enterprises")
    parsed = list(csv.reader(io.StringIO(format_result(run_query(store, query), "csv"))))
    assert parsed == [["industry", "enterprises", "names"], ["人工智能", "1", "云帆科技"]]
    data = json.loads(format_result(run_query(store, query), "json"))
    assert data["head"]["vars"] == ["industry", "enterprises", "names"]
    binding = data["results"]["bindings"][0]
    assert binding["industry"] == {"type": "literal", "value": "人工智能", "xml:lang": "zh"}


def test_ask_and_construct(store):
    assert format_result(run_query(store, "ASK { ?e a kg:Alliance }")) == "true\n"
    assert format_result(run_query(store, "ASK { ?e a kg:Person ; kg:jobTitle \"市长\" }")) == "false\n"
    turtle = format_result(run_query(store, "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e a kg:Enterprise ; rdfs:label ?l }"))
    assert "@prefix kgr:" in turtle
    graph = Graph().parse(data=turtle, format="turtle")
    assert len(graph) == 2


def test_prefixes_need_no_declaration(store):
    result = run_query(store, "SELECT ?l WHERE { kgr:campaign\\/百日攻坚行动 rdfs:label ?l }")
    assert [s["l"].value for s in result] == ["百日攻坚行动"]


def test_malformed_query_is_a_one_line_kg_error(store):
    with pytest.raises(KgError, match=r"malformed query: error at 1:\d+") as info:
        run_query(store, "SELECT ?x WHERE { ?x ?y }")
    assert "\n" not in str(info.value)


# ------------------------------------------------------------ sources and the command


def test_open_source_prefers_the_store_then_graph_ttl(tmp_path):
    out = tmp_path / "output"
    with pytest.raises(KgError, match="no graph to query"):
        open_source(out_dir=out)
    out.mkdir()
    ttl = out / "graph.ttl"
    Graph().parse(data=SAMPLE_TRIG, format="trig")  # sanity: the sample parses in rdflib
    ox_store = ox.Store()
    ox_store.load(SAMPLE_TRIG, format=ox.RdfFormat.TRIG)
    ttl.write_bytes(ox.serialize((q.triple for q in ox_store), format=ox.RdfFormat.TURTLE))
    from_ttl = open_source(out_dir=out)
    assert bool(run_query(from_ttl, "ASK { ?e a kg:Alliance }"))
    write_sample(out)
    from_store = open_source(out_dir=out)
    assert ox.NamedNode("https://w3id.org/kg-news/id/article/t001") in set(from_store.named_graphs())


def test_cli_named_query_with_param(tmp_path, capsys):
    store_dir, trig = write_sample(tmp_path)
    code = main(["query", "entity", "--store", str(store_dir), "--param", "entity=云帆科技", "--format", "csv"])
    assert code == 0
    out = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {(r["subject"], r["object"]) for r in out} == {("青年骨干培训班", "云帆科技"), ("云帆科技", "星河产业链党建联盟")}
    code = main(["query", "SELECT (COUNT(*) AS ?n) WHERE { ?a a kg:Article }", "--graph", str(trig), "--format", "json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["results"]["bindings"][0]["n"]["value"] == "2"


def test_cli_table_output(tmp_path, capsys):
    store_dir, _ = write_sample(tmp_path)
    assert main(["query", "people", "--store", str(store_dir)]) == 0
    out = capsys.readouterr().out
    assert "陈志远" in out and "党工委书记" in out and "(4 rows)" in out


def test_cli_list(capsys):
    assert main(["query", "--list"]) == 0
    out = capsys.readouterr().out
    assert "provenance" in out and "entity" in out and "--param entity=" in out


@pytest.mark.parametrize("argv, message", [
    (["query", "SELECT ?x WHERE {", "--graph", "GRAPH"], "malformed query"),
    (["query", "entity", "--graph", "GRAPH"], "needs --param entity="),
    (["query", "people", "--graph", "MISSING"], "no such graph file"),
    (["query", "no-such-query", "--graph", "GRAPH"], "no named query"),
    (["query", "people", "--graph", "GRAPH", "--param", "oops"], "NAME=VALUE"),
])
def test_cli_errors_are_one_line(tmp_path, capsys, argv, message):
    _, trig = write_sample(tmp_path)
    argv = [str(trig) if a == "GRAPH" else str(tmp_path / "missing.ttl") if a == "MISSING" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
