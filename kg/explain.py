"""Why a triple exists: each statement with its rule and evidence sentence."""
from __future__ import annotations

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


def explain_text(result: BuildResult) -> str:
    return "\n".join(explain_lines(result))
