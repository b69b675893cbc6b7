"""kg.projection.to_networkx: entities as nodes, kg: relations as edges, evidence folded in."""
from __future__ import annotations

import pytest
from rdflib import Graph

from kg.projection import Evidence, local_name, term_labels, to_networkx
from kg.vocab import KG
from viewer_graphs import (
    ALLIANCE, ARTICLE_1, ARTICLE_2, EVENT, GROUP, HOSTILE, HOSTILE_LABEL, PERSON, PLACE,
    PREFIXES, SENTENCE_1, SENTENCE_2, ZONE, small_graph,
)


@pytest.fixture(scope="module")
def nxg():
    return to_networkx(small_graph())


def test_nodes_are_the_entities_and_articles_only(nxg):
    assert set(nxg.nodes) == {ZONE, ALLIANCE, EVENT, GROUP, PLACE, PERSON, HOSTILE, ARTICLE_1, ARTICLE_2}
    # sentences and assertions are folded into evidence, never drawn
    assert not any("/s1" in n or "/a/" in n for n in nxg.nodes)


def test_node_labels_aliases_and_class(nxg):
    zone = nxg.nodes[ZONE]
    assert zone["label"] == "青山经济开发区"
    assert zone["alt_labels"] == ["青山开发区", "青山经开区"]
    assert zone["class"] == "DevelopmentZone"
    assert zone["subclass"] is None
    assert nxg.nodes[HOSTILE]["label"] == HOSTILE_LABEL


def test_event_subclass_reports_event_and_the_subclass(nxg):
    assert nxg.nodes[EVENT]["class"] == "Event"
    assert nxg.nodes[EVENT]["subclass"] == "TrainingEvent"


def test_literal_attributes_keep_their_types(nxg):
    assert nxg.nodes[GROUP]["count"] == 30
    assert nxg.nodes[GROUP]["countQualifier"] == "余"
    assert nxg.nodes[EVENT]["date"] == "2024-07-01"
    assert nxg.nodes[EVENT]["dateText"] == "7月1日"
    assert nxg.nodes[ZONE]["area"] == pytest.approx(1200000.5)
    assert nxg.nodes[PERSON]["jobTitle"] == "党工委书记"
    assert nxg.nodes[ARTICLE_1]["headline"] == "青山开发区举办青年党员培训班"


def test_articles_come_from_mentioned_in(nxg):
    assert nxg.nodes[ZONE]["articles"] == [ARTICLE_1, ARTICLE_2]
    assert nxg.nodes[PERSON]["articles"] == [ARTICLE_2]


def test_edges_carry_predicate_and_bilingual_label(nxg):
    data = nxg.get_edge_data(EVENT, ZONE, key="organizer")
    assert data["predicate"] == "organizer"
    assert data["iri"] == str(KG.organizer)
    assert (data["label_zh"], data["label_en"]) == ("组织者", "organizer")
    assert nxg.get_edge_data(PERSON, ZONE, key="worksFor")["label_zh"] == "任职于"


def test_edge_evidence_comes_from_its_assertion(nxg):
    [evidence] = nxg.get_edge_data(ZONE, ALLIANCE, key="memberOf")["evidence"]
    assert isinstance(evidence, Evidence)
    assert evidence.sentence == SENTENCE_2
    assert evidence.article == ARTICLE_2
    assert evidence.article_label == "青山党建联盟新闻"
    assert (evidence.start, evidence.end) == (16, 35)
    assert evidence.rule == "member-unit"
    assert evidence.sentence_start == 0
    # an edge without an assertion has no evidence, not someone else's
    assert nxg.get_edge_data(PERSON, ZONE, key="worksFor")["evidence"] == []


def test_node_evidence_comes_from_type_assertions(nxg):
    [evidence] = nxg.nodes[EVENT]["evidence"]
    assert evidence.sentence == SENTENCE_1
    assert evidence.article_label == "青山开发区举办青年党员培训班"
    assert (evidence.start, evidence.end) == (41, 48)
    assert nxg.nodes[ZONE]["evidence"] == []


def test_attribute_evidence_is_kept_per_attribute(nxg):
    [evidence] = nxg.nodes[GROUP]["attribute_evidence"]["count"]
    assert evidence.sentence == SENTENCE_1 and (evidence.start, evidence.end) == (49, 52)
    assert "countQualifier" not in nxg.nodes[GROUP]["attribute_evidence"]  # no assertion for it
    assert nxg.nodes[ZONE]["attribute_evidence"] == {}


def test_mentioned_in_is_an_edge_to_the_article_node(nxg):
    assert nxg.has_edge(ZONE, ARTICLE_1, key="mentionedIn")
    assert nxg.get_edge_data(ZONE, ARTICLE_1, key="mentionedIn")["label_en"] == "mentioned in"


def test_edge_count_is_every_relation_between_entities(nxg):
    relations = [(s, o, k) for s, o, k in nxg.edges(keys=True) if k != "mentionedIn"]
    assert sorted(k for _s, _o, k in relations) == sorted(
        ["organizer", "participant", "location", "memberOf", "worksFor", "location"])
    assert nxg.number_of_edges() - len(relations) == 8  # one per kg:mentionedIn triple


def test_two_relations_between_the_same_pair_stay_two_edges():
    graph = Graph().parse(data=PREFIXES + """
        <person/甲> a kg:Person ; rdfs:label "张伟"@zh ; kg:worksFor <organization/乙> ; kg:affiliation <organization/乙> .
        <organization/乙> a kg:Organization ; rdfs:label "青山区委组织部"@zh .
    """, format="turtle")
    nxg = to_networkx(graph)
    assert nxg.number_of_edges() == 2
    assert set(nxg["https://w3id.org/kg-news/id/person/甲"]["https://w3id.org/kg-news/id/organization/乙"]) == {
        "worksFor", "affiliation"}


def test_untyped_resources_non_kg_predicates_and_literals_do_not_make_edges():
    graph = Graph().parse(data=PREFIXES + """
        @prefix schema: <https://schema.org/> .
        <enterprise/甲> a kg:Enterprise ; rdfs:label "甲公司"@zh ;
            kg:location <place/untyped> ;
            schema:knows <enterprise/乙> .
        <enterprise/乙> a kg:Enterprise ; rdfs:label "乙公司"@zh .
        <place/untyped> rdfs:label "无类型地点"@zh .
    """, format="turtle")
    nxg = to_networkx(graph)
    assert nxg.number_of_nodes() == 2
    assert nxg.number_of_edges() == 0


def test_label_prefers_chinese_then_falls_back_to_the_iri():
    graph = Graph().parse(data=PREFIXES + """
        <industry/a> a kg:Industry ; rdfs:label "new materials"@en , "新材料"@zh .
        <industry/%E8%8A%AF%E7%89%87> a kg:Industry .
    """, format="turtle")
    nxg = to_networkx(graph)
    assert nxg.nodes["https://w3id.org/kg-news/id/industry/a"]["label"] == "新材料"
    assert nxg.nodes["https://w3id.org/kg-news/id/industry/%E8%8A%AF%E7%89%87"]["label"] == "芯片"


def test_empty_graph_gives_empty_projection():
    assert to_networkx(Graph()).number_of_nodes() == 0


def test_term_labels_read_the_ontology():
    assert term_labels(KG.participant) == ("参与者", "participant")
    assert term_labels(KG.DevelopmentZone) == ("开发区", "Development zone")
    assert local_name(str(KG.memberOf)) == "memberOf"
