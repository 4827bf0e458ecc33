// Prints one peer-benchmark table (a model's rows) as Markdown.

const NAMES = { tessera: 'Tessera', tfjs: 'tfjs-layers', keras: 'Keras 3', torch: 'PyTorch' };

const rate = (x) => (x >= 100 ? String(Math.round(x)) : x.toFixed(1));
const times = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '—');

function notes(row, fingerprint) {
  const ok = row.runs.filter((x) => x.ok);
  const out = [];
  if (row.failure) out.push(`${row.crawls ? 'crawls' : 'fails'}: ${row.failure}`);
  const leaked = Math.max(0, ...ok.map((x) => x.leaked ?? 0));
  if (leaked) out.push(`${leaked} tensors leaked`);
  if (ok.some((x) => x.data && x.data !== fingerprint)) out.push('DATA DIFFERS from the other rows');
  if (ok.length && ok.length < row.runs.length) out.push(`${row.runs.length - ok.length} runs failed`);
  return out.join('; ');
}

/** Prints `table` (`{ model, batch, steps, rows }` as the driver builds it) to stdout. */
export function printTable({ model, batch, steps, rows }) {
  const keras = rows.find((r) => r.framework === 'keras' && r.path === 'tensors')?.samplesPerSec;
  const tfjs = (r) => rows.find((o) => o.framework === 'tfjs' && o.backend === r.backend && o.path === r.path)?.samplesPerSec;
  const fingerprint = rows.flatMap((r) => r.runs ?? []).find((x) => x.ok && x.data)?.data;
  console.log(`\n### ${model}: batch ${batch}, ${steps} steps × 2 epochs after a warm-up step (samples/s, median)\n`);
  console.log(
    '| framework | backend | data path | threads | samples/s | per CPU s | whole call | runs | × Keras fit(x, y) | × tfjs-layers, same backend and path | notes |',
  );
  console.log('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    const name = NAMES[r.framework] ?? r.framework;
    if (r.skipped) {
      console.log(`| ${name} | ${r.backend} | — | — | — | — | — | 0 | — | — | skipped: ${r.skipped} |`);
      continue;
    }
    const ok = r.runs.filter((x) => x.ok);
    const threads = ok[0]?.threads ?? '—';
    const vsTfjs = r.framework === 'tessera' ? times(r.samplesPerSec, tfjs(r)) : '';
    const sps = r.samplesPerSec ? rate(r.samplesPerSec) : '—';
    const cps = r.samplesPerCpuSec ? rate(r.samplesPerCpuSec) : '—';
    const call = r.callSamplesPerSec ? rate(r.callSamplesPerSec) : '—';
    console.log(
      `| ${name} | ${r.backend} | ${r.path} | ${threads} | ${sps} | ${cps} | ${call} | ${ok.length} | ${times(r.samplesPerSec, keras)} | ${vsTfjs} | ${notes(r, fingerprint)} |`,
    );
  }
}
