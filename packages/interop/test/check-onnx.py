"""Checks ONNX files exported by Tessera with ONNX's own tools.

usage: check-onnx.py DIR
For every DIR/<name>.onnx: onnx.checker.check_model(full_check=True) (with shape inference), then
onnxruntime runs it on the inputs in DIR/<name>.json; prints one JSON object
{name: {"ir": .., "opset": .., "max_abs_err": [per output], "shapes": [...]}} comparing with the
Tessera outputs stored in the same JSON file.
"""
import glob
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort

out = {}
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.onnx"))):
    name = os.path.splitext(os.path.basename(path))[0]
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    with open(os.path.join(sys.argv[1], name + ".json")) as f:
        rec = json.load(f)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    feeds = {}
    for meta, x in zip(sess.get_inputs(), rec["inputs"]):
        feeds[meta.name] = np.asarray(x["data"], dtype=np.int32 if x["dtype"] == "int32" else np.float32).reshape(x["shape"])
    ys = sess.run(None, feeds)
    errs = []
    for y, want in zip(ys, rec["outputs"]):
        w = np.asarray(want["data"], dtype=np.float32).reshape(want["shape"])
        errs.append(float(np.max(np.abs(y - w))) if y.shape == w.shape else float("inf"))
    out[name] = {
        "ir": model.ir_version,
        "opset": model.opset_import[0].version,
        "max_abs_err": errs,
        "shapes": [list(y.shape) for y in ys],
        "ops": sorted({n.op_type for n in model.graph.node}),
    }
print(json.dumps(out))
