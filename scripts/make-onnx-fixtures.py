"""Writes the small ONNX fixtures in testdata/onnx with Debian's python3-onnx (onnx.helper only;
run with Debian's /usr/bin/python3 after 'apt-get install python3-onnx'). One-off; CI never runs it.

relu-times-x.onnx: Y = Relu(X) * X for a float tensor X of shape [N]; for X = [1, -2, 3], Y = [1, 0, 9].
small-cnn.onnx: the small CNN of shared/notes/performance.md (conv 16 3x3, LeakyReLU 0.01, conv 32 3x3
  stride 2, LeakyReLU, linear to 10) on [N, 1, 28, 28], random weights (numpy seed 0); and
  small-cnn.expected.csv: its outputs for the first 4 images of testdata/fashion-mnist/t10k-1000,
  computed here by a separate numpy forward pass (float64), so the ONNX backend is checked against an
  independent reference.
"""
import gzip
import struct
import sys

import numpy as np

import onnx
from onnx import TensorProto, helper

out = sys.argv[1] if len(sys.argv) > 1 else 'testdata/onnx'
x = helper.make_tensor_value_info('X', TensorProto.FLOAT, ['N'])
y = helper.make_tensor_value_info('Y', TensorProto.FLOAT, ['N'])
graph = helper.make_graph([
    helper.make_node('Relu', ['X'], ['R']),
    helper.make_node('Mul', ['R', 'X'], ['Y']),
], 'relu_times_x', [x], [y])
model = helper.make_model(graph, producer_name='modelkit', opset_imports=[helper.make_opsetid('', 13)])
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, f'{out}/relu-times-x.onnx')
print('wrote', f'{out}/relu-times-x.onnx')

rng = np.random.default_rng(0)
w1 = (rng.standard_normal((16, 1, 3, 3)) * 0.3).astype(np.float32)
b1 = (rng.standard_normal(16) * 0.1).astype(np.float32)
w2 = (rng.standard_normal((32, 16, 3, 3)) * 0.1).astype(np.float32)
b2 = (rng.standard_normal(32) * 0.1).astype(np.float32)
w3 = (rng.standard_normal((32 * 12 * 12, 10)) * 0.02).astype(np.float32)
b3 = (rng.standard_normal(10) * 0.1).astype(np.float32)
inits = [helper.make_tensor(name, TensorProto.FLOAT, a.shape, a.ravel().tolist())
         for name, a in (('w1', w1), ('b1', b1), ('w2', w2), ('b2', b2), ('w3', w3), ('b3', b3))]
cnn = helper.make_graph([
    helper.make_node('Conv', ['X', 'w1', 'b1'], ['c1'], kernel_shape=[3, 3]),
    helper.make_node('LeakyRelu', ['c1'], ['a1'], alpha=0.01),
    helper.make_node('Conv', ['a1', 'w2', 'b2'], ['c2'], kernel_shape=[3, 3], strides=[2, 2]),
    helper.make_node('LeakyRelu', ['c2'], ['a2'], alpha=0.01),
    helper.make_node('Flatten', ['a2'], ['f'], axis=1),
    helper.make_node('Gemm', ['f', 'w3', 'b3'], ['Y']),
], 'small_cnn', [helper.make_tensor_value_info('X', TensorProto.FLOAT, ['N', 1, 28, 28])],
    [helper.make_tensor_value_info('Y', TensorProto.FLOAT, ['N', 10])], initializer=inits)
m2 = helper.make_model(cnn, producer_name='modelkit', opset_imports=[helper.make_opsetid('', 13)])
m2.ir_version = 7
onnx.checker.check_model(m2)
onnx.save(m2, f'{out}/small-cnn.onnx')

with gzip.open(f'{out}/../fashion-mnist/t10k-1000-images-idx3-ubyte.gz') as f:
    raw = f.read()
x = np.frombuffer(raw, np.uint8, 4 * 784, 16).reshape(4, 1, 28, 28).astype(np.float64) / 255.0


def conv(a, w, b, stride):
    win = np.lib.stride_tricks.sliding_window_view(a, (3, 3), axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum('nchwij,ocij->nohw', win, w.astype(np.float64)) + b.astype(np.float64)[None, :, None, None]


def leaky(a):
    return np.where(a > 0, a, 0.01 * a)


h = leaky(conv(leaky(conv(x, w1, b1, 1)), w2, b2, 2))
y = h.reshape(4, -1) @ w3.astype(np.float64) + b3.astype(np.float64)
np.savetxt(f'{out}/small-cnn.expected.csv', y, delimiter=',', fmt='%.9g')
print('wrote', f'{out}/small-cnn.onnx', 'and small-cnn.expected.csv', y.shape)
