"""Merges the JMH results and the peers' into the markdown table of the embedder's README."""
import json, sys

peers = json.load(open(sys.argv[1]))
jmh = [b for f in sys.argv[2:] for b in json.load(open(f))]
ours, jg, emb = {}, {}, {}
for b in jmh:
    p = b['params']
    ms = b['primaryMetric']['score'] / 1000.0  # ms/op (AverageTime or SingleShotTime) -> s
    if b['benchmark'].endswith('BetweennessBenchmark.modelkit'):
        ours[(p['graph'], int(p['threads']))] = ms
    elif b['benchmark'].endswith('JgraphtBenchmark.jgrapht'):
        jg[p['graph']] = ms
    elif b['benchmark'].endswith('EmbeddingBenchmark.modelkit'):
        emb[p['graph']] = ms

def fmt(s):
    return 'not run' if s is None else (f'{s * 1000:.1f} ms' if s < 1 else f'{s:.2f} s')

def ratio(a, b):
    return '-' if a is None or b is None else f'{a / b:.1f}x'

print('| graph | nodes | edges | Modelkit 1 thread | Modelkit 2 threads | igraph (1 thread) | networkx | JGraphT | igraph / Modelkit-2 | igraph / Modelkit-1 | networkx / Modelkit-2 | JGraphT / Modelkit-2 |')
print('|---|---|---|---|---|---|---|---|---|---|---|---|')
for name, r in peers.items():
    o1, o2 = ours.get((name, 1)), ours.get((name, 2))
    print(f"| {name} | {r['nodes']:,} | {r['edges']:,} | {fmt(o1)} | {fmt(o2)} | {fmt(r['igraph_s'])} | "
          f"{fmt(r.get('networkx_s'))} | {fmt(jg.get(name))} | {ratio(r['igraph_s'], o2)} | {ratio(r['igraph_s'], o1)} | "
          f"{ratio(r.get('networkx_s'), o2)} | {ratio(jg.get(name), o2)} |")
print()
print('| graph | Modelkit embedding (2 threads) | igraph + scipy ARPACK + numpy, same pipeline | ratio |')
print('|---|---|---|---|')
for name, r in peers.items():
    if name in emb:
        print(f"| {name} | {fmt(emb[name])} | {fmt(r.get('embedding_s'))} | {ratio(r.get('embedding_s'), emb[name])} |")
