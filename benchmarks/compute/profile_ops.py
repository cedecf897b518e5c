"""Operator times of the small CNN's training step in PyTorch 1.13's profiler, beside libtorch's profile of the
same step through DJL (StepProfile's chrome trace): total self time per operator over the profiled steps.
Usage: /usr/bin/python3 profile_ops.py DJL_TRACE.json batch steps"""
import collections, json, sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
trace, batch, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def self_times(events):
    """chrome-trace 'X' events -> self time (own duration minus children's on the same thread) per name, in ms"""
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get('ph') == 'X' and 'dur' in e:
            by_thread[e.get('tid')].append(e)
    out = collections.Counter()
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e['ts'], -e['dur']))
        stack = []
        for e in evs:
            while stack and stack[-1]['ts'] + stack[-1]['dur'] <= e['ts']:
                stack.pop()
            if stack:
                out[stack[-1]['name']] -= e['dur'] / 1000
            out[e['name']] += e['dur'] / 1000
            stack.append(e)
    return out


djl = json.load(open(trace))
djl = self_times(djl['traceEvents'] if isinstance(djl, dict) else djl)
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
pt = self_times(pt['traceEvents'] if isinstance(pt, dict) else pt)
names = sorted(set(djl) | set(pt), key=lambda n: -max(djl.get(n, 0), pt.get(n, 0)))
print(f'| operator | DJL libtorch, ms per step | PyTorch 1.13, ms per step |')
print('|---|---|---|')
for n in names[:30]:
    print(f'| {n} | {djl.get(n, 0) / steps:.3f} | {pt.get(n, 0) / steps:.3f} |')
print(f'| total | {sum(djl.values()) / steps:.3f} | {sum(pt.values()) / steps:.3f} |')
