"""The per-article cache of `kg build`: one file per version of an article.

An entry holds what one article contributes to a build (kg.articles.ArticleOutput
without the error): its compact record and its graph, serialized. It is named by
a key that changes whenever anything its content depends on changes: the article's
bytes, its id and file name, the publication date given with --date, and the
fingerprint of the pipeline (the code and word lists). A rerun therefore extracts
only articles whose key it has no entry for.

Entries are written atomically (a temporary file renamed into place) and never
changed, so a build killed at any moment leaves only whole entries, which the next
build reuses, and a reader never sees half of one.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import zlib
from datetime import date
from functools import lru_cache
from pathlib import Path

from kg.articles import ArticleOutput
from kg.atomic import atomic_write_bytes

#: Bumped when the entry layout changes, so old entries are not misread.
FORMAT = b"kg-cache-1"


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """A hash of everything extraction depends on besides the article: kg's code and the
    ontology folder (word lists, vocabulary). Any edit to either invalidates the cache."""
    from kg.vocab import ontology_dir

    digest = hashlib.sha256(FORMAT)
    package = Path(__file__).resolve().parent
    for root in (package, ontology_dir()):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".pyc"):
            digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry_key(article_id: str, source_name: str, data_hash: str, publication_date: date | None,
              disable: tuple[str, ...] = ()) -> str:
    """The cache key of one version of one article in one pipeline (with rules `disable` off)."""
    parts = [pipeline_fingerprint(), article_id, source_name, data_hash,
             publication_date.isoformat() if publication_date else "", ",".join(sorted(disable))]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def encode_entry(output: ArticleOutput) -> bytes:
    """The entry of `output`: pickled straight into the compressor, so that a huge article's
    entry never exists uncompressed beside the output itself."""
    compressor = zlib.compressobj(1)
    parts = [FORMAT]

    class Sink:
        def write(self, data) -> int:
            parts.append(compressor.compress(data))
            return len(data)

    pickle.dump((output.record, output.own, output.shared, output.quad_count, output.own_count),
                Sink(), protocol=pickle.HIGHEST_PROTOCOL)
    parts.append(compressor.flush())
    return b"".join(parts)


def decode_entry(data: bytes) -> ArticleOutput | None:
    """The output an entry holds; None for one that is not whole (it is then made again)."""
    if not data.startswith(FORMAT):
        return None
    try:
        record, own, shared, quad_count, own_count = pickle.loads(zlib.decompress(data[len(FORMAT):]))
    except (EOFError, ValueError, TypeError, zlib.error, pickle.UnpicklingError):
        return None
    return ArticleOutput(record.article_id, record, own, shared, quad_count, own_count)


def write_entry(path: Path, entry: bytes) -> None:
    """Write an entry at `path`, whole or not at all; not synced to disk, since an entry lost
    to a power cut is only made again."""
    atomic_write_bytes(path, entry, durable=False)


class ArticleCache:
    """Entries under `folder/<first two characters of the key>/<key>`."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def __contains__(self, key: str) -> bool:
        return self.path(key).is_file()

    def put(self, key: str, entry: bytes) -> None:
        """Store an entry made by `encode_entry` (in the worker that made the output)."""
        write_entry(self.path(key), entry)

    def get(self, key: str) -> ArticleOutput | None:
        """The entry, or None if there is none (or it is unreadable: then it is made again)."""
        try:
            return decode_entry(self.path(key).read_bytes())
        except OSError:
            return None

    def keep_only(self, keys: set[str]) -> int:
        """Remove every entry (and leftover temporary file) not in `keys`; return how many."""
        removed = 0
        if not self.folder.is_dir():
            return 0
        for bucket in self.folder.iterdir():
            if not bucket.is_dir():
                continue
            for entry in bucket.iterdir():
                if entry.name not in keys:
                    try:
                        os.unlink(entry)
                        removed += 1
                    except OSError:
                        pass
        return removed
