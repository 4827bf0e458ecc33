"""The benchmark's data for the Python peers, read exactly as ../data.mjs reads it.

The first n MNIST training images (IDX gz from ../shared/datasets) as float32 [n, 784] in [0, 1]
with int32 labels, or the first n SMS messages as int32 word ids [n, 40] (the 1,998 most frequent
words of those messages get ids 2.., others 1, padding 0) with float32 0/1 labels.
`fingerprint` hashes the arrays' bytes as data.mjs does, so the driver can check both agree.
"""

import gzip
import hashlib
import json
import os
import re
import sys
import time

import numpy as np

ROOT = os.environ.get("TESSERA_DATASETS") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/datasets")
BATCH = {"mlp": 128, "cnn": 64, "lstm": 32}
PATHS = ("prebatched", "tensors", "shuffle", "dataset")


def mnist(n):
    with gzip.open(os.path.join(ROOT, "mnist/train-images-idx3-ubyte.gz")) as f:
        img = np.frombuffer(f.read(16 + n * 784)[16:], dtype=np.uint8)
    with gzip.open(os.path.join(ROOT, "mnist/train-labels-idx1-ubyte.gz")) as f:
        lab = np.frombuffer(f.read(8 + n)[8:], dtype=np.uint8)
    # divided in float64 and rounded once to float32, as JavaScript's img[i] / 255 into a Float32Array
    x = (img.astype(np.float64) / 255).astype(np.float32).reshape(n, 784)
    return {"x": x, "y": lab.astype(np.int32)}


def sms(n, length=40, vocab=2000):
    with open(os.path.join(ROOT, "text/SMSSpamCollection.tsv"), encoding="utf-8") as f:
        lines = f.read().strip().split("\n")[:n]
    rows = []
    for line in lines:
        label, text = (line.split("\t") + [""])[:2]
        rows.append((1.0 if label == "spam" else 0.0, re.findall(r"[a-z0-9']+", text.lower())))
    freq = {}
    for _, words in rows:
        for w in words:
            freq[w] = freq.get(w, 0) + 1
    ranked = sorted(freq.items(), key=lambda kv: -kv[1])[: vocab - 2]  # stable, as Array.prototype.sort
    ids = {w: i + 2 for i, (w, _) in enumerate(ranked)}
    x = np.zeros((n, length), dtype=np.int32)
    for i, (_, words) in enumerate(rows):
        for j, w in enumerate(words[:length]):
            x[i, j] = ids.get(w, 1)
    y = np.array([r[0] for r in rows], dtype=np.float32).reshape(-1, 1)
    return {"x": x, "y": y, "len": length, "vocab": vocab}


def load(model, steps):
    """The samples of one run: one warm-up batch, then `steps` batches."""
    n = BATCH[model] * (steps + 1)
    return sms(n) if model == "lstm" else mnist(n)


def fingerprint(data):
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(data["x"]).tobytes())
    h.update(np.ascontiguousarray(data["y"]).tobytes())
    return h.hexdigest()[:12]


def args():
    """Parses `<mlp|cnn|lstm> <steps> <path>`."""
    model, steps, path = sys.argv[1], int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "tensors"
    if model not in BATCH or steps < 1 or path not in PATHS:
        raise SystemExit(f"usage: {sys.argv[0]} <mlp|cnn|lstm> <steps> <{'|'.join(PATHS)}>")
    return model, steps, path


class EpochClock:
    """Sums wall and process CPU time (all threads) between begin() and end(), called at every
    epoch's start and end: the rate counts the steps and each epoch's own data work, not the
    set-up a fit call does once (as ../spec.mjs's epochClock)."""

    def __init__(self):
        self.seconds = 0.0
        self.cpu_seconds = 0.0
        self._t0 = self._c0 = 0.0

    def begin(self, *_):
        self._t0, self._c0 = time.perf_counter(), time.process_time()

    def end(self, *_):
        self.seconds += time.perf_counter() - self._t0
        self.cpu_seconds += time.process_time() - self._c0


def result(out, clock, call_seconds, samples, **extra):
    """The JSON line of a finished run."""
    return {
        **out,
        "ok": True,
        "samplesPerSec": samples / clock.seconds,
        "samplesPerCpuSec": samples / clock.cpu_seconds,
        "callSamplesPerSec": samples / call_seconds,
        "peakRssMB": peak_rss_mb(),
        **extra,
    }


def report(out):
    print(json.dumps(out), flush=True)


def measure(out, clock, warm, timed, samples, **extra):
    """Runs the warm-up, zeroes the epoch clock, runs the timed epochs (`timed()`, timing the whole
    call too) and prints the result line."""
    warm()
    clock.seconds = clock.cpu_seconds = 0.0
    t0 = time.perf_counter()
    timed()
    report(result(out, clock, time.perf_counter() - t0, samples, **extra))


def run_main(impl, main):
    """Runs a peer's main(): one JSON line whatever happens, as the Node sides do."""
    try:
        main()
    except Exception as e:
        report({"impl": impl, "ok": False, "error": f"{type(e).__name__}: {e}"[:160]})
        sys.exit(0)


def peak_rss_mb():
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
