"""How fast does graph.html open? Synthetic graph → write_html → headless Chromium.

    python benchmarks/bench_html.py                      # 5,000 nodes, 15,000 edges, default overview
    python benchmarks/bench_html.py --nodes 2000 --edges 6000 --overview-limit 100000   # no overview

Prints the time to build and write the page, and the time from navigation until
the page says it is interactive (window.kgReady, layout settled, physics off),
then the time of a search and of "show all". The goal (issue 4): ready within
10 s for 5,000 nodes and 15,000 edges.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the synthetic graph generator the tests use

from kg.html import write_html  # noqa: E402
from viewer_graphs import synthetic_graph  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
GOAL_SECONDS = 10.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=15000)
    parser.add_argument("--overview-limit", type=int, default=None,
                        help="nodes shown before the overview kicks in (default: the page default)")
    parser.add_argument("--show-all", action="store_true", help="also time the 'show all' button")
    parser.add_argument("--keep", type=Path, help="also copy the page here")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    graph = synthetic_graph(args.nodes, args.edges)
    made = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = write_html(graph, Path(args.keep or Path(tmp) / "graph.html"), overview_limit=args.overview_limit)
        written = time.perf_counter()
        size_mb = path.stat().st_size / 1e6
        print(f"graph: {args.nodes} nodes, {args.edges} edges requested, {len(graph)} triples "
              f"({made - started:.1f} s to generate)")
        print(f"write_html: {written - made:.1f} s, {size_mb:.1f} MB")

        url = path.resolve().as_uri()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

            t0 = time.perf_counter()
            page.goto(url, wait_until="commit")
            page.wait_for_selector("html[data-kg-ready=true]", state="attached", timeout=120_000)
            ready_wall = time.perf_counter() - t0
            ready_page = page.evaluate("window.kgReadyMs") / 1000
            loaded = page.evaluate("window.kg.nodes.length")
            total = page.evaluate("window.kg.total")
            verdict = "OK" if ready_page <= GOAL_SECONDS else "TOO SLOW"
            print(f"ready (interactive): {ready_page:.2f} s after navigation "
                  f"({ready_wall:.2f} s wall), {loaded} of {total} nodes drawn — goal {GOAL_SECONDS:.0f} s: {verdict}")

            t1 = time.perf_counter()
            page.fill("#kg-search", "青山")
            page.press("#kg-search", "Enter")
            page.wait_for_selector("#kg-panel:not([hidden])", timeout=30_000)
            print(f"search + focus + panel: {time.perf_counter() - t1:.2f} s")

            if args.show_all and loaded < total:
                t2 = time.perf_counter()
                page.click("#kg-show-all")
                page.wait_for_selector("html[data-kg-all=true]", state="attached", timeout=300_000)
                print(f"show all ({total} nodes) and re-settle: {time.perf_counter() - t2:.2f} s")
            if errors:
                print("page errors:", *errors, sep="\n  ")
            browser.close()
    return 0 if ready_page <= GOAL_SECONDS and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
