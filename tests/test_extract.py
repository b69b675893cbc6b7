"""kg.extract: one case per rule family, on sentences written for these tests.

Each case lists (class, label) mentions and (subject, predicate, object) facts that
must be among what the extractor finds; the article is the subject "ARTICLE".
Cases the rules miss on reasonable sentences are strict xfails: when the rule is
fixed the test turns red, and the mark should go.
"""
from datetime import date
from pathlib import Path

import pytest

from kg.extract import ARTICLE_SUBJECT, Extractor
from kg.model import Mention
from kg.pipeline import extract_documents
from kg.reader import SourceText

PUBLISHED = date(2024, 8, 1)


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def run(extractor, text, when=PUBLISHED):
    source = SourceText("t1", Path("t1.txt"), text, "utf-8", "text/plain")
    return extract_documents([source], when, extractor)[0]


def label_of(m):
    return "ARTICLE" if m == ARTICLE_SUBJECT else m.label


def facts_of(doc):
    return {(label_of(f.subject), f.predicate, label_of(f.obj) if isinstance(f.obj, Mention) else f.obj)
            for f in doc.facts}


def mentions_of(doc):
    return {(m.cls, m.label) for m in doc.mentions}


def xfail(reason):
    return pytest.mark.xfail(reason=reason, strict=True)


CASES = [
    pytest.param(
        "6月18日,澜江高新区召开人才工作座谈会,区内企业代表参加会议。",
        {("DevelopmentZone", "澜江高新区"), ("Event", "人才工作座谈会")},
        {("人才工作座谈会", "organizer", "澜江高新区")},
        id="zone-short-suffix"),
    pytest.param(
        "今年以来,青川经济技术开发区持续优化营商环境,新增市场主体3000余户。",
        {("DevelopmentZone", "青川经济技术开发区")},
        set(),
        id="zone-long-suffix"),
    pytest.param(
        "远澜生物科技股份有限公司在澜江高新区投资建设新厂房,总投资达5亿元。",
        {("Enterprise", "远澜生物科技股份有限公司"), ("DevelopmentZone", "澜江高新区")},
        set(),
        id="enterprise-legal-suffix"),
    pytest.param(
        "7月1日上午,青川经开区举办青年人才专题培训班,青禾科技有限公司、远澜生物科技股份有限公司、"
        "海岚电子有限公司等12家企业的高层次人才参加培训。",
        {("Enterprise", "青禾科技有限公司"), ("Enterprise", "远澜生物科技股份有限公司"),
         ("Enterprise", "海岚电子有限公司"), ("TalentGroup", "高层次人才"), ("Event", "青年人才专题培训班")},
        {("高层次人才", "affiliation", "青禾科技有限公司"), ("高层次人才", "affiliation", "远澜生物科技股份有限公司"),
         ("高层次人才", "affiliation", "海岚电子有限公司"), ("青年人才专题培训班", "participant", "高层次人才"),
         ("青年人才专题培训班", "organizer", "青川经开区")},
        id="enumeration-legal-names"),
    pytest.param(
        "7月1日上午,青川经开区举办青年人才专题培训班,青禾科技、远澜生物、海岚电子等12家企业的高层次人才参加培训。",
        {("Enterprise", "青禾科技"), ("Enterprise", "远澜生物"), ("Enterprise", "海岚电子"),
         ("TalentGroup", "高层次人才")},
        {("高层次人才", "affiliation", "青禾科技"), ("高层次人才", "affiliation", "远澜生物"),
         ("高层次人才", "affiliation", "海岚电子")},
        id="enumeration-short-names-typed-by-head"),
    pytest.param(
        "近日,青川经开区组织50余名青年人才赴江宁高新区参观学习,感受创新氛围。",
        {("TalentGroup", "50余名青年人才"), ("DevelopmentZone", "江宁高新区")},
        {("50余名青年人才", "count", 50), ("50余名青年人才", "countQualifier", "余"),
         ("50余名青年人才", "countUnit", "名")},
        id="group-count-qualifier"),
    pytest.param(
        "截至目前,澜江高新区已集聚近200名博士,为产业发展提供了人才支撑。",
        {("TalentGroup", "近200名博士")},
        {("近200名博士", "count", 200), ("近200名博士", "countQualifier", "近")},
        id="group-count-qualifier-before"),
    pytest.param(
        "今年以来,青川经开区党工委选派20名党建指导员深入企业,帮助企业解决实际困难。",
        {("Organization", "青川经开区党工委"), ("TalentGroup", "20名党建指导员")},
        {("20名党建指导员", "dispatchedBy", "青川经开区党工委"), ("20名党建指导员", "count", 20)},
        id="dispatch"),
    pytest.param(
        "为提升服务水平,青川经开区聘请8位法律专家,为企业提供咨询服务。",
        {("TalentGroup", "8位法律专家")},
        {("8位法律专家", "engagedBy", "青川经开区"), ("8位法律专家", "count", 8)},
        id="engage"),
    pytest.param(
        "6月18日,青川经开区成立新能源汽车产业联盟,首批吸纳成员企业30家。",
        {("Alliance", "新能源汽车产业联盟"), ("Industry", "新能源汽车产业")},
        {("新能源汽车产业联盟", "establishedBy", "青川经开区"), ("新能源汽车产业联盟", "industry", "新能源汽车产业")},
        id="establish-alliance-industry"),
    pytest.param(
        "6月18日,青川经开区在市民中心召开人才工作座谈会,区内20余家企业的青年人才参加会议。",
        {("Event", "人才工作座谈会")},
        {("人才工作座谈会", "organizer", "青川经开区"), ("人才工作座谈会", "date", date(2024, 6, 18))},
        id="event-organizer-subject"),
    pytest.param(
        "青川经开区多措并举服务企业发展\n"
        "青川经开区位于青川市东部,近年来持续加强人才队伍建设。\n"
        "7月3日上午,组织40名党员干部开展主题党日活动,重温入党誓词。\n",
        {("Event", "主题党日活动"), ("TalentGroup", "40名党员干部")},
        {("主题党日活动", "organizer", "青川经开区"), ("主题党日活动", "participant", "40名党员干部"),
         ("主题党日活动", "date", date(2024, 7, 3))},
        id="event-organizer-principal-agent"),
    pytest.param(
        "近日,青川经开区组织50余名青年人才赴江宁高新区参观学习,感受创新氛围。",
        {("Event", "赴江宁高新区")},
        {("赴江宁高新区", "participant", "50余名青年人才"), ("赴江宁高新区", "location", "江宁高新区")},
        id="visit-location"),
    pytest.param(
        "7月3日上午,青川经开区组织40名党员干部赴井冈山开展主题党日活动,重温入党誓词。",
        {("Place", "井冈山"), ("Event", "主题党日活动")},
        {("主题党日活动", "location", "井冈山"), ("主题党日活动", "participant", "40名党员干部")},
        id="event-location-after-motion-verb"),
    pytest.param(
        "7月3日上午,青川经开区组织青年人才赴澜江科技园开展交流活动。",
        {("DevelopmentZone", "澜江科技园"), ("Event", "交流活动")},
        {("交流活动", "location", "澜江科技园")},
        id="event-location-zone-after-motion-verb"),
    pytest.param(
        "6月18日,澜江高新区召开科技创新大会,区内企业代表参加会议。",
        {("Event", "科技创新大会")},
        {("科技创新大会", "organizer", "澜江高新区")},
        id="event-name-with-verb-modifier"),
    pytest.param(
        "座谈会上,青禾科技有限公司总经理张明远说,这次培训让大家收获很大。",
        {("Person", "张明远"), ("Enterprise", "青禾科技有限公司")},
        {("张明远", "worksFor", "青禾科技有限公司"), ("张明远", "jobTitle", "总经理")},
        id="person-title-works-for"),
    pytest.param(
        "会上,青川经开区党工委副书记赵海峰表示,将持续优化营商环境。",
        {("Person", "赵海峰"), ("Organization", "青川经开区党工委")},
        {("赵海峰", "worksFor", "青川经开区党工委"), ("赵海峰", "jobTitle", "党工委副书记")},
        id="person-organ-title"),
    pytest.param(
        "青川经开区举办人才工作座谈会\n"
        "(记者 林晓东 通讯员 周一鸣)\n"
        "6月18日,青川经开区召开人才工作座谈会,区内企业代表参加会议。\n"
        "编辑:王小红\n"
        "来源:青川日报\n",
        {("Person", "林晓东"), ("Person", "周一鸣"), ("Person", "王小红"), ("Organization", "青川日报")},
        {("ARTICLE", "author", "林晓东"), ("ARTICLE", "contributor", "周一鸣"),
         ("ARTICLE", "editor", "王小红"), ("ARTICLE", "publisher", "青川日报")},
        id="byline-and-footer"),
    pytest.param(
        "7月1日上午,青川经开区举办青年人才专题培训班,各企业青年骨干参加培训。",
        {("Event", "青年人才专题培训班")},
        {("青年人才专题培训班", "date", date(2024, 7, 1))},
        id="date-year-from-publication"),
    pytest.param(
        "12月20日,青川经开区举办青年人才专题培训班,各企业青年骨干参加培训。",
        {("Event", "青年人才专题培训班")},
        {("青年人才专题培训班", "date", date(2023, 12, 20))},
        id="date-after-publication-is-last-year"),
    pytest.param(
        "2022年7月1日上午,青川经开区举办青年人才专题培训班,各企业青年骨干参加培训。",
        {("Event", "青年人才专题培训班")},
        {("青年人才专题培训班", "date", date(2022, 7, 1))},
        id="date-with-year"),
    pytest.param(
        "6月28日,澜江高新区新能源产业链党建联盟在区党群服务中心揭牌成立。",
        {("Alliance", "澜江高新区新能源产业链党建联盟"), ("Industry", "新能源产业链"),
         ("Event", "澜江高新区新能源产业链党建联盟成立")},
        {("澜江高新区新能源产业链党建联盟成立", "organizer", "澜江高新区"),
         ("澜江高新区新能源产业链党建联盟成立", "location", "区党群服务中心"),
         ("澜江高新区新能源产业链党建联盟成立", "date", date(2024, 6, 28)),
         ("澜江高新区新能源产业链党建联盟", "industry", "新能源产业链")},
        id="launch-ceremony-as-event"),
    pytest.param(
        "该联盟由星拓汽车零部件有限公司牵头,联合华岳新能源科技、瑞霖电池、博衍电机等20家上下游企业组建而成。"
        "星拓汽车零部件有限公司党委书记、总经理周海峰当选联盟首任理事长。",
        {("Enterprise", "星拓汽车零部件有限公司"), ("Enterprise", "瑞霖电池"), ("Enterprise", "博衍电机"),
         ("Person", "周海峰")},
        {("瑞霖电池", "memberOf", "联盟"), ("周海峰", "worksFor", "星拓汽车零部件有限公司"),
         ("周海峰", "jobTitle", "党委书记、总经理"), ("周海峰", "role", "理事长")},
        id="company-list-past-modifiers-and-elected-role"),
    pytest.param(
        "会议由云溪开发区党工委委员、组织部部长刘思远主持。",
        {("Person", "刘思远"), ("Organization", "云溪开发区党工委")},
        {("刘思远", "jobTitle", "党工委委员、组织部部长"), ("刘思远", "worksFor", "云溪开发区党工委")},
        id="title-chain-with-organs"),
    pytest.param(
        "今年以来,青川经开区组织120余名青年人才开展“青春建功”系列活动,聘请15名专家组建人才服务团。",
        {("Event", "青春建功系列活动"), ("TalentGroup", "人才服务团")},
        {("青春建功系列活动", "participant", "120余名青年人才"), ("人才服务团", "establishedBy", "青川经开区"),
         ("15名专家", "engagedBy", "青川经开区")},
        id="series-event-and-service-team"),
    pytest.param(
        "石门高新区为新成立的石门高新区智能制造产业党建联盟授牌,首批成员单位16家。",
        {("Alliance", "石门高新区智能制造产业党建联盟"), ("Industry", "智能制造产业")},
        {("成员单位", "memberOf", "石门高新区智能制造产业党建联盟"), ("成员单位", "count", 16)},
        id="alliance-name-with-industry-verb"),
    pytest.param(
        "云溪经开区党工委书记、管委会主任吴国栋出席会议并讲话,由区领导担任“链长”。",
        {("Person", "吴国栋")},
        {("吴国栋", "jobTitle", "党工委书记、管委会主任")},
        id="attending-a-meeting-is-no-event-and-a-role-no-initiative"),
    pytest.param(
        "会上,青川光能科技股份有限公司党支部书记、副总经理蒋思远介绍了经验。",
        {("Enterprise", "青川光能科技股份有限公司"), ("Organization", "青川光能科技股份有限公司党支部")},
        {("蒋思远", "worksFor", "青川光能科技股份有限公司"), ("蒋思远", "worksFor", "青川光能科技股份有限公司党支部")},
        id="company-party-branch-and-split-company-name"),
    pytest.param(
        "下一步,石门经开区将在园区党群服务中心设立产业链党建工作站。",
        {("Place", "产业链党建工作站"), ("Organization", "园区党群服务中心")},
        {("产业链党建工作站", "establishedBy", "石门经开区"), ("产业链党建工作站", "location", "园区党群服务中心")},
        id="set-up-inside-a-facility"),
    pytest.param(
        "新华网云溪3月8日电(通讯员 陈思静 记者 王一鸣)今年以来,云溪经开区党工委牵头成立汽车零部件产业党建联盟。",
        {("Organization", "新华网"), ("Alliance", "汽车零部件产业党建联盟"), ("Industry", "汽车零部件产业")},
        {("ARTICLE", "publisher", "新华网"), ("ARTICLE", "author", "王一鸣"), ("ARTICLE", "contributor", "陈思静"),
         ("汽车零部件产业党建联盟", "establishedBy", "云溪经开区党工委")},
        id="dateline-with-dian-and-numeral-looking-noun"),
    pytest.param(
        "3月5日,云溪经开区组织60余名青年技术骨干赴上海临港新片区开展交流学习活动。",
        {("Event", "交流学习活动"), ("TalentGroup", "60余名青年技术骨干")},
        {("交流学习活动", "participant", "60余名青年技术骨干"), ("交流学习活动", "organizer", "云溪经开区")},
        id="other-zone-visited-is-not-the-principal"),
    pytest.param(
        "云溪经开区党工委将人才工作纳入“一把手”工程,组建了由20名党员专家组成的“红色智囊团”。",
        {("Initiative", "一把手工程"), ("TalentGroup", "红色智囊团")},
        {("红色智囊团", "establishedBy", "云溪经开区党工委")},
        id="quoted-name-with-its-noun-and-a-team-of-members"),
    pytest.param(
        "青禾钢铁集团有限公司建成博士后科研工作站。“园区服务很周到。”青禾钢铁集团有限公司人力资源部经理朱一鸣说。",
        {("Place", "博士后科研工作站"), ("Person", "朱一鸣")},
        {("博士后科研工作站", "establishedBy", "青禾钢铁集团有限公司"),
         ("朱一鸣", "worksFor", "青禾钢铁集团有限公司"), ("朱一鸣", "jobTitle", "人力资源部经理")},
        id="agent-before-verb-and-employer-through-a-department"),
    pytest.param(
        "近日,云溪高新区组织40余名研发骨干赴杭州未来科技城开展主题研学活动,还组建了由60名青年党员组成的“青年突击队”。",
        {("Place", "杭州未来科技城"), ("TalentGroup", "青年突击队")},
        {("主题研学活动", "location", "杭州未来科技城"), ("主题研学活动", "participant", "40余名研发骨干"),
         ("青年突击队", "establishedBy", "云溪高新区")},
        id="place-words-before-a-named-place-and-a-quoted-team"),
    pytest.param(
        "12月10日,云溪天府新区临港产业园党建联盟成立大会举行。该联盟由星拓太阳能(云溪)有限公司、华岳科技股份有限公司等18家企业党组织共同发起。",
        {("DevelopmentZone", "云溪天府新区"), ("Enterprise", "星拓太阳能(云溪)有限公司"),
         ("Alliance", "云溪天府新区临港产业园党建联盟")},
        {("星拓太阳能(云溪)有限公司", "memberOf", "联盟"), ("华岳科技股份有限公司", "memberOf", "联盟")},
        id="new-area-zone-and-company-with-a-bracketed-place"),
    pytest.param(
        "青禾集团、远澜硅材料、云海哲等企业负责人表示满意。据了解,下一步云溪经开区还将组织开展“银企对接会”“人才招聘周”等系列活动。",
        {("Enterprise", "青禾集团"), ("Enterprise", "远澜硅材料"), ("Enterprise", "云海哲"),
         ("DevelopmentZone", "云溪经开区"), ("Event", "银企对接会"), ("Initiative", "人才招聘周")},
        set(),
        id="list-with-glued-deng-and-side-by-side-quoted-names"),
    pytest.param(
        "5月12日,由澜江高新区管委会、澜江市人才工作领导小组办公室共同主办的青年人才创新创业大赛在澜江科技会展中心开幕。",
        {("Event", "青年人才创新创业大赛"), ("Place", "澜江科技会展中心"), ("Organization", "澜江高新区管委会")},
        {("青年人才创新创业大赛", "organizer", "澜江高新区管委会"),
         ("青年人才创新创业大赛", "organizer", "澜江市人才工作领导小组办公室"),
         ("青年人才创新创业大赛", "location", "澜江科技会展中心"),
         ("青年人才创新创业大赛", "date", date(2024, 5, 12))},
        id="competition-with-joint-organizers-opening-at-a-venue"),
    pytest.param(
        "近年来,云溪经开区累计引进各类人才1.2万余名。",
        {("TalentGroup", "各类人才")},
        {("各类人才", "count", 12000), ("各类人才", "countQualifier", "余")},
        id="count-in-digits-and-wan"),
    pytest.param(
        "8月20日,青川产业链党建联盟召开成员大会,远澜新材料有限公司当选新一届轮值主席单位。",
        {("Enterprise", "远澜新材料有限公司"), ("Alliance", "青川产业链党建联盟")},
        {("远澜新材料有限公司", "role", "轮值主席"), ("远澜新材料有限公司", "memberOf", "青川产业链党建联盟")},
        id="company-elected-to-a-rotating-chair"),
    pytest.param(
        "会上,青川产业链党建联盟选举启航电子股份有限公司党委书记吴海涛为联盟首任主席。",
        {("Person", "吴海涛"), ("Alliance", "青川产业链党建联盟")},
        {("吴海涛", "role", "主席"), ("吴海涛", "memberOf", "青川产业链党建联盟"), ("吴海涛", "jobTitle", "党委书记")},
        id="elected-as-first-chair-with-wei"),
    pytest.param(
        "截至10月底,云溪经开区新引进博士研究生46人、硕士研究生320余人。海岚能源有限公司研发总监孙明远说,政策很给力。",
        {("TalentGroup", "博士研究生"), ("TalentGroup", "硕士研究生")},
        {("博士研究生", "count", 46), ("硕士研究生", "count", 320), ("硕士研究生", "countQualifier", "余"),
         ("孙明远", "jobTitle", "研发总监"), ("孙明远", "worksFor", "海岚能源有限公司")},
        id="graduates-counted-after-the-noun-and-a-compound-title"),
    pytest.param(
        "10月18日上午,云溪经开区举行“云溪人才卡”首批发放仪式。",
        {("Event", "云溪人才卡首批发放仪式")},
        {("云溪人才卡首批发放仪式", "organizer", "云溪经开区")},
        id="ceremony-named-by-a-quoted-thing-and-a-count"),
    pytest.param(
        "6月26日,云溪经开区首届“金牌工匠”技能大赛在区职业技能实训基地举行。"
        "本次大赛由云溪经开区党群工作部、云溪经开区总工会联合主办,区内企业一线职工同台竞技。",
        {("Event", "金牌工匠技能大赛")},
        {("金牌工匠技能大赛", "organizer", "云溪经开区党群工作部"), ("金牌工匠技能大赛", "organizer", "云溪经开区总工会")},
        id="the-event-named-again-organized-jointly"),
    pytest.param(
        "澜江高新区组建产业链党建联盟2个。7月,联盟成员单位澜江云谷芯片股份有限公司引进博士12名。",
        {("Alliance", "产业链党建联盟"), ("Enterprise", "澜江云谷芯片股份有限公司")},
        {("澜江云谷芯片股份有限公司", "memberOf", "产业链党建联盟"), ("产业链党建联盟", "establishedBy", "澜江高新区")},
        id="a-member-named-after-the-word-for-members"),
    pytest.param(
        "3月8日,澜江经开区召开2024年人才工作会议。区党工委书记张国栋,区党工委副书记、管委会主任李海涛,"
        "区党工委委员陈晓东出席会议。",
        {("Event", "人才工作会议")},
        {("人才工作会议", "organizer", "澜江经开区"), ("人才工作会议", "participant", "张国栋"),
         ("人才工作会议", "participant", "李海涛"), ("人才工作会议", "participant", "陈晓东")},
        id="work-meeting-and-officials-listed-before-they-attend"),
    pytest.param(
        "王建国强调,要聚焦新能源汽车、生物医药等主导产业,加快引进高层次人才团队。",
        {("Industry", "新能源汽车"), ("Industry", "生物医药")},
        set(),
        id="a-list-of-industries-is-no-list-of-companies"),
]


def test_byline_in_brackets_after_the_outlet(extractor):
    doc = run(extractor, "云溪经开区举办技能大赛\n6月26日,云溪经开区举办技能大赛。\n(云溪融媒 记者 罗小红 通讯员 郭晓东)\n")
    facts = facts_of(doc)
    assert {("ARTICLE", "publisher", "云溪融媒"), ("ARTICLE", "author", "罗小红"),
            ("ARTICLE", "contributor", "郭晓东")} <= facts, sorted(map(str, facts))


def test_names_inside_a_document_title_are_not_entities(extractor):
    doc = run(extractor, "今年以来,云溪经开区出台《云溪经开区高层次人才引进办法》,设立人才发展专项资金。")
    assert ("DevelopmentZone", "云溪经开区") in mentions_of(doc)
    assert not any("高层次人才" in label for _cls, label in mentions_of(doc)), sorted(mentions_of(doc))


@pytest.mark.parametrize("text, mentions, facts", CASES)
def test_rule_family(extractor, text, mentions, facts):
    doc = run(extractor, text)
    assert mentions <= mentions_of(doc), sorted(mentions_of(doc))
    assert facts <= facts_of(doc), sorted(map(str, facts_of(doc)))


def test_date_without_publication_date_is_kept_as_text_or_dropped(extractor):
    doc = run(extractor, "7月1日上午,青川经开区举办青年人才专题培训班,各企业青年骨干参加培训。", when=None)
    assert not any(f.predicate == "date" for f in doc.facts)


def test_date_range_has_end_date(extractor):
    doc = run(extractor, "7月1日至3日,青川经开区举办青年人才专题培训班,各企业青年骨干参加培训。")
    facts = facts_of(doc)
    assert ("青年人才专题培训班", "date", date(2024, 7, 1)) in facts
    assert ("青年人才专题培训班", "endDate", date(2024, 7, 3)) in facts


def test_byline_names_are_not_read_by_other_rules(extractor):
    doc = run(extractor, "青川经开区举办人才工作座谈会\n(记者 林晓东 通讯员 周一鸣)\n"
                         "6月18日,青川经开区召开人才工作座谈会,区内企业代表参加会议。\n")
    byline = [m for m in doc.mentions if m.label in ("林晓东", "周一鸣")]
    assert {m.rule for m in byline} == {"mention.byline"}


def test_no_rule_knows_a_name(extractor):
    """Swapping every made-up name for another gives the same structure."""
    a = run(extractor, "今年以来,青川经开区党工委选派20名党建指导员深入企业,帮助企业解决实际困难。")
    b = run(extractor, "今年以来,澜江经开区党工委选派20名党建指导员深入企业,帮助企业解决实际困难。")
    swap = lambda s: s.replace("澜江", "青川") if isinstance(s, str) else s  # noqa: E731
    assert {tuple(map(swap, f)) for f in facts_of(b)} == facts_of(a)


ARTICLE = (
    "青川经开区举办青年人才专题培训班\n"
    "(记者 林晓东 通讯员 周一鸣)\n"
    "7月1日上午,青川经开区举办青年人才专题培训班,青禾科技、远澜生物、海岚电子等12家企业的高层次人才参加培训。\n"
    "今年以来,青川经开区党工委选派20名党建指导员深入企业,帮助企业解决实际困难。\n"
    "青禾科技有限公司总经理张明远说,公司将继续加大研发投入。\n"
    "编辑:王小红\n"
)
# The last body sentence refers back to the training of the first one (会上 … 说).
FOCUS_ARTICLE = ARTICLE.replace("青禾科技有限公司总经理张明远说,公司将继续加大研发投入。",
                                "会上,青禾科技有限公司总经理张明远说,这次培训让大家收获很大。")


def check_offsets(doc):
    assert doc.mentions and doc.facts
    for m in doc.mentions:
        s = doc.sentences[m.sentence]
        assert s.start <= m.start < m.end <= s.end, m
        assert m.label and len(m.label) >= 2
    for f in doc.facts:
        s = doc.sentences[f.sentence]
        assert s.start <= f.start < f.end <= s.end, f
        assert f.rule


def test_offsets_lie_in_their_sentences(extractor):
    check_offsets(run(extractor, ARTICLE))


def test_offsets_of_facts_about_the_event_in_focus(extractor):
    doc = run(extractor, FOCUS_ARTICLE)
    assert ("青年人才专题培训班", "participant", "张明远") in facts_of(doc)
    check_offsets(doc)


def test_extraction_is_deterministic(extractor):
    first = run(extractor, ARTICLE)
    second = run(extractor, ARTICLE)
    assert first.mentions == second.mentions
    assert first.facts == second.facts


def test_byline_over_two_lines_and_headline_after_it(extractor):
    doc = run(extractor, "■澜江日报/园区新闻 记者 林晓东\n通讯员 周一鸣\n澜江高新区成立人才服务联盟\n\n"
                         "6月18日,澜江高新区召开人才工作座谈会。\n")
    facts = facts_of(doc)
    assert ("ARTICLE", "publisher", "澜江日报") in facts
    assert ("ARTICLE", "author", "林晓东") in facts
    assert ("ARTICLE", "contributor", "周一鸣") in facts
    assert doc.headline == "澜江高新区成立人才服务联盟"


def test_zone_abbreviations_meet_in_one_article(extractor):
    from kg.resolve import Resolver

    doc = run(extractor, "云溪开发区激活园区发展新动能\n\n云溪经济技术开发区召开人才工作座谈会。"
                         "会上,云溪开发区党工委书记陈国栋讲话。云溪开发区将继续优化园区服务。")
    resolved = Resolver().resolve([doc])
    zones = {e.key for e in resolved.entities.values() if e.cls == "DevelopmentZone"}
    assert zones == {"zone/云溪经开区"}


def test_worker_processes_give_the_same_documents(extractor):
    """kg build spreads articles over processes; the result must not depend on it."""
    sentences = [ARTICLE, FOCUS_ARTICLE]
    sources = [SourceText(f"a{i:02d}", Path(f"a{i:02d}.txt"), sentences[i % 2].replace("青川", "云溪" if i % 3 else "青川"),
                          "utf-8", "text/plain") for i in range(18)]
    serial = extract_documents(sources, PUBLISHED, extractor, jobs=1)
    parallel = extract_documents(sources, PUBLISHED, extractor, jobs=2)
    assert [d.article_id for d in parallel] == [d.article_id for d in serial]
    assert [facts_of(d) for d in parallel] == [facts_of(d) for d in serial]
    assert [mentions_of(d) for d in parallel] == [mentions_of(d) for d in serial]


def test_verb_phrases_and_roles_are_not_named_things(extractor):
    doc = run(extractor, "云溪经开区党工委书记、管委会主任吴国栋出席会议并讲话,由区领导担任“链长”。")
    assert not [m for m in doc.mentions if m.cls in ("Event", "Initiative")], mentions_of(doc)


def test_a_bare_zone_head_that_is_no_reference_names_nothing(extractor):
    doc = run(extractor, "3月5日,云溪经开区组织60余名青年技术骨干赴上海临港新片区开展交流学习活动。")
    assert ("DevelopmentZone", "片区") not in mentions_of(doc)
    assert ("DevelopmentZone", "新片区") not in mentions_of(doc)


def test_traditional_input_keeps_original_offsets(extractor):
    text = "雲溪經濟開發(fā)區黨工委選派20名黨建指導員深入企業。"
    doc = run(extractor, text)
    group = next(m for m in doc.mentions if m.cls == "TalentGroup")
    assert group.label == "20名党建指导员"
    a, b = doc.norm.to_original(group.start, group.end)
    assert text[a:b] == "20名黨建指導員"


def test_a_list_of_people_is_not_a_list_of_companies(extractor):
    doc = run(extractor, "座谈会上,青禾新材料科技有限公司总经理李卫东、云溪智能装备研究院院长王晓峰等6位企业代表先后发言。")
    companies = {label for cls, label in mentions_of(doc) if cls == "Enterprise"}
    assert companies == {"青禾新材料科技有限公司"}
    assert {("Person", "李卫东"), ("Person", "王晓峰")} <= mentions_of(doc)


def test_headline_event_and_its_full_name_are_one_entity(extractor):
    from kg.resolve import Resolver

    doc = run(extractor, "云溪高新区举办人才工作座谈会\n\n4月16日下午,云溪高新区人才工作座谈会在高新区管委会召开。\n")
    events = [e for e in Resolver().resolve([doc]).entities.values() if e.cls == "Event"]
    assert [e.label for e in events] == ["云溪高新区人才工作座谈会"]
    assert "人才工作座谈会" in events[0].alt_labels


def test_side_by_side_quoted_names_do_not_make_a_group(extractor):
    doc = run(extractor, "下一步云溪经开区还将组织开展“银企对接会”“人才招聘周”等系列活动。")
    assert not [m for m in doc.mentions if m.cls == "TalentGroup"], mentions_of(doc)
    assert ("DevelopmentZone", "一步云溪经开区") not in mentions_of(doc)


def test_build_with_workers_writes_the_same_turtle(tmp_path):
    from kg.pipeline import build
    from kg.rdf import serialize_turtle

    for i in range(18):
        text = (ARTICLE if i % 2 else FOCUS_ARTICLE).replace("青川", "云溪" if i % 3 else "青川")
        (tmp_path / f"a{i:02d}.txt").write_text(text, encoding="utf-8")
    serial = serialize_turtle(build([tmp_path], PUBLISHED, jobs=1).graph)
    parallel = serialize_turtle(build([tmp_path], PUBLISHED, jobs=2).graph)
    assert serial == parallel


def test_industries_listed_before_their_head_are_not_companies_or_members(extractor):
    doc = run(extractor, "王建国强调,要聚焦新能源汽车、生物医药等主导产业,加快引进高层次人才团队。")
    assert not [m for m in doc.mentions if m.cls == "Enterprise"]
    assert not [f for f in doc.facts if f.predicate == "memberOf"]


def test_tokens_among_finds_whole_tokens_in_order(extractor):
    from kg.rules.context import SentenceView
    from kg.model import Sentence

    text = "代表们参加座谈会,随后参加培训,参加者很多。"
    tokens = extractor.segmenter.tokens(text, offset=10)
    view = SentenceView(Sentence(0, 10, 10 + len(text), text), tokens)
    found = view.tokens_among(frozenset({"参加", "座谈会", "不在句中"}))
    expected = [(i, t) for i, t in enumerate(tokens) if t.word in ("参加", "座谈会")]
    assert found == expected
    assert [t.word for _, t in found][:2] == ["参加", "座谈会"]
    # 参加 inside the word 参加者 (if jieba keeps it whole) is not a token of its own
    assert all(text[t.start - 10:t.end - 10] == t.word for _, t in found)
    assert view.tokens_among(frozenset({"不在句中"})) == []


def test_outermost_keeps_exactly_the_mentions_inside_no_longer_one():
    import random

    from kg.rules.spans import outermost

    rng = random.Random(3)
    for _ in range(300):
        spans = [(a, a + rng.randint(1, 6)) for a in (rng.randint(0, 12) for _ in range(rng.randint(0, 9)))]
        ms = [Mention(a, b, "Enterprise", f"m{k}", 0, "test") for k, (a, b) in enumerate(spans)]
        naive = [m for m in ms if not any(o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
                                          for o in ms)]
        assert outermost(ms) == naive


def test_extraction_makes_no_reference_cycles(extractor):
    # kg.pipeline pauses the garbage collector while it extracts: that is only
    # free if extraction leaves nothing for the collector to find.
    import gc

    from kg.pipeline import extract_and_resolve

    sources = [SourceText(f"c{i}", Path(f"c{i}.txt"), text, "utf-8", "text/plain") for i, text in enumerate([
        "青川经济技术开发区举办人才工作座谈会\n(记者 王明远)\n7月1日,青川经济技术开发区党工委选派20名党建指导员"
        "赴青禾科技有限公司、远澜生物有限公司等15家企业开展调研。\n编辑:李晓东\n",
        "澜江高新区成立生物医药产业联盟,首批吸纳成员企业12家。会上,澜江高新区党工委副书记张海峰表示,将持续优化营商环境。\n",
    ])]
    extract_and_resolve(sources, PUBLISHED, extractor)  # first run: caches and lazy imports fill up
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        docs, resolved = extract_and_resolve(sources, PUBLISHED, extractor)
        assert resolved.statements
        del docs, resolved
        assert gc.collect() == 0
    finally:
        if was_enabled:
            gc.enable()


def test_extract_many_gives_what_one_by_one_gives(extractor):
    """Articles extracted together (the labeller batched over all of them) come out as each alone."""
    from kg.pipeline import make_document

    texts = ["澜江高新区举办人才工作座谈会\n6月18日,王小红、李建华等参加座谈会。\n",
             "远澜生物科技股份有限公司总经理林思远说,公司将加大研发投入。\n",
             "",
             "北塘经开区成立新材料产业联盟\n近日,北塘经开区党工委书记王海峰为联盟揭牌,首批成员企业32家。\n",
             "6月20日,周明远、陈思远等来到北塘经开区参观。\n"]
    sources = [SourceText(f"t{n}", Path(f"t{n}.txt"), text, "utf-8", "text/plain") for n, text in enumerate(texts)]
    together = extractor.extract_many([make_document(s, PUBLISHED) for s in sources])
    alone = [extractor(make_document(s, PUBLISHED)) for s in sources]
    assert [d.mentions for d in together] == [d.mentions for d in alone]
    assert [d.facts for d in together] == [d.facts for d in alone]
    # names only the labeller finds (no title before them), in the first and the last article
    assert {"王小红", "李建华"} <= {m.label for m in together[0].mentions}
    assert {"周明远", "陈思远"} <= {m.label for m in together[4].mentions}


def test_a_long_article_is_extracted_a_section_at_a_time(extractor, monkeypatch):
    import kg.extract
    from kg.rules import context

    body = "".join(ARTICLE.splitlines(keepends=True)[2:5])
    text = ARTICLE.splitlines(keepends=True)[0] + body * 4
    whole = run(extractor, text)
    spans = []
    real_init = context.Context.__init__

    def spy(self, doc, *args):
        real_init(self, doc, *args)
        spans.append((doc.sentences[0].start, doc.sentences[-1].end, len(doc.sentences)))

    monkeypatch.setattr(context.Context, "__init__", spy)
    monkeypatch.setattr(kg.extract, "SECTION_CHARS", 150)
    parts = run(extractor, text)
    # each pass saw one stretch of at most 150 characters (or one sentence), together all of them
    assert len(spans) > 1 and all(end - start <= 150 or n == 1 for start, end, n in spans)
    assert sum(n for _, _, n in spans) == len(parts.sentences)
    assert all(before[1] <= after[0] for before, after in zip(spans, spans[1:]))  # in order, no overlap
    # the same things found, at offsets into the whole article
    check_offsets(parts)
    assert mentions_of(parts) == mentions_of(whole)
    assert {m.span for m in parts.mentions if m.cls == "Enterprise"} == \
        {m.span for m in whole.mentions if m.cls == "Enterprise"}


def test_sections_partition_the_sentences_in_order(extractor, monkeypatch):
    import kg.extract

    monkeypatch.setattr(kg.extract, "SECTION_CHARS", 100)
    doc = run(extractor, ARTICLE * 3)
    parts = list(kg.extract.sections(doc))
    assert [s for part in parts for s in part.sentences] == doc.sentences
    assert all(p.text == doc.text and not p.mentions for p in parts)
    assert all(p.sentences[-1].end - p.sentences[0].start <= 100 or len(p.sentences) == 1 for p in parts)
