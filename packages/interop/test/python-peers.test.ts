// Exports checked by the other side's own code: ONNX files by onnx.checker and onnxruntime, state
// dicts by the safetensors package and torch (check-onnx.py, check-torch.py). The Python packages
// come from scripts/ensure-interop-python.sh (a git-ignored venv, made once, offline from the
// image's wheel index). Skipped, with a message, only where python3 is absent;
// TESSERA_INTEROP_PYTHON names another Python that has onnx, onnxruntime, safetensors (and torch).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../src/onnx/export-onnx.js';
import { exportTorchSafetensors, importTorchSafetensors } from '../src/torch/state-dict.js';
import { caseNames, onnxCases } from './onnx-models.js';
import { torchCases } from './torch-models.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const hasPython = process.env.TESSERA_INTEROP_PYTHON !== undefined || spawnSync('python3', ['--version']).status === 0;
if (!hasPython) console.warn('SKIPPED: the onnx/onnxruntime/safetensors/torch checks need python3, which is absent on this machine');

const record = (t: Tensor) => ({ dtype: t.dtype, shape: t.shape, data: Array.from(t.dataSync()) });
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
};

function runPython(python: string, script: string, dir: string): Record<string, unknown> {
  const r = spawnSync(python, [join(here, script), dir], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
}

describe.skipIf(!hasPython)('exports read by onnx, onnxruntime, safetensors and torch (Python)', () => {
  let python = '';
  let dir = '';
  beforeAll(async () => {
    await useBackend(cpu());
    if (process.env.TESSERA_INTEROP_PYTHON) python = process.env.TESSERA_INTEROP_PYTHON;
    else {
      const r = spawnSync('bash', [join(repoRoot, 'scripts/ensure-interop-python.sh')], { encoding: 'utf8', timeout: 900_000 });
      if (r.status !== 0) throw new Error(`scripts/ensure-interop-python.sh failed (${r.status}): ${r.stderr}`);
      python = r.stdout.trim().split('\n').at(-1) as string;
    }
    dir = mkdtempSync(join(tmpdir(), 'tessera-interop-'));
  }, 900_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('onnx.checker accepts every export and onnxruntime gives Tessera outputs within 1e-5', () => {
    for (const c of onnxCases()) {
      writeFileSync(join(dir, `${c.name}.onnx`), exportOnnx(c.model));
      const ys = c.model.call(c.inputs.length === 1 ? (c.inputs[0] as Tensor) : c.inputs, { training: false });
      const outputs = (Array.isArray(ys) ? ys : [ys]).map(record);
      writeFileSync(join(dir, `${c.name}.json`), JSON.stringify({ inputs: c.inputs.map(record), outputs }));
    }
    const res = runPython(python, 'check-onnx.py', dir) as Record<string, { opset: number; max_abs_err: number[]; ops: string[] }>;
    expect(Object.keys(res).sort()).toEqual([...caseNames].sort());
    for (const name of caseNames) {
      const r = res[name] as { opset: number; max_abs_err: number[] };
      expect(r.opset).toBe(17);
      expect(r.max_abs_err.length).toBeGreaterThan(0);
      for (const e of r.max_abs_err) expect(e).toBeLessThanOrEqual(1e-5);
    }
  }, 300_000);

  let models: Record<string, { m: ReturnType<(typeof torchCases)[number]['build']>; x: Tensor }> = {};
  let res: Record<string, { entries: Record<string, [number[], string]>; max_abs_err?: number }> & { torch: string | null };
  it('state dicts: names, shapes and dtypes read by the safetensors package', () => {
    models = Object.fromEntries(torchCases.map((c) => [c.name, { m: c.build(), x: c.input() }]));
    for (const c of torchCases) {
      const { m, x } = models[c.name] as { m: ReturnType<typeof c.build>; x: Tensor };
      writeFileSync(join(dir, `${c.name}.safetensors`), exportTorchSafetensors(m));
      const y = m.call(x, { training: false }) as Tensor;
      writeFileSync(join(dir, `${c.name}.json`), JSON.stringify({ input: record(x), output: record(y) }));
      y.dispose();
    }
    res = runPython(python, 'check-torch.py', dir) as typeof res;
    const entries = (name: string) => (res[name] as { entries: Record<string, [number[], string]> }).entries;
    expect(entries('mlp')).toEqual({
      '0.weight': [[16, 8], 'float32'],
      '0.bias': [[16], 'float32'],
      '1.weight': [[4, 16], 'float32'],
      '1.bias': [[4], 'float32'],
    });
    expect(entries('cnn')['0.weight']).toEqual([[4, 2, 3, 3], 'float32']);
    expect(entries('cnn')['1.running_var']).toEqual([[4], 'float32']);
    expect(entries('recurrent')['gru.weight_ih_l0']).toEqual([[12, 5], 'float32']);
    expect(entries('attention')['mha.in_proj_weight']).toEqual([[24, 8], 'float32']);
  }, 300_000);

  it('state dicts: torch twins give Tessera outputs (export), Tessera gives the twins outputs (import)', (ctx) => {
    if (!res) throw new Error('the safetensors check did not run');
    if (res.torch === null) {
      ctx.skip('SKIPPED: torch is not importable in the interop venv, so outputs are not compared');
      return;
    }
    for (const c of torchCases) {
      expect((res[c.name] as { max_abs_err: number }).max_abs_err, `${c.name} torch vs Tessera`).toBeLessThanOrEqual(1e-5);
      // import: the twin's own state dict, saved by safetensors.torch, into the Tessera model
      const { m, x } = models[c.name] as { m: ReturnType<typeof c.build>; x: Tensor };
      importTorchSafetensors(m, new Uint8Array(readFileSync(join(dir, `${c.name}.from-torch.safetensors`))));
      const want = JSON.parse(readFileSync(join(dir, `${c.name}.from-torch.json`), 'utf8')) as { shape: number[]; data: number[] };
      const y = m.call(x, { training: false }) as Tensor;
      expect(y.shape).toEqual(want.shape);
      expect(maxAbs(y.dataSync(), want.data), `${c.name} Tessera after import vs torch`).toBeLessThanOrEqual(1e-5);
      y.dispose();
    }
  }, 300_000);
});
