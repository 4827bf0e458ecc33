import { ValueError } from '@tessera/core';

/** Rows of a row-major `[n, k]` matrix given as a flat array. */
function rowsOf(values: ArrayLike<number>, k: number, what: string): number {
  if (!(Number.isInteger(k) && k >= 1) || values.length % k !== 0 || values.length === 0) {
    throw new ValueError(what, `a non-empty [n, ${k}] matrix (flat, row-major)`, values.length);
  }
  return values.length / k;
}

function softmaxRows(logits: ArrayLike<number>, k: number): Float64Array {
  const n = logits.length / k;
  const p = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < k; j++) m = Math.max(m, logits[i * k + j] as number);
    let s = 0;
    for (let j = 0; j < k; j++) s += p[i * k + j] = Math.exp((logits[i * k + j] as number) - m);
    for (let j = 0; j < k; j++) (p[i * k + j] as number) /= s;
  }
  return p;
}

/**
 * The classifier score (the Inception score's formula, TF-GAN's `mnist_score`): `exp(E_x KL(p(y|x) ‖ p(y)))`
 * from a classifier's logits `[n, k]` (flat, row-major). 1 when every sample gets the same
 * prediction; up to `k` when predictions are confident and spread over all classes.
 *
 * @example
 * ```ts
 * const s = classifierScore(logitsOfGenerated, 10); // e.g. 8.9 for real MNIST test digits
 * ```
 */
export function classifierScore(logits: ArrayLike<number>, k: number): number {
  const n = rowsOf(logits, k, 'classifierScore logits');
  const p = softmaxRows(logits, k);
  const marginal = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) (marginal[j] as number) += (p[i * k + j] as number) / n;
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const q = p[i * k + j] as number;
      if (q > 0) kl += q * (Math.log(q) - Math.log(marginal[j] as number));
    }
  }
  return Math.exp(kl / n);
}

/**
 * How many samples the classifier assigns to each class (argmax of the logits `[n, k]`), as fractions.
 *
 * @example
 * ```ts
 * const h = classHistogram(logits, 10); // [0.1, 0.09, ...]; every class >= 0.04 means no missing digit
 * ```
 */
export function classHistogram(logits: ArrayLike<number>, k: number): number[] {
  const n = rowsOf(logits, k, 'classHistogram logits');
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if ((logits[i * k + j] as number) > (logits[i * k + best] as number)) best = j;
    counts[best] = (counts[best] as number) + 1;
  }
  return counts.map((c) => c / n);
}

function meanCov(x: ArrayLike<number>, k: number): { mu: Float64Array; cov: Float64Array } {
  const n = x.length / k;
  const mu = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) (mu[j] as number) += (x[i * k + j] as number) / n;
  const cov = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < k; a++) {
      const da = (x[i * k + a] as number) - (mu[a] as number);
      for (let b = a; b < k; b++) (cov[a * k + b] as number) += (da * ((x[i * k + b] as number) - (mu[b] as number))) / Math.max(1, n - 1);
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) cov[a * k + b] = cov[b * k + a] as number;
  return { mu, cov };
}

/** Eigen-decomposition of a symmetric k×k matrix by cyclic Jacobi rotations: values and column vectors. */
function symmetricEigen(m: Float64Array, k: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += (a[p * k + q] as number) ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q] as number;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = ((a[q * k + q] as number) - (a[p * k + p] as number)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = a[r * k + p] as number;
          const arq = a[r * k + q] as number;
          a[r * k + p] = c * arp - s * arq;
          a[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = a[p * k + r] as number;
          const aqr = a[q * k + r] as number;
          a[p * k + r] = c * apr - s * aqr;
          a[q * k + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = v[r * k + p] as number;
          const vrq = v[r * k + q] as number;
          v[r * k + p] = c * vrp - s * vrq;
          v[r * k + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const values = new Float64Array(k);
  for (let i = 0; i < k; i++) values[i] = a[i * k + i] as number;
  return { values, vectors: v };
}

function matMul(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let l = 0; l < k; l++)
      for (let j = 0; j < k; j++) (out[i * k + j] as number) += (a[i * k + l] as number) * (b[l * k + j] as number);
  return out;
}

/**
 * The Fréchet distance between Gaussians fitted to two sets of feature vectors `[n, k]` (flat,
 * row-major): `‖μ₁ - μ₂‖² + Tr(Σ₁ + Σ₂ - 2(Σ₁Σ₂)^½)` — FID's formula, in the space of a
 * classifier's logits as TF-GAN's `mnist_frechet_distance`. 0 for identical distributions.
 *
 * @example
 * ```ts
 * const fd = frechetDistance(logitsOfGenerated, logitsOfRealTest, 10);
 * ```
 */
export function frechetDistance(a: ArrayLike<number>, b: ArrayLike<number>, k: number): number {
  rowsOf(a, k, 'frechetDistance a');
  rowsOf(b, k, 'frechetDistance b');
  const A = meanCov(a, k);
  const B = meanCov(b, k);
  let d2 = 0;
  for (let j = 0; j < k; j++) d2 += ((A.mu[j] as number) - (B.mu[j] as number)) ** 2;
  let trace = 0;
  for (let j = 0; j < k; j++) trace += (A.cov[j * k + j] as number) + (B.cov[j * k + j] as number);
  // Tr((Σ₁Σ₂)^½) = Σ √eig(Σ₁^½ Σ₂ Σ₁^½), a symmetric PSD matrix
  const e = symmetricEigen(A.cov, k);
  const sqrtA = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let l = 0; l < k; l++)
        s += (e.vectors[i * k + l] as number) * Math.sqrt(Math.max(0, e.values[l] as number)) * (e.vectors[j * k + l] as number);
      sqrtA[i * k + j] = s;
    }
  }
  const m = matMul(matMul(sqrtA, B.cov, k), sqrtA, k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < i; j++) m[i * k + j] = m[j * k + i] = ((m[i * k + j] as number) + (m[j * k + i] as number)) / 2;
  const inner = symmetricEigen(m, k).values.reduce((s, v) => s + Math.sqrt(Math.max(0, v)), 0);
  return Math.max(0, d2 + trace - 2 * inner);
}
