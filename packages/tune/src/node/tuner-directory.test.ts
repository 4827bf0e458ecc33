import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { hyperband } from '../strategies/hyperband.js';
import { syntheticTrial, timeless } from '../test-trials.js';
import { tune } from '../tune.js';
import { tunerDirectory } from './tuner-directory.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-tune-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const options = () => ({ strategy: hyperband({ maxEpochs: 9, factor: 3 }), objective: 'val_accuracy', seed: 4 });

const jsonl = (dir: string) =>
  readFileSync(join(dir, 'trials.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const withoutTime = (rows: Array<Record<string, unknown>>) => rows.map(({ seconds: _s, ...r }) => r);

describe('tunerDirectory', () => {
  it('writes state.json, one JSONL line per trial and one TensorBoard run per trial', async () => {
    const dir = join(root, 'full');
    const result = await tune(syntheticTrial, { ...options(), ...tunerDirectory(dir) });
    const lines = jsonl(dir);
    expect(lines.length).toBe(22);
    const t = result.trials[5]!;
    expect(lines[5]).toEqual({
      id: t.id,
      config: t.config,
      bracket: t.bracket,
      rung: t.rung,
      params: t.params,
      budget: t.epochs,
      score: t.score,
      status: 'completed',
      seconds: t.seconds,
      foldScores: t.foldScores,
      metrics: t.metrics,
    });
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    expect(state.running).toBeNull();
    expect(state.trials.length).toBe(22);
    const runs = readdirSync(join(dir, 'tensorboard')).sort();
    expect(runs).toEqual(result.trials.map((x) => x.id));
    // the HParams session's events file, and the per-epoch curves of the trial's fit callbacks (none here: no fit)
    expect(readdirSync(join(dir, 'tensorboard', t.id)).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
    // the session records carry the params' names
    const events = readdirSync(join(dir, 'tensorboard', t.id)).map((f) => readFileSync(join(dir, 'tensorboard', t.id, f)));
    const text = Buffer.concat(events).toString('latin1');
    for (const name of ['_hparams_/session_start_info', '_hparams_/session_end_info', 'lr', 'units', 'tuner/epochs', 'score'])
      expect(text).toContain(name);
  });

  it('stopped after k trials and restarted from the directory: same trials, same best, same JSONL', async () => {
    const full = await tune(syntheticTrial, { ...options(), ...tunerDirectory(join(root, 'ref')) });
    const dir = join(root, 'stopped');
    const first = await tune(syntheticTrial, { ...options(), ...tunerDirectory(dir), stopAfter: 9 });
    expect(first.complete).toBe(false);
    expect(jsonl(dir).length).toBe(9);
    const calls: string[] = [];
    const resumed = await tune(
      (hp, ctx) => {
        calls.push(ctx.id);
        return syntheticTrial(hp, ctx);
      },
      { ...options(), ...tunerDirectory(dir) },
    );
    expect(calls[0]).toBe('trial-0009');
    expect(calls.length).toBe(13);
    expect(timeless(resumed.trials)).toEqual(timeless(full.trials));
    expect(resumed.best?.id).toBe(full.best?.id);
    expect(withoutTime(jsonl(dir))).toEqual(withoutTime(jsonl(join(root, 'ref'))));
  });

  it('a tuner process SIGKILLed mid-search and restarted on its directory ends like an uninterrupted one', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    // bundle the fixture from the sources next to this package (workspace packages stay external, from their builds)
    const out = resolve(here, '../../.tmp/kill-child.mjs');
    await build({
      entryPoints: [join(here, 'kill-child.fixture.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: out,
      external: ['@tessera/*', '@tensorflow/*'],
      logLevel: 'silent',
    });
    const run = (dir: string, killAfter?: string) =>
      new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((done, fail) => {
        const child = spawn(process.execPath, [out, dir], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b) => {
          stdout += b;
          if (killAfter && stdout.includes(`done ${killAfter}\n`)) child.kill('SIGKILL');
        });
        child.stderr.on('data', (b) => (stderr += b));
        child.on('error', fail);
        child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
      });
    const last = (s: string) => JSON.parse(s.trim().split('\n').pop() as string) as { best: string; trials: unknown[] };

    const ref = await run(join(root, 'child-ref'));
    expect(ref.code, ref.stderr).toBe(0);
    const dir = join(root, 'child-killed');
    const killed = await run(dir, 'trial-0010');
    expect(killed.signal).toBe('SIGKILL');
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    expect(state.trials.length).toBeGreaterThanOrEqual(10);
    expect(state.trials.length).toBeLessThan(22);
    const again = await run(dir);
    expect(again.code, again.stderr).toBe(0);
    const ranAgain = again.stdout.split('\n').filter((l) => l.startsWith('done ')).length;
    expect(ranAgain).toBe(22 - state.trials.length); // no finished trial ran twice
    expect(last(again.stdout)).toEqual(last(ref.stdout));
    expect(withoutTime(jsonl(dir))).toEqual(withoutTime(jsonl(join(root, 'child-ref'))));
    expect(readdirSync(join(dir, 'tensorboard')).sort()).toEqual(readdirSync(join(root, 'child-ref', 'tensorboard')).sort());
  });
});
