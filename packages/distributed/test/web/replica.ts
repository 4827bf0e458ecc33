// A data-parallel replica as a module Web Worker (bundled by ../web-workers.test.ts): joins the
// page's shared-memory group, trains an MLP on the rows the page posted with dataParallel under
// fit on the cpu backend, and posts back its final weights.
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { dataParallel, runWebWorkerReplica } from '@tessera/distributed';
import { dense, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { tensor1d, tensor2d, tensorCount } from '@tessera/tensor';
import { fit } from '@tessera/train';

/** What the page posts to every replica. */
export interface ReplicaData {
  rows: number[][];
  labels: number[];
  epochs: number;
  batchSize: number;
  /** Make this rank throw at the end of this step (failure tests). */
  dieAt?: { rank: number; step: number };
}

/** What every replica posts back. */
export interface ReplicaResult {
  rank: number;
  worldSize: number;
  transport: string;
  isolated: boolean;
  steps: number;
  loss: number;
  tensorsPerEpoch: number[];
  weights: Record<string, number[]>;
}

runWebWorkerReplica(async (group, data: ReplicaData): Promise<ReplicaResult> => {
  await useBackend(cpu());
  const x = tensor2d(data.rows);
  const y = tensor1d(data.labels);
  const model = sequential([dense(16, { activation: 'relu', seed: 1 }), dense(16, { activation: 'relu', seed: 2 }), dense(3, { seed: 3 })]);
  const step = dataParallel(model, {
    loss: sparseCategoricalCrossentropy({ fromLogits: true }),
    optimizer: adam({ learningRate: 0.01 }),
    group,
  });
  const tensorsPerEpoch: number[] = [];
  const die = (s: number) => {
    if (data.dieAt?.rank === group.rank && data.dieAt.step === s) throw new Error(`rank ${group.rank} stops at step ${s} (test)`);
  };
  const history = await fit(
    step,
    { x, y, batchSize: data.batchSize, shuffle: true, seed: 5 },
    { epochs: data.epochs, seed: 11, callbacks: [{ onEpochEnd: () => void tensorsPerEpoch.push(tensorCount()), onBatchEnd: die }] },
  );
  const weights = Object.fromEntries(Object.entries(model.parameters()).map(([k, v]) => [k, Array.from(v.dataSync())]));
  x.dispose();
  y.dispose();
  return {
    rank: group.rank,
    worldSize: group.worldSize,
    transport: group.transport,
    isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    steps: history.trainer.step,
    loss: history.history.loss?.at(-1) as number,
    tensorsPerEpoch,
    weights,
  };
});
