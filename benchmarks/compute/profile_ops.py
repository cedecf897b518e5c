"""Operator times of the small CNN's training step in PyTorch 1.13's profiler, beside libtorch's profile of the
same step through DJL (StepProfile's chrome trace): calls per step and the median time of a call per operator.
Usage: /usr/bin/python3 profile_ops.py DJL_TRACE.json batch steps"""
import collections, json, statistics, sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
trace, batch, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def per_step(events, steps):
    """chrome-trace 'X' events -> per operator: calls per step and the median duration of a call, in ms (whole
    durations: a self-time split misattributed time between nested operators of libtorch's trace)"""
    by = collections.defaultdict(list)
    for e in events:
        if e.get('ph') == 'X' and 'dur' in e:
            by[e['name']].append(e['dur'] / 1000)
    return {n: (len(v) / steps, statistics.median(v)) for n, v in by.items()}


djl = json.load(open(trace))
djl = per_step(djl['traceEvents'] if isinstance(djl, dict) else djl, steps)
torch.manual_seed(1)
model = nn.Sequential(nn.Conv2d(1, 16, 3), nn.LeakyReLU(0.01), nn.Conv2d(16, 32, 3, stride=2), nn.LeakyReLU(0.01),
                      nn.Flatten(), nn.Linear(32 * 12 * 12, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
x, y = torch.rand(batch, 1, 28, 28), torch.randint(0, 10, (batch,))


def step():
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    opt.zero_grad()
    loss.item()


for _ in range(50):
    step()
with torch.autograd.profiler.profile() as prof:
    for _ in range(steps):
        step()
prof.export_chrome_trace('/tmp/torch-trace.json')
pt = json.load(open('/tmp/torch-trace.json'))
pt = per_step(pt['traceEvents'] if isinstance(pt, dict) else pt, steps)
ops = ['aten::mkldnn_convolution', 'aten::convolution_backward', 'aten::leaky_relu', 'aten::leaky_relu_backward',
       'aten::addmm', 'aten::mm', 'aten::_log_softmax', 'aten::_log_softmax_backward_data']
print('| operator | DJL libtorch 2.7.1: calls per step x median ms | PyTorch 1.13: calls per step x median ms |')
print('|---|---|---|')
for n in ops:
    d, p = djl.get(n, (0, 0)), pt.get(n, (0, 0))
    print(f'| {n} | {d[0]:.0f} x {d[1]:.3f} | {p[0]:.0f} x {p[1]:.3f} |')
