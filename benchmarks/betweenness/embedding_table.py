"""The side-by-side embedding table: rounds of Modelkit (EmbeddingTiming) and the igraph + scipy + numpy
pipeline (peers.py --embedding-only), alternated in one run; per round the median of each side's runs, the
ratio Modelkit / peer per round, and the median of those ratios.
Usage: embedding_table.py RESULTS_DIR ROUNDS graph..."""
import json, statistics, sys

res, rounds, graphs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
ours = [json.load(open(f'{res}/embedding-modelkit-{r}.json')) for r in range(rounds)]
peer = [json.load(open(f'{res}/embedding-peer-{r}.json')) for r in range(rounds)]


def fmt(s):
    return f'{s * 1000:.0f} ms' if s < 1 else f'{s:.2f} s'


print('| graph | Modelkit (2 threads) | of it: betweenness / spectral | igraph + scipy ARPACK + numpy |'
      ' Modelkit / peer, per round | median ratio | L: products / restarts | W: products / restarts |')
print('|---|---|---|---|---|---|---|---|')
for g in graphs:
    if g not in peer[0] or 'embedding_s' not in peer[0][g]:
        continue
    m = [statistics.median(o[g]['runs']) for o in ours]
    p = [q[g]['embedding_s'] for q in peer]
    ratios = [a / b for a, b in zip(m, p)]
    last = ours[-1][g]
    print(f"| {g} | {fmt(statistics.median(m))} | {fmt(last['betweenness_s'])} / {fmt(last['spectral_s'])} | "
          f"{fmt(statistics.median(p))} | {', '.join(f'{x:.2f}' for x in ratios)} | **{statistics.median(ratios):.2f}** | "
          f"{last['products_L']:,.0f} / {last['restarts_L']:.0f} | {last['products_W']:,.0f} / {last['restarts_W']:.0f} |")
