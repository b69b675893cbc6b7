"""The `kg` command: a thin argparse layer over the library.

Each sub-command parses its arguments and calls one library function; errors a
user can fix (`KgError`) become one line on stderr and exit status 2.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from kg.errors import KgError

DEFAULT_INPUT = Path("seeds")
DEFAULT_OUT = Path("output")


def _cmd_build(args: argparse.Namespace) -> int:
    from kg.outputs import write_build
    from kg.pipeline import build

    if args.jobs is not None and args.jobs < 1:
        raise KgError("--jobs must be at least 1")
    result = build(args.inputs or [DEFAULT_INPUT], publication_date=args.date, jobs=args.jobs)
    written = write_build(result, args.out)
    print(result.summary(written))
    if args.explain:
        from kg.explain import explain_text

        print(explain_text(result))
    return 0


# Commands whose module brings its own arguments: (name, help, description, module).
# Each module has add_<name>_arguments(parser) and run_<name>_command(args).
MODULE_COMMANDS = [
    ("query", "run a SPARQL query (text, .rq file or named query)",
     "Run SPARQL over the built graph.", "kg.query"),
    ("export", "export the graph as Turtle, TriG, N-Quads, N-Triples or JSON-LD",
     "Export the built graph in an RDF format.", "kg.export"),
    ("serve", "serve a read-only SPARQL 1.1 endpoint and query page",
     "Serve the built graph over the SPARQL 1.1 Protocol.", "kg.server"),
    ("stats", "print the most central entities and the communities",
     "Graph analytics over the built graph (networkx).", "kg.analytics"),
]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg",
        description="Build a knowledge graph (RDF) from Chinese development-zone news, "
        "explore it as an interactive HTML graph, query it with SPARQL and export it.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "build",
        help="extract a knowledge graph from articles",
        description="Read articles (files or folders of .txt/.html, UTF-8 or GBK) and write "
        "DIR/graph.ttl, DIR/graph.html and the query store.",
    )
    p.add_argument("inputs", nargs="*", type=Path, metavar="INPUT",
                   help=f"article files or folders (default: {DEFAULT_INPUT}/)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                   help=f"output folder (default: {DEFAULT_OUT}/)")
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="publication date: gives the year to dates such as 7月1日")
    p.add_argument("--jobs", type=int, metavar="N",
                   help="worker processes for extraction (default: one per core; used from 16 articles up)")
    p.add_argument("--explain", action="store_true",
                   help="print every statement with the rule and the evidence sentence")
    p.set_defaults(func=_cmd_build)

    for name, help_text, description, module_name in MODULE_COMMANDS:
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=help_text, description=description)
        getattr(module, f"add_{name}_arguments")(p)
        p.set_defaults(func=getattr(module, f"run_{name}_command"))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KgError as exc:
        print(f"kg {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"kg {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
