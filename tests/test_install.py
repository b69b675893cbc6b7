"""What a fresh install needs: every import declared, and a command line that starts fast.

CI installs kg into a new virtual environment (`.ci/run`), so an undeclared
package fails there too; these tests say which one, and why, before that.
"""
from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

# Packages that a called function needs although no module of kg imports them:
# networkx's PageRank runs on scipy's sparse matrices (numpy underneath).
BACKENDS = {"networkx": {"numpy", "scipy"}}

# What `kg --help` must not load: each takes 0.1–0.2 s to import.
HEAVY_MODULES = {"rdflib", "networkx", "pyvis", "jieba", "pyoxigraph", "opencc"}


def canonical(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return canonical(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement).group())


def declared(*extras: str) -> set[str]:
    names = {requirement_name(r) for r in PROJECT["dependencies"]}
    for extra in extras:
        names |= {requirement_name(r) for r in PROJECT["optional-dependencies"][extra]}
    return names


def imported_modules(folder: Path) -> dict[str, str]:
    """Top-level module → the first file importing it, for every absolute import under `folder`."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.partition(".")[0], str(path.relative_to(folder.parent)))
    return found


def undeclared(folder: Path, allowed: set[str], local: set[str]) -> list[str]:
    """Imports under `folder` that neither the standard library nor a declared distribution provides."""
    providers = importlib.metadata.packages_distributions()
    problems = []
    for module, where in sorted(imported_modules(folder).items()):
        if module in sys.stdlib_module_names or module in local:
            continue
        distributions = {canonical(d) for d in providers.get(module, [])}
        if not distributions and canonical(module) in allowed:
            continue  # declared for other Pythons only (tomli: before 3.11)
        if not distributions:
            problems.append(f"{module} (imported in {where}) is not installed from any declared package")
        elif not distributions & allowed:
            problems.append(f"{module} (imported in {where}) comes from {sorted(distributions)}, not declared")
        for backend in sorted(BACKENDS.get(module, set()) - allowed):
            problems.append(f"{backend} (needed by {module}, imported in {where}) is not declared")
    return problems


def test_every_package_kg_imports_is_declared():
    assert undeclared(ROOT / "kg", declared(), local={"kg"}) == []


def test_every_package_the_tests_import_is_declared_with_the_test_extra():
    local = {"kg"} | {p.stem for p in (ROOT / "tests").glob("*.py")}
    assert undeclared(ROOT / "tests", declared("test"), local) == []


def test_the_check_finds_an_undeclared_import(tmp_path):
    (tmp_path / "m.py").write_text("import json\nimport networkx\nfrom rdflib import Graph\n")
    problems = undeclared(tmp_path, {"rdflib"}, local=set())
    assert [p.split()[0] for p in problems] == ["networkx", "numpy", "scipy"]


def test_pagerank_runs_with_the_installed_backends():
    import networkx as nx

    from kg.analytics import pagerank

    graph = nx.MultiDiGraph([("a", "b", "worksFor"), ("c", "b", "worksFor")])
    ranks = pagerank(graph)
    assert max(ranks, key=ranks.get) == "b"


@pytest.mark.parametrize("argv", [["--help"], ["query", "--help"], ["build", "--help"]])
def test_help_loads_no_heavy_module(argv):
    code = ("import sys\nfrom kg.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            f"print(sorted(set(sys.modules) & set({sorted(HEAVY_MODULES)!r})))")
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
