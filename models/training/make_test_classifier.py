"""Writes models/classifiers/smear-test-classifier.onnx: a tiny, UNTRAINED cell
classifier that exists only to test Smearlab's loader for bring-your-own ONNX
classifiers (manifest, crop scale, output mapping). It is not trained on any
data and is no use for diagnosis.

The graph: an RGB crop [N, 3, 32, 32] scaled to 0..1 -> mean per channel ->
one linear layer (3 -> 5) -> softmax. Its weights are set by hand so that the
output follows how dark the crop is (dark -> "abnormal", pale -> "normal"),
and one output ("other") is mapped to no APACC class, to test that mapping.

Run with Debian's python: /usr/bin/python3 models/training/make_test_classifier.py
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

N_OUT = 5  # normal, abnormal, debris, two-cells, other
weights = np.array([
    # R      G      B
    [4.0, 4.0, 4.0],     # normal: bright crops
    [-4.0, -4.0, -4.0],  # abnormal: dark crops
    [0.0, 0.0, 0.0],     # debris
    [0.0, 0.0, 0.0],     # two-cells
    [-1.0, 0.0, 1.0],    # other (mapped to nothing)
], dtype=np.float32).T  # Gemm B: [3, 5]
bias = np.array([-2.0, 2.0, 0.0, -0.5, -1.0], dtype=np.float32)

graph = helper.make_graph(
    [
        helper.make_node('ReduceMean', ['crop'], ['means'], axes=[2, 3], keepdims=0),
        helper.make_node('Gemm', ['means', 'W', 'b'], ['logits']),
        helper.make_node('Softmax', ['logits'], ['probabilities'], axis=1),
    ],
    'smear_test_classifier',
    [helper.make_tensor_value_info('crop', TensorProto.FLOAT, ['N', 3, 32, 32])],
    [helper.make_tensor_value_info('probabilities', TensorProto.FLOAT, ['N', N_OUT])],
    [numpy_helper.from_array(weights, 'W'), numpy_helper.from_array(bias, 'b')],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='smearlab-test')
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, 'models/classifiers/smear-test-classifier.onnx')
print('wrote models/classifiers/smear-test-classifier.onnx')
