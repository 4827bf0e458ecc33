#!/usr/bin/env bash
# Creates .venv-tb (git-ignored) with TensorBoard, the reader the TensorBoard event-file test
# checks against. Idempotent: does nothing when the venv already imports tensorboard. Offline:
# pip on the CI image has a local wheel index; PIP_RETRIES=0 skips the public index's retries.
# usage: scripts/ensure-tensorboard.sh   (prints the venv's python path on the last line)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-tb
if ! command -v python3 >/dev/null 2>&1; then
  echo "ensure-tensorboard: python3 is absent" >&2
  exit 3
fi
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import tensorboard' >/dev/null 2>&1; then
  echo "$PWD/$venv/bin/python"
  exit 0
fi
start=$(date +%s)
rm -rf "$venv"
python3 -m venv "$venv" >&2
PIP_RETRIES=0 PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/pip" install --quiet tensorboard >&2
"$venv/bin/python" -c 'import tensorboard; print("ensure-tensorboard: tensorboard", tensorboard.__version__)' >&2
echo "ensure-tensorboard: installed in $(( $(date +%s) - start )) s" >&2
echo "$PWD/$venv/bin/python"
