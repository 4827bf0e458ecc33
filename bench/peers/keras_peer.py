"""Keras 3 on TensorFlow (CPU): one benchmark run, printed as one JSON line.

    python keras_peer.py <mlp|cnn|lstm> <steps> <prebatched|tensors|shuffle|dataset>

Same model, data, batch and optimizer (adam 1e-3) as ../child.mjs; one warm-up step through the
same path (it traces the train function), then two epochs of `steps` batches, timed from each
epoch's begin to its end (a callback with epoch hooks only), and the whole call:
- prebatched: `train_on_batch` over a list of batch tensors made before the clock;
- tensors / shuffle: `model.fit(x, y, batch_size=b, shuffle=...)` on NumPy arrays;
- dataset: `model.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(b))`.
Named keras_peer.py, not keras.py: a script's folder comes first on sys.path, so keras.py would
shadow the keras package. THREADS=n sets TensorFlow's intra- and inter-op threads.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import peer_data  # noqa: E402


def network(keras, model, data):
    L = keras.layers
    if model == "mlp":
        layers = [keras.Input((784,)), L.Dense(128, activation="relu"), L.Dense(10)]
    elif model == "cnn":
        layers = [
            keras.Input((784,)),
            L.Reshape((28, 28, 1)),
            L.Conv2D(32, 3, activation="relu"),
            L.MaxPooling2D(2),
            L.Conv2D(64, 3, activation="relu"),
            L.MaxPooling2D(2),
            L.Flatten(),
            L.Dense(10),
        ]
    else:
        layers = [keras.Input((data["len"],), dtype="int32"), L.Embedding(data["vocab"], 32), L.LSTM(32), L.Dense(1)]
    m = keras.Sequential(layers)
    loss = (
        keras.losses.BinaryCrossentropy(from_logits=True)
        if model == "lstm"
        else keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    m.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss)
    return m


def main():
    model, steps, path = peer_data.args()
    out = {"impl": "keras", "backend": "tensorflow", "model": model, "path": path}
    try:
        import keras
        import tensorflow as tf
    except ImportError as e:
        peer_data.report({**out, "ok": False, "skipped": True, "error": f"not installed: {e}"})
        return
    threads = int(os.environ.get("THREADS", "0"))
    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    data = peer_data.load(model, steps)
    b = peer_data.BATCH[model]
    m = network(keras, model, data)
    x, y = data["x"], data["y"]

    clock = peer_data.EpochClock()

    class Clock(keras.callbacks.Callback):  # epoch hooks only: no per-batch work added
        def on_epoch_begin(self, epoch, logs=None):
            clock.begin()

        def on_epoch_end(self, epoch, logs=None):
            clock.end()

    timing = [Clock()]

    def prepare(start, batches):
        xs, ys = x[start : start + batches * b], y[start : start + batches * b]
        if path == "prebatched":
            listed = [(tf.constant(xs[i * b : (i + 1) * b]), tf.constant(ys[i * b : (i + 1) * b])) for i in range(batches)]

            def run(epochs):
                for _ in range(epochs):
                    clock.begin()
                    for bx, by in listed:
                        m.train_on_batch(bx, by)
                    clock.end()

            return run
        if path in ("tensors", "shuffle"):
            return lambda epochs: m.fit(xs, ys, batch_size=b, epochs=epochs, shuffle=path == "shuffle", verbose=0, callbacks=timing)
        ds = tf.data.Dataset.from_tensor_slices((xs, ys)).batch(b)
        return lambda epochs: m.fit(ds, epochs=epochs, verbose=0, callbacks=timing)

    warm, timed = prepare(0, 1), prepare(b, steps)
    peer_data.measure(
        out,
        clock,
        lambda: warm(1),
        lambda: timed(2),
        2 * steps * b,
        steps=steps,
        batch=b,
        threads=threads or os.cpu_count(),
        versions=f"keras {keras.__version__}, tensorflow {tf.__version__}",
        data=peer_data.fingerprint(data),
    )


if __name__ == "__main__":
    peer_data.run_main("keras", main)
