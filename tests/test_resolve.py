"""kg.resolve: one entity per real thing, within an article and across a build."""
from datetime import date
from pathlib import Path

import pytest

from kg.model import Mention
from kg.pipeline import build, extract_documents
from kg.reader import SourceText
from kg.resolve import Resolver, article_key

ARTICLE_A = (
    "江苏青川经济技术开发区举办青年人才专题培训班\n"
    "7月1日上午,江苏青川经济技术开发区举办青年人才专题培训班,青禾科技有限公司等企业的青年骨干参加培训。\n"
    "青川经开区党工委副书记赵海峰表示,将持续优化营商环境。\n"
    "今年以来,青禾科技、远澜生物等企业持续加大研发投入,研发费用同比增长两成。\n"
    "为提升服务水平,开发区还聘请8位法律专家,为企业提供咨询服务。\n"
)
ARTICLE_B = (
    "青川经开区召开人才工作座谈会\n"
    "6月18日,青川经开区召开人才工作座谈会,区内企业代表参加会议。\n"
    "7月1日上午,青川经开区举办青年人才专题培训班,各企业青年骨干参加培训。\n"
)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    folder = tmp_path_factory.mktemp("articles")
    (folder / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (folder / "b.txt").write_text(ARTICLE_B, encoding="utf-8")
    return build([folder], publication_date="2024-08-01")


def keys_of(result, article_id, label, cls=None):
    """Entity keys of the mentions labelled `label` in one article."""
    found = set()
    for key, ms in result.resolved.mentions.items():
        for aid, m in ms:
            if aid == article_id and m.label == label and (cls is None or m.cls == cls):
                found.add(key)
    return found


def test_short_and_long_company_names_merge(result):
    long = keys_of(result, "a", "青禾科技有限公司")
    short = keys_of(result, "a", "青禾科技", "Enterprise")
    assert long == short == {"enterprise/青禾科技有限公司"}
    entity = result.resolved.entities["enterprise/青禾科技有限公司"]
    assert entity.label == "青禾科技有限公司"
    assert "青禾科技" in entity.alt_labels


def test_zone_abbreviation_and_province_prefix_merge(result):
    full = keys_of(result, "a", "江苏青川经济技术开发区")
    short = keys_of(result, "a", "青川经开区", "DevelopmentZone")
    assert full == short == {"zone/青川经开区"}
    entity = result.resolved.entities["zone/青川经开区"]
    assert entity.cls == "DevelopmentZone"
    assert {"江苏青川经济技术开发区"} <= {entity.label, *entity.alt_labels}


def test_generic_zone_refers_to_the_principal_zone(result):
    assert keys_of(result, "a", "开发区", "DevelopmentZone") == {"zone/青川经开区"}
    engaged = [s for s in result.resolved.statements if s.predicate == "engagedBy" and s.article_id == "a"]
    assert engaged and {s.obj for s in engaged} == {"zone/青川经开区"}


def test_organisation_named_after_a_zone_takes_the_zone_key(result):
    assert keys_of(result, "a", "青川经开区党工委") == {"organization/青川经开区党工委"}


def test_same_zone_same_iri_across_articles(result):
    assert keys_of(result, "a", "江苏青川经济技术开发区") == keys_of(result, "b", "青川经开区", "DevelopmentZone")
    articles = {aid for aid, _ in result.resolved.mentions["zone/青川经开区"]}
    assert articles == {"a", "b"}


def test_events_are_article_scoped(result):
    a = keys_of(result, "a", "青年人才专题培训班", "Event")
    b = keys_of(result, "b", "青年人才专题培训班", "Event")
    assert a == {"a/event/青年人才专题培训班"}
    assert b == {"b/event/青年人才专题培训班"}


def test_groups_are_article_scoped(result):
    for key, entity in result.resolved.entities.items():
        if entity.cls in ("Event", "TalentGroup", "Initiative"):
            assert key.split("/", 1)[0] in ("a", "b"), key


def test_every_statement_refers_to_known_entities(result):
    entities = result.resolved.entities
    articles = {article_key(d.article_id) for d in result.documents}
    for st in result.resolved.statements:
        assert st.subject in entities or st.subject in articles, st
        if st.is_relation:
            assert st.obj in entities, st


def test_resolution_is_order_independent(result):
    extracted = {d.article_id: d for d in result.documents}
    forward = Resolver().resolve([extracted["a"], extracted["b"]])
    backward = Resolver().resolve([extracted["b"], extracted["a"]])
    assert forward.entities == backward.entities


def test_alliance_reference_takes_the_alliance_named_before():
    text = ("6月18日,青川经开区成立新能源汽车产业联盟,首批吸纳成员企业30家。\n"
            "该联盟将定期组织成员企业开展技术交流,推动产业链上下游协同发展。\n")
    doc = extract_documents([SourceText("c", Path("c.txt"), text, "utf-8", "text/plain")], date(2024, 8, 1))[0]
    keys = Resolver().article_keys(doc)
    alliances = {m.label: k for m, k in keys.items() if isinstance(m, Mention) and m.cls == "Alliance"}
    assert alliances.get("新能源汽车产业联盟") == "alliance/新能源汽车产业联盟"
    if "该联盟" in alliances:
        assert alliances["该联盟"] == "alliance/新能源汽车产业联盟"


def keys_in(text):
    doc = extract_documents([SourceText("c", Path("c.txt"), text, "utf-8", "text/plain")], date(2024, 8, 1))[0]
    return {(m.cls, m.label): k for m, k in Resolver().article_keys(doc).items()}


def test_an_organ_named_by_a_bare_reference_is_the_principal_zones():
    keys = keys_in("青川经开区召开人才工作会议\n会上,区党工委副书记、管委会主任王建国作工作报告,区管委会相关部门负责人参加会议。\n")
    assert keys[("Organization", "区党工委")] == "organization/青川经开区党工委"
    assert keys[("Organization", "区管委会")] == "organization/青川经开区管委会"


def test_an_alliance_of_non_public_companies_keeps_its_full_name():
    keys = keys_in("澜江高新区成立企业党建联盟\n"
                   "11月5日,澜江高新技术产业开发区非公企业党建联盟成立大会在党群服务中心举行。\n")
    full = keys[("Alliance", "澜江高新技术产业开发区非公企业党建联盟")]
    assert keys[("Alliance", "企业党建联盟")] == full


@pytest.mark.parametrize("label, canonical", [
    ("青川经济技术开发区", "青川经开区"),
    ("青川经济开发区", "青川经开区"),
    ("澜江高新技术产业开发区", "澜江高新区"),
    ("江苏青川经济技术开发区", "青川经开区"),
    ("浙江省澜江高新区", "澜江高新区"),
    ("青川经开区", "青川经开区"),
])
def test_zone_canonical(label, canonical):
    assert Resolver().zone_canonical(label) == canonical


@pytest.mark.parametrize("short, full, cls, merges", [
    ("青禾科技", "青禾科技有限公司", "Enterprise", True),
    ("远澜生物", "江苏远澜生物科技股份有限公司", "Enterprise", True),
    ("海岚电子", "青禾科技有限公司", "Enterprise", False),
    ("区委政法委", "澜江区委政法委", "Organization", True),
    ("党工委", "青川经开区党工委", "Organization", True),
    ("青川经开区党建联盟", "青川经开区非公企业党建联盟", "Alliance", True),  # a middle part left out
    ("青川经开区人才联盟", "青川经开区非公企业党建联盟", "Alliance", False),
    ("青川党建联盟", "澜江经开区非公企业党建联盟", "Alliance", False),  # another zone
])
def test_abbreviates(short, full, cls, merges):
    assert Resolver().abbreviates(short, full, cls) is merges


@pytest.mark.parametrize("text", [
    "联盟将在下一季举办职业联赛。\n",
    "开发区成立联盟。\n",
    "该联盟由十家企业组成,本联盟每季度召开一次会议。\n",
    "红盟成员单位参加活动。党建联盟随后发布倡议。\n",
])
def test_an_alliance_reference_with_nothing_before_it_is_an_alliance_of_its_article(tmp_path, text):
    (tmp_path / "bare.txt").write_text(text, encoding="utf-8")
    result = build([tmp_path / "bare.txt"])
    alliances = [e for e in result.resolved.entities.values() if e.cls == "Alliance"]
    assert alliances, "the reference names an alliance"
    assert all(e.key.startswith("bare/alliance/") for e in alliances)  # scoped to its article
    assert not any(e.label.startswith(("该", "本")) for e in alliances)


def test_an_alliance_reference_after_a_named_alliance_still_points_back(tmp_path):
    text = "青川经开区成立青川新材料产业党建联盟。该联盟现有成员单位12家。\n"
    (tmp_path / "named.txt").write_text(text, encoding="utf-8")
    result = build([tmp_path / "named.txt"])
    keys = {key for key, ms in result.resolved.mentions.items() if any(m.cls == "Alliance" for _, m in ms)}
    assert len(keys) == 1 and not next(iter(keys)).startswith("named/")


def test_an_alliance_named_short_in_the_headline_is_the_one_named_in_full_below():
    keys = keys_in("南屏开发区党建联盟开展主题党日活动\n"
                   "6月28日,南屏经济开发区非公企业党建联盟组织党员代表走进纪念馆开展主题党日活动。\n")
    assert keys[("Alliance", "南屏开发区党建联盟")] == keys[("Alliance", "南屏经济开发区非公企业党建联盟")]
