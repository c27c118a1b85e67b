#!/usr/bin/env python3
"""Times igraph's weighted single-pair Dijkstra on a GraphML network, for comparison with
`qonduit bench paths` on the same file (`qonduit bench paths --generate N --save-graphml FILE`).

Prints `igraph_dijkstra median_us=... p99_us=... queries=...` over random connected pairs,
weighted by length_km as `qonduit bench paths` is. Needs `pip install igraph`.
"""
import argparse
import random
import statistics
import sys
import time
import xml.etree.ElementTree as ET

try:
    import igraph
except ImportError:
    sys.exit("igraph is not installed: pip install igraph")

NS = "{http://graphml.graphdrawing.org/xmlns}"


def load(path):
    root = ET.parse(path).getroot()
    keys = {k.get("id"): k.get("attr.name") for k in root.iter(NS + "key")}
    graph = root.find(NS + "graph")
    index, edges, lengths = {}, [], []
    for node in graph.iter(NS + "node"):
        index[node.get("id")] = len(index)
    for edge in graph.iter(NS + "edge"):
        data = {keys.get(d.get("key")): d.text for d in edge.iter(NS + "data")}
        if data.get("status", "up") != "up":
            continue
        edges.append((index[edge.get("source")], index[edge.get("target")]))
        lengths.append(float(data.get("length_km") or 0))
    g = igraph.Graph(n=len(index), edges=edges, directed=False)
    g.es["weight"] = lengths
    return g


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graphml")
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    g = load(args.graphml)
    giant = max(g.connected_components(), key=len)
    rng = random.Random(args.seed)
    samples = []
    for _ in range(args.pairs):
        s, t = rng.sample(giant, 2)
        start = time.perf_counter()
        g.get_shortest_path(s, t, weights="weight", algorithm="dijkstra")
        samples.append((time.perf_counter() - start) * 1e6)
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(round((len(samples) - 1) * 0.99 + 0.5)))]
    print(f"graph nodes={g.vcount()} links={g.ecount()}")
    print(f"igraph_dijkstra median_us={statistics.median(samples):.1f} p99_us={p99:.1f} queries={len(samples)}")


if __name__ == "__main__":
    main()
