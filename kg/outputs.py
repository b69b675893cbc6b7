"""The output folder of `kg build`, changed as a whole.

    output/                  the published set: read by kg query, export, serve, stats
      manifest.json          the build id, the files of the set, the articles it was made from
      graph.ttl              first line: "# kg build <id>"
      graph.html, graph.graphml
      store/                 the Oxigraph store; store/kg-build holds the build id
    .output.kg/              beside it, the builds' own state (hidden, never read by readers)
      lock                   held by the one build that may run on this output at a time
      cache/                 per-article cache (kg.cache)
      staging-<id>/          the next set, while a build makes it

A build writes every file of the new set into a staging folder beside the output,
then swaps the two folders in one step: Linux's renameat2(RENAME_EXCHANGE), which
leaves either the complete old set or the complete new set at every moment,
whatever kills the process. Where the call is missing, two renames do the swap, and
the next build puts the old set back if a kill came between them. Staging folders
and temporary files of killed builds are removed by the next build.

Readers call `check_output_set`: it checks that the manifest's files are there, of
the recorded sizes, and that the Turtle file and the store name the manifest's build.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import Iterator

from kg.atomic import atomic_write_text
from kg.errors import KgError

MANIFEST_NAME = "manifest.json"
STORE_NAME = "store"
STORE_MARKER = "kg-build"
TURTLE_NAME = "graph.ttl"
#: How graph.ttl begins: a comment naming its build (Turtle parsers skip it).
TURTLE_MARKER = "# kg build "


def new_build_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(4)


def state_dir(out_dir: Path) -> Path:
    """The builds' own folder beside `out_dir`: `.output.kg` for `output`."""
    out_dir = Path(out_dir).absolute()
    return out_dir.parent / f".{out_dir.name}.kg"


# ---------------------------------------------------------------- reading side


def read_manifest(out_dir: Path) -> dict | None:
    """The manifest of the set in `out_dir`, or None if the folder has none."""
    path = Path(out_dir) / MANIFEST_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise KgError(f"{path}: unreadable manifest ({exc}); run `kg build` again") from None


def check_output_set(path: Path) -> dict | None:
    """Check that the output set holding `path` (an output folder, or its store folder) is whole.

    Returns its manifest, or None for a folder that `kg build` did not make (no manifest:
    a graph file put there by hand, or an older build), which readers take as it is.
    Raises KgError, in one line, when the set is not the one its manifest names.
    """
    path = Path(path)
    folder = path.parent if path.name == STORE_NAME and (path / STORE_MARKER).exists() else path
    manifest = read_manifest(folder)
    if manifest is None:
        return None
    build = manifest.get("build")
    for name, size in manifest.get("files", {}).items():
        file = folder / name
        if not file.exists():
            raise KgError(f"{folder}: {name} of build {build} is missing; run `kg build` again")
        if size is not None and file.is_file() and file.stat().st_size != size:
            raise KgError(f"{folder}: {name} is not the one build {build} wrote; run `kg build` again")
    marker = folder / STORE_NAME / STORE_MARKER
    if marker.exists() and marker.read_text(encoding="utf-8").strip() != build:
        raise KgError(f"{folder}: the store is not from build {build}; run `kg build` again")
    turtle = folder / TURTLE_NAME
    if turtle.is_file():
        with open(turtle, encoding="utf-8", errors="replace") as handle:
            if handle.readline().strip() != f"{TURTLE_MARKER}{build}":
                raise KgError(f"{folder}: {TURTLE_NAME} is not from build {build}; run `kg build` again")
    return manifest


# ---------------------------------------------------------------- writing side


@contextlib.contextmanager
def build_lock(out_dir: Path) -> Iterator[Path]:
    """Hold the lock of `out_dir`'s state folder for one build; tidy what killed builds left."""
    state = state_dir(out_dir)
    state.mkdir(parents=True, exist_ok=True)
    with open(state / "lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KgError(f"another kg build is writing {out_dir}; wait for it to finish") from None
        recover(out_dir)
        yield state


def recover(out_dir: Path) -> None:
    """Undo what a killed build left: put back an old set whose swap was cut in half,
    remove staging folders and temporary files. Called with the lock held."""
    out_dir = Path(out_dir)
    state = state_dir(out_dir)
    old_sets = sorted(state.glob("old-*"))
    if not out_dir.exists() and old_sets:
        os.replace(old_sets[-1], out_dir)  # the second rename of a fallback swap never happened
    for leftover in [*state.glob("staging-*"), *state.glob("old-*")]:
        shutil.rmtree(leftover, ignore_errors=True)
    for folder in (state / "cache", out_dir):
        if folder.is_dir():
            for tmp in folder.rglob(".*.tmp"):  # kg.atomic's temporary files
                with contextlib.suppress(OSError):
                    shutil.rmtree(tmp) if tmp.is_dir() else tmp.unlink()


def staging_folder(out_dir: Path, build_id: str) -> Path:
    folder = state_dir(out_dir) / f"staging-{build_id}"
    folder.mkdir(parents=True)
    return folder


def write_manifest(staging: Path, manifest: dict) -> None:
    """Record every file of the staged set with its size, then the manifest itself."""
    files = {}
    for entry in sorted(staging.iterdir()):
        if entry.name == MANIFEST_NAME:
            continue
        files[entry.name] = entry.stat().st_size if entry.is_file() else None
    atomic_write_text(staging / MANIFEST_NAME,
                      json.dumps({**manifest, "files": files}, ensure_ascii=False, indent=1) + "\n")


def publish(staging: Path, out_dir: Path) -> None:
    """Make the staged set the output, in one step; the old set is removed after."""
    out_dir = Path(out_dir).absolute()
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    if _exchange(staging, out_dir):
        shutil.rmtree(staging, ignore_errors=True)  # it now holds the old set
        return
    old = state_dir(out_dir) / f"old-{staging.name.removeprefix('staging-')}"
    os.replace(out_dir, old)  # a kill here leaves no output: the next build's recover() puts it back
    os.replace(staging, out_dir)
    shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.ENOTSUP):
        return False
    raise OSError(err, f"cannot swap {a} and {b}: {os.strerror(err)}")
