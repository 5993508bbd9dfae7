/**
 * Collocations mined from a language model's stored bigrams: word pairs that occur together far more
 * often than their frequencies predict ("neural network", "breast cancer", "as follows").
 *
 * Paper mills and spinners replace both words of such a fixed phrase ("neural organization", "bosom
 * disease"), and each replacement on its own reads badly in context, so word-by-word decoding cannot undo
 * it. Knowing which pairs are collocations lets the candidate generator propose the whole pair at once.
 *
 * A bigram "a b" of a component model counts when its association log10 P(b | a) - log10 P(b) (pointwise
 * mutual information) is at least MIN_ASSOCIATION and P(b | a) is not negligible. The index is a compressed
 * table over the (merged) vocabulary, built once per model set on first use.
 */
import type { LanguageModel } from './types.js';

/** Least log10 P(b | a) - log10 P(b) for "a b" to count as a collocation (a factor of about 3). */
export const MIN_ASSOCIATION = 0.5;
/** Least log10 P(b | a): rarer continuations say little even when they are associated. */
export const MIN_CONDITIONAL = -4;

export interface CollocationIndex {
  /** Association (log10) of "a b", or NaN when the pair is not a collocation. */
  association(a: number, b: number): number;
  /** Call `fn(b, association)` for every collocation "a b". */
  forEachAfter(a: number, fn: (b: number, association: number) => void): void;
  /** How many collocations start with `a`. */
  countAfter(a: number): number;
  /** Collocations in the index. */
  readonly size: number;
}

/** A model combination exposes its parts (src/lm/combine.ts); a single model is its own part. */
interface Composite {
  readonly models: readonly LanguageModel[];
}

function parts(lm: LanguageModel): readonly LanguageModel[] {
  const models = (lm as Partial<Composite>).models;
  return Array.isArray(models) ? models : [lm];
}

/** Associations are kept to 1/32 of a log10 unit (plenty for a feature), so a pair and its value pack into one number. */
const ASSOC_STEPS = 32;
const ASSOC_LEVELS = 256;

/** Rows by first word, each sorted by second word: `association` is a binary search in one row. */
class CsrCollocations implements CollocationIndex {
  constructor(
    private readonly rowStart: Uint32Array,
    private readonly next: Int32Array,
    private readonly assoc: Float32Array,
  ) {}

  get size(): number {
    return this.next.length;
  }

  countAfter(a: number): number {
    return a >= 0 && a + 1 < this.rowStart.length ? this.rowStart[a + 1] - this.rowStart[a] : 0;
  }

  association(a: number, b: number): number {
    if (!(a >= 0 && a + 1 < this.rowStart.length)) return Number.NaN;
    let lo = this.rowStart[a];
    let hi = this.rowStart[a + 1] - 1;
    const next = this.next;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = next[mid];
      if (v < b) lo = mid + 1;
      else if (v > b) hi = mid - 1;
      else return this.assoc[mid];
    }
    return Number.NaN;
  }

  forEachAfter(a: number, fn: (b: number, association: number) => void): void {
    if (!(a >= 0 && a + 1 < this.rowStart.length)) return;
    for (let i = this.rowStart[a], end = this.rowStart[a + 1]; i < end; i++) fn(this.next[i], this.assoc[i]);
  }
}

/**
 * One part's collocations as packed keys ((b · V + a) · 256 + quantised association), in ascending order.
 * Models list bigrams by second word, then first, so for a single model the keys come out sorted; a part of
 * an interpolation has its ids mapped and is sorted here.
 */
function partKeys(lm: LanguageModel, m: LanguageModel): Float64Array {
  const V = lm.vocabSize;
  const toLm = new Int32Array(m.vocabSize);
  for (let i = 0; i < m.vocabSize; i++) toLm[i] = m === lm ? i : lm.id(m.word(i));
  const uni = new Float64Array(m.vocabSize);
  for (let i = 0; i < m.vocabSize; i++) uni[i] = m.unigram(i);
  const { bos, eos } = m;
  let keys = new Float64Array(1 << 18);
  let n = 0;
  let sorted = true;
  m.forEachBigram?.((h1, w, logProb) => {
    if (logProb < MIN_CONDITIONAL || h1 === bos || w === eos) return;
    const association = logProb - uni[w];
    if (association < MIN_ASSOCIATION) return;
    const a = toLm[h1];
    const b = toLm[w];
    if (a < 0 || b < 0) return;
    if (n === keys.length) {
      const k2 = new Float64Array(2 * keys.length);
      k2.set(keys);
      keys = k2;
    }
    const q = Math.min(ASSOC_LEVELS - 1, Math.round((association - MIN_ASSOCIATION) * ASSOC_STEPS));
    const key = (b * V + a) * ASSOC_LEVELS + q;
    if (n > 0 && key < keys[n - 1]) sorted = false;
    keys[n++] = key;
  });
  const out = keys.subarray(0, n);
  return sorted ? out : out.sort();
}

/** Merge two ascending key arrays. */
function mergeKeys(x: Float64Array, y: Float64Array): Float64Array {
  if (x.length === 0) return y;
  const out = new Float64Array(x.length + y.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < x.length && j < y.length) out[k++] = x[i] <= y[j] ? x[i++] : y[j++];
  while (i < x.length) out[k++] = x[i++];
  while (j < y.length) out[k++] = y[j++];
  return out;
}

/**
 * The collocations of `lm` (of each of its parts when it is an interpolation, ids mapped to `lm`'s own;
 * a pair found in several parts keeps its strongest association). Empty when no part can list its bigrams.
 * No global sort: each part's keys are (nearly always) already ordered, parts are merged, and a counting
 * pass by first word, taken in order of second word, leaves every row sorted by second word.
 */
export function buildCollocations(lm: LanguageModel): CollocationIndex {
  const V = lm.vocabSize;
  let keys: Float64Array = new Float64Array(0);
  for (const m of parts(lm)) if (m.forEachBigram) keys = mergeKeys(keys, partKeys(lm, m));
  const n = keys.length;
  // Decode once, dropping duplicates (equal pairs are adjacent; the last has the strongest association).
  const as = new Int32Array(n);
  const bs = new Int32Array(n);
  const vs = new Float32Array(n);
  let m = 0;
  let prevPair = -1;
  for (let i = 0; i < n; i++) {
    const pair = Math.floor(keys[i] / ASSOC_LEVELS);
    const value = MIN_ASSOCIATION + (keys[i] - pair * ASSOC_LEVELS) / ASSOC_STEPS;
    if (pair === prevPair) {
      vs[m - 1] = value;
      continue;
    }
    prevPair = pair;
    const b = Math.floor(pair / V);
    as[m] = pair - b * V;
    bs[m] = b;
    vs[m] = value;
    m++;
  }
  const rowStart = new Uint32Array(V + 1);
  for (let i = 0; i < m; i++) rowStart[as[i] + 1]++;
  for (let i = 0; i < V; i++) rowStart[i + 1] += rowStart[i];
  const fill = rowStart.slice(0, V);
  const next = new Int32Array(m);
  const assoc = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    const at = fill[as[i]]++;
    next[at] = bs[i];
    assoc[at] = vs[i];
  }
  return new CsrCollocations(rowStart, next, assoc);
}

const built = new WeakMap<LanguageModel, CollocationIndex>();

/**
 * The collocations of `lm`, shared per model object for the process and built on first use (about a second
 * of work for the shipped models, which a process that never reads a word pair does not pay).
 */
export function collocationsOf(lm: LanguageModel): CollocationIndex {
  let c = built.get(lm);
  if (!c) {
    let index: CollocationIndex | undefined;
    const get = () => {
      index ??= buildCollocations(lm);
      return index;
    };
    c = {
      association: (a, b) => get().association(a, b),
      forEachAfter: (a, fn) => get().forEachAfter(a, fn),
      countAfter: (a) => get().countAfter(a),
      get size() {
        return get().size;
      },
    };
    built.set(lm, c);
  }
  return c;
}
