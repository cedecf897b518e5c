"""Builds testdata/models/fashion-cnn-leaky/model.onnx (onnx.helper) and model.pt (TorchScript) from the
parameters that ExportWeights wrote as .npy files, so the same pre-trained network runs on the ONNX
Runtime and the PyTorch backends (the in-framework test checks that both give the same scores), and
prints the TorchScript accuracy on the 1,000 committed test images. Run by scripts/make-model-exports
with Debian's /usr/bin/python3 (python3-onnx, python3-torch)."""
import gzip
import os
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

weights, out, testdata = sys.argv[1], sys.argv[2], sys.argv[3]
w = {f[:-4]: np.load(os.path.join(weights, f)) for f in os.listdir(weights) if f.endswith('.npy')}
names = sorted(w)  # 01Conv2d_weight/bias, 03Conv2d_weight/bias, 06Linear_weight/bias
conv1, conv2, lin = sorted({n.rsplit('_', 1)[0] for n in names})
w1, b1 = w[conv1 + '_weight'], w[conv1 + '_bias']
w2, b2 = w[conv2 + '_weight'], w[conv2 + '_bias']
w3, b3 = w[lin + '_weight'], w[lin + '_bias']
print('shapes', w1.shape, w2.shape, w3.shape)

inits = [helper.make_tensor(n, TensorProto.FLOAT, a.shape, a.ravel().tolist())
         for n, a in (('w1', w1), ('b1', b1), ('w2', w2), ('b2', b2), ('w3', w3), ('b3', b3))]
graph = helper.make_graph([
    helper.make_node('Conv', ['X', 'w1', 'b1'], ['c1'], kernel_shape=[3, 3]),
    helper.make_node('LeakyRelu', ['c1'], ['a1'], alpha=0.01),
    helper.make_node('Conv', ['a1', 'w2', 'b2'], ['c2'], kernel_shape=[3, 3], strides=[2, 2]),
    helper.make_node('LeakyRelu', ['c2'], ['a2'], alpha=0.01),
    helper.make_node('Flatten', ['a2'], ['f'], axis=1),
    helper.make_node('Gemm', ['f', 'w3', 'b3'], ['Y'], transB=1),
], 'fashion_cnn_leaky', [helper.make_tensor_value_info('X', TensorProto.FLOAT, ['N', 1, 28, 28])],
    [helper.make_tensor_value_info('Y', TensorProto.FLOAT, ['N', 10])], initializer=inits)
model = helper.make_model(graph, producer_name='modelkit', opset_imports=[helper.make_opsetid('', 13)])
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, os.path.join(out, 'model.onnx'))

net = torch.nn.Sequential(torch.nn.Conv2d(1, 16, 3), torch.nn.LeakyReLU(0.01),
                          torch.nn.Conv2d(16, 32, 3, stride=2), torch.nn.LeakyReLU(0.01),
                          torch.nn.Flatten(), torch.nn.Linear(32 * 12 * 12, 10))
with torch.no_grad():
    for layer, (a, b) in zip((net[0], net[2], net[5]), ((w1, b1), (w2, b2), (w3, b3))):
        layer.weight.copy_(torch.from_numpy(a))
        layer.bias.copy_(torch.from_numpy(b))
net.eval()
torch.jit.script(net).save(os.path.join(out, 'model.pt'))

with gzip.open(os.path.join(testdata, 'fashion-mnist/t10k-1000-images-idx3-ubyte.gz')) as f:
    x = np.frombuffer(f.read(), np.uint8, 1000 * 784, 16).reshape(1000, 1, 28, 28).astype(np.float32) / 255.0
with gzip.open(os.path.join(testdata, 'fashion-mnist/t10k-1000-labels-idx1-ubyte.gz')) as f:
    y = np.frombuffer(f.read(), np.uint8, 1000, 8)
with torch.no_grad():
    scores = net(torch.from_numpy(x)).numpy()
print('TorchScript accuracy on the 1,000 committed test images: %.3f' % (scores.argmax(1) == y).mean())
print('wrote', os.path.join(out, 'model.onnx'), 'and model.pt with torch', torch.__version__, 'onnx', onnx.__version__)
