import type { Callback, Logs, TrainingControl } from '@tessera/core';
import { TesseraError, ValueError } from '@tessera/core';
import { CHECKPOINT_FILES, decodeCheckpoint, encodeCheckpoint } from '../checkpoint-format.js';
import type { Trainer, TrainerSnapshot } from '../trainer.js';
import { type CheckpointIO, nodeIO, writeAtomic } from './io.js';

const LATEST = 'latest.json';

function stepDir(step: number): string {
  return `step-${String(step).padStart(9, '0')}`;
}

/**
 * Writes a snapshot as `dir/step-<step>/{model.safetensors, optimizer.safetensors, trainer.json}`
 * and then points `dir/latest.json` at it. Atomic: the files go to a temporary directory, are
 * fsynced, and the directory is renamed into place; `latest.json` is replaced by rename. A failure
 * at any point leaves the previous checkpoint and `latest.json` untouched. Keeps the newest `keep`.
 *
 * @example
 * ```ts
 * await saveCheckpoint('./ckpt', trainer.snapshot(), { keep: 3 });
 * ```
 */
export async function saveCheckpoint(
  dir: string,
  snapshot: TrainerSnapshot,
  options: { keep?: number; io?: CheckpointIO } = {},
): Promise<string> {
  const io = options.io ?? nodeIO;
  const files = encodeCheckpoint(snapshot);
  await io.mkdir(dir);
  const name = stepDir(snapshot.step);
  const tmp = `${dir}/.tmp-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    await io.mkdir(tmp);
    for (const [file, bytes] of Object.entries(files)) await io.writeFile(`${tmp}/${file}`, bytes);
    await io.syncDir(tmp);
    await io.rm(`${dir}/${name}`); // a stale copy of the same step (never the one latest.json names: steps only grow)
    await io.rename(tmp, `${dir}/${name}`);
    await io.syncDir(dir);
    const latest = new TextEncoder().encode(`${JSON.stringify({ name, step: snapshot.step, epoch: snapshot.epoch })}\n`);
    await writeAtomic(io, dir, LATEST, latest);
  } catch (err) {
    await io.rm(tmp).catch(() => undefined);
    throw new TesseraError(
      'IO',
      `checkpoint ${dir}/${name} could not be written (the previous checkpoint is intact): ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  await removeOrphans(io, dir);
  if (options.keep !== undefined) await prune(io, dir, options.keep, name);
  return `${dir}/${name}`;
}

/** Whether a process with this id is running (a temporary entry of a live writer is left alone). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary entries (`.tmp-<name>-<pid>-<id>`) that a writer killed mid-write left
 * behind. They never hold a checkpoint `latest.json` names, so nothing complete is lost.
 */
async function removeOrphans(io: CheckpointIO, dir: string): Promise<void> {
  for (const n of await io.readdir(dir)) {
    const m = /^\.tmp-.+-(\d+)-[a-z0-9]+$/.exec(n);
    if (m && !alive(Number(m[1]))) await io.rm(`${dir}/${n}`);
  }
}

async function prune(io: CheckpointIO, dir: string, keep: number, current: string): Promise<void> {
  const all = (await io.readdir(dir)).filter((n) => /^step-\d+$/.test(n)).sort();
  const old = all.slice(0, Math.max(0, all.length - keep)).filter((n) => n !== current);
  for (const n of old) await io.rm(`${dir}/${n}`);
}

/**
 * The directory `latest.json` points at, or null when `dir` holds no complete checkpoint.
 *
 * @example
 * ```ts
 * const path = await latestCheckpoint('./ckpt'); // './ckpt/step-000000120'
 * ```
 */
export async function latestCheckpoint(dir: string, io: CheckpointIO = nodeIO): Promise<string | null> {
  let bytes: Uint8Array;
  try {
    bytes = await io.readFile(`${dir}/${LATEST}`);
  } catch {
    return null;
  }
  const { name } = JSON.parse(new TextDecoder().decode(bytes)) as { name: string };
  return `${dir}/${name}`;
}

/**
 * Loads the latest checkpoint of `dir` (or a `step-*` directory itself) into a snapshot for
 * `fit(model, data, { resumeFrom })`. Throws when there is none.
 *
 * @example
 * ```ts
 * const history = await fit(model, data, { ...opts, resumeFrom: await loadCheckpoint('./ckpt') });
 * ```
 */
export async function loadCheckpoint(dir: string, io: CheckpointIO = nodeIO): Promise<TrainerSnapshot> {
  const entries = await io.readdir(dir).catch(() => {
    throw new ValueError('loadCheckpoint dir', 'an existing checkpoint directory', dir);
  });
  const path = entries.includes(CHECKPOINT_FILES.trainer) ? dir : await latestCheckpoint(dir, io);
  if (!path) throw new ValueError('loadCheckpoint dir', `a directory with ${LATEST} or ${CHECKPOINT_FILES.trainer}`, dir);
  const files: Record<string, Uint8Array> = {};
  const present = new Set(await io.readdir(path));
  for (const f of Object.values(CHECKPOINT_FILES)) {
    // the callbacks file exists only when callbacks saved state; decodeCheckpoint asks for it when trainer.json refers to it
    if (f === CHECKPOINT_FILES.callbacks && !present.has(f)) continue;
    files[f] = await io.readFile(`${path}/${f}`);
  }
  return decodeCheckpoint(files);
}

/**
 * Options of {@link checkpoint}.
 *
 * @example
 * ```ts
 * const ckpt = checkpoint('./ckpt', { every: 500, keep: 2, resume: true });
 * await fit(model, data, { loss, optimizer, epochs: 20, callbacks: [ckpt] });
 * console.log(ckpt.saved); // directories written, oldest first
 * ```
 */
export interface CheckpointOptions {
  /** Save every N optimizer steps, or at the end of every epoch (default 'epoch'). */
  every?: number | 'epoch';
  /** Keep only the newest N checkpoints. */
  keep?: number;
  /** At the start of training, restore the latest checkpoint in `dir` when there is one. */
  resume?: boolean;
  /** File operations (default {@link nodeIO}). */
  io?: CheckpointIO;
}

type SnapshotControl = TrainingControl & Pick<Trainer, 'snapshot' | 'restore'>;

function asTrainer(control: TrainingControl): SnapshotControl {
  if (typeof (control as SnapshotControl).snapshot !== 'function') {
    throw new TesseraError('UNSUPPORTED', 'checkpoint() needs the Trainer that fit() passes to callbacks');
  }
  return control as SnapshotControl;
}

/**
 * Checkpoint callback: saves weights, optimizer state, counters, RNG key and data position to
 * `dir` atomically (see {@link saveCheckpoint}); with `resume: true` it first restores the latest one.
 *
 * @example
 * ```ts
 * await fit(model, data, { ...opts, callbacks: [checkpoint('./ckpt', { every: 100, keep: 3, resume: true })] });
 * ```
 */
export function checkpoint(dir: string, options: CheckpointOptions = {}): Callback & { readonly saved: string[] } {
  const every = options.every ?? 'epoch';
  if (every !== 'epoch' && (!Number.isInteger(every) || every < 1))
    throw new ValueError('checkpoint every', '"epoch" or a positive integer', every);
  const saved: string[] = [];
  const save = async (control: TrainingControl) => {
    saved.push(await saveCheckpoint(dir, asTrainer(control).snapshot(), { keep: options.keep, io: options.io }));
  };
  return {
    saved,
    async onTrainBegin(control: TrainingControl) {
      if (!options.resume) return;
      if (!(await latestCheckpoint(dir, options.io))) return;
      asTrainer(control).restore(await loadCheckpoint(dir, options.io));
    },
    async onBatchEnd(step: number, _logs: Logs, control: TrainingControl) {
      if (every !== 'epoch' && step % every === 0) await save(control);
    },
    async onEpochEnd(_epoch: number, _logs: Logs, control: TrainingControl) {
      if (every === 'epoch') await save(control);
    },
  };
}
