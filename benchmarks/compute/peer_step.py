"""The PyTorch side of the like-for-like training-step comparison (benchmarks/compute/run peer; the Java side is
StepTiming): the same small CNN (conv 16 3x3, LeakyReLU 0.01, conv 32 3x3 stride 2, LeakyReLU, linear to 10),
softmax cross-entropy, SGD with momentum 0.9 and weight decay 5e-4 at 0.01, 28x28 inputs in [0, 1], 2 intra-op
threads. The phases of a bare step on preloaded batches (forward with the loss, backward, update = step and
zero_grad, whole step), each step timed on its own; and a training loop like Modelkit's Training.train (batches
indexed from one array, the update, the accuracy count), per step.
Usage: /usr/bin/python3 peer_step.py OUT.json steps batch..."""
import json, statistics, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
LR, MOMENTUM, WD, WARM_UP = 0.01, 0.9, 5e-4, 30


def net():
    return nn.Sequential(nn.Conv2d(1, 16, 3), nn.LeakyReLU(0.01), nn.Conv2d(16, 32, 3, stride=2), nn.LeakyReLU(0.01),
                         nn.Flatten(), nn.Linear(32 * 12 * 12, 10))


def bare(batch, steps):
    torch.manual_seed(1)
    model = net()
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WD)
    xs = [torch.rand(batch, 1, 28, 28) for _ in range(8)]
    ys = [torch.randint(0, 10, (batch,)) for _ in range(8)]
    t = [[], [], [], []]
    for s in range(-WARM_UP, steps):
        x, y = xs[s % 8], ys[s % 8]
        t0 = time.perf_counter()
        loss = F.cross_entropy(model(x), y)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        opt.zero_grad()
        loss.item()
        t3 = time.perf_counter()
        if s >= 0:
            for i, d in enumerate((t1 - t0, t2 - t1, t3 - t2, t3 - t0)):
                t[i].append(d * 1000)
    return t


def training_loop(batch):
    n = 40 * batch
    rng = np.random.default_rng(3)
    x = rng.random((n, 28, 28), dtype=np.float32)
    labels = rng.integers(0, 10, n)
    out = []
    for e in range(-1, 5):
        torch.manual_seed(1)
        model = net()
        opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WD)
        order = np.random.default_rng(1).permutation(n)
        t0 = time.perf_counter()
        correct = 0
        for s in range(40):
            rows = order[s * batch:(s + 1) * batch]
            xb = torch.from_numpy(x[rows]).unsqueeze(1)
            yb = torch.from_numpy(labels[rows])
            scores = model(xb)
            loss = F.cross_entropy(scores, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct += int((scores.argmax(1) == yb).sum())
        if e >= 0:
            out.append((time.perf_counter() - t0) * 1000 / 40)
    return out


res = {}
steps = int(sys.argv[2])
for b in map(int, sys.argv[3:]):
    f, bw, u, st = bare(b, steps)
    loop = training_loop(b)
    res[str(b)] = {'forward': f, 'backward': bw, 'update': u, 'step': st, 'training_step': loop}
    print(f'PyTorch batch {b}: step median {statistics.median(st):.2f} ms, training loop {statistics.median(loop):.2f} ms a step',
          file=sys.stderr)
with open(sys.argv[1], 'w') as fh:
    json.dump(res, fh)
