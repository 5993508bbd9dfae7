/**
 * Word-by-word alignment of a (possibly spun) query against a candidate source.
 *
 * 1. A weighted longest common subsequence over the word streams: the same word (numbers normalised)
 *    scores 3 for a content word and 1 for a function word; two content words of the same synonym class
 *    score 2. Long inputs are first cut at anchors (content words that occur once in each text, kept in
 *    order by a longest increasing subsequence) so the quadratic step only runs between anchors.
 * 2. Segments: runs of matches whose gaps are at most MAX_GAP words on both sides; a segment counts only
 *    with at least MIN_CONTENT content-word matches, which rules out the chance matches of function words
 *    between unrelated texts.
 * 3. Inside segments, the words between two matches are paired: one for one when both sides have the
 *    same number of words (a synonym pair when the lexicon relates them, else an unknown substitution),
 *    as a block when the counts differ (a phrase swap), an insertion when only the query has words (a
 *    filler), a deletion when only the source has.
 */
import type { SynonymClasses } from './classes.js';
import type { Featurized } from './features.js';

export type AlignKind = 'same' | 'synonym' | 'changed' | 'inserted' | 'deleted';

/** One aligned piece: query words [q0, q1) against source words [s0, s1) (word indices). */
export interface AlignOp {
  kind: AlignKind;
  q0: number;
  q1: number;
  s0: number;
  s1: number;
}

export interface Alignment {
  /** Ops in query order, only inside segments. */
  ops: AlignOp[];
  /** The aligned passages: query words [q0, q1) against source words [s0, s1). */
  segments: Array<{ q0: number; q1: number; s0: number; s1: number }>;
  /** Query words inside aligned segments. */
  alignedWords: number;
  /** Query words that are the same word or a synonym of their source word. */
  matchedWords: number;
  /** Query content words aligned as synonyms, changes or insertions (evidence of spinning). */
  changedWords: number;
  /** Query content words inside aligned segments. */
  alignedContentWords: number;
  queryWords: number;
  sourceWords: number;
  /** Share of query words inside aligned segments. */
  coverage: number;
  /** Share of query words that are the same as, or synonyms of, their source words. */
  similarity: number;
  /** 2·matched / (query words + source words): penalises a source much longer than the query. */
  dice: number;
}

const MAX_GAP = 6;
const MIN_CONTENT = 3;
/** Above this many DP cells, cut at anchors first. */
const MAX_CELLS = 4_000_000;

const W_SAME_CONTENT = 3;
const W_SAME_FIXED = 1;
const W_CLASS = 2;

function weight(q: Featurized, i: number, s: Featurized, j: number): number {
  if (q.key[i] === s.key[j]) return q.fixed[i] ? W_SAME_FIXED : W_SAME_CONTENT;
  if (!q.fixed[i] && !s.fixed[j] && q.code[i] === s.code[j]) return W_CLASS;
  return 0;
}

/** The dynamic-programming table of `lcs`, reused between calls (grown on need). */
let scratch = new Int32Array(1 << 16);

/** Weighted LCS of q[qa, qb) and s[sa, sb), appending matched pairs (in order) to `out`. */
function lcs(
  q: Featurized,
  qa: number,
  qb: number,
  s: Featurized,
  sa: number,
  sb: number,
  out: number[],
): void {
  const n = qb - qa;
  const m = sb - sa;
  if (n <= 0 || m <= 0) return;
  if (n * m > MAX_CELLS) {
    anchored(q, qa, qb, s, sa, sb, out);
    return;
  }
  const cols = m + 1;
  // Scores are small integer sums, so an Int32Array holds them exactly; the table is reused between calls
  // (every cell of rows 1..n, columns 1..m is written before it is read; row 0 and column 0 are zeroed).
  const cells = (n + 1) * cols;
  if (scratch.length < cells) scratch = new Int32Array(Math.max(cells, 2 * scratch.length));
  const score = scratch;
  score.fill(0, 0, cols);
  const qk = q.key;
  const qc = q.code;
  const qf = q.fixed;
  const sk = s.key;
  const sc = s.code;
  const sf = s.fixed;
  for (let i = 1; i <= n; i++) {
    const row = i * cols;
    const prev = row - cols;
    score[row] = 0;
    const ki = qk[qa + i - 1];
    const ci = qc[qa + i - 1];
    const fixedI = qf[qa + i - 1] !== 0;
    const wSame = fixedI ? W_SAME_FIXED : W_SAME_CONTENT;
    let left = 0;
    for (let j = 1; j <= m; j++) {
      // The same as weight(q, qa + i - 1, s, sa + j - 1), inlined: the hot loop of the alignment.
      const up = score[prev + j];
      // biome-ignore lint/complexity/useMathMinMax: the hot loop of the alignment; a plain comparison is faster
      let best = up > left ? up : left;
      const js = sa + j - 1;
      let w = 0;
      if (sk[js] === ki) w = wSame;
      else if (!fixedI && sf[js] === 0 && sc[js] === ci) w = W_CLASS;
      if (w > 0 && score[prev + j - 1] + w > best) best = score[prev + j - 1] + w;
      score[row + j] = best;
      left = best;
    }
  }
  const pairs: number[] = [];
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    const here = score[i * cols + j];
    const w = weight(q, qa + i - 1, s, sa + j - 1);
    if (w > 0 && here === score[(i - 1) * cols + j - 1] + w) {
      pairs.push(qa + i - 1, sa + j - 1);
      i--;
      j--;
    } else if (here === score[(i - 1) * cols + j]) {
      i--;
    } else {
      j--;
    }
  }
  for (let k = pairs.length - 2; k >= 0; k -= 2) out.push(pairs[k], pairs[k + 1]);
}

/** Content words occurring once in both ranges, in order on both sides (LIS), then LCS between them. */
function anchored(
  q: Featurized,
  qa: number,
  qb: number,
  s: Featurized,
  sa: number,
  sb: number,
  out: number[],
): void {
  const count = (f: Featurized, a: number, b: number) => {
    const c = new Map<number, number>();
    for (let i = a; i < b; i++) if (!f.fixed[i]) c.set(f.key[i], c.has(f.key[i]) ? -1 : i);
    return c;
  };
  const qc = count(q, qa, qb);
  const sc = count(s, sa, sb);
  const cand: Array<[number, number]> = [];
  for (const [k, i] of qc) {
    const j = sc.get(k);
    if (i >= 0 && j !== undefined && j >= 0) cand.push([i, j]);
  }
  cand.sort((a, b) => a[0] - b[0]);
  // Longest increasing subsequence of source positions (patience sorting).
  const tails: number[] = [];
  const prev = new Int32Array(cand.length).fill(-1);
  for (let k = 0; k < cand.length; k++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cand[tails[mid]][1] < cand[k][1]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[k] = tails[lo - 1];
    tails[lo] = k;
  }
  const chain: Array<[number, number]> = [];
  for (let k = tails.length > 0 ? tails[tails.length - 1] : -1; k >= 0; k = prev[k]) chain.push(cand[k]);
  chain.reverse();
  if (chain.length === 0) return; // nothing to anchor on: too large and too different to align
  let pq = qa;
  let ps = sa;
  for (const [i, j] of chain) {
    if ((i - pq) * (j - ps) <= MAX_CELLS) lcs(q, pq, i, s, ps, j, out);
    out.push(i, j);
    pq = i + 1;
    ps = j + 1;
  }
  if ((qb - pq) * (sb - ps) <= MAX_CELLS) lcs(q, pq, qb, s, ps, sb, out);
}

/** Align query `q` against source `s`. */
export function align(q: Featurized, s: Featurized, classes: SynonymClasses): Alignment {
  const nq = q.key.length;
  const ns = s.key.length;
  const flat: number[] = [];
  lcs(q, 0, nq, s, 0, ns, flat);

  // Segments of matches with small gaps.
  const segments: Array<[number, number]> = []; // [first pair, last pair] indices into flat/2
  let start = 0;
  const pairs = flat.length / 2;
  const flush = (a: number, b: number) => {
    let content = 0;
    for (let k = a; k <= b; k++) if (!q.fixed[flat[2 * k]]) content++;
    if (content >= MIN_CONTENT) segments.push([a, b]);
  };
  for (let k = 1; k <= pairs; k++) {
    const split =
      k === pairs ||
      flat[2 * k] - flat[2 * k - 2] - 1 > MAX_GAP ||
      flat[2 * k + 1] - flat[2 * k - 1] - 1 > MAX_GAP;
    if (split) {
      if (pairs > 0) flush(start, k - 1);
      start = k;
    }
  }

  const ops: AlignOp[] = [];
  const passages: Alignment['segments'] = [];
  let aligned = 0;
  let matched = 0;
  let changed = 0;
  let content = 0;
  const countContent = (a: number, b: number) => {
    let c = 0;
    for (let i = a; i < b; i++) if (!q.fixed[i]) c++;
    return c;
  };
  for (const [a, b] of segments) {
    for (let k = a; k <= b; k++) {
      const i = flat[2 * k];
      const j = flat[2 * k + 1];
      if (k > a) {
        const pi = flat[2 * k - 2] + 1;
        const pj = flat[2 * k - 1] + 1;
        gap(q, pi, i, s, pj, j, classes, ops);
      }
      const sameWord = q.key[i] === s.key[j];
      ops.push({ kind: sameWord ? 'same' : 'synonym', q0: i, q1: i + 1, s0: j, s1: j + 1 });
    }
    const q0 = flat[2 * a];
    const q1 = flat[2 * b] + 1;
    passages.push({ q0, q1, s0: flat[2 * a + 1], s1: flat[2 * b + 1] + 1 });
    aligned += q1 - q0;
    content += countContent(q0, q1);
  }
  for (const op of ops) {
    if (op.kind === 'same' || op.kind === 'synonym') matched += op.q1 - op.q0;
    if (op.kind !== 'same') changed += countContent(op.q0, op.q1);
  }
  return {
    ops,
    segments: passages,
    alignedWords: aligned,
    matchedWords: matched,
    changedWords: changed,
    alignedContentWords: content,
    queryWords: nq,
    sourceWords: ns,
    coverage: nq === 0 ? 0 : aligned / nq,
    similarity: nq === 0 ? 0 : matched / nq,
    dice: nq + ns === 0 ? 0 : (2 * matched) / (nq + ns),
  };
}

/** Pair up the unmatched words between two matches. */
function gap(
  q: Featurized,
  q0: number,
  q1: number,
  s: Featurized,
  s0: number,
  s1: number,
  classes: SynonymClasses,
  ops: AlignOp[],
): void {
  const nq = q1 - q0;
  const ns = s1 - s0;
  if (nq === 0 && ns === 0) return;
  if (ns === 0) {
    ops.push({ kind: 'inserted', q0, q1, s0, s1 });
    return;
  }
  if (nq === 0) {
    ops.push({ kind: 'deleted', q0, q1, s0, s1 });
    return;
  }
  if (nq === ns) {
    for (let k = 0; k < nq; k++) {
      const syn = classes.synonyms(q.lemma[q0 + k], s.lemma[s0 + k]);
      ops.push({ kind: syn ? 'synonym' : 'changed', q0: q0 + k, q1: q0 + k + 1, s0: s0 + k, s1: s0 + k + 1 });
    }
    return;
  }
  ops.push({ kind: 'changed', q0, q1, s0, s1 });
}
