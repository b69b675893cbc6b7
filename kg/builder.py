"""`kg build` over a corpus: streaming, incremental, interrupt-safe.

    report = build_output(["articles/"], Path("output"))

One pass over the articles, in input order. Each article is either taken from the
per-article cache (kg.cache), when this version of it was processed before, or
processed by a worker (kg.articles.process_article: a local process pool, or a Dask
cluster with `scheduler=`). Its graph goes straight to the store's bulk loader, its
own triples to graph.ttl, and its mention keys to the entity table; nothing of an
article is kept once it has passed. Then the entities' graph, the summary, the page
and GraphML are made from what the pass gathered and from the store, and the new
output set replaces the old one in one step (kg.outputs).

A rerun compares each article's cache key with the manifest of the published set:
with no change at all it stops at once; otherwise the store is started from a
hard-linked copy of the published one, the graphs of deleted and changed articles
are removed, and only new and changed articles are extracted and loaded. The result
equals a clean build triple for triple: article graphs depend on their own article
only, and everything that depends on several (entity labels, the summary, the page)
is made again from all of them.
"""
from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

from kg.articles import TURTLE_HEADER, ArticleInput, ArticleOutput, process_articles, tools
from kg.cache import ArticleCache, content_hash, encode_entry, entry_key, pipeline_fingerprint
from kg.errors import KgError
from kg.outputs import (
    STORE_MARKER, STORE_NAME, TURTLE_MARKER, TURTLE_NAME, build_lock, check_output_set, new_build_id, publish,
    staging_folder, write_manifest,
)
from kg.reader import iter_input_files

#: The files of a published set besides the manifest (anything else in the folder stops a build).
OUTPUT_NAMES = frozenset({TURTLE_NAME, "graph.html", "graph.graphml", STORE_NAME, "manifest.json"})
#: Articles a process-pool worker takes at a time, extracted together (kg.articles.process_articles).
CHUNK = 8
#: How much lower than the parent's the workers' scheduling priority is (see _worker_start).
WORKER_NICENESS = 5


@dataclass
class Article:
    """An input article as the build plans it."""

    article_id: str
    path: Path
    key: str  # its cache key (kg.cache.entry_key)
    status: str = "new"  # new | changed | unchanged
    offset: int = 0  # where its record starts, in a file `kg extract` wrote


@dataclass
class BuildReport:
    build_id: str
    out_dir: Path
    articles: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0
    failed: list[tuple[Path, str]] = field(default_factory=list)
    entities: int = 0
    statements: int = 0
    triples: int = 0
    seconds: float = 0.0
    peak_memory: int = 0  # bytes, the largest of this process and its workers
    nothing_changed: bool = False
    written: dict[str, Path] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)  # seconds per part of the build

    @contextmanager
    def timed(self, phase: str):
        start = time.monotonic()
        try:
            yield
        finally:
            self.phases[phase] = self.phases.get(phase, 0.0) + time.monotonic() - start

    def summary(self) -> str:
        failed = len(self.failed)
        lines = [f"articles read: {self.articles} (new {self.new}, changed {self.changed}, "
                 f"unchanged {self.unchanged}, deleted {self.deleted}, failed {failed})",
                 f"entities: {self.entities}, statements: {self.statements}, triples: {self.triples}"]
        if self.nothing_changed:
            lines.append(f"nothing changed: {self.out_dir} is up to date (build {self.build_id})")
        for name, path in self.written.items():
            lines.append(f"wrote {name}: {path}")
        phases = ", ".join(f"{name} {seconds:.1f}" for name, seconds in self.phases.items())
        lines.append(f"time: {self.seconds:.1f} s{f' ({phases})' if phases else ''}, "
                     f"peak memory: {self.peak_memory / 2**20:.0f} MB")
        return "\n".join(lines)


def peak_memory() -> int:
    """The peak resident memory of this process or of the largest of its finished children, in bytes."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) * 1024


# ---------------------------------------------------------------- planning


def article_ids(paths: list[Path]) -> dict[Path, str]:
    """Unique article ids from file names; suffixes -2, -3 … in sorted path order (as kg.reader)."""
    from kg.reader import _article_id

    taken: set[str] = set()
    ids: dict[Path, str] = {}
    for path in sorted(paths):
        base = article_id = _article_id(path)
        n = 1
        while article_id in taken:
            n += 1
            article_id = f"{base}-{n}"
        taken.add(article_id)
        ids[path] = article_id
    return ids


def plan(paths: list[Path], publication_date: date | None, previous: dict | None,
         disable: tuple[str, ...] = ()) -> list[Article]:
    """Each input with its cache key and whether it is new, changed or unchanged since `previous`."""
    ids = article_ids(paths)
    before = (previous or {}).get("articles", {})
    articles = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            data = f"unreadable: {exc}".encode()  # process_article reports it
        article_id = ids[path]
        key = entry_key(article_id, path.name, content_hash(data), publication_date, disable)
        status = "new" if article_id not in before else "unchanged" if before[article_id] == key else "changed"
        articles.append(Article(article_id, path, key, status))
    return articles


def options_of(publication_date: date | None, disable: tuple[str, ...] = ()) -> dict:
    """What besides the articles decides the outputs (a change means a new build)."""
    from kg.html import OVERVIEW_ENV

    return {"date": publication_date.isoformat() if publication_date else None, "disable": sorted(disable),
            "fingerprint": pipeline_fingerprint(), "overview": os.environ.get(OVERVIEW_ENV, "")}


# ---------------------------------------------------------------- extraction


def local_outputs(items: list[ArticleInput], publication_date: date | None, jobs: int,
                  disable: tuple[str, ...] = ()) -> Iterator[ArticleOutput]:
    """Process articles in `jobs` forked worker processes (in this one for a few), in order."""
    if not items:
        return
    tools(disable)  # loaded before forking, so that workers share the dictionaries
    gc.collect()
    gc.freeze()  # what is loaded now is never garbage: keep the collector off those pages
    jobs = min(jobs, max(1, len(items) // CHUNK))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        from kg.pipeline import collector_paused

        for chunk in chunks(items):
            with collector_paused():  # as in a worker (see _worker_start)
                outputs = process_chunk_for_cache(chunk, publication_date, disable)
            yield from outputs
        return
    global _publication_date, _disable
    _publication_date, _disable = publication_date, disable
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_start) as pool:
        yield from in_order(pool, items, window=4 * jobs)


def chunks(items: list[ArticleInput]) -> list[list[ArticleInput]]:
    """The tasks of a build: CHUNK articles each, in input order."""
    return [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]


def in_order(pool, items: list[ArticleInput], window: int) -> Iterator[ArticleOutput]:
    """Results in input order, CHUNK articles a task, at most `window` tasks ahead of the one
    being consumed: workers wait for a slow consumer (the store loader) instead of piling up results."""
    from collections import deque

    pending: deque = deque()
    queued = iter(chunks(items))
    for chunk in queued:
        pending.append(pool.apply_async(_work, (chunk,)))
        if len(pending) >= window:
            break
    while pending:
        results = pending.popleft().get()
        for chunk in queued:
            pending.append(pool.apply_async(_work, (chunk,)))
            break
        yield from results


_publication_date: date | None = None
_disable: tuple[str, ...] = ()


def _worker_start() -> None:
    # Extraction makes no reference cycles (a test checks), so the collector would only
    # walk the dictionaries again and again; a worker is short-lived and runs without it.
    gc.disable()
    # The store's bulk loader, in the parent, is what a build waits for on a machine of
    # few cores: workers give way to it, and fill the time it leaves.
    os.nice(WORKER_NICENESS)


def _work(chunk: list[ArticleInput]) -> list[ArticleOutput]:
    return process_chunk_for_cache(chunk, _publication_date, _disable)


def process_chunk_for_cache(chunk: list[ArticleInput], publication_date: date | None,
                            disable: tuple[str, ...] = ()) -> list[ArticleOutput]:
    """process_articles, with the cache entries made here, in the worker, rather than in the parent,
    and written here too where the item says where (a file per entry costs the parent's time)."""
    from kg.cache import encode_entry, write_entry

    outputs = process_articles(chunk, publication_date, disable)
    for item, output in zip(chunk, outputs):
        if output.error is None:
            output.entry = encode_entry(output)
            if item.entry_path is not None:
                write_entry(item.entry_path, output.entry)
                output.entry, output.entry_written = b"", True
    return outputs


def process_for_cache(item: ArticleInput, publication_date: date | None,
                      disable: tuple[str, ...] = ()) -> ArticleOutput:
    """One article as a task of its own (a Dask worker's): `process_chunk_for_cache` of one."""
    return process_chunk_for_cache([item], publication_date, disable)[0]


def dask_outputs(items: list[ArticleInput], publication_date: date | None, address: str,
                 disable: tuple[str, ...] = ()) -> Iterator[ArticleOutput]:
    """Process articles on the Dask cluster at `address`, in order, a bounded number in flight.

    The text is read here and sent, so workers need the installed kg package and
    nothing from this machine's disk.
    """
    from collections import deque

    try:
        from distributed import Client
    except ImportError:
        raise KgError("--scheduler needs the distributed package (pip install distributed)") from None
    from kg.reader import read_source

    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise KgError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    with client:
        window = max(8, 4 * sum(client.nthreads().values()))
        pending: deque = deque()
        for item in items:
            try:
                source = read_source(item.path)
            except KgError as exc:
                pending.append(ArticleOutput(item.article_id, error=str(exc)))
            else:
                sent = ArticleInput(item.article_id, item.path, source)
                pending.append(client.submit(process_for_cache, sent, publication_date, disable, pure=False))
            while len(pending) > window:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())


def _result(future) -> ArticleOutput:
    return future if isinstance(future, ArticleOutput) else future.result()


# ---------------------------------------------------------------- progress


class Progress:
    """A bar with rate and ETA on a terminal, a line every few seconds otherwise, nothing when quiet."""

    def __init__(self, total: int, quiet: bool = False, stream=None, every: float = 10.0) -> None:
        self.total, self.done, self.every = total, 0, every
        self.stream = stream or sys.stderr
        self.start = self.last = time.monotonic()
        self.bar = None
        self.quiet = quiet or total == 0
        if not self.quiet and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="article", file=self.stream, dynamic_ncols=True,
                            desc="kg build", smoothing=0.1)

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        # a line every `every` seconds, and a last one if any was printed: short builds print none
        if now - self.last >= self.every or (self.done == self.total and self.last > self.start):
            self.last = now
            rate = self.done / max(now - self.start, 1e-9)
            left = (self.total - self.done) / rate if rate else 0
            print(f"kg build: {self.done:,}/{self.total:,} articles ({100 * self.done // self.total}%), "
                  f"{rate:,.1f}/s, about {int(left) // 60}:{int(left) % 60:02d} left", file=self.stream, flush=True)

    def note(self, text: str) -> None:
        if not self.quiet:
            (self.bar.write if self.bar is not None else lambda t: print(t, file=self.stream, flush=True))(
                f"kg build: {text}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# ---------------------------------------------------------------- the build


def build_output(inputs: Iterable[Path | str], out_dir: Path, publication_date: date | None = None,
                 jobs: int | None = None, scheduler: str | None = None, quiet: bool = False,
                 report_failure: Callable[[Path, str], None] | None = None,
                 disable: Iterable[str] = ()) -> BuildReport:
    """Build (or bring up to date) the output set in `out_dir` from the articles under `inputs`,
    with the extraction rules `disable` names switched off."""
    from kg.pipeline import default_jobs

    paths = iter_input_files(inputs)
    disable = tuple(sorted(disable))

    def produce(articles: list[Article], cache: ArticleCache) -> Iterator[ArticleOutput]:
        if scheduler:  # a worker of the cluster may be on another machine: the entries come back
            items = [ArticleInput(a.article_id, a.path) for a in articles]
            return dask_outputs(items, publication_date, scheduler, disable)
        items = [ArticleInput(a.article_id, a.path, entry_path=cache.path(a.key)) for a in articles]
        return local_outputs(items, publication_date, jobs or default_jobs(), disable)

    return _build(out_dir, lambda previous: plan(paths, publication_date, previous, disable), produce,
                  options_of(publication_date, disable), quiet, report_failure)


def load_output(files: Iterable[Path | str], out_dir: Path, quiet: bool = False,
                report_failure: Callable[[Path, str], None] | None = None) -> BuildReport:
    """`kg load`: the output set from files `kg extract` wrote (any batch system's map step)."""
    from kg.articles import output_of, record_from_json

    files = [Path(f) for f in files]

    def produce(articles: list[Article], cache: ArticleCache) -> Iterator[ArticleOutput]:
        for article in articles:
            with open(article.path, "rb") as handle:
                handle.seek(article.offset)
                line = handle.readline().decode("utf-8")
            yield output_of(record_from_json(line[len(EXTRACT_MARKER):]))

    return _build(out_dir, lambda previous: plan_extracted(files, previous), produce,
                  {**options_of(None), "date": "from kg extract"}, quiet, report_failure)


#: How `kg extract` starts the line that carries an article's record (a comment to N-Quads readers).
EXTRACT_MARKER = "# kg-article "


def plan_extracted(files: list[Path], previous: dict | None) -> list[Article]:
    """The articles in files `kg extract` wrote, keyed by their record and the pipeline."""
    before = (previous or {}).get("articles", {})
    articles, seen = [], set()
    marker = EXTRACT_MARKER.encode("utf-8")
    for path in files:
        try:
            handle = open(path, "rb")
        except OSError as exc:
            raise KgError(f"cannot read {path}: {exc.strerror or exc}") from None
        with handle:
            offset = 0
            for line in handle:
                if line.startswith(marker):
                    article_id = json.loads(line[len(marker):])["id"]
                    if article_id in seen:
                        raise KgError(f"{path}: article {article_id!r} appears twice in the files given")
                    seen.add(article_id)
                    key = hashlib.sha256(pipeline_fingerprint().encode() + line).hexdigest()
                    status = ("new" if article_id not in before else
                              "unchanged" if before[article_id] == key else "changed")
                    articles.append(Article(article_id, path, key, status, offset))
                offset += len(line)
        if not articles:
            raise KgError(f"{path}: no article in it (kg load reads what `kg extract` writes)")
    return articles


def _build(out_dir: Path, planner: Callable[[dict | None], list[Article]],
           produce: Callable[[list[Article], ArticleCache], Iterator[ArticleOutput]], options: dict, quiet: bool,
           report_failure: Callable[[Path, str], None] | None) -> BuildReport:
    started = time.monotonic()
    out_dir = Path(out_dir)
    report_failure = report_failure or (lambda path, reason: print(f"kg build: skipped {path}: {reason}",
                                                                   file=sys.stderr, flush=True))
    with build_lock(out_dir) as state:
        _refuse_foreign_files(out_dir)
        try:
            previous = check_output_set(out_dir)
        except KgError:
            previous = None  # a damaged set: build everything again
        if previous is not None and previous.get("options") != options:
            previous = None  # another date, pipeline or page limit: a clean build (from the cache where it can)
        articles = planner(previous)
        report = BuildReport(build_id=new_build_id(), out_dir=out_dir, articles=len(articles))
        if previous is not None and _unchanged(articles, previous):
            counts = previous.get("counts", {})
            report.build_id, report.nothing_changed = previous["build"], True
            report.unchanged, report.entities = len(articles), counts.get("entities", 0)
            report.statements, report.triples = counts.get("statements", 0), counts.get("triples", 0)
            report.seconds, report.peak_memory = time.monotonic() - started, peak_memory()
            return report
        cache = ArticleCache(state / "cache")
        staging = staging_folder(out_dir, report.build_id)
        progress = Progress(len(articles), quiet=quiet)
        try:
            current_ids = {a.article_id for a in articles}
            old_articles = (previous or {}).get("articles", {})
            incremental = previous is not None and (out_dir / STORE_NAME / STORE_MARKER).exists()
            for article in articles:
                setattr(report, article.status, getattr(report, article.status) + 1)
            report.deleted = len(set(old_articles) - current_ids)
            changed_ids = {a.article_id for a in articles if a.status == "changed"}

            def outputs() -> Iterator[tuple[Article, ArticleOutput]]:
                cached = {a.key for a in articles if a.key in cache}
                produced = produce([a for a in articles if a.key not in cached], cache)
                for article in articles:
                    if article.key in cached:
                        output = cache.get(article.key)
                        if output is not None:
                            yield article, output
                            continue
                        output = next(produce([article], cache))  # a damaged entry: made again, here
                    else:
                        output = next(produced)
                    if output.error is None and not output.entry_written:
                        cache.put(article.key, output.entry or encode_entry(output))
                        output.entry = b""  # written: not held while the article is loaded
                    yield article, output

            assembled = assemble(staging, report, outputs(), incremental=incremental,
                                 base=out_dir / STORE_NAME if incremental else None,
                                 removed=[aid for aid in old_articles
                                          if aid not in current_ids or aid in changed_ids],
                                 progress=progress, report_failure=report_failure)
            failed_ids = {a for a, _ in assembled}
            if report.articles and len(report.failed) == report.articles:
                if len(report.failed) == 1:
                    raise KgError(report.failed[0][1])
                raise KgError(f"none of the {report.articles} articles could be processed")
            report.seconds = time.monotonic() - started
            report.peak_memory = peak_memory()
            write_manifest(staging, {
                "build": report.build_id, "options": options,
                "articles": {a.article_id: a.key for a in articles if a.article_id not in failed_ids},
                "failed": {str(path): reason for path, reason in report.failed},
                "counts": {"entities": report.entities, "statements": report.statements, "triples": report.triples},
            })
            publish(staging, out_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            progress.close()
        cache.keep_only({a.key for a in articles})
        report.written = {name: out_dir / file for name, file in
                          (("turtle", TURTLE_NAME), ("html", "graph.html"), ("graphml", "graph.graphml"),
                           ("store", STORE_NAME))}
        report.seconds = time.monotonic() - started
        report.peak_memory = peak_memory()
        return report


def _unchanged(articles: list[Article], previous: dict) -> bool:
    return (not previous.get("failed") and all(a.status == "unchanged" for a in articles)
            and len(articles) == len(previous.get("articles", {})))


def _refuse_foreign_files(out_dir: Path) -> None:
    """The whole folder is replaced by the new set: never one that holds anything else."""
    if not out_dir.is_dir():
        if out_dir.exists():
            raise KgError(f"--out {out_dir} is a file, not a folder")
        return
    # (temporary files that earlier builds left were removed by kg.outputs.recover already)
    foreign = sorted(p.name for p in out_dir.iterdir() if p.name not in OUTPUT_NAMES)
    if foreign:
        shown = ", ".join(foreign[:3]) + (" …" if len(foreign) > 3 else "")
        raise KgError(f"{out_dir} holds files kg build did not write ({shown}); "
                      "give --out an empty or new folder")


def assemble(staging: Path, report: BuildReport, outputs: Iterator[tuple[Article, ArticleOutput]], *,
             incremental: bool, base: Path | None, removed: list[str], progress: Progress,
             report_failure: Callable[[Path, str], None]) -> list[tuple[str, str]]:
    """Write the staged set from the stream of article outputs; return (id, reason) of failures."""
    from kg.analytics import write_graphml
    from kg.html import page_overview_limit, write_html
    from kg.projection import page_graph, to_networkx
    from kg.resolve import EntityTable
    from kg.store import StoreWriter, write_snapshot_if_small

    failures = []
    quads = 0  # in the article graphs (their own triples are in the merge only: kg.store)
    table = EntityTable()
    writer = StoreWriter(staging / STORE_NAME, base=base)
    turtle_path = staging / TURTLE_NAME
    with open(turtle_path, "wb") as turtle, tempfile.TemporaryFile(dir=staging) as spool, \
            tempfile.TemporaryFile(dir=staging) as entity_spool:
        turtle.write(f"{TURTLE_MARKER}{report.build_id}\n".encode() + TURTLE_HEADER)
        shared = SharedTriples(spool)
        with report.timed("removed"):
            for article_id in removed:
                writer.remove_article(article_id)
        articles_started = time.monotonic()
        for article, output in outputs:
            progress.advance()
            if output.error is not None:
                report.failed.append((article.path, output.error))
                failures.append((article.article_id, output.error))
                if report.articles > 1:  # a build of one article fails with its reason instead
                    report_failure(article.path, output.error)
                continue
            report.statements += len(output.record.statements)
            # they are in its graph and its cache entry already: a huge article's statements
            # (hundreds of megabytes) are let go before its graph is loaded
            output.record.statements = []
            if not incremental or article.status != "unchanged":
                writer.add_article(article.article_id, output.own, output.shared)
            # an entity of one article (an event, a talent group) is settled with its article
            scoped, named_elsewhere = split_scoped(article.article_id, output.record.mentions)
            if scoped:
                own_table = EntityTable()
                own_table.add(scoped)
                entity_spool.write(entity_text(own_table))
                report.entities += len(own_table)
            table.add(named_elsewhere)
            quads += output.quad_count - output.own_count
            turtle.write(output.own)
            report.triples += output.own_count
            shared.add(output.shared)
            del output  # a huge article's graph is not kept through the phases after the last one
        report.phases["articles"] = time.monotonic() - articles_started
        with report.timed("entities"):
            for text in entity_texts(table):
                entity_spool.write(text)
            report.entities += len(table)
            del table
            entity_spool.seek(0)
            entities = entity_spool.read()
        shared.add(entities)
        with report.timed("turtle"):
            report.triples += shared.write_turtle(turtle)
        shared = None  # its digests, hundreds of megabytes on a large corpus, are done with
        quads += report.triples + 2 * entities.count(b"\n")  # the merge, the entities' graph
        with report.timed("store"):
            writer.replace_entities(entities)
            del entities
            writer.load_rest()
        with report.timed("summary"):
            writer.finish(report.build_id)
    with report.timed("page"):
        # drawn in the page and written as GraphML
        projection = to_networkx(page_graph(staging / STORE_NAME, page_overview_limit(), report.triples))
        write_html(projection, staging / "graph.html")
        write_graphml(projection, staging / "graph.graphml")
        del projection
    with report.timed("snapshot"):
        write_snapshot_if_small(staging / STORE_NAME, quads)
    return failures


def split_scoped(article_id: str, mentions: list) -> tuple[list, list]:
    """(mentions of entities of this article alone, the others): keys `<article id>/<slug>/…`
    belong to one article (kg.resolve.Resolver.full_key), `<slug>/…` may be in any."""
    from kg.resolve import SLUGS

    if article_id in SLUGS.values():  # its keys could be mistaken for shared ones: keep all together
        return [], mentions
    prefix = article_id + "/"
    scoped = [m for m in mentions if m.key.startswith(prefix)]
    return scoped, ([m for m in mentions if not m.key.startswith(prefix)] if scoped else mentions)


def entity_text(table) -> bytes:
    """The entities of `table` as N-Triples of the entities' graph."""
    return b"".join(entity_texts(table))


def entity_texts(table, per_piece: int = 10_000) -> Iterator[bytes]:
    """`entity_text` in pieces of `per_piece` entities (a corpus has hundreds of thousands)."""
    import itertools

    from kg.rdf import entity_ntriples

    keys = iter(table.keys())
    while batch := list(itertools.islice(keys, per_piece)):
        yield "".join(entity_ntriples(table.entity(key)) for key in batch).encode("utf-8")


class SharedTriples:
    """The triples of article graphs that other articles may state too, each kept once.

    Lines are told apart by a 128-bit digest (a set of those is a tenth of the size of
    the lines) and the first of each is spooled to a temporary file, so memory holds
    the digests only.
    """

    #: Triples per Turtle chunk when the spool is written out.
    CHUNK = 200_000

    def __init__(self, spool) -> None:
        self.spool = spool
        self.seen: set[bytes] = set()

    def add(self, ntriples: bytes) -> None:
        import io

        seen, write = self.seen, self.spool.write
        for line in io.BytesIO(ntriples):  # one line at a time: no list of them all
            digest = hashlib.blake2b(line, digest_size=16).digest()
            if digest not in seen:
                seen.add(digest)
                write(line)

    def write_turtle(self, output) -> int:
        """Append the kept triples to `output` as Turtle (prefixes declared already); return their number."""
        import itertools

        import pyoxigraph as ox

        from kg.articles import turtle_body

        self.spool.flush()
        self.spool.seek(0)
        triples = ox.parse(self.spool, format=ox.RdfFormat.N_TRIPLES, lenient=True)
        while chunk := list(itertools.islice(triples, self.CHUNK)):
            output.write(turtle_body(chunk))
        return len(self.seen)


# ---------------------------------------------------------------- kg extract / kg load


def extract_to(paths: list[Path], output, publication_date: date | None = None, jobs: int = 1,
               report_failure: Callable[[Path, str], None] | None = None) -> int:
    """`kg extract`: each article's graph as N-Quads to the binary stream `output`, after a
    comment line that carries its record (so `kg load` can resolve entities across articles).
    Returns the number of articles that failed."""
    import pyoxigraph as ox

    from kg.articles import record_to_json
    from kg.rdf import article_quads

    ids = article_ids(paths)
    items = [ArticleInput(ids[path], path) for path in paths]
    failed = 0
    for item, result in zip(items, local_outputs(items, publication_date, jobs)):
        if result.error is not None:
            failed += 1
            (report_failure or (lambda p, r: print(f"kg extract: skipped {p}: {r}", file=sys.stderr)))(
                item.path, result.error)
            continue
        output.write((EXTRACT_MARKER + record_to_json(result.record) + "\n").encode("utf-8"))
        ox.serialize(article_quads(result.record), output, ox.RdfFormat.N_QUADS)
    return failed


def run_extract_command(args) -> int:
    from kg.pipeline import default_jobs, parse_date

    paths = iter_input_files(args.inputs)
    failed = extract_to(paths, sys.stdout.buffer, parse_date(args.date), args.jobs or default_jobs())
    sys.stdout.buffer.flush()
    if failed == len(paths):
        raise KgError("no article could be extracted")
    return 1 if failed else 0


def run_load_command(args) -> int:
    report = load_output(args.files, args.out, quiet=args.quiet)
    if not args.quiet:
        print(report.summary())
    return 1 if report.failed else 0
