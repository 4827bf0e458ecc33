"""Reads every event file under a logdir with TensorBoard's own loaders and prints JSON.

usage: python read-tensorboard.py LOGDIR

For each run (a directory holding event files): scalars, histograms, images (decoded with
Pillow), texts and tensors from EventAccumulator; plugin names and the HParams records from the
raw events (EventFileLoader + the hparams plugin's metadata parsers). CRCs are checked by
TensorBoard's record reader. Then the HParams plugin's session groups (what its dashboard lists).
"""
import io
import json
import os
import sys

from google.protobuf import json_format
from tensorboard.backend.event_processing import event_accumulator, event_file_loader
from tensorboard.plugins.hparams import metadata as hp_metadata
from tensorboard.util import tensor_util


def read_run(path):
    acc = event_accumulator.EventAccumulator(
        path,
        size_guidance={event_accumulator.SCALARS: 0, event_accumulator.HISTOGRAMS: 0, event_accumulator.IMAGES: 0, event_accumulator.TENSORS: 0},
    )
    acc.Reload()
    tags = acc.Tags()
    out = {"scalars": {}, "histograms": {}, "images": {}, "texts": {}, "plugins": {}, "hparams": {}, "file_version": None}
    for tag in tags["scalars"]:
        out["scalars"][tag] = [[e.step, e.value] for e in acc.Scalars(tag)]
    for tag in tags["histograms"]:
        out["histograms"][tag] = [
            {
                "step": e.step,
                "min": e.histogram_value.min,
                "max": e.histogram_value.max,
                "num": e.histogram_value.num,
                "sum": e.histogram_value.sum,
                "sum_squares": e.histogram_value.sum_squares,
                "bucket_limit": list(e.histogram_value.bucket_limit),
                "bucket": list(e.histogram_value.bucket),
            }
            for e in acc.Histograms(tag)
        ]
    for tag in tags["images"]:
        rows = []
        for e in acc.Images(tag):
            row = {"step": e.step, "width": e.width, "height": e.height}
            try:
                from PIL import Image

                img = Image.open(io.BytesIO(e.encoded_image_string))
                img.load()
                row["decoded"] = [img.width, img.height, img.mode]
                row["pixels"] = list(img.getdata())[:16]
            except ImportError:
                row["decoded"] = None
            rows.append(row)
        out["images"][tag] = rows
    for tag in tags["tensors"]:
        vals = []
        for e in acc.Tensors(tag):
            arr = tensor_util.make_ndarray(e.tensor_proto)
            if arr.dtype.kind in "SO":
                vals.append([e.step, arr.item().decode("utf-8") if arr.shape == () else [x.decode("utf-8") for x in arr.ravel()]])
            else:
                vals.append([e.step, arr.tolist()])
        out["texts"][tag] = vals
    for name in sorted(os.listdir(path)):
        if "tfevents" not in name:
            continue
        for event in event_file_loader.EventFileLoader(os.path.join(path, name)).Load():
            if event.HasField("file_version"):
                out["file_version"] = event.file_version
            for v in event.summary.value:
                if not v.HasField("metadata"):
                    continue
                plugin = v.metadata.plugin_data.plugin_name
                out["plugins"][v.tag] = plugin
                if plugin != hp_metadata.PLUGIN_NAME:
                    continue
                content = v.metadata.plugin_data.content
                if v.tag == hp_metadata.EXPERIMENT_TAG:
                    msg = hp_metadata.parse_experiment_plugin_data(content)
                elif v.tag == hp_metadata.SESSION_START_INFO_TAG:
                    msg = hp_metadata.parse_session_start_info_plugin_data(content)
                else:
                    msg = hp_metadata.parse_session_end_info_plugin_data(content)
                out["hparams"][v.tag.split("/")[-1]] = json_format.MessageToDict(msg, preserving_proto_field_name=True)
    return out


def session_groups(logdir):
    """The HParams dashboard's table: the plugin's own ListSessionGroups over the whole logdir."""
    from tensorboard import context
    from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
    from tensorboard.plugins import base_plugin
    from tensorboard.plugins.hparams import api_pb2, backend_context, list_session_groups

    mux = plugin_event_multiplexer.EventMultiplexer()
    mux.AddRunsFromDirectory(logdir)
    mux.Reload()
    tb = base_plugin.TBContext(logdir=logdir, multiplexer=mux, data_provider=data_provider.MultiplexerDataProvider(mux, logdir))
    request = api_pb2.ListSessionGroupsRequest(start_index=0, slice_size=100, include_metrics=True, allowed_statuses=[0, 1, 2, 3])
    handler = list_session_groups.Handler(context.RequestContext(), backend_context.Context(tb), "", request)
    return json_format.MessageToDict(handler.run(), preserving_proto_field_name=True).get("session_groups", [])


def main():
    logdir = sys.argv[1]
    runs = {}
    for root, _dirs, files in os.walk(logdir):
        if any("tfevents" in f for f in files):
            runs[os.path.relpath(root, logdir)] = read_run(root)
    print(json.dumps({"runs": runs, "session_groups": session_groups(logdir)}))


if __name__ == "__main__":
    main()
