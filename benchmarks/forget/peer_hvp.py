"""PyTorch's own Hessian-vector product of the forgetter's quadratic on the small CNN of Modelkit's
HvpBenchmark: conv 16 3x3, Leaky-ReLU 0.01, conv 32 3x3 stride 2, Leaky-ReLU, flatten, linear 10, the last two
layers with parameters linearized (P = 50,730; the first layer's output computed once, as Modelkit's bound
batch does), a batch of 64 28x28 images, float64, 2 threads: H v = Jᵀ(J v)/N + λ v with functorch.jvp then
functorch.vjp. Weights random (the product's cost does not depend on their values). Prints JSON:
milliseconds per product (median of 5 runs of N)."""
import json, sys, time
import torch
import functorch

torch.set_num_threads(2)
torch.manual_seed(1)
torch.set_default_dtype(torch.float64)
conv1 = torch.nn.Conv2d(1, 16, 3)
x = torch.rand(64, 1, 28, 28)
with torch.no_grad():
    h1 = torch.nn.functional.leaky_relu(conv1(x), 0.01)
head = torch.nn.Sequential(torch.nn.Conv2d(16, 32, 3, stride=2), torch.nn.LeakyReLU(0.01), torch.nn.Flatten(),
                           torch.nn.Linear(32 * 12 * 12, 10))
fhead, params = functorch.make_functional(head)
params = tuple(p.detach() for p in params)
v = tuple(torch.randn_like(p) for p in params)
lam = 1e-3

def f(*p):
    return fhead(p, h1)

def hvp():
    _, jv = functorch.jvp(f, params, v)
    _, back = functorch.vjp(f, *params)
    g = back(jv / 64)
    return tuple(gi + lam * vi for gi, vi in zip(g, v))

def bench(fn, n):
    for _ in range(5):
        fn()
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - t) / n * 1000)
    runs.sort()
    return runs[2]

n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
print(json.dumps({"torch": torch.__version__, "parameters": sum(p.numel() for p in params), "hvp": bench(hvp, n)}))
