"""One article's work, a pure function of the article: read → extract → key → its graph.

`process_article` is what runs in a worker process (or on a Dask worker): it needs
nothing but the article and the installed package, and returns an `ArticleOutput`
small enough to send back: the article's compact record (kg.model.ArticleRecord,
what cross-article resolution needs) and its named graph serialized twice over:

- `own`: Turtle (without prefix lines) of the triples about the article itself, its
  sentences and its assertions; no other article can state any of them;
- `shared`: N-Triples of the rest, triples about entities (their classes as this
  article states them, relations, attributes, `kg:mentionedIn`), which other
  articles may state too.

Both are bytes written by Oxigraph, so the parent only concatenates them: into the
store's bulk loader, and into graph.ttl (where `shared` lines are de-duplicated).
An article whose extraction fails comes back with `error` set instead, so one bad
article is reported and skipped rather than stopping a build.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError
from kg.model import ArticleRecord, MentionKey, SentenceSpan, Statement
from kg.reader import SourceText, read_source
from kg.store import PREFIX_MAP

#: The prefix lines of a Turtle file made of `turtle_body` parts.
TURTLE_HEADER: bytes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIX_MAP.items()).encode("utf-8")


@dataclass
class ArticleInput:
    """An article to process: its id in the build, its path, and its text when the worker
    cannot read the path itself (on another machine of a Dask cluster)."""

    article_id: str
    path: Path
    source: SourceText | None = None
    entry_path: Path | None = None  # where a worker on this machine writes its cache entry itself


@dataclass
class ArticleOutput:
    article_id: str
    record: ArticleRecord | None = None
    own: bytes = b""
    shared: bytes = b""
    quad_count: int = 0  # the triples of its named graph
    own_count: int = 0  # of which its own (see above)
    error: str | None = None  # one line: why the article could not be processed
    entry: bytes = b""  # its cache entry, made by the worker (kg.cache.encode_entry)
    entry_written: bool = False  # the worker wrote the entry to the item's entry_path


_tools: dict = {}


def tools(disable: tuple[str, ...] = ()):
    """The extractor (with the rules `disable` names switched off) and resolver of this process,
    made once (their dictionaries take a second)."""
    if disable not in _tools:
        from kg.extract import Extractor
        from kg.resolve import Resolver

        _tools[disable] = (Extractor(disable=disable) if disable else Extractor(), Resolver())
    return _tools[disable]


def process_article(item: ArticleInput, publication_date: date | None = None,
                    disable: tuple[str, ...] = ()) -> ArticleOutput:
    """Extract one article and serialize its graph; any failure is returned, not raised."""
    try:
        return _process(item, publication_date, disable)
    except KgError as exc:  # unreadable input: the message says it all
        return ArticleOutput(item.article_id, error=" ".join(str(exc).split()))
    except Exception as exc:  # one article must not stop a build of thousands: report it
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return ArticleOutput(item.article_id, error=f"{type(exc).__name__}: {reason}"[:500])


def process_articles(items: list[ArticleInput], publication_date: date | None = None,
                     disable: tuple[str, ...] = ()) -> list[ArticleOutput]:
    """`process_article` for several articles at once, their extraction together
    (`Extractor.extract_many`: the labeller makes one call for all of them, its batches
    fuller). The outputs are those of one article at a time; should the joint extraction
    fail, each article is done alone, so that only the one at fault fails."""
    try:
        docs = [_document(item, publication_date) for item in items]
        extractor, _ = tools(disable)
        docs = extractor.extract_many(docs)
    except Exception:  # an unreadable article, or a rule failing on one: find which, one by one
        return [process_article(item, publication_date, disable) for item in items]
    outputs = []
    for k, item in enumerate(items):
        try:
            record = _record(docs[k], disable)
            docs[k] = None  # what extraction made is let go before the graph is written out
            outputs.append(output_of(record))
        except Exception:
            outputs.append(process_article(item, publication_date, disable))
    return outputs


def _process(item: ArticleInput, publication_date: date | None, disable: tuple[str, ...]) -> ArticleOutput:
    extractor, _ = tools(disable)
    # the document is let go once its record is made: on a huge article, that is most of the memory
    return output_of(_record(extractor(_document(item, publication_date)), disable))


def _document(item: ArticleInput, publication_date: date | None):
    from dataclasses import replace

    from kg.pipeline import make_document

    source = item.source if item.source is not None else read_source(item.path)
    return make_document(replace(source, article_id=item.article_id), publication_date)


def _record(doc, disable: tuple[str, ...]) -> ArticleRecord:
    """An extracted article's record: its entities' keys and its statements."""
    from kg.rdf import article_record

    _, resolver = tools(disable)
    keys = resolver.article_keys(doc)
    return article_record(doc, resolver.mention_keys(doc, keys), resolver.article_statements(doc, keys))


#: Pieces of N-Triples turned into Turtle at a time (so that a huge article is never held
#: whole as N-Triples, several times the size of its Turtle).
TURTLE_PIECES = 20_000


def output_of(record: ArticleRecord) -> ArticleOutput:
    """The article's graph as the parent wants it: its own triples as Turtle, the rest as N-Triples."""
    from kg.rdf import article_ntriple_parts

    turtle: list[bytes] = []
    shared: list[bytes] = []
    own: list[str] = []
    own_count = 0

    def flush() -> None:
        nonlocal own_count
        text = "".join(own).encode("utf-8")
        own.clear()
        own_count += text.count(b"\n")  # a line per triple, each once
        # lenient: our own output, from checked terms; no need to validate every IRI again
        turtle.append(turtle_body(ox.parse(text, format=ox.RdfFormat.N_TRIPLES, lenient=True)))

    for is_own, text in article_ntriple_parts(record):
        if is_own:
            own.append(text)
            if len(own) >= TURTLE_PIECES:
                flush()
        else:
            shared.append(text.encode("utf-8"))
    flush()
    shared_text = b"".join(shared)
    return ArticleOutput(record.article_id, record, b"".join(turtle), shared_text,
                         own_count + shared_text.count(b"\n"), own_count)


def turtle_body(triples) -> bytes:
    """Turtle for `triples` without its prefix lines (TURTLE_HEADER declares them once per file)."""
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIX_MAP)
    # Oxigraph writes the prefix lines first; whatever their order, the body starts after them
    end = 0
    while text.startswith(b"@prefix ", end):
        end = text.index(b"\n", end) + 1
    return text[end:]


# ---------------------------------------------------------------- records as JSON (kg extract / kg load)

def record_to_json(record: ArticleRecord) -> str:
    """The record as one line of JSON (dates and typed values tagged)."""
    return json.dumps({
        "id": record.article_id, "source": record.source_name, "headline": record.headline,
        "date": record.publication_date.isoformat() if record.publication_date else None,
        "sentences": [list(s) for s in record.sentences],
        "mentions": [list(m) for m in record.mentions],
        "statements": [[*st[:2], _value_to_json(st.obj), *st[3:]] for st in record.statements],
    }, ensure_ascii=False, separators=(",", ":"))


def record_from_json(text: str) -> ArticleRecord:
    data = json.loads(text)
    return ArticleRecord(
        article_id=data["id"], source_name=data["source"], headline=data["headline"],
        publication_date=date.fromisoformat(data["date"]) if data["date"] else None,
        sentences=[SentenceSpan(*s) for s in data["sentences"]],
        mentions=[MentionKey(*m) for m in data["mentions"]],
        statements=[Statement(st[0], st[1], _value_from_json(st[2]), *st[3:]) for st in data["statements"]],
    )


def _value_to_json(value):
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, float):
        return {"decimal": value}
    return value


def _value_from_json(value):
    if isinstance(value, dict):
        return date.fromisoformat(value["date"]) if "date" in value else float(value["decimal"])
    return value
