import { webgl } from '@tessera/backend-webgl';
import { useBackend } from '@tessera/core';
import { createModel, type MnistSubset, type TrainEvents, trainMnist } from './train.js';

/**
 * The smallest app of this page: MLP training on webgl. Its bundle (tfjs-core, the webgl
 * backend, layers, losses, optimizers, trainer) is what the size-limit budget measures.
 */
export async function trainOnWebgl(data: MnistSubset, events: TrainEvents = {}) {
  await useBackend(webgl());
  const model = createModel();
  await trainMnist(model, data, { epochs: 1, ...events });
  return model;
}
