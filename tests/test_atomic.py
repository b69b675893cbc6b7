"""kg.atomic: a failing write leaves the old file intact and no temporary files."""
import os

import pytest

from kg.atomic import atomic_directory, atomic_open, atomic_write_bytes, atomic_write_text


class Boom(Exception):
    pass


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


def test_write_text_and_bytes(tmp_path):
    target = tmp_path / "sub" / "graph.ttl"
    assert atomic_write_text(target, "青川经开区\n") == target
    assert target.read_text(encoding="utf-8") == "青川经开区\n"
    atomic_write_bytes(target, "第二版".encode("utf-8"))
    assert target.read_bytes() == "第二版".encode("utf-8")
    assert listing(target.parent) == ["graph.ttl"]


def test_failing_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_bytes(b"old content\n")
    with pytest.raises(Boom):
        with atomic_open(target, "w") as handle:
            handle.write("half of the new")
            raise Boom
    assert target.read_bytes() == b"old content\n"
    assert listing(tmp_path) == ["graph.ttl"]


def test_failing_first_write_leaves_nothing(tmp_path):
    target = tmp_path / "graph.ttl"
    with pytest.raises(Boom):
        with atomic_open(target, "wb") as handle:
            handle.write(b"x")
            raise Boom
    assert listing(tmp_path) == []


def test_failing_serializer_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "graph.html"
    target.write_text("old", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write_text(target, "new")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old"
    assert listing(tmp_path) == ["graph.html"]


def test_text_is_utf8_with_unix_newlines(tmp_path):
    target = tmp_path / "a.txt"
    atomic_write_text(target, "一\n二\n")
    assert target.read_bytes() == "一\n二\n".encode("utf-8")


def test_atomic_directory_swaps_in_and_keeps_old_on_failure(tmp_path):
    target = tmp_path / "store"
    with atomic_directory(target) as tmp:
        (tmp / "data").write_text("v1")
    assert (target / "data").read_text() == "v1"
    with pytest.raises(Boom):
        with atomic_directory(target) as tmp:
            (tmp / "data").write_text("v2")
            raise Boom
    assert (target / "data").read_text() == "v1"
    assert listing(tmp_path) == ["store"]
    with atomic_directory(target) as tmp:
        (tmp / "data").write_text("v3")
    assert (target / "data").read_text() == "v3"
    assert listing(tmp_path) == ["store"]
