"""The `kg` command: a thin argparse layer over the library.

Every sub-command's arguments are declared here; the function that runs it is
named as `module:function` and imported only when that command runs, so
`kg --help` and `kg query --help` load none of rdflib, networkx, pyvis or jieba.
Errors a user can fix (`KgError`) become one line on stderr and exit status 2.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from kg.defaults import (
    EXPORT_FORMAT_ALIASES, EXPORT_FORMATS, INPUT_DIR, OUT_DIR, PUSH_JOBS, PUSH_PASSWORD_ENV, PUSH_TIMEOUT,
    QUERY_FORMATS, SCHEDULER_ENV, SERVE_HOST, SERVE_MAX_BYTES, SERVE_MAX_RESULTS, SERVE_PORT, SERVE_TIMEOUT,
    SERVE_WORKERS, STATS_SEED,
)
from kg.errors import KgError


def run_build_command(args: argparse.Namespace) -> int:
    import os

    if args.list_rules:
        from kg.extract import list_rules

        print(list_rules(args.disable or ()))
        return 0
    from kg.builder import build_output
    from kg.pipeline import parse_date

    if args.jobs is not None and args.jobs < 1:
        raise KgError("--jobs must be at least 1")
    inputs = args.inputs or [INPUT_DIR]
    when = parse_date(args.date)
    disable = tuple(args.disable or ())
    report = build_output(inputs, args.out, when, jobs=args.jobs, quiet=args.quiet,
                          scheduler=args.scheduler or os.environ.get(SCHEDULER_ENV) or None,
                          disable=disable)
    if not args.quiet:
        print(report.summary())
    if args.explain:
        from kg.explain import explain_text
        from kg.pipeline import build

        print(explain_text(build(inputs, publication_date=when, jobs=args.jobs, disable=disable)))
    return 1 if report.failed else 0


def add_build_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="*", type=Path, metavar="INPUT",
                   help=f"article files or folders (default: {INPUT_DIR}/)")
    p.add_argument("--out", type=Path, default=OUT_DIR, metavar="DIR",
                   help=f"output folder (default: {OUT_DIR}/)")
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="publication date: gives the year to dates such as 7月1日")
    p.add_argument("--jobs", type=int, metavar="N",
                   help="worker processes for extraction (default: one per core; used from 16 articles up)")
    p.add_argument("--explain", action="store_true",
                   help="print every statement with the rule and the evidence sentence")
    p.add_argument("--disable", action="append", metavar="RULE",
                   help="switch an extraction rule off, or a group of them by prefix (relation.participant, "
                   "mention.); repeatable")
    p.add_argument("--list-rules", action="store_true",
                   help="print the extraction rules in the order they run, with what each reads and makes, and exit")
    p.add_argument("--quiet", action="store_true",
                   help="print nothing but errors (no progress, no summary)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help=f"send extraction to the Dask cluster at ADDRESS, e.g. tcp://HOST:8786 "
                   f"(default: ${SCHEDULER_ENV}; none: worker processes on this machine)")


def add_extract_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", type=Path, metavar="FILE", help="article files or folders")
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="publication date: gives the year to dates such as 7月1日")
    p.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per core)")


def add_load_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="N-Quads files that kg extract wrote")
    p.add_argument("--out", type=Path, default=OUT_DIR, metavar="DIR",
                   help=f"output folder (default: {OUT_DIR}/)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")


def _graph_or_store(p: argparse.ArgumentParser, verb: str) -> None:
    """--graph FILE | --store DIR: the source every reading command takes."""
    source = p.add_mutually_exclusive_group()
    source.add_argument("--graph", type=Path, metavar="FILE",
                        help=f"{verb} this RDF file (ttl, trig, nq, nt, jsonld) instead of the built store")
    source.add_argument("--store", type=Path, metavar="DIR",
                        help=f"{verb} this store folder (default: {OUT_DIR}/store, else {OUT_DIR}/graph.ttl)")


def add_query_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", nargs="?", metavar="QUERY",
                   help="SPARQL text, a .rq file, or the name of a named query (see --list)")
    _graph_or_store(p, "query")
    p.add_argument("--format", choices=QUERY_FORMATS, default="table",
                   help="SELECT output: aligned table, SPARQL CSV, or SPARQL JSON results (default: table)")
    p.add_argument("--param", action="append", metavar="NAME=VALUE",
                   help="a value for a named query's parameter, e.g. --param entity=青禾医药 (repeatable)")
    p.add_argument("--list", action="store_true", help="list the named queries and what they answer")


def add_export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", metavar="FORMAT", type=str.lower,
                   choices=sorted(EXPORT_FORMATS) + sorted(EXPORT_FORMAT_ALIASES),
                   help="ttl, trig, nq, nt or jsonld (default: from --out's extension, else ttl); "
                   "trig and nq keep the per-article named graphs")
    p.add_argument("--out", type=Path, metavar="FILE",
                   help="write here (atomically) instead of to standard output")
    _graph_or_store(p, "export")
    p.add_argument("--article", metavar="ID", help="export only this article's graph (kgr:article/ID)")


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    _graph_or_store(p, "serve")
    p.add_argument("--host", default=SERVE_HOST,
                   help=f"address to listen on (default: {SERVE_HOST}, this machine only)")
    p.add_argument("--port", type=int, default=SERVE_PORT,
                   help=f"port (default: {SERVE_PORT}; 0 picks a free one)")
    p.add_argument("--timeout", type=float, default=SERVE_TIMEOUT, metavar="SECONDS",
                   help=f"longest a query may run before it is stopped with 503 (default: {SERVE_TIMEOUT:g})")
    p.add_argument("--max-results", type=int, default=SERVE_MAX_RESULTS, metavar="N",
                   help=f"most rows or triples one answer may hold, else 413 (default: {SERVE_MAX_RESULTS})")
    p.add_argument("--max-bytes", type=int, default=SERVE_MAX_BYTES, metavar="N",
                   help=f"largest answer in bytes, else 413 (default: {SERVE_MAX_BYTES})")
    p.add_argument("--allow-service", action="store_true",
                   help="let queries call other endpoints with SERVICE (refused by default: the server "
                   "would send requests wherever a query says)")
    p.add_argument("--cors", action="append", metavar="ORIGIN",
                   help="let pages of ORIGIN (e.g. https://example.org, or *) query the endpoint from a "
                   "browser (repeatable; default: no other site)")
    p.add_argument("--workers", type=int, default=SERVE_WORKERS, metavar="N",
                   help=f"queries run at once, each in its own process (default: {SERVE_WORKERS})")
    p.add_argument("--quiet", action="store_true", help="do not log each request")


def add_push_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", type=Path, metavar="DIR",
                   help=f"the store to push (default: {OUT_DIR}/store)")
    p.add_argument("--endpoint", required=True, metavar="URL",
                   help="the server: an Oxigraph server's base or /query URL, "
                   "or with --graph-store any server's SPARQL query URL")
    p.add_argument("--graph-store", metavar="URL",
                   help="the server's Graph Store Protocol URL (Fuseki: .../ds/data; "
                   "default: /store beside an Oxigraph server's /query)")
    p.add_argument("--dry-run", action="store_true",
                   help="list the graphs that would be created, replaced and deleted, and change nothing")
    p.add_argument("--jobs", type=int, default=PUSH_JOBS, metavar="N",
                   help=f"requests in flight at once (default: {PUSH_JOBS})")
    p.add_argument("--timeout", type=float, default=PUSH_TIMEOUT, metavar="SECONDS",
                   help=f"longest wait for the server on one request (default: {PUSH_TIMEOUT:g})")
    p.add_argument("--user", metavar="NAME",
                   help=f"HTTP basic authentication as NAME, the password read from ${PUSH_PASSWORD_ENV}")


def add_stats_arguments(p: argparse.ArgumentParser) -> None:
    default_graph = OUT_DIR / "graph.ttl"
    p.add_argument("--graph", type=Path, default=default_graph, metavar="FILE",
                   help=f"graph to analyse, Turtle or any RDF format rdflib reads (default: {default_graph})")
    p.add_argument("--top", type=int, default=10, metavar="N",
                   help="how many central entities, and members per community, to print (default: 10)")
    p.add_argument("--format", choices=["table", "json"], default="table",
                   help="output format (default: table)")
    p.add_argument("--seed", type=int, default=STATS_SEED, metavar="N",
                   help=f"random seed of the community detection (default: {STATS_SEED})")


# (name, help, description, add its arguments, "module:function" that runs it)
COMMANDS = [
    ("build", "extract a knowledge graph from articles",
     "Read articles (files or folders of .txt/.html, UTF-8 or GBK) and write "
     "DIR/graph.ttl, DIR/graph.html and the query store.",
     add_build_arguments, "kg.cli:run_build_command"),
    ("extract", "write each article's graph as N-Quads to standard output (the map step)",
     "Extract articles one by one and write each one's named graph as N-Quads, after a comment "
     "line with what cross-article resolution needs; any batch system can run this per file, "
     "and `kg load` makes the output set from the results.",
     add_extract_arguments, "kg.builder:run_extract_command"),
    ("load", "make the output set from files that kg extract wrote",
     "Resolve entities across the extracted articles and write DIR/graph.ttl, the page, "
     "GraphML and the query store, as kg build does.", add_load_arguments, "kg.builder:run_load_command"),
    ("query", "run a SPARQL query (text, .rq file or named query)",
     "Run SPARQL over the built graph.", add_query_arguments, "kg.query:run_query_command"),
    ("export", "export the graph as Turtle, TriG, N-Quads, N-Triples or JSON-LD",
     "Export the built graph in an RDF format.", add_export_arguments, "kg.export:run_export_command"),
    ("serve", "serve a read-only SPARQL 1.1 endpoint and query page",
     "Serve the built graph over the SPARQL 1.1 Protocol.", add_serve_arguments, "kg.server:run_serve_command"),
    ("push", "load the graph into a SPARQL triple store, sending only changed graphs",
     "Replace each changed article graph and the ontology graph on a SPARQL 1.1 server "
     "(Graph Store HTTP Protocol), and delete article graphs no longer built.",
     add_push_arguments, "kg.push:run_push_command"),
    ("stats", "print the most central entities and the communities",
     "Graph analytics over the built graph (networkx).", add_stats_arguments, "kg.analytics:run_stats_command"),
]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg",
        description="Build a knowledge graph (RDF) from Chinese development-zone news, "
        "explore it as an interactive HTML graph, query it with SPARQL and export it.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, help_text, description, add_arguments, runner in COMMANDS:
        p = sub.add_parser(name, help=help_text, description=description)
        add_arguments(p)
        p.set_defaults(runner=runner)
    return parser


def load_runner(spec: str):
    """`module:function` → the function (the module is imported now, not at start-up)."""
    module_name, _, function = spec.partition(":")
    return getattr(importlib.import_module(module_name), function)


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return load_runner(args.runner)(args)
    except KgError as exc:
        print(f"kg {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"kg {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
