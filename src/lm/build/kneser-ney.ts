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
  const totals: Float64Array[] = []; // totals[n - 2]: Σ_w c(hw) of the contexts of order n (raw frequency of h)
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
    totals.push(total);
  }

  const stats: EstimateStats = { ngrams: [V, ...levels.map((l) => l.size)], countOfCounts: coc };
  const { keep, thresholds } = prune(input, levels, stats, { parents, contexts, totals });

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

interface Structure {
  /** Per order 2..N (index n - 2): each n-gram's parent (suffix) and context, as indices into order n - 1. */
  parents: Uint32Array[];
  contexts: Uint32Array[];
  /** Per order 2..N: raw frequency of each order-(n - 1) n-gram as a context. */
  totals: Float64Array[];
}

/**
 * Which n-grams to keep so the file fits `maxBytes`: one count cut-off t for every order above the
 * unigrams, the smallest that fits, then the highest order's own cut-off lowered as far as the budget allows. An n-gram is kept when its frequency is at least t (raw count for the
 * highest order; for lower orders the raw count as a context, or the adjusted count for n-grams ending in
 * `</s>`), or when a kept longer n-gram needs it as its suffix or its context. Returns per order 2..N a 0/1
 * mask (undefined where everything is kept) and the cut-off per order (1 = nothing cut, 0 = order dropped).
 */
function prune(
  input: EstimateInput,
  levels: Level[],
  stats: EstimateStats,
  structure: Structure,
): { keep: (Uint8Array | undefined)[]; thresholds: number[] } {
  const N = input.order;
  const keep: (Uint8Array | undefined)[] = new Array(N - 1).fill(undefined);
  const thresholds: number[] = new Array(N - 1).fill(1);
  const result = { keep, thresholds };
  if (input.maxBytes === undefined) return result;
  const vocabBytes = input.vocab.reduce((s, w) => s + Buffer.byteLength(w) + 1, 0);
  // Header JSON with discounts and prune report: its length plus room for the numbers it will hold.
  const headerBytes = Buffer.byteLength(JSON.stringify(input.header)) + 256 + 64 * N;
  const size = (c: number[]): number => {
    let top = c.length;
    while (top > 2 && c[top - 1] === 0) top--;
    return modelBytes(c.slice(0, top), vocabBytes) + headerBytes;
  };
  if (size(stats.ngrams) <= input.maxBytes) return result;

  // Frequency of every n-gram per order 2..N.
  const freq: Float64Array[] = levels.map((level, i) => {
    const n = i + 2;
    const f = new Float64Array(level.size);
    const asContext = n < N ? structure.totals[n - 1] : undefined;
    for (let j = 0; j < level.size; j++) f[j] = asContext && asContext[j] > 0 ? asContext[j] : level.adj[j];
    return f;
  });
  let maxFreq = 1;
  for (const f of freq) for (let j = 0; j < f.length; j++) if (f[j] > maxFreq) maxFreq = f[j];
  const masks = levels.map((l) => new Uint8Array(l.size));
  /** Fill `masks` for cut-off t (tTop for the highest order); the kept counts per order (index 0 = unigrams). */
  const evaluate = (t: number, tTop = t): number[] => {
    const counts = [input.vocab.length, ...new Array(N - 1).fill(0)];
    for (let n = N; n >= 2; n--) {
      const mask = masks[n - 2];
      const f = freq[n - 2];
      const cut = n === N ? tTop : t;
      for (let j = 0; j < mask.length; j++) mask[j] = f[j] >= cut ? 1 : 0;
      if (n < N) {
        const child = masks[n - 1];
        const par = structure.parents[n - 1];
        const ctx = structure.contexts[n - 1];
        for (let j = 0; j < child.length; j++) {
          if (child[j]) {
            mask[par[j]] = 1;
            mask[ctx[j]] = 1;
          }
        }
      }
      let kept = 0;
      for (let j = 0; j < mask.length; j++) kept += mask[j];
      counts[n - 1] = kept;
    }
    return counts;
  };
  const fits = (t: number, tTop = t): boolean => size(evaluate(t, tTop)) <= input.maxBytes!;
  // Smallest common t that fits (the size falls as t rises), then the smallest top-order cut-off that
  // still fits with it, so the budget is used rather than left at the jump between two common cut-offs.
  let lo = 2;
  let hi = Math.ceil(maxFreq) + 1;
  if (size(evaluate(hi)) > input.maxBytes) {
    throw new UnspinError(
      'USAGE',
      `a size budget of ${input.maxBytes} bytes is too small: the vocabulary alone needs ${size(evaluate(hi))} bytes (raise --max-size or --min-count)`,
    );
  }
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid + 1;
  }
  const t = lo;
  let topLo = 2;
  let topHi = t;
  while (topLo < topHi) {
    const mid = Math.floor((topLo + topHi) / 2);
    if (fits(t, mid)) topHi = mid;
    else topLo = mid + 1;
  }
  const counts = evaluate(t, topLo);
  fillToBudget(input.maxBytes - size(counts), topLo - 1, masks, freq, structure, counts);
  for (let n = 2; n <= N; n++) {
    const kept = counts[n - 1];
    if (kept === levels[n - 2].size) continue;
    keep[n - 2] = masks[n - 2];
    thresholds[n - 2] = kept === 0 ? 0 : n === N ? topLo : t;
  }
  return result;
}

/** Bytes one more n-gram of order n costs in a file whose highest order is N. */
const entryBytes = (n: number, N: number): number => (n === N ? 6 : 12);

/**
 * Spend what is left of the budget on highest-order n-grams of frequency `count` (just below the cut-off),
 * in key order, each with whatever lower-order n-grams it needs (its suffix and context, recursively).
 * Updates `masks` and `counts`.
 */
function fillToBudget(
  room: number,
  count: number,
  masks: Uint8Array[],
  freq: Float64Array[],
  structure: Structure,
  counts: number[],
): void {
  const N = masks.length + 1;
  if (count < 1) return;
  // Padding of the quantised arrays can add a few bytes per order: keep a margin.
  let left = room - 8 * N;
  const top = masks[N - 2];
  const f = freq[N - 2];
  const need: Array<[number, number]> = [];
  const seen = new Set<number>();
  for (let j = 0; j < top.length && left >= entryBytes(N, N); j++) {
    if (top[j] || f[j] !== count) continue;
    // Collect the missing n-grams this one needs (breadth first down the orders).
    need.length = 0;
    seen.clear();
    let cost = entryBytes(N, N);
    const queue: Array<[number, number]> = [[N, j]];
    while (queue.length > 0) {
      const [n, i] = queue.pop() as [number, number];
      if (n === 2) continue; // its suffix and context are unigrams, always there
      for (const k of [structure.parents[n - 2][i], structure.contexts[n - 2][i]]) {
        const key = (n - 1) * 0x40000000 + k;
        if (masks[n - 3][k] || seen.has(key)) continue;
        seen.add(key);
        need.push([n - 1, k]);
        cost += entryBytes(n - 1, N);
        queue.push([n - 1, k]);
      }
    }
    if (cost > left) continue;
    left -= cost;
    top[j] = 1;
    counts[N - 1]++;
    for (const [n, k] of need) {
      masks[n - 2][k] = 1;
      counts[n - 1]++;
    }
  }
}
