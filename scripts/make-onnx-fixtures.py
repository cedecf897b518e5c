"""Writes the small ONNX fixtures in testdata/onnx with Debian's python3-onnx (onnx.helper only;
run with Debian's /usr/bin/python3 after 'apt-get install python3-onnx'). One-off; CI never runs it.

relu-times-x.onnx: Y = Relu(X) * X for a float tensor X of shape [N]; for X = [1, -2, 3], Y = [1, 0, 9].
"""
import sys

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
