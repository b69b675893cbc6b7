"""The extraction rules, each a small registered component (see `kg.rules.registry`).

    mentions/    rules that find mentions, one module per kind of thing (suffixes, lists, places …)
    discourse    the principal agent, the alliance and the event in focus
    relations/   rules that find facts, one module per kind of relation (organizer, participants …)

ontology/pipeline.txt gives the order they run in. Importing a rule module registers
its rules; `load_rules` imports them all.
"""
from __future__ import annotations

import importlib
import pkgutil

from kg.rules.registry import REGISTRY, Rule

_PACKAGES = ("kg.rules.mentions", "kg.rules.relations")


def load_rules() -> dict[str, Rule]:
    """Every registered rule, by name (importing the rule modules the first time)."""
    importlib.import_module("kg.rules.discourse")
    for package in _PACKAGES:
        for module in pkgutil.iter_modules(importlib.import_module(package).__path__, package + "."):
            importlib.import_module(module.name)
    return REGISTRY
