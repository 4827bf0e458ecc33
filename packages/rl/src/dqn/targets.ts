import type { Tensor } from '@tessera/tensor';
import { add, argMax, max, mul, oneHot, sub, sum, tidy } from '@tessera/tensor';

/**
 * Inputs of {@link dqnTargets}: the next states' Q-values and the batch's rewards and terminations.
 *
 * @example
 * ```ts
 * const inputs: DqnTargetInputs = { rewards, dones, nextQTarget, nextQOnline, gamma: 0.99 };
 * ```
 */
export interface DqnTargetInputs {
  /** `[batch]` rewards. */
  rewards: Tensor;
  /** `[batch]`: 1 where the episode terminated (truncations are 0: they bootstrap). */
  dones: Tensor;
  /** `[batch, actions]`: the target network's Q-values of the next observations. */
  nextQTarget: Tensor;
  /** `[batch, actions]`: the online network's Q-values of the next observations (Double DQN selects with them). */
  nextQOnline?: Tensor;
  /** Discount factor. */
  gamma: number;
}

/**
 * The DQN regression target `y = r + γ (1 − done) · Q_target(s', a*)`, with `a* = argmax_a Q_target(s', a)`
 * (Mnih et al. 2015) or, given `nextQOnline`, Double DQN's `a* = argmax_a Q_online(s', a)`
 * (van Hasselt et al. 2016), which removes the max's overestimation. Returns `[batch]`; no gradient
 * flows into it (compute it outside the loss's `valueAndGrad`).
 *
 * @example
 * ```ts
 * const y = dqnTargets({ rewards, dones, nextQTarget: qNet.apply(target, next), nextQOnline: qNet.call(next), gamma: 0.99 });
 * ```
 */
export function dqnTargets(inputs: DqnTargetInputs): Tensor {
  const { rewards, dones, nextQTarget, nextQOnline, gamma } = inputs;
  return tidy(() => {
    const actions = nextQTarget.shape[1] as number;
    const next = nextQOnline ? sum(mul(nextQTarget, oneHot(argMax(nextQOnline, 1), actions)), 1) : max(nextQTarget, 1);
    return add(rewards, mul(mul(sub(1, dones), gamma), next));
  });
}

/**
 * The Q-values of the actions taken: `q[i, actions[i]]` for `q` `[batch, actions]` and int32 `actions` `[batch]`.
 *
 * @example
 * ```ts
 * const qTaken = selectActions(qNet.call(obs), actions); // [batch]
 * ```
 */
export function selectActions(q: Tensor, actions: Tensor): Tensor {
  return tidy(() => sum(mul(q, oneHot(actions, q.shape[1] as number)), 1));
}
