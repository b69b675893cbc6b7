"""Defaults shared by the command line and the library, kept free of imports.

`kg --help` builds every sub-command's parser from these; importing this module
must not load rdflib, networkx, pyvis or jieba (a test checks).
"""
from pathlib import Path

#: where `kg build` writes, and where the other commands look first
OUT_DIR = Path("output")
#: what `kg build` reads when given no input
INPUT_DIR = Path("seeds")

# kg build: where to find a Dask scheduler when --scheduler is not given
SCHEDULER_ENV = "KG_SCHEDULER"

# kg query
QUERY_FORMATS = ("table", "csv", "json")

# kg export: the names of the formats, and other spellings of them
EXPORT_FORMATS = ("jsonld", "nq", "nt", "trig", "ttl")
EXPORT_FORMAT_ALIASES = {"turtle": "ttl", "nquads": "nq", "ntriples": "nt", "json-ld": "jsonld", "json": "jsonld"}

# kg serve
SERVE_HOST = "127.0.0.1"
SERVE_PORT = 7878
SERVE_TIMEOUT = 10.0
SERVE_MAX_RESULTS = 10_000
SERVE_MAX_BYTES = 32_000_000  # an answer's size; 10,000 rows of the named queries take about 5 MB
SERVE_WORKERS = 2

# kg stats
STATS_SEED = 42  # louvain is randomised; a fixed seed makes `kg stats` repeatable

# kg push
PUSH_JOBS = 4             # requests in flight at once
PUSH_TIMEOUT = 60.0       # seconds a request may wait for the server
PUSH_PASSWORD_ENV = "KG_PUSH_PASSWORD"  # where --user's password comes from (never the command line)
