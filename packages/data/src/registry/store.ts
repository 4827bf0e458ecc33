import { isNode, nodeBuiltin } from '../util/node.js';

/**
 * Where downloaded dataset files are kept. `put` must be atomic: a reader never sees a partial entry.
 *
 * @example
 * ```ts
 * const files = new Map<string, Uint8Array>();
 * const store: ByteStore = {
 *   where: 'a Map',
 *   get: async (key) => files.get(key),
 *   put: async (key, bytes) => void files.set(key, bytes.slice()),
 *   delete: async (key) => void files.delete(key),
 * };
 * const { data } = await iris({ store });
 * ```
 */
export interface ByteStore {
  /** A description for messages (a directory, "Cache API", "memory"). */
  readonly where: string;
  /** The bytes stored under `key`, or undefined. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Stores `bytes` under `key`, atomically. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Removes `key` (no error when absent). */
  delete(key: string): Promise<void>;
}

/**
 * An in-memory store (tests, or environments without a persistent cache).
 *
 * @example
 * ```ts
 * const files = await fetchDatasetFiles('iris', { store: memoryStore() });
 * ```
 */
export function memoryStore(): ByteStore & { keys(): string[] } {
  const m = new Map<string, Uint8Array>();
  return {
    where: 'memory',
    keys: () => [...m.keys()],
    get: async (k) => m.get(k),
    put: async (k, b) => void m.set(k, b.slice()),
    delete: async (k) => void m.delete(k),
  };
}

type Fsp = typeof import('node:fs/promises');
type Path = typeof import('node:path');
type Os = typeof import('node:os');

/**
 * A directory store (Node). Writes go to a temp file in the same directory, then `rename`,
 * so an interrupted write never leaves a half-written entry.
 *
 * @example
 * ```ts
 * const store = fileStore('./data');
 * ```
 */
export function fileStore(dir: string): ByteStore {
  return {
    where: dir,
    async get(key) {
      const fs = await nodeBuiltin<Fsp>('fs/promises');
      const path = await nodeBuiltin<Path>('path');
      try {
        return new Uint8Array(await fs.readFile(path.join(dir, key)));
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async put(key, bytes) {
      const fs = await nodeBuiltin<Fsp>('fs/promises');
      const path = await nodeBuiltin<Path>('path');
      const file = path.join(dir, key);
      await fs.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.tmp-${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
      try {
        await fs.writeFile(tmp, bytes);
        await fs.rename(tmp, file);
      } finally {
        await fs.rm(tmp, { force: true });
      }
    },
    async delete(key) {
      const fs = await nodeBuiltin<Fsp>('fs/promises');
      const path = await nodeBuiltin<Path>('path');
      await fs.rm(path.join(dir, key), { force: true });
    },
  };
}

/**
 * A browser store on the Cache API (`caches.open(name)`); entries are written only after the
 * checksum passed, in one `put`. Not exercised by the Node test suite beyond a fake `caches`.
 *
 * @example
 * ```ts
 * const store = cacheApiStore(); // in a browser or worker
 * ```
 */
export function cacheApiStore(name = 'tessera-datasets'): ByteStore {
  const caches = (globalThis as unknown as { caches?: CacheStorage }).caches;
  if (!caches) throw new Error('cacheApiStore: the Cache API (globalThis.caches) is not available here');
  const url = (key: string) => `https://tessera.invalid/datasets/${key}`;
  return {
    where: `Cache API "${name}"`,
    async get(key) {
      const r = await (await caches.open(name)).match(url(key));
      return r ? new Uint8Array(await r.arrayBuffer()) : undefined;
    },
    async put(key, bytes) {
      await (await caches.open(name)).put(url(key), new Response(bytes as Uint8Array<ArrayBuffer>));
    },
    async delete(key) {
      await (await caches.open(name)).delete(url(key));
    },
  };
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * A browser store on IndexedDB (database `name`, one object store of byte arrays). Works where
 * the Cache API does not (pages served over plain http); each entry is one `put` after the
 * checksum passed.
 *
 * @example
 * ```ts
 * const { train } = await mnist({ store: indexedDbStore() });
 * ```
 */
export function indexedDbStore(name = 'tessera-datasets'): ByteStore {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) throw new Error('indexedDbStore: IndexedDB (globalThis.indexedDB) is not available here');
  let db: Promise<IDBDatabase> | undefined;
  const open = () => {
    if (!db) {
      const r = idb.open(name, 1);
      r.onupgradeneeded = () => r.result.createObjectStore('files');
      db = request(r);
    }
    return db;
  };
  const tx = async (mode: IDBTransactionMode) => (await open()).transaction('files', mode).objectStore('files');
  return {
    where: `IndexedDB "${name}"`,
    async get(key) {
      const v = await request((await tx('readonly')).get(key));
      return v instanceof Uint8Array ? v : v instanceof ArrayBuffer ? new Uint8Array(v) : undefined;
    },
    async put(key, bytes) {
      await request((await tx('readwrite')).put(bytes.slice(), key));
    },
    async delete(key) {
      await request((await tx('readwrite')).delete(key));
    },
  };
}

/**
 * The default store: Node → `cacheDir`, else `$TESSERA_DATA_DIR`, else `~/.cache/tessera/datasets`;
 * browsers → the Cache API (secure contexts), else IndexedDB; elsewhere → memory.
 *
 * @example
 * ```ts
 * const store = await defaultStore('./data');
 * ```
 */
export async function defaultStore(cacheDir?: string): Promise<ByteStore> {
  if (isNode()) {
    if (cacheDir) return fileStore(cacheDir);
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TESSERA_DATA_DIR;
    if (env) return fileStore(env);
    const os = await nodeBuiltin<Os>('os');
    const path = await nodeBuiltin<Path>('path');
    return fileStore(path.join(os.homedir(), '.cache', 'tessera', 'datasets'));
  }
  if ((globalThis as { caches?: unknown }).caches) return cacheApiStore();
  if ((globalThis as { indexedDB?: unknown }).indexedDB) return indexedDbStore();
  return memoryStore();
}
