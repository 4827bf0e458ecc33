import type { Tensor } from '@tessera/tensor';
import {
  add,
  cast,
  div,
  greater,
  matMul,
  maximum,
  mean,
  mul,
  reshape,
  scalar,
  slice,
  sqrt,
  square,
  sub,
  sum,
  tidy,
  transpose,
} from '@tessera/tensor';
import type { GanLossName } from './losses.js';

const DIVERSITY_SAMPLES = 16;

/** Mean distance between distinct rows of the first (up to) 16 samples, flattened. */
function meanPairwiseDistance(x: Tensor): Tensor {
  const k = Math.min(DIVERSITY_SAMPLES, x.shape[0] as number);
  const flat = reshape(slice(x, 0, k), [k, -1]);
  const sq = sum(square(flat), 1, true); // [k, 1]
  const d2 = sub(add(sq, transpose(sq)), mul(matMul(flat, flat, false, true), scalar(2)));
  const d = sqrt(maximum(d2, scalar(0)));
  // the diagonal is zero: the mean over the k(k-1) distinct pairs
  return div(sum(d), scalar(Math.max(1, k * (k - 1))));
}

/**
 * Mode-collapse signal: the mean pairwise distance of generated samples over that of real ones
 * (first 16 of each batch). About 1 when the generator spreads like the data, near 0 when it
 * collapses to a few outputs.
 *
 * @example
 * ```ts
 * const d = diversityRatio(realBatch, generated); // scalar tensor
 * ```
 */
export function diversityRatio(real: Tensor, fake: Tensor): Tensor {
  return tidy(() => div(meanPairwiseDistance(fake), maximum(meanPairwiseDistance(real), scalar(1e-12))));
}

/**
 * The discriminator's health per step: mean scores on real and generated samples (`d_real`,
 * `d_fake`), its accuracy at telling them apart (`d_acc`; threshold 0 on logits, 0.5 for
 * least squares; absent for a Wasserstein critic, whose scores have no threshold) and
 * {@link diversityRatio} (`diversity`).
 *
 * @example
 * ```ts
 * const logs = discriminatorSignals('nonSaturating', realScores, fakeScores, realBatch, generated);
 * ```
 */
export function discriminatorSignals(
  loss: GanLossName,
  realScores: Tensor,
  fakeScores: Tensor,
  real: Tensor,
  fake: Tensor,
): Record<string, Tensor> {
  return tidy(() => {
    const out: Record<string, Tensor> = { d_real: mean(realScores), d_fake: mean(fakeScores), diversity: diversityRatio(real, fake) };
    if (loss !== 'wasserstein') {
      const t = scalar(loss === 'leastSquares' ? 0.5 : 0);
      const accReal = mean(cast(greater(realScores, t), 'float32'));
      const accFake = sub(scalar(1), mean(cast(greater(fakeScores, t), 'float32')));
      out.d_acc = mul(add(accReal, accFake), scalar(0.5));
    }
    return out;
  });
}
