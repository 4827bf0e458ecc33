import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mnistSpec } from '../datasets/mnist.js';
import { irisSpec } from '../datasets/tabular.js';
import { DATASETS } from '../test-utils/paths.js';
import { sha256Hex } from './checksum.js';
import { fetchDatasetFiles } from './fetch-files.js';
import { loadDataset, registerDataset } from './registry.js';
import { cacheApiStore, fileStore, memoryStore } from './store.js';

// A local HTTP server on 127.0.0.1: /good/<path> serves the shared files, /corrupt/ flips a byte,
// /truncated/ serves the first half, /drop/ announces the full length and closes half way.
let server: Server;
let base: string;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const [, mode, ...rest] = (req.url ?? '').split('/');
    let body: Buffer;
    try {
      body = readFileSync(join(DATASETS, ...rest));
    } catch {
      res.writeHead(404).end('not found');
      return;
    }
    if (mode === 'corrupt') {
      body = Buffer.from(body);
      body[100] = body[100]! ^ 0xff;
    }
    if (mode === 'truncated') body = body.subarray(0, body.length >> 1);
    if (mode === 'drop') {
      res.writeHead(200, { 'content-length': String(body.length) });
      res.write(body.subarray(0, body.length >> 1), () => res.destroy());
      return;
    }
    res.writeHead(200, { 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tessera-data-'));
}

/** All files under a directory (recursive), relative paths. */
function listAll(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

function irisAt(url: string, mirrors?: string[], name = 'iris-test') {
  return { ...irisSpec, name, files: [{ ...irisSpec.files[0]!, url, ...(mirrors ? { mirrors } : {}) }] };
}

describe('download, verify, cache', () => {
  it('downloads from the URL, verifies, caches atomically; the next load reads the cache', async () => {
    const dir = tempDir();
    try {
      const spec = irisAt(`${base}/good/iris/iris.csv`);
      const files = await fetchDatasetFiles(spec, { cacheDir: dir });
      expect(await sha256Hex(files['iris.csv']!)).toBe(irisSpec.files[0]!.sha256);
      expect(listAll(dir)).toEqual(['iris-test/iris.csv']);
      const failingFetch = (() => Promise.reject(new Error('offline'))) as unknown as typeof fetch;
      const again = await fetchDatasetFiles(spec, { cacheDir: dir, fetch: failingFetch });
      expect(again['iris.csv']!.length).toBe(3858);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`from` a base URL downloads the real MNIST files into the cache and builds the datasets', async () => {
    const dir = tempDir();
    try {
      const { test } = await loadDataset<{ test: { size?: number } }>('mnist', { from: `${base}/good/mnist`, cacheDir: dir });
      expect(test.size).toBe(10000);
      expect(listAll(dir).sort()).toEqual(mnistSpec.files.map((f) => `mnist/${f.name}`).sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [mode, message] of [
    ['corrupt', /SHA-256 mismatch: expected 9cc1c345.*, received [0-9a-f]{64} \(3858 bytes\)/],
    ['truncated', /size mismatch: expected 3858 bytes, received 1929 \(truncated\)/],
    ['drop', /iris-test: could not get iris.csv/],
  ] as const) {
    it(`a ${mode} download gives a clear error and leaves no cache entry (not even a temp file)`, async () => {
      const dir = tempDir();
      try {
        const err = await fetchDatasetFiles(irisAt(`${base}/${mode}/iris/iris.csv`), { cacheDir: dir }).catch((e: Error) => e);
        expect(err).toBeInstanceOf(Error);
        expect((err as Error).message).toMatch(message);
        expect((err as Error).message).toMatch(/nothing was cached/);
        expect(listAll(dir)).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('falls back to a mirror when the canonical URL fails', async () => {
    const store = memoryStore();
    const files = await fetchDatasetFiles(irisAt(`${base}/good/missing/iris.csv`, [`${base}/good/iris/iris.csv`]), { store });
    expect(files['iris.csv']!.length).toBe(3858);
    expect(store.keys()).toEqual(['iris-test/iris.csv']);
  });

  it('a corrupted cache entry is discarded and downloaded again', async () => {
    const dir = tempDir();
    try {
      const spec = irisAt(`${base}/good/iris/iris.csv`);
      await fetchDatasetFiles(spec, { cacheDir: dir });
      writeFileSync(join(dir, 'iris-test/iris.csv'), 'garbage');
      const n = hits.length;
      const files = await fetchDatasetFiles(spec, { cacheDir: dir });
      expect(hits.length).toBe(n + 1);
      expect(files['iris.csv']!.length).toBe(3858);
      expect(readFileSync(join(dir, 'iris-test/iris.csv')).length).toBe(3858);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a local directory with a modified copy fails the checksum', async () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir, 'iris.csv'), readFileSync(join(DATASETS, 'iris/iris.csv')).toString().replace('5.1', '5.2'));
      await expect(fetchDatasetFiles(irisSpec, { from: dir })).rejects.toThrow(/iris: .*iris.csv: SHA-256 mismatch/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a wrong magic number in a file that passes its checksum fails in the loader', async () => {
    const labels = readFileSync(join(DATASETS, 'mnist/t10k-labels-idx1-ubyte.gz'));
    const sha = await sha256Hex(new Uint8Array(labels));
    registerDataset({
      ...mnistSpec,
      name: 'mnist-swapped',
      files: mnistSpec.files.map((f) =>
        f.name === 't10k-images-idx3-ubyte.gz'
          ? { ...f, size: labels.length, sha256: sha, url: `${base}/good/mnist/t10k-labels-idx1-ubyte.gz` }
          : { ...f, url: `${base}/good/mnist/${f.name}` },
      ),
    });
    const err = await loadDataset('mnist-swapped', { store: memoryStore() }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(/t10k-images-idx3-ubyte.gz: wrong magic number 2049 \(expected 2051\)/);
  });

  it('registerDataset validates the spec', () => {
    expect(() => registerDataset({ ...irisSpec, name: 'x', files: [{ ...irisSpec.files[0]!, sha256: 'abc' }] })).toThrow(
      /sha256: expected 64 lowercase hex digits/,
    );
  });
});

describe('stores', () => {
  it('fileStore writes atomically and reads back', async () => {
    const dir = tempDir();
    try {
      const s = fileStore(dir);
      await s.put('a/b.bin', new Uint8Array([1, 2, 3]));
      expect(Array.from((await s.get('a/b.bin'))!)).toEqual([1, 2, 3]);
      expect(await s.get('missing')).toBeUndefined();
      await s.delete('a/b.bin');
      expect(listAll(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cacheApiStore works against a Cache API (a minimal in-memory fake; real browsers untested here)', async () => {
    const entries = new Map<string, Uint8Array>();
    const fakeCache = {
      match: async (url: string) => (entries.has(url) ? new Response(entries.get(url)! as Uint8Array<ArrayBuffer>) : undefined),
      put: async (url: string, r: Response) => void entries.set(url, new Uint8Array(await r.arrayBuffer())),
      delete: async (url: string) => entries.delete(url),
    };
    const g = globalThis as { caches?: unknown };
    g.caches = { open: async () => fakeCache };
    try {
      const store = cacheApiStore();
      const files = await fetchDatasetFiles(irisAt(`${base}/good/iris/iris.csv`), { store });
      expect(files['iris.csv']!.length).toBe(3858);
      expect([...entries.keys()]).toEqual(['https://tessera.invalid/datasets/iris-test/iris.csv']);
      await expect(fetchDatasetFiles(irisAt(`${base}/corrupt/iris/iris.csv`, [], 'iris-bad'), { store })).rejects.toThrow(
        /SHA-256 mismatch/,
      );
      expect(entries.size).toBe(1);
    } finally {
      delete g.caches;
    }
  });
});
