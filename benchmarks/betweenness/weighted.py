"""Weighted edge betweenness, Modelkit against igraph, edge by edge, on the graphs WeightedExport wrote.

Usage: weighted.py DIR name...   Reads DIR/NAME.wedges and DIR/NAME.modelkit; runs igraph's
edge_betweenness(weights=...) on the same simple graph (same doubles), 1 thread, best of 2 after a
warm-up on the small graphs, one run on the large; prints a markdown table with the largest relative
difference per edge and both times.
"""
import sys, time
import igraph

d, names = sys.argv[1], sys.argv[2:]
print('| graph | nodes | edges | max relative difference per edge | edges differing > 1e-9 | Modelkit (2 threads) | igraph (1 thread) | igraph / Modelkit |')
print('|---|---|---|---|---|---|---|---|')
worst_all = 0.0
for name in names:
    with open(f'{d}/{name}.wedges') as f:
        f.readline()
        n = int(f.readline())
        edges, w = [], []
        for line in f:
            u, v, x = line.split()
            edges.append((int(u), int(v)))
            w.append(float(x))
    with open(f'{d}/{name}.modelkit') as f:
        mk_time = float(f.readline())
        mk = [float(x) for x in f]
    g = igraph.Graph(n=n, edges=edges, directed=False)
    g.es['weight'] = w
    runs = 3 if n * len(edges) < 5e8 else 1
    best = float('inf')
    for r in range(runs):
        t0 = time.perf_counter()
        ig = g.edge_betweenness(directed=False, weights='weight')
        best = min(best, time.perf_counter() - t0) if (runs == 1 or r > 0) else best
    worst, bad = 0.0, 0
    for a, b in zip(mk, ig):
        rel = abs(a - b) / max(abs(b), 1e-300) if b != 0 else abs(a)
        worst = max(worst, rel)
        bad += rel > 1e-9
    worst_all = max(worst_all, worst)
    print(f'| {name} | {n:,} | {len(edges):,} | {worst:.1e} | {bad} | {mk_time:.2f} s | {best:.2f} s | {best / mk_time:.1f}x |', flush=True)
print(f'\nlargest relative difference over all graphs: {worst_all:.1e} (criterion 1e-9)')
sys.exit(0 if worst_all <= 1e-9 else 1)
