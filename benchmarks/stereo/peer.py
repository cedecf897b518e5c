"""The PyTorch half of benchmarks/stereo/run (Debian's python3-torch): nets A and B written with torch's own
conv2d/conv3d from the architecture in bundles/org.modelkit.perturber.stereo (methods notes §4.4), loaded with the
weights Modelkit trained and saved, on the same 32 random-dot pairs. Prints agreement and speed as JSON.
Usage: peer.py DIR THREADS"""
import json, sys, time
import numpy as np
import torch
import torch.nn.functional as F

d, threads = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(threads)


def raw(name, shape):
    return torch.tensor(np.fromfile(f"{d}/{name}", "<f4")).view(*shape)


def load(arch):
    spec = json.load(open(f"{d}/net-{arch}/model.json"))
    flat = np.fromfile(f"{d}/net-{arch}/weights.bin", "<f4")
    ws, o = [], 0
    for w in spec["weights"]:
        n = int(np.prod(w["shape"]))
        ws.append(torch.tensor(flat[o:o + n]).view(*w["shape"]))
        o += n
    assert o == flat.size
    return spec, ws


def conv(x, k, b, dims):
    out = k.shape[0]
    if dims == 2:
        return F.conv2d(x, k.view(out, -1, 3, 3), b, padding=1)
    return F.conv3d(x, k.view(out, -1, 3, 3, 3), b, padding=1)


def shift(f, k):
    return f if k == 0 else F.pad(f, (k, 0))[..., : f.shape[-1]]


def soft_argmin(logits):
    p = torch.softmax(logits, 1)
    return (p * torch.arange(logits.shape[1], dtype=logits.dtype).view(1, -1, 1, 1)).sum(1)


def net_a(spec, w, l, r):
    def feat(x):
        f = torch.relu(conv(x, w[0], w[1], 2))
        f = torch.relu(conv(f, w[2], w[3], 2))
        return F.normalize(conv(f, w[4], w[5], 2), dim=1)
    fl, fr = feat(l), feat(r)
    cv = 10 * torch.stack([(fl * shift(fr, k)).sum(1) for k in range(spec["maxDisparity"])], 1)
    a = conv(torch.relu(conv(cv, w[6], w[7], 2)), w[8], w[9], 2)
    return soft_argmin(a + cv)


def net_b(spec, w, l, r):
    h, wd = l.shape[-2:]
    def feat(x):
        f = torch.relu(conv(x, w[0], w[1], 2))
        f = F.interpolate(f, size=((h + 1) // 2, (wd + 1) // 2), mode="bilinear", align_corners=False)
        return F.normalize(conv(f, w[2], w[3], 2), dim=1)
    gl, gr = feat(l), feat(r)
    g = spec["groups"]
    def slice_(k):
        s = shift(gr, k)
        corr = 10 * (gl * s).view(gl.shape[0], g, -1, *gl.shape[2:]).sum(2)
        return torch.cat([gl, s, corr], 1)
    v = torch.stack([slice_(k) for k in range(spec["maxDisparity"] // 2 + 1)], 2)
    cost = conv(torch.relu(conv(v, w[4], w[5], 3)), w[6], w[7], 3)[:, 0]
    half = 2 * soft_argmin(cost)
    return F.interpolate(half[:, None], size=(h, wd), mode="bilinear", align_corners=False)[:, 0]


def sl1(pred, gt):
    a = (pred - gt).abs()
    return torch.where(a < 1, 0.5 * a * a, a - 0.5).mean()


def grad(net, spec, w, l, r, gt):
    l = l.clone().requires_grad_(True)
    r = r.clone().requires_grad_(True)
    sl1(net(spec, w, l, r), gt).backward()
    return l.grad, r.grad


def ifgsm(net, spec, w, l0, r0, gt, eps, alpha, steps):
    l, r = l0.clone(), r0.clone()
    for _ in range(steps):
        gl, gr = grad(net, spec, w, l, r, gt)
        l = torch.clamp(l + alpha * gl.sign(), 0, 1)
        r = torch.clamp(r + alpha * gr.sign(), 0, 1)
        l = torch.clamp(l0 + torch.clamp(l - l0, -eps, eps), 0, 1)
        r = torch.clamp(r0 + torch.clamp(r - r0, -eps, eps), 0, 1)
    return l, r


shape = (32, 1, 24, 48)
L, R, GT = raw("left.bin", shape), raw("right.bin", shape), raw("gt.bin", (32, 24, 48))
out = {"torch": torch.__version__, "threads": threads}
for arch, net in (("A", net_a), ("B", net_b)):
    spec, w = load(arch)
    with torch.no_grad():
        clean = net(spec, w, L, R)
    java = raw(f"{arch}-clean.bin", (32, 24, 48))
    gl, gr = grad(net, spec, w, L, R, GT)
    jl, jr = raw(f"{arch}-grad-left.bin", shape), raw(f"{arch}-grad-right.bin", shape)
    big = (gl.abs() > 1e-8) & (jl.abs() > 1e-8)
    signs = float((gl.sign() == jl.sign())[big].float().mean())
    fgsm = torch.clamp(L + 0.02 * gl.sign(), 0, 1)
    jf = raw(f"{arch}-fgsm-left.bin", shape)
    li, ri = ifgsm(net, spec, w, L, R, GT, 0.02, 0.02 / 8, 20)
    with torch.no_grad():
        epe_i = float((net(spec, w, li, ri) - GT).abs().mean())
        epe_c = float((clean - GT).abs().mean())
    out[arch] = {"clean_disparity_max_abs_diff_px": float((clean - java).abs().max()), "clean_epe": epe_c,
                 "gradient_sign_agreement": signs, "gradient_pixels_compared": int(big.sum()),
                 "fgsm_left_max_abs_diff": float((fgsm - jf).abs().max()), "ifgsm_epe": epe_i}
# speed: one I-FGSM step of net A on Motorcycle at quarter size
meta = json.load(open(f"{d}/modelkit.json"))
h, wd = meta["height"], meta["width"]
ml, mr = raw("moto-left.bin", (1, 1, h, wd)), raw("moto-right.bin", (1, 1, h, wd))
spec, w = load("A")
with torch.no_grad():
    target = net_a(spec, w, ml, mr)
ifgsm(net_a, spec, w, ml, mr, target, 0.02, 2e-3, 2)
times = []
for _ in range(5):
    t0 = time.perf_counter()
    ifgsm(net_a, spec, w, ml, mr, target, 0.02, 2e-3, 10)
    times.append((time.perf_counter() - t0) * 1000 / 10)
out["ifgsm_step_ms_motorcycle"] = sorted(times)[2]
print(json.dumps(out))
