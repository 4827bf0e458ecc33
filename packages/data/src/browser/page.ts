// Runs inside headless Chromium (bundled by browser.test.ts): exercises the browser entry for real.
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import {
  cacheApiStore,
  csv,
  decodeImage,
  fetchDatasetFiles,
  fromArray,
  indexedDbStore,
  iris,
  irisSpec,
  parseIdx,
  sha256Hex,
} from '@tessera/data';

declare global {
  interface Window {
    runChecks(pngBase64: string): Promise<Record<string, unknown>>;
  }
}

window.runChecks = async (pngBase64: string) => {
  await useBackend(cpu());
  const out: Record<string, unknown> = {};
  const origin = location.origin;
  // registry: default store in a browser is the Cache API
  const { data } = await iris({ from: '/good/iris' }); // relative to the page in a browser
  out.irisRows = (await data.toArray()).length;
  const cache = await caches.open('tessera-datasets');
  out.cachedKeys = (await cache.keys()).map((r) => new URL(r.url).pathname);
  // a corrupted download: clear error, nothing cached
  const bad = { ...irisSpec, name: 'iris-bad', files: [{ ...irisSpec.files[0]!, url: `${origin}/corrupt/iris/iris.csv` }] };
  out.corruptError = await fetchDatasetFiles(bad, { store: cacheApiStore() }).then(
    () => 'no error',
    (e: Error) => e.message,
  );
  out.cachedKeysAfterCorrupt = (await cache.keys()).length;
  // IndexedDB store: download, verify, store; a corrupted download stores nothing
  const idb = indexedDbStore('tessera-test');
  const viaIdb = await fetchDatasetFiles(
    { ...irisSpec, name: 'iris-idb', files: [{ ...irisSpec.files[0]!, url: `${origin}/good/iris/iris.csv` }] },
    { store: idb },
  );
  out.idbBytes = viaIdb['iris.csv']!.length;
  out.idbStored = (await idb.get('iris-idb/iris.csv'))?.length;
  out.idbCorrupt = await fetchDatasetFiles({ ...bad, name: 'iris-idb-bad' }, { store: idb }).then(
    () => 'no error',
    (e: Error) => e.message,
  );
  out.idbCorruptStored = (await idb.get('iris-idb-bad/iris.csv')) === undefined ? 'none' : 'stored';
  // IDX gzip parse with the pure-JS gunzip
  const labels = new Uint8Array(await (await fetch(`${origin}/good/mnist/t10k-labels-idx1-ubyte.gz`)).arrayBuffer());
  const idx = parseIdx(labels, { expectMagic: 2049 });
  out.idx = [idx.shape[0], idx.data[0], idx.data[9999]];
  out.sha = (await sha256Hex(labels)).slice(0, 16);
  // CSV from a web ReadableStream
  const res = await fetch(`${origin}/good/iris/iris.csv`);
  out.csvRows = (await csv(res.body!).toArray()).length;
  // PNG decoding
  const png = Uint8Array.from(atob(pngBase64), (c) => c.charCodeAt(0));
  const img = decodeImage(png);
  out.png = [img.width, img.height, img.channels, img.data[0]];
  // deterministic shuffle + batch to tensors
  const b = await fromArray([1, 2, 3, 4, 5, 6]).shuffle({ seed: 1 }).batch(6).toArray();
  out.shuffled = Array.from(b[0]!.dataSync());
  return out;
};
