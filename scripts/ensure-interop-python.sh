#!/usr/bin/env bash
# Creates .venv-interop (git-ignored) with the readers @tessera/interop's exports are checked by:
# onnx (checker), onnxruntime, safetensors, numpy and torch (CPU). Idempotent: does nothing when
# the venv already imports them. Offline: pip on the CI image has a local wheel index;
# PIP_RETRIES=0 skips the public index's retries.
# usage: scripts/ensure-interop-python.sh   (prints the venv's python path on the last line)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-interop
check='import onnx, onnxruntime, safetensors, numpy'
if ! command -v python3 >/dev/null 2>&1; then
  echo "ensure-interop-python: python3 is absent" >&2
  exit 3
fi
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "$check" >/dev/null 2>&1; then
  # a venv made when torch failed to install gets one more try at torch
  if ! "$venv/bin/python" -c 'import torch' >/dev/null 2>&1; then
    PIP_RETRIES=0 PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install --quiet torch >&2 || echo "ensure-interop-python: torch not installed" >&2
  fi
  echo "$PWD/$venv/bin/python"
  exit 0
fi
start=$(date +%s)
rm -rf "$venv"
python3 -m venv "$venv" >&2
PIP_RETRIES=0 PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install --quiet onnx onnxruntime safetensors numpy >&2
# torch (CPU) loads the exported state dicts into torch modules; its wheel is large, so it comes
# second and its absence only skips the torch comparison.
PIP_RETRIES=0 PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install --quiet torch >&2 || echo "ensure-interop-python: torch not installed" >&2
"$venv/bin/python" -c 'import onnx, onnxruntime, safetensors; print("ensure-interop-python: onnx", onnx.__version__, "onnxruntime", onnxruntime.__version__, "safetensors", safetensors.__version__)' >&2
echo "ensure-interop-python: installed in $(( $(date +%s) - start )) s" >&2
echo "$PWD/$venv/bin/python"
