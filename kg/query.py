"""SPARQL over the built graph: `kg query`, named queries and result formatting.

A query is SPARQL text, a `.rq` file, or the name of a named query: a file
`ontology/queries/NAME.rq` whose first comment line says what it answers and
whose `# param: NAME — description` lines declare its parameters. A parameter
appears in the query as `$NAME` and is replaced by a SPARQL string literal built
by `sparql_literal` (quotes, backslashes and line breaks escaped), never by the
raw text; `# param: NAME@zh — …` makes it a language-tagged literal, the form
labels take in the graph, and `# param: NAME=kgr:article/ — …` an IRI (the value
appended to that prefix, characters an IRI cannot hold %-encoded). `# param: NAME=100 — …`
declares an optional whole-number parameter with that default (the listing queries'
`limit` and `offset`): its value must be digits only and is substituted as a bare integer.

Queries run on pyoxigraph with the project's prefixes predeclared
(`kg:`, `kgr:`, `rdfs:`, `skos:` … see `kg.vocab.PREFIXES`); their default graph
is the merge of all graphs (see kg.store).
"""
from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import pyoxigraph as ox

from kg.defaults import OUT_DIR
from kg.errors import KgError
from kg.outputs import check_output_set
from kg.store import PREFIX_MAP, is_store, open_store, store_from_file
from kg.vocab import ontology_dir

#: Cells longer than this (in terminal columns) are cut in `table` output.
TABLE_CELL_WIDTH = 60

_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_PARAM_RE = re.compile(
    r"^#\s*param:\s*([A-Za-z_][A-Za-z0-9_]*)"    # name
    r"(@[A-Za-z]+(?:-[A-Za-z0-9]+)*|=\S+)?"       # @lang, or =prefix:path/ for an IRI
    r"\s*(?:[—–:-]+\s*(.*))?$")
_IRI_UNSAFE = set('<>"{}|^`\\')


@dataclass(frozen=True)
class Param:
    """A parameter of a named query: `$name` in its text."""

    name: str
    description: str = ""
    language: str | None = None
    #: when set, the value is appended to this IRI and substituted as `<IRI>`
    iri_prefix: str | None = None
    #: when set, an optional whole-number parameter with this default, substituted as an integer
    default: int | None = None


@dataclass(frozen=True)
class NamedQuery:
    """A query kept as `ontology/queries/NAME.rq`."""

    name: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: Path


def queries_dir() -> Path:
    return ontology_dir() / "queries"


def parse_named_query(path: Path) -> NamedQuery:
    """Read a `.rq` file: description from the first comment line, `# param:` lines."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    description = ""
    params: list[Param] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _PARAM_RE.match(stripped)
        if match:
            kind = match.group(2) or ""
            language = kind[1:] if kind.startswith("@") else None
            default = int(kind[1:]) if kind[1:].isdigit() and kind.startswith("=") else None
            iri_prefix = expand_prefixed(kind[1:]) if kind.startswith("=") and default is None else None
            params.append(Param(match.group(1), (match.group(3) or "").strip(), language, iri_prefix, default))
        elif not description:
            description = stripped.lstrip("#").strip()
    return NamedQuery(path.stem, description, tuple(params), text, path)


def named_queries() -> dict[str, NamedQuery]:
    """All named queries, by name."""
    folder = queries_dir()
    if not folder.is_dir():
        return {}
    return {p.stem: parse_named_query(p) for p in sorted(folder.glob("*.rq"))}


def sparql_literal(value: str, language: str | None = None) -> str:
    """`value` as a SPARQL string literal, safe to put into a query."""
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
        .replace("\b", "\\b")
        .replace("\f", "\\f")
    )
    return f'"{escaped}"' + (f"@{language}" if language else "")


def expand_prefixed(name: str) -> str:
    """`kgr:article/` → the full IRI, by the project's prefixes."""
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIX_MAP:
        return PREFIX_MAP[prefix] + local
    raise KgError(f"unknown prefix in parameter declaration: {name}")


def sparql_iri(iri: str) -> str:
    """`iri` as a SPARQL IRI reference; characters an IRI cannot hold are %-encoded."""
    out = []
    for char in iri:
        if char in _IRI_UNSAFE or ord(char) <= 0x20:
            out.append("".join(f"%{b:02X}" for b in char.encode("utf-8")))
        else:
            out.append(char)
    return "<" + "".join(out) + ">"


def sparql_integer(name: str, value: str) -> str:
    """A whole-number parameter's value as SPARQL text: ASCII digits only, else KgError."""
    value = value.strip()
    if not (value.isascii() and value.isdigit()):
        raise KgError(f"--param {name}= wants a whole number (0, 1, 2 …), got {value!r}")
    return str(int(value))


# SPARQL's lexical tokens, as far as telling keywords and variables apart from
# comments, strings, IRIs and prefixed names needs. Every character of a query
# falls in exactly one token, so joining the tokens gives the query back. Where
# the scanner could disagree with a SPARQL parser it errs towards seeing a bare
# word: an unterminated string is one quote and then words, a comment ends at
# either line break, and a word is a run of ASCII letters, so `1SERVICE` or
# `trueSERVICE` still shows the word SERVICE.
_SPARQL_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'{3}(?:[^'\\]|\\.|'(?!''))*'{3}|"{3}(?:[^"\\]|\\.|"(?!""))*"{3}
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w:%-]|\\[_~.\-!$&'()*+,;=/?\#@%]|\.(?=[\w:%-]))*)
  | (?P<word>[A-Za-z]+)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


def sparql_tokens(text: str):
    """`(kind, text)` for each token of a SPARQL query, in order; kinds: space, comment,
    string, iri, var, pname, word, other."""
    for match in _SPARQL_TOKEN.finditer(text):
        yield match.lastgroup, match.group()


def bind_params(text: str, values: Mapping[str, str], declared: tuple[Param, ...] = ()) -> str:
    """Replace each `$name` variable of `text` by `values[name]` as a literal.

    The query is read once, token by token: a `$name` inside a comment, a string or
    an IRI is left alone, and a substituted value is never read again, so a value
    that holds `$other` stays text. Every declared parameter needs a value, except
    whole-number ones, which take their default; a value for a parameter the query
    does not use is an error (most likely a typo).
    """
    by_name = {p.name: p for p in declared}
    values = {**{p.name: str(p.default) for p in declared if p.default is not None}, **values}
    missing = [p.name for p in declared if p.name not in values]
    if missing:
        example = " ".join(f"--param {name}=VALUE" for name in missing)
        raise KgError(f"this query needs {example}")
    literals = {name: _param_literal(by_name.get(name), name, value) for name, value in values.items()}
    used: set[str] = set()
    out = []
    for kind, token in sparql_tokens(text):
        if kind == "var" and token[0] == "$" and token[1:] in literals:
            used.add(token[1:])
            token = literals[token[1:]]
        out.append(token)
    unused = [name for name in values if name not in used]
    if unused:
        raise KgError(f"the query has no parameter ${unused[0]}")
    return "".join(out)


def _param_literal(param: Param | None, name: str, value: str) -> str:
    """A parameter's value as SPARQL text: a whole number, an IRI or a string literal."""
    if param is not None and param.default is not None:
        return sparql_integer(name, value)
    if param is not None and param.iri_prefix is not None:
        return sparql_iri(param.iri_prefix + value)
    return sparql_literal(value, param.language if param is not None else None)


def parse_param_args(items: list[str] | None) -> dict[str, str]:
    """`["entity=青禾医药"]` → `{"entity": "青禾医药"}`."""
    values: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("$?")
        if not sep or not name:
            raise KgError(f"--param wants NAME=VALUE, got {item!r}")
        values[name] = value
    return values


def resolve_query(query: str, params: Mapping[str, str] | None = None) -> str:
    """SPARQL text for QUERY: a `.rq` file, a named query's name, or the text itself."""
    params = dict(params or {})
    candidate = Path(query)
    if query.endswith(".rq") or ("\n" not in query and len(query) < 4096 and candidate.suffix and candidate.is_file()):
        if not candidate.is_file():
            raise KgError(f"no such query file: {query}")
        named = parse_named_query(candidate)
        return bind_params(named.text, params, named.params)
    if _NAME_RE.match(query):
        queries = named_queries()
        if query in queries:
            named = queries[query]
            return bind_params(named.text, params, named.params)
        if not re.match(r"(?i)^(select|ask|construct|describe|prefix|base)$", query):
            raise KgError(f"no named query {query!r} (see `kg query --list`)")
    return bind_params(query, params) if params else query


def run_query(store: ox.Store, text: str):
    """Evaluate SPARQL `text` on `store`; a malformed query raises KgError."""
    try:
        return store.query(text, prefixes=PREFIX_MAP)
    except SyntaxError as exc:
        raise KgError(f"malformed query: {_one_line(exc)}") from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise KgError(f"query failed: {_one_line(exc)}") from None


def open_source(graph: Path | None = None, store: Path | None = None,
                out_dir: Path = OUT_DIR) -> ox.Store:
    """The store to query: `--graph FILE`, `--store DIR`, else output/store, else output/graph.ttl."""
    if graph is not None and store is not None:
        raise KgError("give --graph or --store, not both")
    if graph is not None:
        return store_from_file(Path(graph))
    check_output_set(Path(store) if store is not None else Path(out_dir))  # a whole set, or none of kg build's
    if store is not None:
        return open_store(Path(store))
    default_store = Path(out_dir) / "store"
    if is_store(default_store):
        return open_store(default_store)
    default_graph = Path(out_dir) / "graph.ttl"
    if default_graph.is_file():
        return store_from_file(default_graph)
    raise KgError(f"no graph to query: neither {default_store}/ nor {default_graph} exists "
                  "(run `kg build` first, or pass --graph FILE)")


# ------------------------------------------------------------------ output


def short_iri(iri: str) -> str:
    """An IRI in prefixed form when a project prefix covers it."""
    best = ""
    for prefix, namespace in PREFIX_MAP.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            best, name = namespace, prefix
    if best:
        return f"{name}:{iri[len(best):]}"
    return f"<{iri}>"


def term_text(term) -> str:
    """A readable form of a result term: literals by value, IRIs prefixed."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return short_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def display_width(text: str) -> int:
    """Terminal columns `text` takes: wide (CJK) characters count two."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if display_width(text) <= limit:
        return text
    out, width = [], 0
    for char in text:
        w = display_width(char)
        if width + w > limit - 1:
            break
        out.append(char)
        width += w
    return "".join(out) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def format_table(variables: list[str], rows: list[list[str]], cell_width: int = TABLE_CELL_WIDTH) -> str:
    """An aligned text table; wide characters count two columns."""
    cells = [[_clip(c, cell_width) for c in row] for row in rows]
    widths = [display_width(v) for v in variables]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], display_width(cell))
    lines = [" | ".join(_pad(v, widths[i]) for i, v in enumerate(variables)).rstrip(),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(_pad(c, widths[i]) for i, c in enumerate(row)).rstrip() for row in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def format_result(result, fmt: str = "table") -> str:
    """Text for a query result: SELECT as table/csv/json, ASK as true/false, graphs as Turtle."""
    if isinstance(result, ox.QueryBoolean):
        if fmt == "json":
            return result.serialize(format=ox.QueryResultsFormat.JSON).decode("utf-8") + "\n"
        return ("true" if bool(result) else "false") + "\n"
    if isinstance(result, ox.QueryTriples):
        return ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=PREFIX_MAP).decode("utf-8")
    if fmt == "json":
        return result.serialize(format=ox.QueryResultsFormat.JSON).decode("utf-8") + "\n"
    if fmt == "csv":
        return result.serialize(format=ox.QueryResultsFormat.CSV).decode("utf-8")
    if fmt != "table":
        raise KgError(f"unknown format {fmt!r} (table, csv or json)")
    variables = [v.value for v in result.variables]
    rows = [[term_text(solution[v]) for v in variables] for solution in result]
    return format_table(variables, rows)


def list_text() -> str:
    queries = named_queries()
    if not queries:
        return "(no named queries)\n"
    width = max(len(q.name) for q in queries.values())
    lines = []
    for q in queries.values():
        params = "".join(f" --param {p.name}=…" if p.default is None else f" [--param {p.name}={p.default}]"
                         for p in q.params)
        lines.append(f"{q.name.ljust(width)}  {q.description}{params}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ CLI


def run_query_command(args: argparse.Namespace) -> int:
    if args.list:
        sys.stdout.write(list_text())
        return 0
    if not args.query:
        raise KgError("give a QUERY (SPARQL text, a .rq file or a named query; see --list)")
    text = resolve_query(args.query, parse_param_args(args.param))
    store = open_source(args.graph, args.store)
    result = run_query(store, text)
    try:
        output = format_result(result, args.format)
    except (OSError, RuntimeError) as exc:
        raise KgError(f"query failed: {_one_line(exc)}") from None
    sys.stdout.write(output)
    sys.stdout.flush()
    return 0


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


__all__ = [
    "NamedQuery", "Param", "bind_params", "format_result", "named_queries",
    "open_source", "resolve_query", "run_query", "run_query_command", "sparql_literal", "sparql_tokens",
]
