"""PyTorch's own J·v and Jᵀ·u on the small CNN of Modelkit's LinearizerBenchmark: conv 16 3x3, Leaky-ReLU 0.01,
conv 32 3x3 stride 2, Leaky-ReLU, flatten, linear 10; a batch of 64 28x28 images; all 50,890 parameters; float32;
2 threads. functorch.jvp (forward mode), functorch.vjp (reverse mode), and torch.autograd.functional.jvp (the
double-backward trick) for reference. Prints JSON: milliseconds per call (median of 5 runs of N calls)."""
import json, sys, time
import torch
import functorch

torch.set_num_threads(2)
torch.manual_seed(1)
net = torch.nn.Sequential(
    torch.nn.Conv2d(1, 16, 3), torch.nn.LeakyReLU(0.01),
    torch.nn.Conv2d(16, 32, 3, stride=2), torch.nn.LeakyReLU(0.01),
    torch.nn.Flatten(), torch.nn.Linear(32 * 12 * 12, 10))
x = torch.rand(64, 1, 28, 28)
fnet, params = functorch.make_functional(net)
params = tuple(p.detach() for p in params)
v = tuple(torch.randn_like(p) for p in params)
u = torch.randn(64, 10)

def f(*p):
    return fnet(p, x)

def jvp():
    return functorch.jvp(f, params, v)[1]

def vjp():
    out, back = functorch.vjp(f, *params)
    return back(u)

def autograd_jvp():
    return torch.autograd.functional.jvp(f, params, v)[1]

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
print(json.dumps({"torch": torch.__version__, "functorch.jvp": bench(jvp, n), "functorch.vjp": bench(vjp, n),
                  "autograd.functional.jvp": bench(autograd_jvp, n)}))
