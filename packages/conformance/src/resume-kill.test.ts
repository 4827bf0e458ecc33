import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * A real kill: `apps/resume-kill.mjs` trains an Iris MLP (dropout, adam, seeded shuffle,
 * auto-generated layer names) through the BUILT packages in its own process, checkpointing
 * every 3 steps, and SIGKILLs itself mid-epoch; a fresh process resumes from the checkpoint
 * directory. Its final weights must match an uninterrupted run's within 1e-6, and its stateful
 * callbacks (early stopping, reduce-LR, a metric, CSV and JSONL loggers) must log, decide and write
 * exactly what the uninterrupted run did.
 */
const here = dirname(fileURLToPath(import.meta.url));
const script = resolve(here, '../apps/resume-kill.mjs');
const root = mkdtempSync(join(tmpdir(), 'tessera-resume-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function node(args: string[]): Promise<Exit> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

interface Result {
  backend: string;
  firstStep: number;
  steps: number;
  weights: Record<string, number[]>;
  epochs: number[];
  logs: Array<Record<string, number>>;
  decisions: { stoppedEpoch: number; bestEpoch: number; reductions: number[] };
  files: { csv: string; jsonl: string };
}

/** The resumed run logs the epochs it ran exactly as the uninterrupted one, decides the same and leaves the same files. */
function sameRun(a: Result, c: Result): void {
  expect(c.logs).toEqual(a.logs.slice(c.epochs[0]));
  expect(c.decisions).toEqual(a.decisions);
  expect(c.files).toEqual(a.files);
}

async function finished(args: string[]): Promise<Result> {
  const out = await node(args);
  if (out.code !== 0) throw new Error(`node ${args.join(' ')} exited with ${out.code ?? out.signal}: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop() as string) as Result;
}

function maxDiff(a: Result, b: Result): number {
  expect(Object.keys(b.weights).sort()).toEqual(Object.keys(a.weights).sort());
  let diff = 0;
  for (const [k, u] of Object.entries(a.weights)) {
    const w = b.weights[k] as number[];
    expect(w.length).toBe(u.length);
    for (let i = 0; i < u.length; i++) diff = Math.max(diff, Math.abs((u[i] as number) - (w[i] as number)));
  }
  return diff;
}

const latest = (dir: string) => JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as { name: string; step: number };

describe.each(['cpu', 'wasm'])('a training process SIGKILLed and resumed in a fresh process (%s)', (backend) => {
  let full: Promise<Result>;
  const uninterrupted = () => {
    full ??= finished(['full', backend]);
    return full;
  };

  it('mid-epoch, after a complete checkpoint: ends with the uninterrupted weights (1e-6)', async () => {
    const dir = join(root, `${backend}-kill`);
    const [a, killed] = await Promise.all([uninterrupted(), node(['kill', backend, dir, '13'])]);
    expect(a.steps).toBe(32); // 4 epochs of 8 batches
    expect(a.firstStep).toBe(1);
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stdout).toBe('');
    expect(latest(dir)).toMatchObject({ name: 'step-000000012', step: 12, epoch: 1 });
    const c = await finished(['resume', backend, dir]);
    expect(c.firstStep).toBe(13); // resumed, not retrained from scratch
    expect(c.steps).toBe(32);
    expect(maxDiff(a, c)).toBeLessThanOrEqual(1e-6);
    expect(a.decisions).toEqual({ stoppedEpoch: 3, bestEpoch: 0, reductions: [2] });
    expect(c.epochs).toEqual([1, 2, 3]);
    sameRun(a, c);
  });

  it('while a checkpoint is half written: resumes from the previous complete one and still matches', async () => {
    const dir = join(root, `${backend}-torn`);
    const [a, killed] = await Promise.all([uninterrupted(), node(['torn', backend, dir, '21'])]);
    expect(killed.signal).toBe('SIGKILL');
    // the torn write is left in a temporary directory; latest.json still names step 18
    const names = readdirSync(dir);
    const torn = names.filter((n) => n.startsWith('.tmp-step-000000021-'));
    expect(torn).toHaveLength(1);
    expect(names).not.toContain('step-000000021');
    const partial = statSync(join(dir, torn[0] as string, 'model.safetensors')).size;
    expect(partial).toBeLessThan(statSync(join(dir, 'step-000000018', 'model.safetensors')).size);
    expect(latest(dir)).toMatchObject({ name: 'step-000000018', step: 18, epoch: 2 });
    const c = await finished(['resume', backend, dir]);
    expect(c.firstStep).toBe(19);
    expect(maxDiff(a, c)).toBeLessThanOrEqual(1e-6);
    sameRun(a, c);
    // the resumed run's first save removed the dead writer's temporary directory
    expect(readdirSync(dir).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });
});
