"""The `kg` command, run as a user would: `python -m kg ...` in a fresh process."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from kg.cli import make_parser

ROOT = Path(__file__).resolve().parent.parent

ARTICLE = (
    "青川经开区举办青年人才专题培训班\n"
    "(记者 林晓东 通讯员 周一鸣)\n"
    "7月1日上午,青川经开区举办青年人才专题培训班,青禾科技、远澜生物、海岚电子等12家企业的高层次人才参加培训。\n"
    "今年以来,青川经开区党工委选派20名党建指导员深入企业,帮助企业解决实际困难。\n"
    "编辑:王小红\n"
)


def kg(*args, cwd, timeout=600):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def subcommands():
    parser = make_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


def assert_one_line_error(done):
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "error" in lines[0]


def test_help(tmp_path):
    done = kg("--help", cwd=tmp_path)
    assert done.returncode == 0
    assert "build" in done.stdout and "usage" in done.stdout


def test_there_are_sub_commands():
    assert "build" in subcommands()


@pytest.mark.parametrize("command", subcommands())
def test_sub_command_help(tmp_path, command):
    done = kg(command, "--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: kg " + command)
    assert len(done.stdout.splitlines()) > 3


def test_no_command_is_a_usage_error(tmp_path):
    done = kg(cwd=tmp_path)
    assert done.returncode == 2
    assert "usage" in done.stderr and "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A folder laid out like a checkout: seeds/ with one article, then `kg build` run in it."""
    root = tmp_path_factory.mktemp("project")
    (root / "seeds").mkdir()
    (root / "seeds" / "qingchuan.txt").write_text(ARTICLE, encoding="utf-8")
    done = kg("build", "--date", "2024-08-01", cwd=root)
    assert done.returncode == 0, done.stderr
    return root, done


def test_build_end_to_end(project):
    root, done = project
    ttl, html = root / "output" / "graph.ttl", root / "output" / "graph.html"
    assert ttl.is_file() and html.is_file()
    graph = Graph().parse(ttl, format="turtle")
    assert len(graph) > 50
    assert "青川经开区" in ttl.read_text(encoding="utf-8")
    assert "<html" in html.read_text(encoding="utf-8").lower()
    assert "articles read: 1" in done.stdout
    assert "entities:" in done.stdout and "triples:" in done.stdout
    assert "graph.ttl" in done.stdout
    assert "Traceback" not in done.stderr


def test_build_with_explicit_input_and_out(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    done = kg("build", article, "--out", tmp_path / "out", "--date", "2024-08-01", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    assert 'kg:datePublished "2024-08-01"^^xsd:date' in text


def write_bad(root, kind):
    if kind == "missing":
        return root / "no-such-article.txt"
    path = root / f"{kind}.txt"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "blank":
        path.write_bytes(b" \n\n \n")
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 8 + b"\x00\xff\xfe\x00" * 64)
    elif kind == "empty-folder":
        path = root / "empty-folder"
        path.mkdir(exist_ok=True)
    return path


@pytest.mark.parametrize("kind", ["missing", "empty", "blank", "binary", "empty-folder"])
def test_bad_input_is_one_line_and_keeps_earlier_output(project, kind):
    root, _ = project
    before = {name: (root / "output" / name).read_bytes() for name in ("graph.ttl", "graph.html")}
    bad = write_bad(root, kind)
    done = kg("build", bad, cwd=root)
    assert_one_line_error(done)
    assert done.stderr.startswith("kg build: error:")
    for name, data in before.items():
        assert (root / "output" / name).read_bytes() == data, name
    leftovers = [p.name for p in (root / "output").iterdir() if p.name.startswith(".")]
    assert leftovers == []


@pytest.mark.parametrize("value", ["2024-13-01", "yesterday", "2024/07/01", ""])
def test_invalid_date_is_one_line(project, value):
    root, _ = project
    before = (root / "output" / "graph.ttl").read_bytes()
    done = kg("build", "--date", value, cwd=root)
    assert_one_line_error(done)
    assert "--date" in done.stderr
    assert (root / "output" / "graph.ttl").read_bytes() == before


def test_unknown_option_is_a_usage_error(tmp_path):
    done = kg("build", "--no-such-option", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
