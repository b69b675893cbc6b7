"""Graph analytics over the entity graph: centrality, communities, GraphML.

Measures run on the projection of `kg.projection.to_networkx` with the
"where was it read" edges (kg:mentionedIn) left out: every entity of an article
links to the article, so with them the articles would top every ranking and
each article would be its own community.

    kg stats --top 10 --format table
"""
from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import networkx as nx
from rdflib import Graph

from kg.atomic import atomic_open
from kg.defaults import STATS_SEED
from kg.errors import KgError
from kg.outputs import check_output_set
from kg.projection import CONTEXT_PREDICATES, RESERVED_NODE_KEYS, to_networkx



@dataclass(frozen=True)
class RankedEntity:
    iri: str
    label: str
    cls: str
    pagerank: float
    degree: int


@dataclass(frozen=True)
class Community:
    index: int
    size: int
    members: list[str]        # labels, most central first
    classes: dict[str, int]   # class -> how many members


def relation_graph(nxg: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The projection without context edges (kg:mentionedIn); same nodes."""
    view = nx.MultiDiGraph()
    view.add_nodes_from(nxg.nodes(data=True))
    view.add_edges_from((s, o, k, d) for s, o, k, d in nxg.edges(keys=True, data=True)
                        if k not in CONTEXT_PREDICATES)
    return view


def pagerank(nxg: nx.MultiDiGraph) -> dict[str, float]:
    """PageRank on the undirected relation graph (parallel edges count once).

    Undirected because the direction of a relation (event → organizer) says
    nothing about which end matters more.
    """
    simple = nx.Graph(relation_graph(nxg).to_undirected())
    if simple.number_of_nodes() == 0:
        return {}
    return nx.pagerank(simple, alpha=0.85, tol=1e-10, max_iter=500)


def degrees(nxg: nx.MultiDiGraph) -> dict[str, int]:
    """Number of relations (in and out, parallel edges counted) of each node."""
    return dict(relation_graph(nxg).degree())


def node_measure(nxg: nx.MultiDiGraph) -> dict[str, float]:
    """The measure the viewer sizes nodes by: PageRank."""
    return pagerank(nxg)


def central_entities(nxg: nx.MultiDiGraph, top: int = 10) -> list[RankedEntity]:
    ranks = pagerank(nxg)
    degree = degrees(nxg)
    ordered = sorted(nxg.nodes, key=lambda n: (-ranks.get(n, 0.0), -degree.get(n, 0), n))
    return [RankedEntity(iri=n, label=nxg.nodes[n]["label"], cls=nxg.nodes[n]["class"],
                         pagerank=round(ranks.get(n, 0.0), 6), degree=degree.get(n, 0))
            for n in ordered[:top]]


def communities(nxg: nx.MultiDiGraph, seed: int = STATS_SEED) -> list[Community]:
    """Louvain communities of the relation graph, biggest first; isolated nodes left out."""
    simple = nx.Graph(relation_graph(nxg).to_undirected())
    simple.remove_nodes_from([n for n in list(simple) if simple.degree(n) == 0])
    if simple.number_of_edges() == 0:
        return []
    ranks = pagerank(nxg)
    groups = nx.community.louvain_communities(simple, seed=seed)
    ordered_groups = []
    for group in groups:
        members = sorted(group, key=lambda n: (-ranks.get(n, 0.0), n))
        ordered_groups.append(members)
    ordered_groups.sort(key=lambda members: (-len(members), members[0]))
    result = []
    for index, members in enumerate(ordered_groups, start=1):
        classes: dict[str, int] = {}
        for n in members:
            cls = nxg.nodes[n]["class"]
            classes[cls] = classes.get(cls, 0) + 1
        result.append(Community(index=index, size=len(members),
                                members=[nxg.nodes[n]["label"] for n in members],
                                classes=dict(sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])))))
    return result


def community_of(nxg: nx.MultiDiGraph, seed: int = STATS_SEED) -> dict[str, int]:
    """Community number (1 = biggest) per node; 0 for nodes without relations."""
    simple = nx.Graph(relation_graph(nxg).to_undirected())
    simple.remove_nodes_from([n for n in list(simple) if simple.degree(n) == 0])
    found = {n: 0 for n in nxg.nodes}
    if simple.number_of_edges() == 0:
        return found
    ranks = pagerank(nxg)
    groups = [sorted(g, key=lambda n: (-ranks.get(n, 0.0), n))
              for g in nx.community.louvain_communities(simple, seed=seed)]
    groups.sort(key=lambda members: (-len(members), members[0]))
    for index, members in enumerate(groups, start=1):
        for n in members:
            found[n] = index
    return found


# ---------------------------------------------------------------- GraphML

def _scalar(value):
    """GraphML holds only scalars: lists become one '; '-joined string."""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return value


def _clean_text(value):
    # XML 1.0 forbids most control characters; a stray one in an article would
    # make the whole file unreadable for Gephi.
    if isinstance(value, str):
        return "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 0x20)
    return value


#: Characters of a sentence kept on each side of the evidence span in GraphML.
EXCERPT_CONTEXT = 40


def excerpt(evidence) -> str:
    """The evidence span with a little of its sentence on each side: GraphML repeats it on
    every node and edge, and one sentence without punctuation can be 50,000 characters."""
    text = evidence.sentence
    if evidence.sentence_start is None or evidence.start is None or evidence.end is None:
        return text if len(text) <= 2 * EXCERPT_CONTEXT else text[:2 * EXCERPT_CONTEXT] + "…"
    start = max(0, evidence.start - evidence.sentence_start)
    end = max(start, evidence.end - evidence.sentence_start)
    left, right = max(0, start - EXCERPT_CONTEXT), min(len(text), end + EXCERPT_CONTEXT)
    if end - start > 4 * EXCERPT_CONTEXT:  # a span as long as a page: its two ends
        middle = text[start:start + EXCERPT_CONTEXT] + "…" + text[end - EXCERPT_CONTEXT:end]
        return ("…" if left else "") + text[left:start] + middle + text[end:right] + ("…" if right < len(text) else "")
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


def graphml_graph(nxg: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of the projection with only scalar attributes, one type per attribute name."""
    ranks = pagerank(nxg)
    degree = degrees(nxg)
    community = community_of(nxg)
    out = nx.MultiDiGraph()

    node_rows = {}
    for n, data in nxg.nodes(data=True):
        row = {
            "label": data["label"],
            "alt_labels": _scalar(data["alt_labels"]),
            "class": data["class"],
            "subclass": data["subclass"] or "",
            "articles": _scalar(data["articles"]),
            "evidence": excerpt(data["evidence"][0]) if data["evidence"] else "",
            "evidence_count": len(data["evidence"]),
            "pagerank": float(ranks.get(n, 0.0)),
            "degree": int(degree.get(n, 0)),
            "community": int(community.get(n, 0)),
        }
        for key, value in data.items():
            if key not in RESERVED_NODE_KEYS:
                row[key] = _scalar(value)
        node_rows[n] = row

    # A GraphML key has one type; if a literal attribute is an int on one node
    # and text (or a joined list) on another, write it as text everywhere.
    types: dict[str, set[type]] = {}
    for row in node_rows.values():
        for key, value in row.items():
            types.setdefault(key, set()).add(type(value))
    for n, row in node_rows.items():
        fixed = {}
        for key, value in row.items():
            kinds = types[key]
            if len(kinds) > 1:
                value = float(value) if kinds <= {int, float} else str(value)
            fixed[key] = _clean_text(value)
        out.add_node(n, **fixed)

    for s, o, key, data in nxg.edges(keys=True, data=True):
        out.add_edge(s, o, key=key, **{
            "predicate": data["predicate"],
            "label": f'{data["label_zh"]} / {data["label_en"]}',
            "label_zh": data["label_zh"],
            "label_en": data["label_en"],
            "evidence": _clean_text(excerpt(data["evidence"][0]) if data["evidence"] else ""),
            "evidence_count": len(data["evidence"]),
        })
    return out


def write_graphml(graph: Graph | nx.MultiDiGraph, path: Path) -> Path:
    """Write the entity graph (an RDF graph or its projection) as GraphML, atomically, line by line.

    GraphML is read by Gephi and `networkx.read_graphml`.
    """
    nxg = graph if isinstance(graph, nx.MultiDiGraph) else to_networkx(graph)
    with atomic_open(Path(path), "w") as handle:
        for line in nx.generate_graphml(graphml_graph(nxg), encoding="utf-8"):
            handle.write(line + "\n")
    return Path(path)


# ---------------------------------------------------------------- kg stats

def load_graph(path: Path) -> Graph:
    """Parse an RDF file; a missing or broken file is a one-line KgError."""
    from rdflib.util import guess_format

    path = Path(path)
    if not path.is_file():
        raise KgError(f"graph file not found: {path} (run `kg build` first)")
    graph = Graph()
    try:
        graph.parse(path, format=guess_format(str(path)) or "turtle")
    except Exception as exc:  # rdflib raises many parser-specific types
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise KgError(f"cannot parse {path}: {first_line}") from exc
    return graph


def stats(graph: Graph, top: int = 10, seed: int = STATS_SEED) -> dict:
    """Central entities and communities, as plain data."""
    nxg = to_networkx(graph)
    relations = relation_graph(nxg)
    return {
        "nodes": nxg.number_of_nodes(),
        "relations": relations.number_of_edges(),
        "central": [asdict(e) for e in central_entities(nxg, top)],
        "communities": [
            {**asdict(c), "members": c.members[:top]} for c in communities(nxg, seed)
        ],
    }


def format_table(result: dict) -> str:
    lines = [f"{result['nodes']} entities, {result['relations']} relations", "",
             "Most central entities (PageRank, degree)"]
    rows = [("#", "entity", "class", "pagerank", "degree")]
    rows += [(str(i), _truncate(e["label"], 40), e["cls"], f"{e['pagerank']:.4f}", str(e["degree"]))
             for i, e in enumerate(result["central"], start=1)]
    widths = [max(_display_width(r[c]) for r in rows) for c in range(len(rows[0]))]
    for row in rows:
        lines.append("  ".join(_pad(cell, widths[c], right=c in (0, 3, 4))
                               for c, cell in enumerate(row)).rstrip())
    lines += ["", f"Communities ({len(result['communities'])}, Louvain)"]
    if not result["communities"]:
        lines.append("  (none: no relations)")
    for c in result["communities"]:
        classes = ", ".join(f"{k} {v}" for k, v in c["classes"].items())
        more = f" … (+{c['size'] - len(c['members'])})" if c["size"] > len(c["members"]) else ""
        lines.append(f"{c['index']:>3}. {c['size']} entities [{classes}]: "
                     + "、".join(c["members"]) + more)
    return "\n".join(lines)


def _truncate(text: str, width: int) -> str:
    """Cut `text` to `width` terminal columns, marking the cut with '…'."""
    if _display_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if _display_width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def _display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * (width - _display_width(text))
    return fill + text if right else text + fill


def run_stats_command(args: argparse.Namespace) -> int:
    if args.top < 1:
        raise KgError("--top must be at least 1")
    check_output_set(Path(args.graph).parent)  # a whole set, or none of kg build's
    result = stats(load_graph(args.graph), top=args.top, seed=getattr(args, "seed", STATS_SEED))
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(format_table(result))
    return 0
