"""PyTorch (CPU): one benchmark run, printed as one JSON line.

    python torch_peer.py <mlp|cnn|lstm> <steps> <prebatched|tensors|shuffle|dataset>

Same model, data, batch and optimizer (Adam 1e-3) as ../child.mjs, in a hand-written loop
(zero_grad, forward, loss, backward, step); one warm-up step, then two timed epochs of `steps`
batches (each epoch's loop timed, as the other sides' epoch callbacks do):
- prebatched: a list of batch tensors made before the clock;
- tensors: slices `x[i:i+b]` of one tensor;
- shuffle: a `randperm` every epoch and `x[idx]` gathers;
- dataset: `DataLoader(TensorDataset(x, y), batch_size=b)` (per-sample indexing + collate).
Named torch_peer.py, not torch.py: a script's folder comes first on sys.path. THREADS=n sets
`torch.set_num_threads(n)` (default: PyTorch's, one per core).
"""

import os

import peer_data


def network(nn, model, data):
    if model == "mlp":
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    if model == "cnn":
        return nn.Sequential(
            nn.Unflatten(1, (1, 28, 28)),
            nn.Conv2d(1, 32, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(64 * 5 * 5, 10),
        )

    class EmbeddingLstm(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(data["vocab"], 32)
            self.lstm = nn.LSTM(32, 32, batch_first=True)
            self.dense = nn.Linear(32, 1)

        def forward(self, x):
            seq, _ = self.lstm(self.embedding(x))
            return self.dense(seq[:, -1])

    return EmbeddingLstm()


def main():
    model, steps, path = peer_data.args()
    out = {"impl": "torch", "backend": "cpu", "model": model, "path": path}
    try:
        import torch
        from torch import nn
        from torch.utils.data import DataLoader, TensorDataset
    except ImportError as e:
        peer_data.report({**out, "ok": False, "skipped": True, "error": f"not installed: {e}"})
        return
    threads = int(os.environ.get("THREADS", "0"))
    if threads:
        torch.set_num_threads(threads)
    data = peer_data.load(model, steps)
    b = peer_data.BATCH[model]
    x = torch.from_numpy(data["x"]).long() if model == "lstm" else torch.from_numpy(data["x"])
    y = torch.from_numpy(data["y"]) if model == "lstm" else torch.from_numpy(data["y"]).long()
    net = network(nn, model, data)
    loss_fn = nn.BCEWithLogitsLoss() if model == "lstm" else nn.CrossEntropyLoss()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    generator = torch.Generator().manual_seed(1)

    def step(bx, by):
        opt.zero_grad()
        loss = loss_fn(net(bx), by)
        loss.backward()
        opt.step()

    def prepare(start, batches):
        xs, ys = x[start : start + batches * b], y[start : start + batches * b]
        n = batches * b
        if path == "prebatched":
            listed = [(xs[i * b : (i + 1) * b].clone(), ys[i * b : (i + 1) * b].clone()) for i in range(batches)]
            return lambda: listed
        if path == "tensors":
            return lambda: ((xs[i : i + b], ys[i : i + b]) for i in range(0, n, b))
        if path == "shuffle":

            def shuffled():
                order = torch.randperm(n, generator=generator)
                for i in range(0, n, b):
                    idx = order[i : i + b]
                    yield xs[idx], ys[idx]

            return shuffled
        loader = DataLoader(TensorDataset(xs, ys), batch_size=b, shuffle=False)
        return lambda: loader

    clock = peer_data.EpochClock()

    def epochs(batches, n):
        for _ in range(n):
            clock.begin()
            for bx, by in batches():
                step(bx, by)
            clock.end()

    warm, timed = prepare(0, 1), prepare(b, steps)
    peer_data.measure(
        out,
        clock,
        lambda: epochs(warm, 1),
        lambda: epochs(timed, 2),
        2 * steps * b,
        steps=steps,
        batch=b,
        threads=torch.get_num_threads(),
        versions=f"torch {torch.__version__}",
        data=peer_data.fingerprint(data),
    )


if __name__ == "__main__":
    peer_data.run_main("torch", main)
