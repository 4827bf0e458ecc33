#!/usr/bin/env node
import { once } from 'node:events';
// Streams a synthetic CSV (default 1 GiB) through @tessera/data and records throughput and peak RSS.
// Not a test. Needs the packages built: `npx turbo run build --filter=@tessera/data...`
// Usage: node bench/data-csv-stream.mjs [sizeMiB=1024] [--keep]
// The CSV is written to a fresh temp directory and deleted afterwards (never commit it).
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sizeMiB = Number(process.argv[2] ?? 1024);
const keep = process.argv.includes('--keep');
const FEATURES = 10;

const { cpu } = await import('@tessera/backend-cpu');
const { useBackend } = await import('@tessera/core');
const { tensorCount } = await import('@tessera/tensor');
const { csvFile } = await import('@tessera/data/node');
await useBackend(cpu());

const dir = mkdtempSync(join(tmpdir(), 'tessera-csv-bench-'));
const file = join(dir, 'synthetic.csv');

async function generate() {
  const out = createWriteStream(file, { highWaterMark: 1 << 22 });
  const header = `${Array.from({ length: FEATURES }, (_, i) => `f${i}`).join(',')},label\n`;
  out.write(header);
  let written = header.length;
  const target = sizeMiB * 1024 * 1024;
  let seed = 12345;
  const rnd = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  let rows = 0;
  while (written < target) {
    const lines = [];
    for (let r = 0; r < 20000; r++) {
      const v = [];
      for (let j = 0; j < FEATURES; j++) v.push((rnd() * 200 - 100).toFixed(4));
      v.push(String(Math.floor(rnd() * 10)));
      lines.push(v.join(','));
    }
    const chunk = `${lines.join('\n')}\n`;
    written += chunk.length;
    rows += lines.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().rss);
};

try {
  const g0 = performance.now();
  const rowsWritten = await generate();
  const genS = (performance.now() - g0) / 1000;
  const bytes = statSync(file).size;
  console.log(`generated ${(bytes / 2 ** 20).toFixed(0)} MiB, ${rowsWritten.toLocaleString()} rows in ${genS.toFixed(1)} s`);

  global.gc?.();
  peak = 0;
  const rssStart = process.memoryUsage().rss;
  const timer = setInterval(sample, 50);
  const types = Object.fromEntries([...Array.from({ length: FEATURES }, (_, i) => [`f${i}`, 'number']), ['label', 'int']]);
  const ds = csvFile(file, { columns: types })
    .map((r) => {
      const x = new Float32Array(FEATURES);
      for (let j = 0; j < FEATURES; j++) x[j] = r[`f${j}`];
      return { x, y: r.label };
    })
    .batch(4096)
    .prefetch(2);
  const t0 = performance.now();
  let rows = 0;
  let batches = 0;
  let checksum = 0;
  const tensorsBefore = tensorCount();
  const rssCurve = [];
  for await (const b of ds) {
    rows += b.x.shape[0];
    batches++;
    if (batches === 1) checksum = b.y.dataSync()[0];
    b.x.dispose();
    b.y.dispose();
    if (batches % 200 === 0) {
      sample();
      rssCurve.push(Math.round(process.memoryUsage().rss / 2 ** 20));
    }
  }
  const s = (performance.now() - t0) / 1000;
  clearInterval(timer);
  sample();
  const result = {
    fileMiB: Math.round(bytes / 2 ** 20),
    rows,
    batches,
    seconds: Number(s.toFixed(1)),
    rowsPerSecond: Math.round(rows / s),
    mibPerSecond: Number((bytes / 2 ** 20 / s).toFixed(1)),
    rssStartMiB: Math.round(rssStart / 2 ** 20),
    peakRssMiB: Math.round(peak / 2 ** 20),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    rssEveryTwoHundredBatchesMiB: rssCurve,
    leakedTensors: tensorCount() - tensorsBefore,
    firstLabel: checksum,
    node: process.version,
  };
  if (rows !== rowsWritten) throw new Error(`read ${rows} rows, wrote ${rowsWritten}`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
