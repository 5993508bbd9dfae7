/**
 * Small, dependency-free fitting routines for the training script: a conditional log-linear
 * (softmax with latent targets) model for the decoder's edge weights, and logistic regression for
 * calibrations and the document model. Full-batch Adam with L2; data sizes here are ~10^5 rows.
 */

/** One decision: choose among `phis` (feature vectors); any edge with `target[k]` is correct. */
export interface Group {
  phis: Float32Array[];
  target: boolean[];
}

function adam(dim: number, lr: number) {
  const m = new Float64Array(dim);
  const v = new Float64Array(dim);
  let t = 0;
  return (w: Float64Array, grad: Float64Array) => {
    t++;
    for (let i = 0; i < dim; i++) {
      m[i] = 0.9 * m[i] + 0.1 * grad[i];
      v[i] = 0.999 * v[i] + 0.001 * grad[i] * grad[i];
      const mh = m[i] / (1 - 0.9 ** t);
      const vh = v[i] / (1 - 0.999 ** t);
      w[i] += (lr * mh) / (Math.sqrt(vh) + 1e-8); // ascent
    }
  };
}

/**
 * Maximise Σ log Σ_{k∈target} p(k) − (l2/2)|w|², p = softmax(w·φ) within each group.
 * `fixed` lists feature indices whose weight stays at its initial value.
 */
export function fitSoftmax(
  groups: readonly Group[],
  init: readonly number[],
  opts: { l2?: number; iterations?: number; lr?: number; fixed?: number[]; log?: (s: string) => void } = {},
): number[] {
  const dim = init.length;
  const w = Float64Array.from(init);
  const l2 = opts.l2 ?? 1e-3;
  const step = adam(dim, opts.lr ?? 0.05);
  const grad = new Float64Array(dim);
  const fixed = new Set(opts.fixed ?? []);
  const iterations = opts.iterations ?? 300;
  let scores = new Float64Array(64);
  for (let it = 0; it < iterations; it++) {
    grad.fill(0);
    let ll = 0;
    for (const g of groups) {
      const K = g.phis.length;
      if (scores.length < K) scores = new Float64Array(K * 2);
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) {
        let s = 0;
        const phi = g.phis[k];
        for (let i = 0; i < dim; i++) s += w[i] * phi[i];
        scores[k] = s;
        if (s > max) max = s;
      }
      let zAll = 0;
      let zTarget = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(scores[k] - max);
        scores[k] = e;
        zAll += e;
        if (g.target[k]) zTarget += e;
      }
      if (zTarget === 0) continue;
      ll += Math.log(zTarget / zAll);
      // Gradient: E_target[φ] − E_all[φ].
      for (let k = 0; k < K; k++) {
        const coef = (g.target[k] ? scores[k] / zTarget : 0) - scores[k] / zAll;
        if (coef === 0) continue;
        const phi = g.phis[k];
        for (let i = 0; i < dim; i++) grad[i] += coef * phi[i];
      }
    }
    const n = groups.length || 1;
    for (let i = 0; i < dim; i++) grad[i] = fixed.has(i) ? 0 : grad[i] / n - l2 * w[i];
    step(w, grad);
    if (opts.log && (it % 50 === 0 || it === iterations - 1))
      opts.log(`  iter ${it}: mean log-lik ${(ll / n).toFixed(4)}`);
  }
  return Array.from(w);
}

/** Logistic regression: returns weights and bias maximising the (L2-penalised) log-likelihood. */
export function fitLogistic(
  X: readonly number[][],
  y: readonly number[],
  opts: { l2?: number; iterations?: number; lr?: number } = {},
): { w: number[]; b: number } {
  const dim = X[0]?.length ?? 0;
  const params = new Float64Array(dim + 1);
  const step = adam(dim + 1, opts.lr ?? 0.05);
  const grad = new Float64Array(dim + 1);
  const l2 = opts.l2 ?? 1e-3;
  for (let it = 0; it < (opts.iterations ?? 2000); it++) {
    grad.fill(0);
    for (let r = 0; r < X.length; r++) {
      let z = params[dim];
      for (let i = 0; i < dim; i++) z += params[i] * X[r][i];
      const err = y[r] - 1 / (1 + Math.exp(-z));
      for (let i = 0; i < dim; i++) grad[i] += err * X[r][i];
      grad[dim] += err;
    }
    for (let i = 0; i <= dim; i++) grad[i] = grad[i] / Math.max(1, X.length) - (i < dim ? l2 * params[i] : 0);
    step(params, grad);
  }
  return { w: Array.from(params.subarray(0, dim)), b: params[dim] };
}
