import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';

/**
 * The file operations checkpoints use; tests swap one out to simulate failures.
 *
 * @example
 * ```ts
 * // Fail the third file write to check that no half-written checkpoint becomes the latest.
 * let writes = 0;
 * const io: CheckpointIO = {
 *   ...nodeIO,
 *   writeFile: async (path, bytes) => {
 *     if (++writes === 3) throw new Error('disk full');
 *     return nodeIO.writeFile(path, bytes);
 *   },
 * };
 * await saveCheckpoint('./ckpt', trainer.snapshot(), { io });
 * ```
 */
export interface CheckpointIO {
  /** Writes the bytes and fsyncs the file before resolving. */
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  /** fsyncs a directory (makes renames in it durable; a no-op where unsupported). */
  syncDir(path: string): Promise<void>;
  /** Renames a file or directory (atomic within one file system). */
  rename(from: string, to: string): Promise<void>;
  /** Creates a directory and its parents (no error when it exists). */
  mkdir(path: string): Promise<void>;
  /** Removes a file or directory recursively (no error when absent). */
  rm(path: string): Promise<void>;
  /** Reads a whole file. */
  readFile(path: string): Promise<Uint8Array>;
  /** Names of the entries of a directory. */
  readdir(path: string): Promise<string[]>;
}

/**
 * The Node implementation of {@link CheckpointIO} (`node:fs/promises`, fsync on every write).
 *
 * @example
 * ```ts
 * const io = { ...nodeIO, writeFile: async () => { throw new Error('disk full'); } };
 * ```
 */
export const nodeIO: CheckpointIO = {
  async writeFile(path, bytes) {
    const fh = await open(path, 'w');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
  async syncDir(path) {
    let fh: Awaited<ReturnType<typeof open>> | undefined;
    try {
      fh = await open(path, 'r');
      await fh.sync();
    } catch {
      // directories cannot be fsynced on every platform (Windows); the rename is still atomic
    } finally {
      await fh?.close();
    }
  },
  rename: (from, to) => rename(from, to),
  mkdir: async (path) => {
    await mkdir(path, { recursive: true });
  },
  rm: (path) => rm(path, { recursive: true, force: true }),
  readFile: async (path) => new Uint8Array(await readFile(path)),
  readdir: (path) => readdir(path),
};

/**
 * Writes `bytes` to `path` atomically: a temporary file in the same directory, fsync, rename, fsync
 * of the directory. Readers see the old file or the new one, never a partial one.
 *
 * @example
 * ```ts
 * await writeAtomic(nodeIO, 'ckpt/latest.json', bytes);
 * ```
 */
export async function writeAtomic(io: CheckpointIO, dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${dir}/.tmp-${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    await io.writeFile(tmp, bytes);
    await io.rename(tmp, `${dir}/${name}`);
  } catch (err) {
    await io.rm(tmp).catch(() => undefined);
    throw err;
  }
  await io.syncDir(dir);
}
