#!/usr/bin/python3
"""Golden values of the positive-congruent training losses (testdata/congruent/golden.json), computed with
PyTorch's own KLDivLoss and MSELoss as the third-party reimplementation (jun-fang/PCT) and the Amazon
FocalDistillationLoss write them. One-off: run by hand with Debian's python3-torch, commit the result; CI never
runs it. Float64 throughout."""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20261203)
B, C = 4, 10
z_new = torch.randn(B, C, dtype=torch.float64) * 3
z_old = torch.randn(B, C, dtype=torch.float64) * 3
# samples 0 and 2: the old model is right; 1 and 3: wrong
y = z_old.argmax(1).clone()
y[1] = (y[1] + 1) % C
y[3] = (y[3] + 3) % C


def ce_i(z, y):
    return F.cross_entropy(z, y, reduction='none')


def focal(z_new, z_old, y, alpha, beta, T, distance):
    c = min(z_new.shape[1], z_old.shape[1])
    keep = y < c
    zn, zo, yk = z_new[keep][:, :c], z_old[keep][:, :c], y[keep]
    w = alpha + beta * (z_old[keep].argmax(1) == yk).double()
    if distance == 'kl':
        d = torch.nn.KLDivLoss(reduction='none')(F.log_softmax(zn / T, 1), F.softmax(zo / T, 1)).sum(1) * T * T
    else:
        d = 0.5 * torch.nn.MSELoss(reduction='none')(zn, zo).mean(1)
    # the batch mean over all B samples (samples outside the common classes add 0)
    return ce_i(z_new, y).mean() + (w * d).sum() / z_new.shape[0]


cases = []
for name, alpha, beta, T, dist in [('fd-kl', 1, 5, 100, 'kl'), ('fd-kl', 1, 5, 2, 'kl'), ('kd', 1, 0, 100, 'kl'),
                                   ('fd-lm', 1, 5, 100, 'lm'), ('fd-lm', 0.5, 2, 1, 'lm')]:
    cases.append({'loss': name, 'alpha': alpha, 'beta': beta, 't': T,
                  'value': focal(z_new, z_old, y, alpha, beta, T, dist).item()})
cases.append({'loss': 'ce', 'alpha': 1, 'beta': 5, 't': 100, 'value': ce_i(z_new, y).mean().item()})
old_right = (z_old.argmax(1) == y).double()
cases.append({'loss': 'naive', 'alpha': 1, 'beta': 5, 't': 100,
              'value': (ce_i(z_new, y).mean() + (old_right * ce_i(z_new, y)).mean()).item()})
# fewer old classes: z_old has 8 columns and sample 3's label is 9 (outside the common classes)
y2 = y.clone()
y2[3] = 9
z_old8 = z_old[:, :8]
mismatch = {'loss': 'fd-kl', 'alpha': 1, 'beta': 5, 't': 2, 'labels': y2.tolist(),
            'value': focal(z_new, z_old8, y2, 1, 5, 2, 'kl').item()}
out = {'z_new': z_new.tolist(), 'z_old': z_old.tolist(), 'labels': y.tolist(), 'cases': cases,
       'fewer_old_classes': mismatch, 'torch': torch.__version__}
path = os.path.join(os.path.dirname(__file__), '..', 'testdata', 'congruent', 'golden.json')
with open(path, 'w') as f:
    json.dump(out, f, indent=1)
print('written', path, [round(c['value'], 6) for c in cases], mismatch['value'])
