"""Pseudo ground truth for OpenCV's vtest.avi (the methods data notes, section 6): the per-pixel median of all
frames is the empty walkway, and |frame - median| > 25 grey levels marks the pedestrians. Copies a run of
consecutive frames as grey PNGs and writes their masks (0 or 255) and the median.

usage: make_vtest_masks.py ALL_FRAMES_DIR OUT_DIR FIRST COUNT
ALL_FRAMES_DIR holds every frame as binary PGM (ffmpeg ... -pix_fmt gray f_%03d.pgm), in name order.
Standard library only."""
import os, struct, sys, zlib

def read_pgm(path):
    with open(path, 'rb') as f:
        data = f.read()
    parts, pos = [], 0
    while len(parts) < 4:  # magic, width, height, maxval (no comments in ffmpeg's output)
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        parts.append(data[start:pos])
    if parts[0] != b'P5' or parts[3] != b'255':
        raise SystemExit(path + ': not an 8-bit binary PGM')
    w, h = int(parts[1]), int(parts[2])
    return w, h, data[pos + 1:pos + 1 + w * h]

def write_png(path, w, h, pixels):
    """An 8-bit grey PNG (zlib from the standard library)."""
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
    raw = b''.join(b'\0' + bytes(pixels[y * w:(y + 1) * w]) for y in range(h))
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 0, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))

def main():
    src, out, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    names = sorted(n for n in os.listdir(src) if n.endswith('.pgm'))
    frames = [read_pgm(os.path.join(src, n)) for n in names]
    w, h = frames[0][0], frames[0][1]
    n = len(frames)
    median = bytearray(w * h)
    for i in range(w * h):
        median[i] = sorted(f[2][i] for f in frames)[n // 2]
    os.makedirs(os.path.join(out, 'frames'), exist_ok=True)
    os.makedirs(os.path.join(out, 'masks'), exist_ok=True)
    fg = 0
    for k in range(first, first + count):
        _, _, p = frames[k]
        mask = [255 if abs(p[i] - median[i]) > 25 else 0 for i in range(w * h)]
        fg += sum(1 for m in mask if m)
        write_png(os.path.join(out, 'frames', 'f_%03d.png' % k), w, h, p)
        write_png(os.path.join(out, 'masks', 'f_%03d.png' % k), w, h, mask)
    write_png(os.path.join(out, 'median.png'), w, h, median)
    print('%d frames of %dx%d from %d, median of %d; foreground %.2f %%' % (count, w, h, first, n, 100.0 * fg / (count * w * h)))

main()
