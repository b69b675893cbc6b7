"""Why a triple exists: each statement with its rule and evidence sentence (`kg build --explain`).

The rule in brackets is the statement's `kg:rule`: the name of the registered extraction
rule that made it (kg/rules/, run in the order of ontology/pipeline.txt; `kg build
--list-rules` prints them), followed, for a rule that looks for an agent, by how it found
one (`.agent_before_verb`, `.sentence_subject`, `.principal_agent`). Every such id is
written out in the rule's module, so grep finds it. `kg build --disable RULE` switches a
rule (or a group: `relation.participant`) off; building with and without it shows what it
adds. The last lines count the statements of each rule.
"""
from __future__ import annotations

from collections import Counter

from kg.pipeline import BuildResult


def explain_lines(result: BuildResult):
    """Yield one readable line per extracted statement (types and labels left out)."""
    docs = {d.article_id: d for d in result.documents}
    entities = result.resolved.entities
    for st in result.resolved.statements:
        if st.predicate == "type":
            continue
        doc = docs[st.article_id]
        subject = entities[st.subject].label if st.subject in entities else st.subject
        obj = entities[st.obj].label if st.is_relation and st.obj in entities else st.obj
        sentence = next((s for s in doc.sentences if s.index == st.sentence), None)
        evidence = doc.norm.original[st.start:st.end]
        context = sentence.text if sentence else ""
        yield (f"{subject} --{st.predicate}--> {obj}    [{st.rule}] {st.article_id}@{st.start}-{st.end} "
               f"«{evidence}» in: {context}")


def rule_counts(result: BuildResult) -> Counter:
    """Statements (types included) by the id of the rule that made them."""
    return Counter(st.rule for st in result.resolved.statements)


def explain_text(result: BuildResult) -> str:
    counts = rule_counts(result)
    summary = [f"{n:>7}  {rule}" for rule, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join([*explain_lines(result), "", "statements per rule (kg build --disable RULE switches one off):",
                      *summary])
