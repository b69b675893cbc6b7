"""Write what `kg build` produces: Turtle, the HTML graph, GraphML and the query store.

Every file is written atomically, so a failed build never leaves earlier output
half-overwritten.
"""
from __future__ import annotations

from pathlib import Path

from kg.atomic import atomic_write_bytes
from kg.pipeline import BuildResult
from kg.rdf import turtle


def write_build(result: BuildResult, out_dir: Path) -> dict[str, Path]:
    """Write all build outputs into `out_dir`; return them by name."""
    from kg.analytics import write_graphml
    from kg.html import write_html
    from kg.projection import to_networkx
    from kg.store import write_store_from_quads

    out_dir = Path(out_dir)
    written = {"turtle": atomic_write_bytes(out_dir / "graph.ttl", turtle(result.triples))}
    projection = to_networkx(result.graph)  # drawn in the HTML page and written as GraphML
    written["html"] = write_html(projection, out_dir / "graph.html")
    written["graphml"] = write_graphml(projection, out_dir / "graph.graphml")
    written["store"] = write_store_from_quads(result.quads, out_dir / "store")
    return written
