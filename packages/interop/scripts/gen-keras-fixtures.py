"""Writes the Keras 3 fixtures of @tessera/interop's `.keras` import test.

Each model is built with fixed seeds, its weights are set to seeded random values (batch-norm
variances positive), and it is saved as `<name>.keras` beside `<name>.json`, which holds the inputs
and Keras' predictions on them. Run from the repository root:

    /path/to/python packages/interop/scripts/gen-keras-fixtures.py

(tensorflow-cpu 2.21 / Keras 3; the files are committed, the test needs no Python.)
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "keras")


def randomize(model, seed):
    rng = np.random.RandomState(seed)
    for layer in model.layers:
        ws = []
        for w in layer.weights:
            v = rng.normal(0, 0.5, size=w.shape).astype("float32")
            if "variance" in w.path:
                v = np.abs(v) + 0.5
            ws.append(v)
        if ws:
            layer.set_weights(ws)


def mlp():
    return keras.Sequential(
        [
            keras.Input((8,)),
            layers.Dense(16, activation="relu"),
            layers.Dropout(0.3),
            layers.LayerNormalization(),
            layers.Dense(12, activation="gelu"),
            layers.Dense(4, activation="softmax"),
        ],
        name="mlp",
    )


def cnn():
    return keras.Sequential(
        [
            keras.Input((8, 8, 2)),
            layers.Conv2D(4, 3, padding="same", activation="relu"),
            layers.BatchNormalization(),
            layers.MaxPooling2D(2),
            layers.Conv2D(6, 3, strides=1, padding="valid", activation="tanh"),
            layers.AveragePooling2D(2, padding="same"),
            layers.Flatten(),
            layers.Dense(3),
        ],
        name="cnn",
    )


def functional():
    a = keras.Input((6,), name="a")
    b = keras.Input((6,), name="b")
    ha = layers.Dense(5, activation="sigmoid", name="da")(a)
    hb = layers.Dense(5, activation="silu", name="db")(b)
    s = layers.Add()([ha, hb])
    c = layers.Concatenate()([s, ha])
    y = layers.Activation("tanh")(layers.Dense(3)(c))
    return keras.Model([a, b], y, name="functional")


def rnn():
    x = keras.Input((5,), dtype="int32")
    h = layers.Embedding(20, 4)(x)
    h = layers.LSTM(6, return_sequences=True)(h)
    h = layers.GRU(5)(h)
    y = layers.Dense(2)(h)
    return keras.Model(x, y, name="rnn")


def attention():
    x = keras.Input((4, 8))
    h = layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
    h = layers.LayerNormalization(epsilon=1e-5)(layers.Add()([x, h]))
    h = layers.GlobalAveragePooling1D()(h)
    y = layers.Dense(3)(h)
    return keras.Model(x, y, name="attention")


def seq1d():
    return keras.Sequential(
        [
            keras.Input((10, 3)),
            layers.Conv1D(4, 3, padding="same", activation="relu"),
            layers.MaxPooling1D(2),
            layers.SimpleRNN(5, return_sequences=True),
            layers.GRU(4, return_sequences=True, reset_after=False),
            layers.AveragePooling1D(2, padding="same"),
            layers.GlobalMaxPooling1D(),
            layers.Dense(3, activation="elu"),
            layers.Dense(2, activation="leaky_relu"),
        ],
        name="seq1d",
    )


def image2():
    x = keras.Input((12,))
    h = layers.Reshape((2, 2, 3))(x)
    h = layers.Conv2D(4, 2, padding="same", dilation_rate=2, activation="swish")(h)
    a = layers.GlobalAveragePooling2D()(h)
    m = layers.GlobalMaxPooling2D()(h)
    y = layers.Dense(2, activation="sigmoid")(layers.Concatenate()([a, m]))
    return keras.Model(x, y, name="image2")


def unsupported():
    return keras.Sequential([keras.Input((4, 4, 1)), layers.Cropping2D(1), layers.Flatten(), layers.Dense(2)], name="unsupported")


def main():
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(7)
    specs = [
        (mlp, lambda r: [r.normal(size=(3, 8))]),
        (cnn, lambda r: [r.normal(size=(2, 8, 8, 2))]),
        (functional, lambda r: [r.normal(size=(3, 6)), r.normal(size=(3, 6))]),
        (rnn, lambda r: [r.randint(0, 20, size=(3, 5))]),
        (attention, lambda r: [r.normal(size=(2, 4, 8))]),
        (seq1d, lambda r: [r.normal(size=(2, 10, 3))]),
        (image2, lambda r: [r.normal(size=(3, 12))]),
        (unsupported, lambda r: [r.normal(size=(1, 4, 4, 1))]),
    ]
    for i, (build, make_inputs) in enumerate(specs):
        model = build()
        randomize(model, 100 + i)
        r = np.random.RandomState(200 + i)
        xs = [x.astype("int32" if x.dtype.kind == "i" else "float32") for x in make_inputs(r)]
        y = np.asarray(model.predict(xs if len(xs) > 1 else xs[0], verbose=0))
        name = model.name
        model.save(os.path.join(OUT, f"{name}.keras"))
        record = {
            "keras": keras.__version__,
            "inputs": [{"dtype": str(x.dtype), "shape": list(x.shape), "data": x.ravel().tolist()} for x in xs],
            "output": {"shape": list(y.shape), "data": [float(v) for v in y.ravel()]},
        }
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            json.dump(record, f)
        print(name, os.path.getsize(os.path.join(OUT, f"{name}.keras")), "bytes")


if __name__ == "__main__":
    main()
