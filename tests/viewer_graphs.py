"""Small hand-written graphs (README "Graph shape") shared by the viewer and analytics tests.

Two made-up articles about a made-up zone: one training event with an organizer,
a participant group and a place; a person working for the zone; an enterprise
whose label is hostile markup; an alliance the zone belongs to. Every relation
and every type has a kg:Assertion pointing at its sentence.
"""
from __future__ import annotations

from rdflib import Graph

PREFIXES = """\
@prefix kg:   <https://w3id.org/kg-news/ontology#> .
@prefix rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@base <https://w3id.org/kg-news/id/> .
"""

ZONE = "https://w3id.org/kg-news/id/development-zone/青山经济开发区"
ALLIANCE = "https://w3id.org/kg-news/id/alliance/青山党建联盟"
EVENT = "https://w3id.org/kg-news/id/a1/training-event/青年党员培训班"
GROUP = "https://w3id.org/kg-news/id/a1/talent-group/青年党员"
PLACE = "https://w3id.org/kg-news/id/place/青山会展中心"
PERSON = "https://w3id.org/kg-news/id/person/李晓红"
HOSTILE = "https://w3id.org/kg-news/id/enterprise/hostile"
ARTICLE_1 = "https://w3id.org/kg-news/id/article/a1"
ARTICLE_2 = "https://w3id.org/kg-news/id/article/a2"

HOSTILE_LABEL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2"> & "绿叶"科技'
SENTENCE_1 = "7月1日，青山经济开发区在青山会展中心举办青年党员培训班，30余名青年党员参加。"
SENTENCE_2 = "青山开发区党工委书记李晓红表示，青山经济开发区是青山党建联盟的成员单位。"
SENTENCE_3 = '<b>绿叶</b>科技 & "青山" 企业入驻青山经济开发区。'


def _turtle_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


_SENTENCE_3_TTL = _turtle_string(SENTENCE_3)
_HOSTILE_LABEL_TTL = _turtle_string(HOSTILE_LABEL)

SMALL_GRAPH_TTL = PREFIXES + f"""
<article/a1> a kg:Article ; rdfs:label "青山开发区举办青年党员培训班"@zh ;
    kg:headline "青山开发区举办青年党员培训班"@zh ; kg:sourceFile "a1.txt" .
<article/a2> a kg:Article ; rdfs:label "青山党建联盟新闻"@zh ;
    kg:headline "青山党建联盟新闻"@zh ; kg:sourceFile "a2.txt" .

<article/a1/s1> a kg:Sentence ; kg:article <article/a1> ; kg:index 1 ;
    kg:text "{SENTENCE_1}" ; kg:startOffset 20 ; kg:endOffset 60 .
<article/a2/s1> a kg:Sentence ; kg:article <article/a2> ; kg:index 1 ;
    kg:text "{SENTENCE_2}" ; kg:startOffset 0 ; kg:endOffset 36 .
<article/a2/s2> a kg:Sentence ; kg:article <article/a2> ; kg:index 2 ;
    kg:text "{_SENTENCE_3_TTL}" ; kg:startOffset 37 ; kg:endOffset 68 .

<development-zone/青山经济开发区> a kg:DevelopmentZone ;
    rdfs:label "青山经济开发区"@zh ; skos:altLabel "青山开发区"@zh , "青山经开区"@zh ;
    kg:area 1200000.5 ;
    kg:mentionedIn <article/a1> , <article/a2> ;
    kg:memberOf <alliance/青山党建联盟> .
<alliance/青山党建联盟> a kg:Alliance ; rdfs:label "青山党建联盟"@zh ;
    kg:mentionedIn <article/a2> .
<a1/training-event/青年党员培训班> a kg:TrainingEvent ; rdfs:label "青年党员培训班"@zh ;
    kg:date "2024-07-01"^^xsd:date ; kg:dateText "7月1日" ;
    kg:organizer <development-zone/青山经济开发区> ;
    kg:participant <a1/talent-group/青年党员> ;
    kg:location <place/青山会展中心> ;
    kg:mentionedIn <article/a1> .
<a1/talent-group/青年党员> a kg:TalentGroup ; rdfs:label "青年党员"@zh ;
    kg:count 30 ; kg:countQualifier "余" ; kg:mentionedIn <article/a1> .
<place/青山会展中心> a kg:Place ; rdfs:label "青山会展中心"@zh ; kg:mentionedIn <article/a1> .
<person/李晓红> a kg:Person ; rdfs:label "李晓红"@zh ; kg:jobTitle "党工委书记" ;
    kg:worksFor <development-zone/青山经济开发区> ; kg:mentionedIn <article/a2> .
<enterprise/hostile> a kg:Enterprise ; rdfs:label "{_HOSTILE_LABEL_TTL}"@zh ;
    kg:location <development-zone/青山经济开发区> ; kg:mentionedIn <article/a2> .

<article/a1/a/e1> a kg:Assertion ; rdf:subject <a1/training-event/青年党员培训班> ;
    rdf:predicate kg:organizer ; rdf:object <development-zone/青山经济开发区> ;
    kg:sentence <article/a1/s1> ; kg:article <article/a1> ;
    kg:startOffset 25 ; kg:endOffset 32 ; kg:rule "organizer-before-hold-verb" .
<article/a1/a/e2> a kg:Assertion ; rdf:subject <a1/training-event/青年党员培训班> ;
    rdf:predicate kg:participant ; rdf:object <a1/talent-group/青年党员> ;
    kg:sentence <article/a1/s1> ; kg:article <article/a1> ;
    kg:startOffset 49 ; kg:endOffset 57 ; kg:rule "participant-count" .
<article/a1/a/t1> a kg:Assertion ; rdf:subject <a1/training-event/青年党员培训班> ;
    rdf:predicate rdf:type ; rdf:object kg:TrainingEvent ;
    kg:sentence <article/a1/s1> ; kg:article <article/a1> ;
    kg:startOffset 41 ; kg:endOffset 48 ; kg:rule "event-suffix" .
<article/a1/a/c1> a kg:Assertion ; rdf:subject <a1/talent-group/青年党员> ;
    rdf:predicate kg:count ; rdf:object 30 ;
    kg:sentence <article/a1/s1> ; kg:article <article/a1> ;
    kg:startOffset 49 ; kg:endOffset 52 ; kg:rule "count-before-group" .
<article/a2/a/m1> a kg:Assertion ; rdf:subject <development-zone/青山经济开发区> ;
    rdf:predicate kg:memberOf ; rdf:object <alliance/青山党建联盟> ;
    kg:sentence <article/a2/s1> ; kg:article <article/a2> ;
    kg:startOffset 16 ; kg:endOffset 35 ; kg:rule "member-unit" .
<article/a2/a/h1> a kg:Assertion ; rdf:subject <enterprise/hostile> ;
    rdf:predicate kg:location ; rdf:object <development-zone/青山经济开发区> ;
    kg:sentence <article/a2/s2> ; kg:article <article/a2> ;
    kg:startOffset 37 ; kg:endOffset 68 ; kg:rule "settles-in" .
"""


def small_graph() -> Graph:
    return Graph().parse(data=SMALL_GRAPH_TTL, format="turtle")


def synthetic_graph(nodes: int, edges: int, *, seed: int = 7) -> Graph:
    """A graph of the README shape with `nodes` entities and about `edges` relations."""
    import random

    from rdflib import RDF, RDFS, Literal, URIRef
    from rdflib.namespace import XSD

    from kg.vocab import KG, RESOURCE

    rng = random.Random(seed)
    classes = [KG.DevelopmentZone, KG.Alliance, KG.Enterprise, KG.Organization, KG.TalentGroup,
               KG.TrainingEvent, KG.MeetingEvent, KG.Person, KG.Place, KG.Industry,
               KG.Initiative, KG.Campaign]
    predicates = [KG.organizer, KG.participant, KG.location, KG.memberOf, KG.affiliation,
                  KG.worksFor, KG.industry, KG.partOf, KG.establishedBy]
    syllables = "青山绿水东湖西城南港北岭新区高新科技产业园党建联盟人才创新服务中心"
    graph = Graph()
    articles = [URIRef(RESOURCE[f"article/s{i}"]) for i in range(max(1, nodes // 100))]
    for i, article in enumerate(articles):
        graph.add((article, RDF.type, KG.Article))
        graph.add((article, RDFS.label, Literal(f"合成新闻{i}", lang="zh")))
    entities = []
    for i in range(nodes - len(articles)):
        cls = classes[i % len(classes)]
        node = URIRef(RESOURCE[f"e/{i}"])
        name = "".join(rng.choice(syllables) for _ in range(4)) + str(i)
        graph.add((node, RDF.type, cls))
        graph.add((node, RDFS.label, Literal(name, lang="zh")))
        graph.add((node, KG.mentionedIn, rng.choice(articles)))
        if cls == KG.TalentGroup:
            graph.add((node, KG.count, Literal(rng.randint(2, 300), datatype=XSD.integer)))
        entities.append(node)
    for j in range(edges):
        # preferential attachment-ish: low indices (the first zones) get more links
        s = entities[int(len(entities) * rng.random() ** 2)]
        o = entities[rng.randrange(len(entities))]
        if s == o:
            continue
        predicate = predicates[j % len(predicates)]
        graph.add((s, predicate, o))
        article = rng.choice(articles)
        sentence = URIRef(f"{article}/s{j}")
        assertion = URIRef(f"{article}/a/{j}")
        graph.add((sentence, RDF.type, KG.Sentence))
        graph.add((sentence, KG.text, Literal(f"合成句子{j}：{j}号关系。")))
        graph.add((sentence, KG.article, article))
        graph.add((assertion, RDF.type, KG.Assertion))
        graph.add((assertion, RDF.subject, s))
        graph.add((assertion, RDF.predicate, predicate))
        graph.add((assertion, RDF.object, o))
        graph.add((assertion, KG.sentence, sentence))
        graph.add((assertion, KG.article, article))
        graph.add((assertion, KG.startOffset, Literal(0)))
        graph.add((assertion, KG.endOffset, Literal(10)))
    return graph
