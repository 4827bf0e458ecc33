import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { launchProcesses } from '../src/launch-processes.js';
import { launchThreads } from '../src/launch-threads.js';
import { maxDiff } from './max-diff.js';

/**
 * Replicas for real: `apps/train.mjs` trains an Iris MLP (adam, seeded shuffle, batch 16, 8 steps
 * an epoch) through the BUILT packages, as one process (the reference), as worker threads of one
 * process sharing memory (launchThreads) and as 2-3 processes on 127.0.0.1 over TCP
 * (launchProcesses: RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT). Every rank writes its final weights;
 * the ranks must agree bit for bit and match the single process within 1e-5.
 */
const here = dirname(fileURLToPath(import.meta.url));
const script = resolve(here, '../apps/train.mjs');
const root = mkdtempSync(join(tmpdir(), 'tessera-dp-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;
const fresh = () => mkdtempSync(join(root, `run-${runs++}-`));

interface Result {
  rank: number;
  worldSize: number;
  transport: string;
  steps: number;
  epochs: number[];
  loss: number;
  weights: Record<string, number[]>;
}

const read = (dir: string, rank: number) => JSON.parse(readFileSync(join(dir, `rank-${rank}.json`), 'utf8')) as Result;

function single(args: string[]): Promise<Result> {
  const out = fresh();
  return new Promise((done, fail) => {
    const env = { ...process.env };
    delete env.WORLD_SIZE;
    delete env.RANK;
    const child = spawn(process.execPath, [script, ...args, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'], env, timeout: 120_000 });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(read(out, 0)) : fail(new Error(`single run exited ${code}: ${stderr}`))));
  });
}

async function processes(n: number, args: string[]): Promise<{ results: Result[]; error: unknown; lines: string[]; ms: number }> {
  const out = fresh();
  const lines: string[] = [];
  const t0 = Date.now();
  let error: unknown = null;
  try {
    await launchProcesses(script, {
      nproc: n,
      args: [...args, '--out', out],
      env: { TESSERA_TIMEOUT_MS: '20000' },
      graceMs: 30_000,
      onLine: (rank, line) => lines.push(`[rank ${rank}] ${line}`),
    });
  } catch (e) {
    error = e;
  }
  const ms = Date.now() - t0;
  const results = error ? [] : Array.from({ length: n }, (_, r) => read(out, r));
  return { results, error, lines, ms };
}

let reference: Promise<Result>;
const oneProcess = () => {
  reference ??= single(['--epochs', '2']);
  return reference;
};

describe('data-parallel replicas equal one process', () => {
  it('2 worker threads sharing memory: identical ranks, the single-process weights within 1e-5', async () => {
    const out = fresh();
    await launchThreads(script, { workers: 2, argv: ['--epochs', '2', '--out', out] });
    const [a, b] = [read(out, 0), read(out, 1)];
    expect(a.transport).toBe('shared-memory');
    expect(a.steps).toBe(16);
    expect(b.weights).toEqual(a.weights);
    const ref = await oneProcess();
    expect(ref.transport).toBe('local');
    expect(maxDiff(ref, a)).toBeLessThan(1e-5);
    expect(Math.abs(ref.loss - a.loss)).toBeLessThan(1e-5);
  }, 180_000);

  it.each([2, 3])(
    '%i processes over TCP (ring all-reduce): identical ranks, the single-process weights within 1e-5',
    async (n) => {
      const { results, error, lines } = await processes(n, ['--epochs', '2']);
      if (error) throw new Error(`${String(error)}\n${lines.join('\n')}`);
      const first = results[0] as Result;
      expect(first.transport).toBe('tcp');
      expect(first.worldSize).toBe(n);
      for (const r of results) expect(r.weights).toEqual(first.weights);
      const ref = await oneProcess();
      expect(maxDiff(ref, first)).toBeLessThan(1e-5);
      expect(Math.abs(ref.loss - first.loss)).toBeLessThan(1e-5);
    },
    180_000,
  );

  it('batch norm: moving statistics averaged over the ranks stay identical on every rank', async () => {
    const { results, error, lines } = await processes(2, ['--epochs', '1', '--bn']);
    if (error) throw new Error(`${String(error)}\n${lines.join('\n')}`);
    const [a, b] = results as [Result, Result];
    const stats = Object.keys(a.weights).filter((k) => /moving/i.test(k));
    expect(stats.length).toBe(2);
    expect(b.weights).toEqual(a.weights);
    // the moving mean moved away from its initial zeros
    expect(Math.max(...(a.weights[stats.find((k) => /mean/i.test(k)) as string] as number[]).map(Math.abs))).toBeGreaterThan(0);
  }, 180_000);
});

describe('failures', () => {
  it('a SIGKILLed process makes the others fail fast with an error naming it', async () => {
    const { error, lines, ms } = await processes(3, ['--epochs', '3', '--die-rank', '1', '--die-step', '5']);
    expect(String(error)).toMatch(/rank 1 failed \(SIGKILL\)/);
    for (const r of [0, 2]) {
      const said = lines.filter((l) => l.startsWith(`[rank ${r}]`)).join('\n');
      expect(said).toMatch(/TesseraError: tcp group, rank \d of 3: .*rank 1/);
    }
    // the others ended on their own: well within the 20 s collective timeout and the 30 s grace
    expect(ms).toBeLessThan(60_000);
  }, 180_000);

  it('a thread that throws aborts the shared-memory group; launchThreads rejects naming it', async () => {
    const out = fresh();
    const t0 = Date.now();
    await expect(
      launchThreads(script, {
        workers: 2,
        argv: ['--epochs', '2', '--die-rank', '0', '--die-step', '3', '--die-how', 'throw', '--out', out],
      }),
    ).rejects.toThrow(/rank 0: .*stops at step 3/);
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 180_000);

  it('the job resumes from the last checkpoint and ends with the weights of an uninterrupted run', async () => {
    const ckpt = fresh();
    const killed = await processes(2, ['--epochs', '2', '--ckpt', ckpt, '--die-rank', '1', '--die-step', '11']);
    expect(String(killed.error)).toMatch(/rank 1 failed/);
    const latest = JSON.parse(readFileSync(join(ckpt, 'latest.json'), 'utf8')) as { step: number };
    expect(latest.step).toBe(9);
    const resumed = await processes(2, ['--epochs', '2', '--ckpt', ckpt, '--resume']);
    if (resumed.error) throw new Error(`${String(resumed.error)}\n${resumed.lines.join('\n')}`);
    const full = await processes(2, ['--epochs', '2']);
    const [a, b] = resumed.results as [Result, Result];
    expect(a.steps).toBe(16);
    expect(b.weights).toEqual(a.weights);
    expect(maxDiff(full.results[0] as Result, a)).toBeLessThan(1e-6);
  }, 240_000);
});
