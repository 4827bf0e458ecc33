"""Checks PyTorch-style state dicts exported by Tessera with the safetensors package and torch.

usage: check-torch.py DIR
For every case in DIR (<name>.safetensors + <name>.json with the input and Tessera's output):
safetensors.numpy lists the names, shapes and dtypes; when torch is importable, the file is loaded
with safetensors.torch into the torch twin of the model (load_state_dict, strict but for
BatchNorm's num_batches_tracked), which runs on the input; then a freshly seeded twin's own
state_dict is saved to <name>.from-torch.safetensors with its output in <name>.from-torch.json,
for the import direction. Prints one JSON object.
"""
import json
import os
import sys

import numpy as np
from safetensors.numpy import load_file as np_load

try:
    import torch
    from safetensors.torch import load_file, save_file
    from torch import nn
except ImportError:  # only the names and shapes are checked then
    torch = None


def twins():
    class Mlp(nn.Module):
        def __init__(self):
            super().__init__()
            self.seq = nn.Sequential(nn.Linear(8, 16), nn.Linear(16, 4))

        def forward(self, x):
            return self.seq[1](torch.relu(self.seq[0](x)))

        def load(self, sd):
            return self.seq.load_state_dict(sd, strict=True)

        def sd(self):
            return self.seq.state_dict()

    class Cnn(nn.Module):
        def __init__(self):
            super().__init__()
            self.seq = nn.Sequential(nn.Conv2d(2, 4, 3), nn.BatchNorm2d(4, eps=1e-3), nn.Conv2d(4, 3, 2, stride=2))

        def forward(self, x):  # NHWC in and out, like Tessera
            h = x.permute(0, 3, 1, 2)
            h = self.seq[2](self.seq[1](torch.relu(self.seq[0](h))))
            return h.permute(0, 2, 3, 1)

        def load(self, sd):
            r = self.seq.load_state_dict(sd, strict=False)
            assert not r.unexpected_keys and all(k.endswith("num_batches_tracked") for k in r.missing_keys), r
            return r

        def sd(self):
            return self.seq.state_dict()

    class Recurrent(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(30, 6)
            self.lstm = nn.LSTM(6, 5, batch_first=True)
            self.gru = nn.GRU(5, 4, batch_first=True)
            self.head = nn.Linear(4, 2)

        def forward(self, ids):
            h, _ = self.lstm(self.emb(ids.long()))
            _, hn = self.gru(h)
            return self.head(hn[0])

        def load(self, sd):
            return self.load_state_dict(sd, strict=True)

        def sd(self):
            return self.state_dict()

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.mha = nn.MultiheadAttention(8, 2, batch_first=True)
            self.ln = nn.LayerNorm(8, eps=1e-5)
            self.conv = nn.Conv1d(8, 3, 2)

        def forward(self, x):
            a, _ = self.mha(x, x, x, need_weights=False)
            h = self.ln(x + a)
            return self.conv(h.permute(0, 2, 1)).permute(0, 2, 1)

        def load(self, sd):
            return self.load_state_dict(sd, strict=True)

        def sd(self):
            return self.state_dict()

    return {"mlp": Mlp, "cnn": Cnn, "recurrent": Recurrent, "attention": Attention}


def main(d):
    out = {"torch": None if torch is None else torch.__version__}
    classes = twins() if torch is not None else {}
    for name in ["mlp", "cnn", "recurrent", "attention"]:
        path = os.path.join(d, f"{name}.safetensors")
        if not os.path.exists(path):
            continue
        arrays = np_load(path)
        r = {"entries": {k: [list(v.shape), str(v.dtype)] for k, v in arrays.items()}}
        if torch is not None:
            with open(os.path.join(d, f"{name}.json")) as f:
                rec = json.load(f)
            x = rec["input"]
            xt = torch.tensor(np.asarray(x["data"]).reshape(x["shape"]), dtype=torch.int64 if x["dtype"] == "int32" else torch.float32)
            torch.manual_seed(0)
            twin = classes[name]().eval()
            twin.load(load_file(path))
            with torch.no_grad():
                y = twin(xt).numpy()
            want = np.asarray(rec["output"]["data"], dtype=np.float32).reshape(rec["output"]["shape"])
            r["max_abs_err"] = float(np.max(np.abs(y - want))) if y.shape == want.shape else float("inf")
            torch.manual_seed(123)
            fresh = classes[name]().eval()
            if name == "cnn":  # non-trivial running statistics and affine weights
                bn = fresh.seq[1]
                with torch.no_grad():
                    bn.running_mean.normal_(0, 0.5)
                    bn.running_var.uniform_(0.5, 1.5)
                    bn.weight.normal_(1, 0.3)
                    bn.bias.normal_(0, 0.3)
            save_file({k: v.contiguous() for k, v in fresh.sd().items()}, os.path.join(d, f"{name}.from-torch.safetensors"))
            with torch.no_grad():
                yf = fresh(xt).numpy()
            with open(os.path.join(d, f"{name}.from-torch.json"), "w") as f:
                json.dump({"shape": list(yf.shape), "data": [float(v) for v in yf.ravel()]}, f)
        out[name] = r
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
