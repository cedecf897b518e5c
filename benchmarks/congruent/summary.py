#!/usr/bin/python3
"""Summarises benchmarks/congruent/run peer: modelkit.jsonl and pytorch.jsonl (one training per line, alternated)
and gate.json -> Markdown on stdout. Usage: summary.py DIR"""
import json
import os
import statistics as st
import sys

d = sys.argv[1]
mk = [json.loads(l) for l in open(os.path.join(d, 'modelkit.jsonl')) if l.startswith('{')]
pt = [json.loads(l) for l in open(os.path.join(d, 'pytorch.jsonl')) if l.startswith('{')]
gate = json.load(open(os.path.join(d, 'gate.json')))


def later(runs):
    return [s for r in runs for s in r['epoch_seconds'][1:]]


def first(runs):
    return [r['epoch_seconds'][0] for r in runs]


def spread(v):
    return '%.2f s (%.2f-%.2f)' % (st.median(v), min(v), max(v))


pairs = [st.median(a['epoch_seconds'][1:]) / st.median(b['epoch_seconds'][1:]) for a, b in zip(mk, pt)]
print('# Focal distillation side by side with PyTorch')
print()
print('FD-KL (α 1, β 5, T 100) of the small CNN against the old MLP on full Fashion-MNIST (60,000 training, 10,000 test'
      ' images), %d epochs, Adam 1e-3, batch 128, the same initial weights, batch order and reference logits on both'
      ' sides, the test set evaluated after each epoch; 2 threads each; %d trainings per side, alternated. PyTorch: Debian'
      ' python3-torch %s. `benchmarks/congruent/run peer`.' % (len(mk[0]['epoch_seconds']), len(mk), pt[0]['torch']))
print()
print('| | Modelkit | PyTorch | ratio |')
print('|---|---|---|---|')
print('| s per epoch after the first: median (min-max) | %s | %s | %.2f (median of per-pair ratios; pairs %s) |' % (
    spread(later(mk)), spread(later(pt)), st.median(pairs), ', '.join('%.2f' % p for p in pairs)))
print('| first epoch | %s | %s | %.2f |' % (spread(first(mk)), spread(first(pt)), st.median(first(mk)) / st.median(first(pt))))
print('| test ER | %s | %s | |' % (', '.join('%.2f %%' % (100 * r['er']) for r in mk),
                                   ', '.join('%.2f %%' % (100 * r['er']) for r in pt)))
print('| NFR against the old MLP | %s | %s | |' % (', '.join('%.2f %%' % (100 * r['nfr']) for r in mk),
                                                  ', '.join('%.2f %%' % (100 * r['nfr']) for r in pt)))
print('| mean training loss per epoch (first run) | %s | %s | |' % (
    ', '.join('%.4f' % v for v in mk[0]['loss']), ', '.join('%.4f' % v for v in pt[0]['loss'])))
print()
print('## The negative-flip gate against one classify (10,000 test images, PyTorch CPU backend, median of %d)' %
      len(gate['gate_runs']))
print()
print('| gate check | classify, current (TorchScript CNN) | classify, candidate (DJL CNN) | gate / slower classify |'
      ' gate / both classifies |')
print('|---|---|---|---|---|')
print('| %.3f s | %.3f s | %.3f s | %.2fx | %.2fx |' % (gate['gate_s'], gate['classify_current_s'],
                                                      gate['classify_candidate_s'], gate['gate_over_slower_classify'],
                                                      gate['gate_over_both_classifies']))
print()
print('The check ran both versions, wrote report.json and flips.csv: NFR %.2f %%, %s.' % (100 * gate['nfr'],
                                                                                          gate['verdict']))
