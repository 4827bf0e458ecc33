// Writes a small MNIST subset for the page into public/data (git-ignored, never committed):
// raw uint8 files, N×784 pixels and N labels, read from the IDX files in the datasets directory
// (TESSERA_DATASETS, default ../shared/datasets next to the repository).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const datasets = process.env.TESSERA_DATASETS ?? resolve(repoRoot, '../shared/datasets');
const out = join(here, '../public/data');
const TRAIN = Number(process.env.MNIST_TRAIN ?? 12000);
const TEST = Number(process.env.MNIST_TEST ?? 2000);

function readIdx(file) {
  const path = join(datasets, 'mnist', file);
  if (!existsSync(path)) throw new Error(`make-subset: ${path} not found (set TESSERA_DATASETS to the datasets directory)`);
  const buf = gunzipSync(readFileSync(path));
  const magic = buf.readUInt32BE(0);
  const dims = magic & 0xff;
  if (magic >>> 8 !== 0x08)
    throw new Error(`make-subset: ${file}: expected an unsigned-byte IDX file, received magic 0x${magic.toString(16)}`);
  const shape = Array.from({ length: dims }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  return { shape, data: buf.subarray(4 + 4 * dims) };
}

function write(name, data) {
  writeFileSync(join(out, name), data);
}

const marker = join(out, `subset-${TRAIN}-${TEST}.json`);
if (existsSync(marker)) process.exit(0);
mkdirSync(out, { recursive: true });
for (const [split, n] of [
  ['train', TRAIN],
  ['t10k', TEST],
]) {
  const images = readIdx(`${split}-images-idx3-ubyte.gz`);
  const labels = readIdx(`${split}-labels-idx1-ubyte.gz`);
  const name = split === 't10k' ? 'test' : 'train';
  write(`${name}-images.u8`, images.data.subarray(0, n * 784));
  write(`${name}-labels.u8`, labels.data.subarray(0, n));
}
const meta = { train: TRAIN, test: TEST, source: 'MNIST (first examples of the train and t10k IDX files)' };
write('meta.json', JSON.stringify(meta));
write(`subset-${TRAIN}-${TEST}.json`, JSON.stringify(meta));
console.log(`make-subset: wrote ${TRAIN} train and ${TEST} test MNIST examples to ${out}`);
