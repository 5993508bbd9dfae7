/**
 * Interpolated modified Kneser–Ney (Chen & Goodman 1998) from sorted n-gram counts, written as a back-off
 * model, pruned to a size budget.
 *
 * Adjusted counts: the top order and n-grams that begin with `<s>` keep their raw counts; every other
 * n-gram gets its continuation count, the number of distinct words seen before it. Discounts D1, D2, D3+
 * per order come from that order's count-of-counts t1..t4:
 *   Y = t1 / (t1 + 2 t2),  D1 = 1 - 2Y t2/t1,  D2 = 2 - 3Y t3/t2,  D3+ = 3 - 4Y t4/t3.
 * Probabilities, with a(·) adjusted counts, h' the context without its oldest word:
 *   P(w | h) = max(a(hw) - D(a(hw)), 0) / Σ_v a(hv) + γ(h) P(w | h'),
 *   γ(h) = (D1 N1(h•) + D2 N2(h•) + D3+ N3+(h•)) / Σ_v a(hv),
 * down to the uniform distribution over the vocabulary (without `<s>`, which is never predicted). The
 * stored probability of an n-gram is its interpolated P; its context's back-off weight is γ(h), or, where
 * pruning removed some of h's n-grams, the weight that keeps P(· | h) summing to one:
 *   bo(h) = (1 - Σ_kept P(w | h)) / (1 - Σ_kept P(w | h')).
 */
import { UnspinError } from '../../errors.js';
import type { LevelData, ModelData, ModelHeader } from '../format.js';
import { modelBytes } from '../format.js';
import type { SortedCounts } from './counts.js';
import { findKey, keyField, maskKey, shiftKey } from './keys.js';

/** Used when an order's count-of-counts cannot give discounts (tiny corpora): a common default. */
export const FALLBACK_DISCOUNTS = [0.5, 1.0, 1.5];
/** log10 "probability" of `<s>` as a predicted word (never predicted; ARPA files use -99 too). */
export const BOS_LOG_PROB = -99;

export interface EstimateInput {
  order: number;
  bits: number;
  vocab: string[];
  bos: number;
  /** Per order 2..N (index n - 2): order N all N-grams, lower orders only the `<s>`-initial n-grams. */
  raw: SortedCounts[];
  /** Size budget in bytes for the whole file, or undefined for none. */
  maxBytes?: number;
  /** Fixed discounts per order (index n - 1) instead of estimating them (tests). */
  discounts?: number[][];
  header: Omit<ModelHeader, 'discounts' | 'pruned'>;
}

export interface EstimateStats {
  /** Distinct n-grams per order before pruning (index 0 = unigrams). */
  ngrams: number[];
  /** Count-of-counts t1..t4 of the adjusted counts per order. */
  countOfCounts: number[][];
}

/** Modified Kneser–Ney discounts from count-of-counts t1..t4, or the fallback when they cannot be estimated. */
export function discountsFrom(t: readonly number[]): number[] {
  const [t1, t2, t3, t4] = t;
  if (!(t1 > 0 && t2 > 0 && t3 > 0 && t4 > 0)) return [...FALLBACK_DISCOUNTS];
  const y = t1 / (t1 + 2 * t2);
  const d = [1 - (2 * y * t2) / t1, 2 - (3 * y * t3) / t2, 3 - (4 * y * t4) / t3];
  return d.every((v, i) => v > 0 && v <= i + 1) ? d : [...FALLBACK_DISCOUNTS];
}

/** One order's n-grams in key order with adjusted counts. */
interface Level {
  keys: Uint32Array;
  adj: Uint32Array;
  size: number;
}

/** The suffixes of a sorted level with their number of distinct left extensions, merged with `extra`. */
function deriveLower(bits: number, upper: Level, extra: SortedCounts | undefined): Level {
  const tmp = new Uint32Array(2);
  const keys = new Uint32Array(2 * (upper.size + (extra?.size ?? 0)));
  const adj = new Uint32Array(upper.size + (extra?.size ?? 0));
  let n = 0;
  let e = 0;
  const pushExtraBefore = (lo: number, hi: number): void => {
    while (extra && e < extra.size) {
      const eHi = extra.keys[2 * e + 1];
      const eLo = extra.keys[2 * e];
      if (eHi > hi || (eHi === hi && eLo >= lo)) break;
      keys[2 * n] = eLo;
      keys[2 * n + 1] = eHi;
      adj[n++] = extra.counts[e++];
    }
  };
  let prevLo = -1;
  let prevHi = -1;
  for (let i = 0; i < upper.size; i++) {
    shiftKey(bits, upper.keys[2 * i], upper.keys[2 * i + 1], tmp);
    if (tmp[0] === prevLo && tmp[1] === prevHi) {
      adj[n - 1]++;
      continue;
    }
    pushExtraBefore(tmp[0], tmp[1]);
    keys[2 * n] = tmp[0];
    keys[2 * n + 1] = tmp[1];
    adj[n++] = 1;
    prevLo = tmp[0];
    prevHi = tmp[1];
  }
  pushExtraBefore(0xffffffff, 0xffffffff);
  while (extra && e < extra.size) {
    keys[2 * n] = extra.keys[2 * e];
    keys[2 * n + 1] = extra.keys[2 * e + 1];
    adj[n++] = extra.counts[e++];
  }
  return { keys: keys.subarray(0, 2 * n), adj: adj.subarray(0, n), size: n };
}

function countOfCounts(adj: ArrayLike<number>, size: number): number[] {
  const t = [0, 0, 0, 0];
  for (let i = 0; i < size; i++) {
    const a = adj[i];
    if (a >= 1 && a <= 4) t[a - 1]++;
  }
  return t;
}

/** Result of the estimate: the model, plus statistics for the report. */
export interface Estimate {
  model: ModelData;
  stats: EstimateStats;
}

export function estimate(input: EstimateInput): Estimate {
  const { bits, vocab, bos } = input;
  const N = input.order;
  const V = vocab.length;
  // Levels of orders 2..N (index n - 2), top down.
  const levels: Level[] = new Array(N - 1);
  levels[N - 2] = { keys: input.raw[N - 2].keys, adj: input.raw[N - 2].counts, size: input.raw[N - 2].size };
  for (let n = N - 1; n >= 2; n--) levels[n - 2] = deriveLower(bits, levels[n - 1], input.raw[n - 2]);
  // Unigram continuation counts: distinct words before each word.
  const adj1 = new Uint32Array(V);
  if (N >= 2) {
    const l2 = levels[0];
    let prev = -1;
    let prevW = -1;
    for (let i = 0; i < l2.size; i++) {
      const w = keyField(bits, l2.keys[2 * i], l2.keys[2 * i + 1], 1);
      const h = keyField(bits, l2.keys[2 * i], l2.keys[2 * i + 1], 0);
      if (w !== prevW || h !== prev) adj1[w]++;
      prevW = w;
      prev = h;
    }
  }

  const coc = [countOfCounts(adj1, V), ...levels.map((l) => countOfCounts(l.adj, l.size))];
  const discounts = input.discounts ?? coc.map(discountsFrom);
  const D = (n: number, a: number): number => (a === 0 ? 0 : discounts[n - 1][a >= 3 ? 2 : a - 1]);

  // Unigrams: interpolated with the uniform distribution over the predictable words.
  const uniP = new Float64Array(V);
  {
    let total = 0;
    const nk = [0, 0, 0];
    for (let w = 0; w < V; w++) {
      if (w === bos) continue;
      const a = adj1[w];
      total += a;
      if (a > 0) nk[a >= 3 ? 2 : a - 1]++;
    }
    const gamma = total > 0 ? (D(1, 1) * nk[0] + D(1, 2) * nk[1] + D(1, 3) * nk[2]) / total : 1;
    for (let w = 0; w < V; w++) {
      if (w === bos) continue;
      const a = adj1[w];
      uniP[w] = (total > 0 ? Math.max(a - D(1, a), 0) / total : 0) + gamma / (V - 1);
    }
  }

  // Orders 2..N bottom up: context and parent of every n-gram, context statistics, probabilities.
  const probs: Float64Array[] = [];
  const parents: Uint32Array[] = [];
  const contexts: Uint32Array[] = [];
  const gammas: Float64Array[] = []; // gammas[n - 2]: γ of the contexts of order n, aligned with order n - 1
  const tmp = new Uint32Array(2);
  for (let n = 2; n <= N; n++) {
    const level = levels[n - 2];
    const lowerSize = n === 2 ? V : levels[n - 3].size;
    const lowerKeys = n === 2 ? undefined : levels[n - 3].keys;
    const lowerP = n === 2 ? uniP : probs[n - 3];
    const parent = new Uint32Array(level.size);
    const context = new Uint32Array(level.size);
    const total = new Float64Array(lowerSize);
    const nk = new Uint32Array(3 * lowerSize);
    let p = 0;
    for (let i = 0; i < level.size; i++) {
      const lo = level.keys[2 * i];
      const hi = level.keys[2 * i + 1];
      if (n === 2) {
        parent[i] = keyField(bits, lo, hi, 1);
        context[i] = keyField(bits, lo, hi, 0);
      } else {
        shiftKey(bits, lo, hi, tmp);
        // Parents ascend with i: walk forward instead of searching.
        while (
          p < lowerSize &&
          (lowerKeys![2 * p + 1] < tmp[1] || (lowerKeys![2 * p + 1] === tmp[1] && lowerKeys![2 * p] < tmp[0]))
        )
          p++;
        parent[i] = p;
        maskKey(bits, lo, hi, n - 1, tmp);
        const c = findKey(lowerKeys!, lowerSize, tmp[0], tmp[1]);
        if (c < 0) throw new Error(`order ${n} n-gram without its context`);
        context[i] = c;
      }
      const a = level.adj[i];
      total[context[i]] += a;
      if (a > 0) nk[3 * context[i] + (a >= 3 ? 2 : a - 1)]++;
    }
    const gamma = new Float64Array(lowerSize);
    for (let c = 0; c < lowerSize; c++) {
      if (total[c] > 0) {
        gamma[c] = (D(n, 1) * nk[3 * c] + D(n, 2) * nk[3 * c + 1] + D(n, 3) * nk[3 * c + 2]) / total[c];
      }
    }
    const prob = new Float64Array(level.size);
    for (let i = 0; i < level.size; i++) {
      const a = level.adj[i];
      const c = context[i];
      prob[i] = Math.max(a - D(n, a), 0) / total[c] + gamma[c] * lowerP[parent[i]];
    }
    probs.push(prob);
    parents.push(parent);
    contexts.push(context);
    gammas.push(gamma);
  }

  const stats: EstimateStats = { ngrams: [V, ...levels.map((l) => l.size)], countOfCounts: coc };
  const { keep, thresholds } = prune(input, levels, stats);

  // Back-off weights: γ where nothing was pruned above, else the renormalising weight.
  const backoffOf = (n: number): Float64Array => {
    // Back-offs of order n's entries, from their children of order n + 1.
    const size = n === 1 ? V : levels[n - 2].size;
    const bo = new Float64Array(size); // log10; 0 for entries that are no context
    if (n === N) return bo;
    const childKeep = keep[n - 1];
    if (childKeep === undefined) {
      const g = gammas[n - 1];
      for (let c = 0; c < size; c++) if (g[c] > 0) bo[c] = Math.log10(g[c]);
      return bo;
    }
    const num = new Float64Array(size).fill(1);
    const den = new Float64Array(size).fill(1);
    const prob = probs[n - 1];
    const ctx = contexts[n - 1];
    const par = parents[n - 1];
    const lowerP = n === 1 ? uniP : probs[n - 2];
    for (let i = 0; i < prob.length; i++) {
      if (!childKeep[i]) continue;
      num[ctx[i]] -= prob[i];
      den[ctx[i]] -= lowerP[par[i]];
    }
    for (let c = 0; c < size; c++) {
      if (num[c] === 1 && den[c] === 1) continue;
      bo[c] = Math.log10(Math.max(num[c], 1e-12) / Math.max(den[c], 1e-12));
    }
    return bo;
  };

  // Assemble the reverse trie (kept entries only) for the file.
  let order = N;
  while (order > 2 && keep[order - 2] !== undefined && !keep[order - 2]!.includes(1)) order--;
  const uniProb = new Float32Array(V);
  for (let w = 0; w < V; w++) uniProb[w] = w === bos ? BOS_LOG_PROB : Math.log10(uniP[w]);
  const uniBackoff = new Float32Array(backoffOf(1));
  const out: LevelData[] = [];
  let parentChild: Uint32Array = new Uint32Array(V + 1);
  const uniChild = parentChild;
  for (let n = 2; n <= order; n++) {
    const level = levels[n - 2];
    const k = keep[n - 2];
    const kept = k ? k.reduce((s: number, x: number) => s + x, 0) : level.size;
    const words = new Uint32Array(kept);
    const prob = new Float32Array(kept);
    const parent = parents[n - 2];
    const boAll = n < order ? backoffOf(n) : undefined;
    const backoff = boAll ? new Float32Array(kept) : undefined;
    // New index of each kept entry (for the next order's parent pointers).
    const remap = n < order && k ? new Uint32Array(level.size) : undefined;
    const lowerCount = n === 2 ? V : out[n - 3].words.length;
    const firstChild = parentChild;
    firstChild.fill(0);
    let j = 0;
    for (let i = 0; i < level.size; i++) {
      if (k && !k[i]) continue;
      words[j] = keyField(bits, level.keys[2 * i], level.keys[2 * i + 1], 0);
      prob[j] = Math.log10(probs[n - 2][i]);
      if (backoff && boAll) backoff[j] = boAll[i];
      if (remap) remap[i] = j;
      firstChild[parent[i] + 1]++;
      j++;
    }
    for (let p = 0; p < lowerCount; p++) firstChild[p + 1] += firstChild[p];
    const data: LevelData = { words, prob };
    if (n < order) {
      data.backoff = backoff;
      data.child = new Uint32Array(kept + 1);
      parentChild = data.child;
      // The next order's parents index this order's entries before compaction: translate them.
      if (remap) {
        const nextParent = parents[n - 1];
        for (let i = 0; i < nextParent.length; i++) nextParent[i] = remap[nextParent[i]];
      }
    }
    out.push(data);
  }
  const header: ModelHeader = {
    ...input.header,
    discounts,
    pruned: {
      ngrams: stats.ngrams.map((c, i) => c - (i === 0 ? V : i < order ? out[i - 1].words.length : 0)),
      minCounts: thresholds,
    },
  };
  return { model: { order, vocab, header, uniProb, uniBackoff, uniChild, levels: out }, stats };
}

/**
 * Which n-grams to keep so the file fits `maxBytes`: the highest order is cut first, by the smallest
 * adjusted-count threshold that fits; when even an empty highest order does not fit, it is dropped and the
 * next order is cut. Returns per order 2..N a 0/1 mask, or undefined where everything is kept.
 */
function prune(
  input: EstimateInput,
  levels: Level[],
  stats: EstimateStats,
): { keep: (Uint8Array | undefined)[]; thresholds: number[] } {
  const N = input.order;
  const keep: (Uint8Array | undefined)[] = new Array(N - 1).fill(undefined);
  // Cut-offs per order 2..N (0 = the order was dropped whole; 1 = nothing cut).
  const thresholds: number[] = new Array(N - 1).fill(1);
  const result = { keep, thresholds };
  if (input.maxBytes === undefined) return result;
  const vocabBytes = input.vocab.reduce((s, w) => s + Buffer.byteLength(w) + 1, 0);
  // Header JSON with discounts and prune report: its length plus room for the numbers it will hold.
  const headerBytes = Buffer.byteLength(JSON.stringify(input.header)) + 256 + 64 * N;
  const counts = [...stats.ngrams];
  const size = (c: number[]): number => {
    let top = c.length;
    while (top > 2 && c[top - 1] === 0) top--;
    return modelBytes(c.slice(0, top), vocabBytes) + headerBytes;
  };
  if (size(counts) <= input.maxBytes) return result;
  for (let n = N; n >= 2; n--) {
    const level = levels[n - 2];
    const trial = [...counts];
    trial[n - 1] = 0;
    if (size(trial) > input.maxBytes && n > 2) {
      // Even without this order it does not fit: drop it and cut the next.
      keep[n - 2] = new Uint8Array(level.size);
      counts[n - 1] = 0;
      thresholds[n - 2] = 0;
      continue;
    }
    // Smallest threshold t with size(kept a >= t) within budget; histogram of adjusted counts.
    const hist = new Map<number, number>();
    for (let i = 0; i < level.size; i++) hist.set(level.adj[i], (hist.get(level.adj[i]) ?? 0) + 1);
    const values = [...hist.keys()].sort((a, b) => a - b);
    let kept = level.size;
    let t = 1;
    for (const v of values) {
      trial[n - 1] = kept;
      if (size(trial) <= input.maxBytes) break;
      kept -= hist.get(v) ?? 0;
      t = v + 1;
    }
    trial[n - 1] = kept;
    if (size(trial) > input.maxBytes) {
      throw new UnspinError(
        'USAGE',
        `a size budget of ${input.maxBytes} bytes is too small: the vocabulary alone needs ${size(trial)} bytes (raise --max-size or --min-count)`,
      );
    }
    const mask = new Uint8Array(level.size);
    for (let i = 0; i < level.size; i++) mask[i] = level.adj[i] >= t ? 1 : 0;
    keep[n - 2] = mask;
    thresholds[n - 2] = t;
    return result;
  }
  return result;
}
