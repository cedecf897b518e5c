"""Is igraph's weighted edge betweenness independent of the order it is given the graph in?

Usage: igraph_order.py DIR/NAME.wedges [NODES] [SEED] [SAVED]
Runs igraph's edge_betweenness(weights=...) on the graph (or, with NODES, on the subgraph induced by a
breadth-first ball of that many nodes around node 0), then again on the same graph with its vertices
renumbered and its edges listed in a random order (SEED), maps the second result back edge by edge and
prints how many edges differ by more than 1e-9 relative. SAVED (whole graph only): a file of igraph's
per-edge values from an earlier run in the given order (weighted.py's NAME.igraph), used instead of the
first run (pgp-strong-2009 takes half an hour per run). Same doubles, same library, same algorithm: a
difference here is the order dependence of tolerance-based tie detection on near-tied path lengths,
which no implementation can avoid without copying igraph's traversal order.
"""
import random, sys, time
import igraph

path = sys.argv[1]
nodes = int(sys.argv[2]) if len(sys.argv) > 2 and int(sys.argv[2]) > 0 else None
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
saved = sys.argv[4] if len(sys.argv) > 4 else None
with open(path) as f:
    f.readline()
    n = int(f.readline())
    edges, w = [], []
    for line in f:
        u, v, x = line.split()
        edges.append((int(u), int(v)))
        w.append(float(x))
g = igraph.Graph(n=n, edges=edges, directed=False)
g.es['weight'] = w
if nodes:
    ball = g.bfs(0)[0][:nodes]
    g = g.induced_subgraph(sorted(ball))
n, m = g.vcount(), g.ecount()
rnd = random.Random(seed)
perm = list(range(n))
rnd.shuffle(perm)
order = list(range(m))
rnd.shuffle(order)
el, ws = g.get_edgelist(), g.es['weight']
h = igraph.Graph(n=n, edges=[(perm[el[e][0]], perm[el[e][1]]) for e in order], directed=False)
h.es['weight'] = [ws[e] for e in order]
t0 = time.perf_counter()
if saved:
    with open(saved) as f:
        a = [float(x) for x in f]
else:
    a = g.edge_betweenness(directed=False, weights='weight')
t1 = time.perf_counter()
b_perm = h.edge_betweenness(directed=False, weights='weight')
t2 = time.perf_counter()
b = [0.0] * m
for i, e in enumerate(order):
    b[e] = b_perm[i]
bad, worst = 0, 0.0
for x, y in zip(a, b):
    rel = abs(x - y) / abs(x) if x != 0 else abs(y)
    worst = max(worst, rel)
    bad += rel > 1e-9
print(f'{path} {"ball of " + str(nodes) if nodes else "whole graph"}: {n:,} nodes, {m:,} edges; igraph against igraph'
      f' on a renumbering (seed {seed}): {bad:,} edges differ by more than 1e-9, largest relative difference'
      f' {worst:.2e}; {t1 - t0:.1f} s and {t2 - t1:.1f} s')
