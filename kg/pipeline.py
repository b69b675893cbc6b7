"""The pipeline: read → normalize → layout → segment+extract → resolve → RDF.

    result = build(["seeds/"])
    result.quads          # pyoxigraph quads: one named graph per article
    result.triples        # their union, each triple once, in Turtle's order
    result.graph          # the union as an rdflib Graph (built on first use)
"""
from __future__ import annotations

import gc
import multiprocessing
import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import KgError
from kg.extract import Extractor
from kg.layout import split_sentences
from kg.model import Document
from kg.normalize import normalize
from kg.rdf import to_quads, to_rdflib, union_triples
from kg.reader import SourceText, read_inputs
from kg.resolve import Resolved, Resolver


def parse_date(text: str | date | None) -> date | None:
    if text is None or isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KgError(f"--date must be YYYY-MM-DD, got {text!r}") from None


def make_document(source: SourceText, publication_date: date | None = None) -> Document:
    """Normalize a source text and lay it out into sentences."""
    norm = normalize(source.text)
    sentences = split_sentences(norm.text)
    headline = next((s.text for s in sentences if s.kind == "headline"), None)
    return Document(article_id=source.article_id, path=source.path, norm=norm, sentences=sentences,
                    headline=headline, publication_date=publication_date)


@dataclass
class BuildResult:
    documents: list[Document]
    resolved: Resolved
    quads: list[ox.Quad]

    @cached_property
    def triples(self) -> list[ox.Triple]:
        return union_triples(self.quads)

    @cached_property
    def graph(self) -> Graph:
        return to_rdflib(self.triples)


# Articles per worker below which starting workers costs more than it saves.
ARTICLES_PER_WORKER = 8
_worker_extractor: Extractor | None = None
_worker_resolver: Resolver | None = None


def _extract_one(item: tuple[SourceText, date | None]) -> tuple[list, list, list[str]]:
    source, when = item
    doc = _worker_extractor(make_document(source, when))
    keys = _worker_resolver.article_keys(doc)  # an article's own keys need no other article
    # the parent rebuilds the document's text and sentences: cheaper than sending them
    return doc.mentions, doc.facts, [keys[m] for m in doc.mentions]


def extract_documents(sources: Iterable[SourceText], publication_date: date | None = None,
                      extractor: Extractor | None = None, jobs: int = 1) -> list[Document]:
    """Extract every article; with `jobs` > 1, articles are spread over worker processes.

    Workers are forked after the dictionaries are loaded, so they share them rather than
    load them again; results come back in input order, so output does not depend on `jobs`.
    """
    global _worker_extractor, _worker_resolver
    sources = list(sources)
    extractor = extractor or Extractor()
    jobs = min(jobs, len(sources) // ARTICLES_PER_WORKER)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [extractor(make_document(source, publication_date)) for source in sources]
    _worker_extractor = extractor
    _worker_resolver = Resolver()
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            found = pool.map(_extract_one, [(source, publication_date) for source in sources], chunksize=4)
        docs = [make_document(source, publication_date) for source in sources]
        for doc, (mentions, facts, keys) in zip(docs, found):
            doc.mentions, doc.facts, doc.entity_keys = mentions, facts, keys
        return docs
    finally:
        _worker_extractor = _worker_resolver = None


@contextmanager
def collector_paused():
    """Pause the garbage collector while articles are extracted and resolved.

    Extraction makes hundreds of thousands of small tuples (tokens, mentions, facts)
    and keeps most of them, and it makes no reference cycles (a test checks), so the
    collector's passes would free nothing: they would only walk the dictionaries and
    the results again and again. Worker processes forked meanwhile inherit the pause,
    and so do not copy the pages the collector would have touched.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def extract_and_resolve(sources: Iterable[SourceText], publication_date: date | None = None,
                        extractor: Extractor | None = None, jobs: int = 1) -> tuple[list[Document], Resolved]:
    """Extract every article, then resolve their mentions to entities across articles."""
    with collector_paused():
        docs = extract_documents(sources, publication_date, extractor, jobs)
        return docs, Resolver().resolve(docs)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def build(inputs: Iterable[Path | str], publication_date: str | date | None = None,
          jobs: int | None = None, disable: Iterable[str] = ()) -> BuildResult:
    """Run the whole pipeline over files and folders of articles.

    `jobs` worker processes extract articles in parallel (default: one per core).
    `disable` switches extraction rules off by name or group (see `kg.extract.Extractor`).
    """
    when = parse_date(publication_date)
    extractor = Extractor(disable=disable)
    docs, resolved = extract_and_resolve(read_inputs(inputs), when, extractor,
                                         jobs=default_jobs() if jobs is None else jobs)
    return BuildResult(documents=docs, resolved=resolved, quads=to_quads(docs, resolved))
