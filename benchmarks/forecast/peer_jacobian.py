"""PyTorch's per-sample Jacobian rows of the small CNN, the training-time predictor's Θ input: conv 16 3x3,
Leaky-ReLU 0.01, conv 32 3x3 stride 2, Leaky-ReLU, flatten, linear 10 (P = 50,890, every parameter), a batch of
16 28x28 images, float64, 2 threads: functorch.vmap over samples of functorch.jacrev over the parameters, the
rows flattened to [16·10, P] as Modelkit's LinearizedBatch.jacobian returns them. Weights random. Prints
JSON: milliseconds per batch (median of 5 runs of N)."""
import json, sys, time
import torch
import functorch

torch.set_num_threads(2)
torch.manual_seed(1)
torch.set_default_dtype(torch.float64)
net = torch.nn.Sequential(torch.nn.Conv2d(1, 16, 3), torch.nn.LeakyReLU(0.01), torch.nn.Conv2d(16, 32, 3, stride=2),
                          torch.nn.LeakyReLU(0.01), torch.nn.Flatten(), torch.nn.Linear(32 * 12 * 12, 10))
fnet, params = functorch.make_functional(net)
params = tuple(p.detach() for p in params)
x = torch.rand(16, 1, 28, 28)

def one(p, xi):
    return fnet(p, xi.unsqueeze(0)).squeeze(0)

jac = functorch.vmap(functorch.jacrev(one), in_dims=(None, 0))

def rows():
    j = jac(params, x)  # per parameter: [16, 10, *shape]
    return torch.cat([t.reshape(16, 10, -1) for t in j], dim=2).reshape(160, -1)

def bench(fn, n):
    for _ in range(2):
        fn()
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - t) / n * 1000)
    runs.sort()
    return runs[2]

n = int(sys.argv[1]) if len(sys.argv) > 1 else 5
print(json.dumps({"torch": torch.__version__, "parameters": sum(p.numel() for p in params), "rows": 160,
                  "jacobian_ms": bench(rows, n)}))
