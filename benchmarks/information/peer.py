"""The authors' code (awslabs/aws-cv-unique-information at 8c3f87b, nnlib at 68a96b3) on the data and w0 that
InformationPeer wrote, beside Modelkit's estimates (java.json). Run by benchmarks/information/run peer REF_DIR on a
patched temporary copy of REF_DIR; nothing of the reference is committed.

Usage: python3 peer.py REF_COPY WORK_DIR
The reference computes its own Jacobians (projection none, float32 as it is written), test_pred_stability
(F-SI without the 1/2sigma^2) and weight_stability (plain, ||w - w_-i||^2) at each of Java's settings; this
compares them with Modelkit's 2sigma^2 F-SI and 2sigma_w^2 SI and times both sides (2 threads each).
"""
import json
import sys
import time
import types

ref, work = sys.argv[1], sys.argv[2]
sys.path.insert(0, ref)
# modules the reference imports only for plotting; Debian has no scikit-learn here
for name, attrs in [('sklearn', []), ('sklearn.neighbors', ['KernelDensity']), ('sklearn.manifold', ['TSNE'])]:
    try:
        __import__(name)
    except ImportError:
        mod = types.ModuleType(name)
        for a in attrs:
            setattr(mod, a, None)
        sys.modules[name] = mod

import numpy as np  # noqa: E402
import torch  # noqa: E402
from scipy.stats import pearsonr, spearmanr  # noqa: E402
from torch.utils.data import TensorDataset  # noqa: E402

from sample_info.modules.ntk import prepare_needed_items  # noqa: E402
from sample_info.modules.stability import test_pred_stability, weight_stability  # noqa: E402

torch.set_num_threads(2)
data = json.load(open(f'{work}/data.json'))
java = json.load(open(f'{work}/java.json'))


class Mlp(torch.nn.Module):
    """MLP 64-256-1 with ReLU, the reference's model interface (forward(inputs=[x], ...) -> {'pred': f})."""

    def __init__(self, w0):
        super().__init__()
        self.fc1 = torch.nn.Linear(64, 256)
        self.fc2 = torch.nn.Linear(256, 1)
        names = list(w0.keys())
        with torch.no_grad():
            for p, name in zip([self.fc1.weight, self.fc1.bias, self.fc2.weight, self.fc2.bias], names):
                v = torch.tensor(w0[name]['values'], dtype=torch.float32).view(w0[name]['shape'])
                assert v.shape == p.shape, (name, v.shape, p.shape)
                p.copy_(v)

    def forward(self, inputs, labels=None, **kwargs):
        x = inputs[0].view(inputs[0].shape[0], -1)
        return {'pred': self.fc2(torch.relu(self.fc1(x)))}


x = torch.tensor(data['train_x'], dtype=torch.float32)
y = torch.tensor(data['train_y'], dtype=torch.float32).view(-1, 1)
xv = torch.tensor(data['val_x'], dtype=torch.float32)
train = TensorDataset(x, y)
val = TensorDataset(xv, torch.zeros(len(xv), 1))
n = len(x)
lr = 0.01

rows = []
for run in java['runs']:
    model = Mlp(data['w0'])
    t0 = time.perf_counter()
    items = prepare_needed_items(model=model, train_data=train, test_data=val, projection='none', cpu=True)
    t = run['t']
    lam = n * run['weight_decay']
    _, fq = test_pred_stability(t=t, n=n, eta=lr / n, ntk=items['ntk'], test_train_ntk=items['test_train_ntk'],
                                train_init_preds=items['train_init_preds'], test_init_preds=items['test_init_preds'],
                                train_Y=items['train_Y'], l2_reg_coef=lam)
    _, wq = weight_stability(t=t, n=n, eta=lr / n, init_params=items['init_params'], jacobians=items['train_jacobians'],
                             ntk=items['ntk'], init_preds=items['train_init_preds'], Y=items['train_Y'], l2_reg_coef=lam,
                             without_sgd=True, return_change_vectors=False, model=model, dataset=train)
    seconds = time.perf_counter() - t0
    f_ref = np.array([float(v) for v in fq])
    w_ref = np.array([float(v) for v in wq])
    f_mk = np.array(run['fsi'])
    w_mk = np.array(run['weight_si'])
    top_ref = list(np.argsort(-f_ref, kind='stable')[:10])
    top_mk = list(np.argsort(-f_mk, kind='stable')[:10])
    row = {
        't': 'inf' if t is None else t, 'weight_decay': run['weight_decay'], 'condition': run['condition'],
        'fsi_pearson': pearsonr(f_mk, f_ref)[0], 'fsi_spearman': spearmanr(f_mk, f_ref)[0],
        'fsi_top10_same': set(top_ref) == set(top_mk), 'fsi_top10_order_same': top_ref == top_mk,
        'fsi_max_diff': float(np.max(np.abs(f_mk - f_ref)) / np.max(f_ref)),
        'weight_pearson': pearsonr(w_mk, w_ref)[0], 'weight_spearman': spearmanr(w_mk, w_ref)[0],
        'weight_max_diff': float(np.max(np.abs(w_mk - w_ref)) / np.max(w_ref)),
        'reference_seconds': seconds, 'modelkit_seconds': run['seconds'],
    }
    bound = 1e-2 if t is not None else 1e-3
    row['pass'] = (row['fsi_pearson'] >= 0.9999 and row['fsi_spearman'] >= 0.999 and row['fsi_top10_same']
                   and row['fsi_max_diff'] <= bound and row['weight_max_diff'] <= 1e-3)
    rows.append(row)

print('| t | λ′ | cond(Θ_λ) | F-SI Pearson | Spearman | same top 10 (order) | max diff / max F-SI | weight SI Pearson |'
      ' max diff / max SI | reference s | Modelkit s | ratio | bounds |')
print('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
for r in rows:
    print(f"| {r['t']} | {r['weight_decay']} | {r['condition']:.3g} | {r['fsi_pearson']:.7f} | {r['fsi_spearman']:.5f} |"
          f" {r['fsi_top10_same']} ({r['fsi_top10_order_same']}) | {r['fsi_max_diff']:.2e} | {r['weight_pearson']:.7f} |"
          f" {r['weight_max_diff']:.2e} | {r['reference_seconds']:.2f} | {r['modelkit_seconds']:.2f} |"
          f" {r['reference_seconds'] / r['modelkit_seconds']:.1f}x | {'pass' if r['pass'] else 'FAIL'} |")
json.dump(rows, open(f'{work}/peer.json', 'w'), indent=1, default=float)
sys.exit(0 if all(r['pass'] for r in rows) else 1)
