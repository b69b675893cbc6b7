"""kg: knowledge graphs from Chinese development-zone news.

    from kg import build
    result = build(["seeds/"])            # normalize → segment → extract → resolve → RDF
    result.graph.serialize(format="turtle")
"""
__all__ = ["build", "BuildResult"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Imported lazily so that `import kg.reader` (or the CLI's --help) does not
    # load jieba, OpenCC and rdflib.
    if name in __all__:
        from kg import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
