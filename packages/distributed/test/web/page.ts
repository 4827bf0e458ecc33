// The cross-origin-isolated test page (bundled by ../web-workers.test.ts): starts N replicas of
// replica.js as Web Workers with launchWebWorkers and hands their results to the test.
import { launchWebWorkers } from '@tessera/distributed';
import type { ReplicaData, ReplicaResult } from './replica.js';

declare global {
  interface Window {
    runReplicas(workers: number, data: ReplicaData): Promise<ReplicaResult[]>;
  }
}

window.runReplicas = (workers, data) =>
  launchWebWorkers<ReplicaResult, ReplicaData>(new URL('./replica.js', location.href), { workers, data, timeoutMs: 60_000 });
document.body.dataset.ready = String(window.crossOriginIsolated);
