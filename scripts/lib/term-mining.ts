/**
 * Multiword term mining: count the 2–4-word n-grams of content words in a corpus and keep those that occur
 * often and whose words stick together more than chance predicts, by Dunning's log-likelihood ratio (G²)
 * taken at the weakest binary split of the n-gram ("support vector | machine", "support | vector machine").
 *
 * Two passes over the corpus (given as a function that yields its segments again): word counts first,
 * then n-grams over the words that are frequent enough, keyed by integers so that tens of millions of
 * words fit in memory.
 */
import type { Term } from '../../src/lexicon/terms.js';

export interface MiningOptions {
  /** Fewest occurrences of a term (and of each of its words). */
  minCount: number;
  /** Longest term, in words (2–4). */
  maxWords: number;
  /** Least G² at the weakest split (10.83 is p < 0.001 for one degree of freedom). */
  minScore: number;
  /** Most terms kept, best scores first. */
  maxTerms: number;
  /** Function words: a term neither contains nor is bounded by them. */
  isStopword: (w: string) => boolean;
  /** Whether the words read as a noun phrase (e.g. the last word can be a noun). */
  acceptShape?: (words: readonly string[]) => boolean;
}

/** Word-id bits in an integer n-gram key: three ids fit below 2^53. */
const ID_BITS = 17;
const MAX_IDS = (1 << ID_BITS) - 1;
const SHIFT = 2 ** ID_BITS;
/** Entries in one count map before rare n-grams are dropped to bound memory. */
const PRUNE_AT = 12_000_000;

const WORD = /[a-z]+(?:['-][a-z]+)*/g;

/**
 * A line of text as segments of lower-case words: punctuation, digits and symbols end a segment, so no
 * n-gram spans a clause boundary or a formula.
 */
export function segments(line: string): string[][] {
  const out: string[][] = [];
  for (const piece of line.toLowerCase().split(/[^a-z'\s-]+|\s-+\s|--+|'\s|\s'/)) {
    const words = piece.match(WORD);
    if (words && words.length >= 2) out.push(words);
  }
  return out;
}

function g2(k11: number, k12: number, k21: number, k22: number): number {
  const n = k11 + k12 + k21 + k22;
  const r1 = k11 + k12;
  const r2 = k21 + k22;
  const c1 = k11 + k21;
  const c2 = k12 + k22;
  const t = (k: number, r: number, c: number) => (k > 0 ? k * Math.log((k * n) / (r * c)) : 0);
  return 2 * (t(k11, r1, c1) + t(k12, r1, c2) + t(k21, r2, c1) + t(k22, r2, c2));
}

/**
 * Association of an n-gram seen `c` times with parts seen `cl` and `cr` times among `n` positions:
 * G², signed negative when the parts co-occur less often than chance.
 */
export function association(c: number, cl: number, cr: number, n: number): number {
  const s = g2(c, Math.max(0, cl - c), Math.max(0, cr - c), Math.max(0, n - cl - cr + c));
  return c * n >= cl * cr ? s : -s;
}

/** Mine terms from a corpus; `corpus()` must yield the same segments each time it is called. */
export function mineTerms(corpus: () => Iterable<string[]>, opts: MiningOptions): Term[] {
  // Pass 1: word counts.
  const wordCounts = new Map<string, number>();
  let tokens = 0;
  for (const seg of corpus()) {
    for (const w of seg) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
    tokens += seg.length;
  }
  const eligible = [...wordCounts]
    .filter(([w, c]) => c >= opts.minCount && w.length >= 2 && !opts.isStopword(w))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_IDS);
  const idOf = new Map<string, number>();
  const words: string[] = [''];
  for (const [w] of eligible) {
    idOf.set(w, words.length);
    words.push(w);
  }

  // Pass 2: n-grams of eligible words only (a stopword or rare word breaks the run).
  const counts: Array<Map<number | string, number>> = [new Map(), new Map(), new Map(), new Map(), new Map()];
  const keyOf = (ids: ArrayLike<number>, from: number, n: number): number | string => {
    if (n === 1) return ids[from];
    if (n <= 3) {
      let k = 0;
      for (let i = 0; i < n; i++) k = k * SHIFT + ids[from + i];
      return k;
    }
    return Array.prototype.slice.call(ids, from, from + n).join(',');
  };
  const ids = new Int32Array(256);
  for (const seg of corpus()) {
    const len = Math.min(seg.length, ids.length);
    for (let i = 0; i < len; i++) ids[i] = idOf.get(seg[i]) ?? 0;
    for (let i = 0; i < len; i++) {
      if (ids[i] === 0) continue;
      for (let n = 2; n <= opts.maxWords && i + n <= len; n++) {
        if (ids[i + n - 1] === 0) break;
        const m = counts[n];
        const k = keyOf(ids, i, n);
        m.set(k, (m.get(k) ?? 0) + 1);
        if (m.size > PRUNE_AT) for (const [kk, c] of m) if (c < 2) m.delete(kk);
      }
    }
  }

  const countOf = (part: number[]): number => {
    if (part.length === 1) return wordCounts.get(words[part[0]]) ?? 0;
    return counts[part.length].get(keyOf(part, 0, part.length)) ?? 0;
  };
  const terms: Term[] = [];
  for (let n = 2; n <= opts.maxWords; n++) {
    for (const [k, c] of counts[n]) {
      if (c < opts.minCount) continue;
      const part = decodeKey(k, n);
      let score = Number.POSITIVE_INFINITY;
      for (let s = 1; s < n && score >= opts.minScore; s++) {
        score = Math.min(score, association(c, countOf(part.slice(0, s)), countOf(part.slice(s)), tokens));
      }
      if (score < opts.minScore) continue;
      const ws = part.map((id) => words[id]);
      if (opts.acceptShape && !opts.acceptShape(ws)) continue;
      terms.push({ words: ws, count: c, score });
    }
  }
  terms.sort((a, b) => b.score - a.score || b.count - a.count);
  return terms.length > opts.maxTerms ? terms.slice(0, opts.maxTerms) : terms;
}

function decodeKey(k: number | string, n: number): number[] {
  if (typeof k === 'string') return k.split(',').map(Number);
  const out = new Array<number>(n);
  let x = k;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = x % SHIFT;
    x = Math.floor(x / SHIFT);
  }
  return out;
}
