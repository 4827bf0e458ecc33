// The tuner's TensorBoard runs read by TensorBoard itself: @tessera/train's test/read-tensorboard.py
// loads the runs and asks the HParams plugin (list_session_groups) for its table. The Python with
// tensorboard comes from scripts/ensure-tensorboard.sh (a git-ignored venv, offline with the image's
// wheel index) or TESSERA_TB_PYTHON. Skipped, with a message, only where python3 is absent.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSearch } from '../strategies/random-search.js';
import { syntheticTrial } from '../test-trials.js';
import { tune } from '../tune.js';
import { tunerDirectory } from './tuner-directory.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const hasPython = process.env.TESSERA_TB_PYTHON !== undefined || spawnSync('python3', ['--version']).status === 0;
if (!hasPython) console.warn('SKIPPED: the TensorBoard reader test of the tuner needs python3, which is absent on this machine');

type SessionGroup = {
  name: string;
  hparams: Record<string, unknown>;
  metric_values: Array<{ name: { group?: string; tag: string }; value: number; training_step: number }>;
  sessions: Array<{ name: string; status: string }>;
};

describe.skipIf(!hasPython)('TensorBoard reads the tuner directory (tensorboard pip package)', () => {
  let python = '';
  let dir = '';
  beforeAll(() => {
    if (process.env.TESSERA_TB_PYTHON) python = process.env.TESSERA_TB_PYTHON;
    else {
      const r = spawnSync('bash', [join(repoRoot, 'scripts/ensure-tensorboard.sh')], { encoding: 'utf8', timeout: 600_000 });
      if (r.status !== 0) throw new Error(`scripts/ensure-tensorboard.sh failed (${r.status}): ${r.stderr}`);
      python = r.stdout.trim().split('\n').at(-1) as string;
    }
    dir = mkdtempSync(join(tmpdir(), 'tessera-tune-tb-'));
  }, 600_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('one HParams session per trial, with its hyperparameters (conditional ones too), budget, status and final metrics', async () => {
    const result = await tune(
      (hp, ctx) => {
        const out = syntheticTrial(hp, ctx);
        if (ctx.config === 1) throw new Error('diverged');
        return out;
      },
      { strategy: randomSearch({ trials: 6, epochs: 3 }), objective: 'val_accuracy', seed: 2, ...tunerDirectory(dir) },
    );
    const deep = result.trials.filter((t) => t.params.deep === true).length;
    expect(deep).toBeGreaterThan(0); // seed 2 gives trials with and without the conditional units2
    expect(deep).toBeLessThan(6);
    const r = spawnSync(python, [join(repoRoot, 'packages/train/test/read-tensorboard.py'), join(dir, 'tensorboard')], {
      encoding: 'utf8',
      timeout: 240_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`read-tensorboard.py failed: ${r.stderr}`);
    const groups = (JSON.parse(r.stdout) as { session_groups: SessionGroup[] }).session_groups;
    expect(groups.length).toBe(6);
    for (const t of result.trials) {
      const g = groups.find((x) => x.sessions.some((s) => s.name === t.id));
      expect(g, t.id).toBeDefined();
      const status = t.status === 'completed' ? 'STATUS_SUCCESS' : 'STATUS_FAILURE';
      expect(g?.sessions).toEqual([expect.objectContaining({ name: t.id, status })]);
      // every trial's own hyperparameters, conditional ones included (no experiment record narrows the columns)
      expect(g?.hparams).toEqual({ ...t.params, 'tuner/epochs': 3, 'tuner/rung': 0, 'tuner/bracket': 0 });
      const metric = (tag: string) => (g?.metric_values ?? []).find((m) => m.name.tag === tag && !m.name.group);
      if (t.status === 'failed') {
        expect(t.config).toBe(1);
        expect(metric('score')).toBeUndefined();
        continue;
      }
      expect(metric('score')?.value).toBeCloseTo(t.score as number, 6);
      expect(metric('val_accuracy')?.value).toBeCloseTo(t.metrics.val_accuracy as number, 6);
      expect(metric('loss')?.value).toBeCloseTo(t.metrics.loss as number, 6);
      expect(metric('score')?.training_step).toBe(3);
    }
  }, 300_000); // TensorBoard's loader takes ~10-80 s on the loaded machine
});
