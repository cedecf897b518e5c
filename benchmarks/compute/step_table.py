"""The training-step table of benchmarks/compute/run peer: per batch size and phase, Modelkit's and PyTorch's
median over all rounds, the spread (10th to 90th percentile of the single steps, as a fraction of the median),
and the median of the per-round ratios Modelkit / PyTorch. Also writes peer.json (the per-round medians).
Usage: step_table.py RESULTS_DIR ROUNDS batch..."""
import json, statistics, sys

res, rounds, batches = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
ours = [json.load(open(f'{res}/step-modelkit-{r}.json')) for r in range(rounds)]
peer = [json.load(open(f'{res}/step-peer-{r}.json')) for r in range(rounds)]
phases = [('forward', 'forward + loss'), ('backward', 'backward'), ('update', 'update (+ zero grad)'),
          ('step', 'whole step'), ('training_step', 'Training.train step (batches, check, accuracy)')]


def q(xs, f):
    s = sorted(xs)
    return s[min(len(s) - 1, int(f * len(s)))]


def spread(xs):
    m = statistics.median(xs)
    return (q(xs, 0.9) - q(xs, 0.1)) / m


out = {}
print('| batch | phase | Modelkit | spread | PyTorch 1.13 | spread | Modelkit / PyTorch per round | median ratio |')
print('|---|---|---|---|---|---|---|---|')
for b in batches:
    for key, label in phases:
        mine = [x for o in ours for x in o[b][key]]
        theirs = [x for p in peer for x in p[b][key]]
        ratios = [statistics.median(o[b][key]) / statistics.median(p[b][key]) for o, p in zip(ours, peer)]
        out[f'{b}/{key}'] = {'modelkit_ms': statistics.median(mine), 'pytorch_ms': statistics.median(theirs),
                             'ratios': ratios, 'ratio': statistics.median(ratios)}
        print(f'| {b} | {label} | {statistics.median(mine):.2f} ms | {spread(mine):.0%} | {statistics.median(theirs):.2f} ms | '
              f'{spread(theirs):.0%} | {", ".join(f"{r:.2f}" for r in ratios)} | **{statistics.median(ratios):.2f}** |')
with open(f'{res}/peer.json', 'w') as fh:
    json.dump(out, fh, indent=1)
