"""The registry of extraction rules, and the one order they run in.

A rule is a small named component, registered where it is defined:

    @rule("relation.participant.attends", triggers={"attend"},
          requires=["mentions.Event", "mentions.Person", "focus_event"], assigns=["facts.participant"])
    def attends(words, triggers):
        ...                      # compile what the rule needs, once
        def run(ctx, view):      # then run on each sentence (or `run(ctx)` once, for scope=DOCUMENT)
            ...
        return run

Its name is a literal, and it is the `kg:rule` of every statement the rule makes
(`ids` lists them when a rule makes several, e.g. one for each way it found an agent).
`triggers` are the signals of ontology/lexicon/triggers.tsv it reads; `requires`
and `assigns` name what it reads and what it makes: `mentions.<Class>`,
`facts.<property>` (terms of the ontology) or a piece of per-document state such
as `masks`, `lists` or `focus_event`. ontology/pipeline.txt lists every rule once,
in the order they run; `analyze` checks that what a rule requires an earlier one
assigns, as spaCy's `analyze_pipes` does.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from kg.errors import KgError
from kg.lexicon import ontology_terms, read_rows
from kg.vocab import ontology_dir

SENTENCE, DOCUMENT = "sentence", "document"
BODY = ("body", "headline")  # the sentences facts are taken from
EVERY_KIND = ("body", "headline", "caption", "byline", "footer")
#: What the document gives before any rule runs.
PROVIDED = frozenset({"sentences", "tokens"})


@dataclass(frozen=True)
class Rule:
    name: str
    make: Callable  # (words, triggers) → the component: run(ctx, view), or run(ctx) for DOCUMENT scope
    scope: str
    kinds: tuple[str, ...]  # the kinds of sentence a SENTENCE rule runs on
    triggers: frozenset[str]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    ids: tuple[str, ...]  # the kg:rule ids of the statements it makes
    summary: str
    naming: frozenset[str] = frozenset()  # a SENTENCE rule runs only on sentences naming one of these classes

    def matches(self, selector: str) -> bool:
        """`relation.participant` selects every rule under it; `relation.` too."""
        return self.name == selector or self.name.startswith(selector if selector.endswith(".") else selector + ".")


REGISTRY: dict[str, Rule] = {}


class Gated(NamedTuple):
    """A sentence rule's component that runs only on sentences holding one of `words` as a token.

    A factory returns one instead of its bare `run` when the rule starts from words
    (its trigger verbs): sentences without them are not handed to it at all.
    """

    run: Callable
    words: frozenset[str]



class Batched(NamedTuple):
    """A document rule's component that can also run over several articles in one call.

    A factory returns one when its work costs less in one batch than article by article
    (the sequence labeller): `Extractor.extract_many` hands it all its articles at once.
    """

    run: Callable  # run(ctx), one article
    many: Callable  # many(ctxs), several articles, each as `run` would leave it


def rule(name: str, *, scope: str = SENTENCE, kinds: Iterable[str] = BODY, triggers: Iterable[str] = (),
         requires: Iterable[str] = (), assigns: Iterable[str] = (), ids: Iterable[str] | None = None,
         naming: Iterable[str] = ()):
    """Register a rule factory under `name` (see the module docstring).

    `naming`: the classes a sentence must name one of for the rule to have anything to do
    there; other sentences are not handed to it.
    """
    def register(make: Callable) -> Callable:
        if name in REGISTRY:
            raise ValueError(f"rule {name} is registered twice")
        # the docstring's first paragraph says what the rule finds
        summary = " ".join((make.__doc__ or "").strip().split("\n\n")[0].split())
        REGISTRY[name] = Rule(name, make, scope, tuple(kinds), frozenset(triggers), tuple(requires),
                              tuple(assigns), tuple(ids) if ids is not None else (name,), summary,
                              frozenset(naming))
        return make
    return register


def pipeline_file() -> Path:
    return ontology_dir() / "pipeline.txt"


def load_order(path: Path | None = None, registry: dict[str, Rule] = REGISTRY) -> list[Rule]:
    """The rules in the order of `path` (ontology/pipeline.txt): each registered rule exactly once."""
    path = path or pipeline_file()
    order: list[Rule] = []
    seen: dict[str, int] = {}
    for line, cells in read_rows(path):
        name = cells[0]
        if name not in registry:
            raise KgError(f"{path}:{line}: unknown rule {name!r}")
        if name in seen:
            raise KgError(f"{path}:{line}: rule {name!r} is already listed on line {seen[name]}")
        seen[name] = line
        order.append(registry[name])
    missing = sorted(set(registry) - set(seen))
    if missing:
        raise KgError(f"{path}: registered rules missing from the order: {', '.join(missing)}")
    return order


def select(order: list[Rule], disable: Iterable[str] = ()) -> list[Rule]:
    """The rules of `order` left when those `disable` names (or groups by prefix) are switched off."""
    off = set()
    for selector in disable:
        chosen = {r.name for r in order if r.matches(selector)}
        if not chosen:
            maker = next((r.name for r in order if selector in r.ids), None)
            hint = f"; it is an id made by rule {maker}" if maker else "; kg build --list-rules lists them"
            raise KgError(f"unknown rule {selector!r}{hint}")
        off |= chosen
    return [r for r in order if r.name not in off]


def analyze(order: list[Rule], ontology: Path | None = None) -> list[str]:
    """Problems of an order: a requirement no earlier rule assigns, a term the ontology lacks."""
    classes, properties = ontology_terms(ontology or ontology_dir() / "kg.ttl")
    problems = []
    assigned = set(PROVIDED)
    for r in order:
        for need in r.requires:
            if need not in assigned:
                problems.append(f"{r.name} requires {need}, which no earlier rule assigns")
        for item in r.requires + r.assigns:
            kind, _, term = item.partition(".")
            if (kind == "mentions" and term not in classes) or (kind == "facts" and term not in properties):
                problems.append(f"{r.name}: {item} names no term of the ontology")
        assigned.update(r.assigns)
    return problems


def needed_signals(order: Iterable[Rule]) -> dict[str, set[str]]:
    """Each trigger signal → the rules that read it."""
    needed: dict[str, set[str]] = {}
    for r in order:
        for signal in r.triggers:
            needed.setdefault(signal, set()).add(r.name)
    return needed


def describe(order: list[Rule], enabled: list[Rule]) -> str:
    """The order as `kg build --list-rules` prints it: one rule a block, with what it reads and makes."""
    on = {r.name for r in enabled}
    lines = []
    for number, r in enumerate(order, 1):
        state = "" if r.name in on else "  (disabled)"
        where = "each document" if r.scope == DOCUMENT else "each " + "/".join(r.kinds) + " sentence"
        if r.naming:
            where += " naming " + "/".join(sorted(r.naming))
        lines.append(f"{number:>2}. {r.name}{state}  [{where}]  {r.summary}")
        if r.triggers:
            lines.append(f"      triggers: {', '.join(sorted(r.triggers))}")
        lines.append(f"      reads:    {', '.join(r.requires) or '-'}")
        lines.append(f"      makes:    {', '.join(r.assigns) or '-'}")
        if r.ids and r.ids != (r.name,):
            lines.append(f"      kg:rule:  {', '.join(r.ids)}")
    problems = analyze(enabled)
    if problems:
        lines.append("")
        lines.extend(f"warning: {p}" for p in problems)
    return "\n".join(lines)
