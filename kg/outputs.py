"""Write what `kg build` produces: Turtle, the HTML graph, GraphML and the query store.

Every file is written atomically, so a failed build never leaves earlier output
half-overwritten.
"""
from __future__ import annotations

from pathlib import Path

from kg.atomic import atomic_write_bytes
from kg.pipeline import BuildResult
from kg.rdf import serialize_turtle


def write_build(result: BuildResult, out_dir: Path) -> dict[str, Path]:
    """Write all build outputs into `out_dir`; return them by name."""
    from kg.analytics import write_graphml
    from kg.html import write_html
    from kg.store import load_store

    out_dir = Path(out_dir)
    written = {"turtle": atomic_write_bytes(out_dir / "graph.ttl", serialize_turtle(result.graph))}
    written["html"] = write_html(result.graph, out_dir / "graph.html")
    written["graphml"] = write_graphml(result.graph, out_dir / "graph.graphml")
    written["store"] = load_store(result.dataset, out_dir / "store")
    return written
