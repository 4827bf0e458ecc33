// A custom TrainStep: knowledge distillation (Hinton et al., 2015). The student learns from the
// labels and from a frozen teacher's predictions softened by a temperature. `fit` drives it like
// any step: callbacks, validation, logging and exact resume come with it.
import { disposeStale, disposeTree } from '@tessera/core';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { add, applyGradients, div, logSoftmax, mean, mul, softmax, sub, sum, tidy, valueAndGrad } from '@tessera/tensor';
import { ensureBuilt, moduleWeights, restoreModuleWeights } from '@tessera/train';

/** T² · KL(softmax(teacher / T) ‖ softmax(student / T)), averaged over the batch. */
export function softTargetLoss(teacherLogits, studentLogits, temperature) {
  return tidy(() => {
    const logPt = logSoftmax(div(teacherLogits, temperature));
    const logPs = logSoftmax(div(studentLogits, temperature));
    return mul(mean(sum(mul(softmax(div(teacherLogits, temperature)), sub(logPt, logPs)), -1)), temperature * temperature);
  });
}

/**
 * @param {import('@tessera/core').Module} student trained
 * @param {import('@tessera/core').Module} teacher frozen (not trained, not checkpointed)
 * @param {{ optimizer: import('@tessera/core').GradientTransform, temperature: number, alpha: number, metrics?: import('@tessera/core').Metric[] }} options
 * @returns {import('@tessera/core').TrainStep<{ opt: import('@tessera/core').StateTree }>}
 */
export function distill(student, teacher, { optimizer, temperature, alpha, metrics = [] }) {
  const hard = sparseCategoricalCrossentropy({ fromLogits: true });
  return {
    name: 'distill',
    optimizer,
    metrics,
    modules: () => ({ student }),
    init(batch) {
      ensureBuilt(student, batch.x);
      return { opt: optimizer.init(student.parameters()) };
    },
    step(state, batch, { rng }) {
      const teacherLogits = tidy(() => teacher.call(batch.x, { training: false }));
      const { value, grads, aux } = valueAndGrad(
        () => {
          const logits = student.call(batch.x, { training: true, rng });
          const loss = add(mul(hard(batch.y, logits), alpha), mul(softTargetLoss(teacherLogits, logits, temperature), 1 - alpha));
          return [loss, logits];
        },
        { hasAux: true },
      )(student.parameters());
      const next = applyGradients(optimizer, state.opt, student.parameters(), grads);
      for (const m of metrics) m.update(batch.y, aux, batch.sampleWeight);
      disposeTree([grads, teacherLogits, aux]);
      return { state: { opt: next.state }, logs: { loss: value } };
    },
    evalStep(_state, batch) {
      return tidy(() => {
        const logits = student.call(batch.x, { training: false });
        for (const m of metrics) m.update(batch.y, logits, batch.sampleWeight);
        return { loss: hard(batch.y, logits) };
      });
    },
    snapshot: (state) => ({ weights: moduleWeights({ student }), optimizerState: state.opt }),
    restore(snapshot, batch, previous) {
      if (batch) ensureBuilt(student, batch.x);
      restoreModuleWeights({ student }, snapshot.weights, 'distill restore');
      if (previous) disposeTree(previous.opt);
      return { opt: snapshot.optimizerState };
    },
    withOptimizerState(state, opt) {
      disposeStale(state.opt, opt);
      return { opt };
    },
    dispose: (state) => disposeTree(state.opt),
  };
}
