#!/usr/bin/python3
"""The PyTorch side of benchmarks/congruent/run peer: focal distillation (FD-KL, alpha 1, beta 5, T 100) of the small
CNN (conv 16 3x3, ReLU, conv 32 3x3 stride 2, ReLU, flatten, linear 10) against the old MLP's logits, from the
initial weights, data order and reference that CongruentPeer prepared in DIR, Adam 1e-3, batch 128, the test set
evaluated after each epoch as Modelkit's loop does. Debian's python3-torch 1.13; prints one JSON line.
Usage: peer.py DIR THREADS"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

d, threads = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(threads)
meta = json.load(open(os.path.join(d, 'meta.json')))
n, nt, c, epochs, b = meta['train'], meta['test'], meta['classes'], meta['epochs'], meta['batch']
alpha, beta, t = meta['alpha'], meta['beta'], meta['t']


def f32(name, *shape):
    return torch.from_numpy(np.fromfile(os.path.join(d, name), dtype='<f4').reshape(*shape))


def i32(name):
    return torch.from_numpy(np.fromfile(os.path.join(d, name), dtype='<i4').astype(np.int64))


x = f32('train-x.f32', n, 1, 28, 28)
y = i32('train-y.i32')
xt = f32('test-x.f32', nt, 1, 28, 28)
yt = i32('test-y.i32')
z_old = f32('old-train-logits.f32', n, c)
old_test = i32('old-test-pred.i32')
order = i32('order.i32').reshape(epochs, n)

net = nn.Sequential(nn.Conv2d(1, 16, 3), nn.ReLU(), nn.Conv2d(16, 32, 3, stride=2), nn.ReLU(), nn.Flatten(),
                    nn.Linear(32 * 12 * 12, c))
with torch.no_grad():
    for p, spec in zip(net.parameters(), meta['parameters']):
        v = f32(spec['file'], *spec['shape'])
        if tuple(v.shape) != tuple(p.shape):
            raise SystemExit('parameter %s: shape %s vs %s' % (spec['name'], tuple(v.shape), tuple(p.shape)))
        p.copy_(v)
opt = torch.optim.Adam(net.parameters(), lr=meta['lr'])


def loss_fn(z, yb, zo):
    w = alpha + beta * (zo.argmax(1) == yb).float()
    kl = F.kl_div(F.log_softmax(z / t, 1), F.softmax(zo / t, 1), reduction='none').sum(1) * t * t
    return F.cross_entropy(z, yb) + (w * kl).mean()


per, losses = [], []
pred = None
for e in range(epochs):
    t0 = time.perf_counter()
    total = 0.0
    for s in range(0, n, b):
        rows = order[e, s:s + b]
        z = net(x[rows])
        loss = loss_fn(z, y[rows], z_old[rows])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        total += loss.item() * len(rows)
    with torch.no_grad():
        pred = torch.cat([net(xt[s:s + 256]).argmax(1) for s in range(0, nt, 256)])
    per.append(time.perf_counter() - t0)
    losses.append(total / n)
er = (pred != yt).float().mean().item()
nfr = ((old_test == yt) & (pred != yt)).float().mean().item()
print(json.dumps({'epoch_seconds': per, 'er': er, 'nfr': nfr, 'loss': losses, 'torch': torch.__version__}))
