"""kg: knowledge graphs from Chinese development-zone news.

    from kg import build
    result = build(["seeds/"])            # normalize → segment → extract → resolve → RDF
    result.graph.serialize(format="turtle")
"""
from kg.pipeline import BuildResult, build

__all__ = ["build", "BuildResult"]
__version__ = "0.1.0"
