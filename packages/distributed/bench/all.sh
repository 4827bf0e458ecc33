#!/usr/bin/env bash
# Every measurement of docs/scaling.md, one after the other (JSON lines on stdout).
#   bash bench/all.sh > bench.log   (from packages/distributed, after building the package)
set -u
cd "$(dirname "$0")"
echo "# $(date -u +%FT%TZ) $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
SIZES=262144,1048576,4194304 node run.mjs threads 2 allreduce.mjs
SIZES=262144,1048576,4194304 node run.mjs processes 2 allreduce.mjs
for model in mlp cnn; do
  node mnist.mjs --model $model
  node run.mjs threads 2 mnist.mjs --model $model
  node run.mjs processes 2 mnist.mjs --model $model
  node mnist.mjs --model $model --wasm-threads 2
  echo "# load: $(cut -d' ' -f1-3 /proc/loadavg)"
done
