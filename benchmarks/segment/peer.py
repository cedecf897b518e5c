"""OpenCV's Farneback and DIS optical flow on the pairs FlowPeer wrote (benchmarks/segment/run): mean end-point error
against the exact .flo (pixels at least 3 px from the border, all pixels, inside the disk) and ms per pair (median
after a warm-up pass). Debian's python3-opencv. Usage: peer.py DIR THREADS"""
import glob, json, os, sys, time
import numpy as np
import cv2

d, threads = sys.argv[1], int(sys.argv[2])
cv2.setNumThreads(threads)

def read_flo(path):
    with open(path, 'rb') as f:
        magic = np.frombuffer(f.read(4), '<f4')[0]
        assert magic == 202021.25, path
        w, h = np.frombuffer(f.read(8), '<i4')
        return np.frombuffer(f.read(), '<f4').reshape(h, w, 2)

names = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(d, '*.flo')))
pairs = [(cv2.imread(os.path.join(d, n + '-a.png'), 0), cv2.imread(os.path.join(d, n + '-b.png'), 0),
          read_flo(os.path.join(d, n + '.flo')), cv2.imread(os.path.join(d, n + '-mask.png'), 0) > 0) for n in names]

def farneback(a, b):
    return cv2.calcOpticalFlowFarneback(a, b, None, 0.5, 3, 15, 3, 5, 1.2, 0)

dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
def dis_flow(a, b):
    return dis.calc(a, b, None)

out = {'opencv': cv2.__version__, 'threads': threads, 'pairs': len(pairs)}
for name, fn in (('farneback', farneback), ('dis', dis_flow)):
    for a, b, _, _ in pairs[:3]:
        fn(a, b)
    ms, inner, full, obj = [], 0, 0, 0
    for a, b, t, m in pairs:
        t0 = time.perf_counter()
        f = fn(a, b)
        ms.append(1000 * (time.perf_counter() - t0))
        e = np.hypot(f[..., 0] - t[..., 0], f[..., 1] - t[..., 1])
        inner += e[3:-3, 3:-3].mean() / len(pairs)
        full += e.mean() / len(pairs)
        obj += e[m].mean() / len(pairs)
    out[name] = {'epe_inner': inner, 'epe_all': full, 'epe_object': obj, 'ms_per_pair': float(np.median(ms))}
print(json.dumps(out))
