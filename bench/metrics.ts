/**
 * Evaluation metrics: pure functions, no I/O, no engine. Every function here is unit-tested on tiny
 * hand-made cases in test/bench-smoke.test.ts.
 *
 * Offsets are UTF-16 code units, half-open [start, end), like everywhere in unspin.
 */

/** A substituted span in spun text with the text it replaced (the gold standard). */
export interface GoldSpan {
  start: number;
  end: number;
  /** The text the spinner replaced (may be '' for a pure insertion such as a filler word). */
  original: string;
}

/** A span the engine flagged, with its ranked suggestions. */
export interface PredSpan {
  start: number;
  end: number;
  suggestions?: ReadonlyArray<{ text: string }>;
  confidence?: number;
}

export function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

export interface PRF {
  /** Predicted spans that overlap at least one gold span. */
  tpPred: number;
  /** Predicted spans. */
  pred: number;
  /** Gold spans overlapped by at least one predicted span. */
  tpGold: number;
  /** Gold spans. */
  gold: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Ratio that reads 0 for 0/0 is wrong for precision, so callers get NaN and the report prints '–'. */
export function ratio(num: number, den: number): number {
  return den === 0 ? Number.NaN : num / den;
}

export function f1Score(precision: number, recall: number): number {
  if (Number.isNaN(precision) || Number.isNaN(recall)) return Number.NaN;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

function prfFromCounts(tpPred: number, pred: number, tpGold: number, gold: number): PRF {
  const precision = ratio(tpPred, pred);
  const recall = ratio(tpGold, gold);
  return { tpPred, pred, tpGold, gold, precision, recall, f1: f1Score(precision, recall) };
}

/**
 * Span precision, recall and F1 under the overlap criterion: a predicted span is correct when it
 * overlaps some gold span; a gold span is found when some predicted span overlaps it.
 */
export function spanPRF(
  gold: ReadonlyArray<{ start: number; end: number }>,
  pred: ReadonlyArray<{ start: number; end: number }>,
): PRF {
  let tpPred = 0;
  for (const p of pred) if (gold.some((g) => overlaps(g, p))) tpPred++;
  let tpGold = 0;
  for (const g of gold) if (pred.some((p) => overlaps(g, p))) tpGold++;
  return prfFromCounts(tpPred, pred.length, tpGold, gold.length);
}

/** Sums PRF counts (micro-average) over documents. */
export function sumPRF(parts: readonly PRF[]): PRF {
  let tpPred = 0;
  let pred = 0;
  let tpGold = 0;
  let gold = 0;
  for (const p of parts) {
    tpPred += p.tpPred;
    pred += p.pred;
    tpGold += p.tpGold;
    gold += p.gold;
  }
  return prfFromCounts(tpPred, pred, tpGold, gold);
}

/** Lower case, typographic quotes folded, whitespace collapsed: the comparison form for restorations. */
export function normalizeForCompare(s: string): string {
  return s
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Per-gold-span restoration outcome. */
export interface RestorationOutcome {
  /** Some predicted span overlaps the gold span. */
  detected: boolean;
  /** Rank (0-based) of the first suggestion combination that restores the original exactly, or -1. */
  rank: number;
}

const MAX_COMBINATIONS = 625;

/**
 * Exact restoration of each gold span from ranked suggestions.
 *
 * Spans of the engine and of the gold standard need not coincide (the engine may flag "organization" where
 * the gold span is "neural organization"; a filler may be flagged as "later on" or as "on"). So each gold
 * span is judged on a window: the union of the gold span and every finding overlapping it, closed under
 * overlap with further gold spans and findings. The expected window is the spun window with every gold span
 * inside it replaced by its original; a restoration is the spun window with every finding inside it replaced
 * by one of its suggestions. The gold span is restored at rank r when the combination of suggestion ranks
 * whose largest rank is r (the first r+1 suggestions of each finding) can produce the expected window,
 * compared after `normalizeForCompare`. Rank -1: not restorable from the suggestions (or not detected).
 * Windows with many findings enumerate at most 625 combinations.
 */
export function restorationOutcomes(
  spun: string,
  gold: readonly GoldSpan[],
  pred: readonly PredSpan[],
  maxRank = 5,
): RestorationOutcome[] {
  const goldSorted = gold.map((g, i) => ({ g, i })).sort((a, b) => a.g.start - b.g.start);
  const out: RestorationOutcome[] = gold.map(() => ({ detected: false, rank: -1 }));
  const done = new Set<number>();
  for (const { g, i } of goldSorted) {
    if (done.has(i)) continue;
    const hits = pred.filter((p) => overlaps(p, g));
    if (hits.length === 0) {
      done.add(i);
      continue;
    }
    // Close the window under overlap with gold spans and findings.
    let lo = Math.min(g.start, ...hits.map((p) => p.start));
    let hi = Math.max(g.end, ...hits.map((p) => p.end));
    let changed = true;
    let inGold: number[] = [];
    let inPred: PredSpan[] = [];
    while (changed) {
      changed = false;
      inGold = [];
      inPred = [];
      gold.forEach((h, j) => {
        if (h.start < hi && lo < h.end) {
          inGold.push(j);
          if (h.start < lo || h.end > hi) {
            lo = Math.min(lo, h.start);
            hi = Math.max(hi, h.end);
            changed = true;
          }
        }
      });
      for (const p of pred) {
        if (p.start < hi && lo < p.end) {
          inPred.push(p);
          if (p.start < lo || p.end > hi) {
            lo = Math.min(lo, p.start);
            hi = Math.max(hi, p.end);
            changed = true;
          }
        }
      }
    }
    const expected = normalizeForCompare(
      replaceSpans(
        spun,
        lo,
        hi,
        inGold.map((j) => ({ start: gold[j].start, end: gold[j].end, text: gold[j].original })),
      ),
    );
    inPred.sort((a, b) => a.start - b.start);
    // Overlapping findings cannot be applied together; keep the first of each overlapping run.
    const applicable: PredSpan[] = [];
    for (const p of inPred) {
      const last = applicable[applicable.length - 1];
      if (!last || p.start >= last.end) applicable.push(p);
    }
    const rank = bestRank(spun, lo, hi, applicable, expected, maxRank);
    for (const j of inGold) {
      out[j] = {
        detected: pred.some((p) => overlaps(p, gold[j])),
        rank: out[j].rank >= 0 ? out[j].rank : rank,
      };
      done.add(j);
    }
  }
  return out;
}

function replaceSpans(
  s: string,
  lo: number,
  hi: number,
  spans: ReadonlyArray<{ start: number; end: number; text: string }>,
): string {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let pos = lo;
  let out = '';
  for (const sp of sorted) {
    if (sp.start < pos) continue;
    out += s.slice(pos, sp.start) + sp.text;
    pos = sp.end;
  }
  return out + s.slice(pos, hi);
}

function bestRank(
  spun: string,
  lo: number,
  hi: number,
  finds: readonly PredSpan[],
  expected: string,
  maxRank: number,
): number {
  const n = finds.length;
  for (let r = 0; r < maxRank; r++) {
    // Enumerate combinations with every rank <= r and at least one rank == r (r = 0: the single top-1 combo).
    const lists = finds.map((f) => (f.suggestions ?? []).slice(0, r + 1).map((s) => s.text));
    if (lists.some((l) => l.length === 0)) return -1;
    let combos = 1;
    for (const l of lists) combos *= l.length;
    if (combos > MAX_COMBINATIONS) return -1;
    const idx = new Array<number>(n).fill(0);
    for (let c = 0; c < combos; c++) {
      let rem = c;
      for (let k = 0; k < n; k++) {
        idx[k] = rem % lists[k].length;
        rem = Math.floor(rem / lists[k].length);
      }
      if (r > 0 && !idx.some((x) => x === r)) continue;
      const text = replaceSpans(
        spun,
        lo,
        hi,
        finds.map((f, k) => ({ start: f.start, end: f.end, text: lists[k][idx[k]] })),
      );
      if (normalizeForCompare(text) === expected) return r;
    }
    if (lists.every((l) => l.length <= r)) break;
  }
  return -1;
}

export interface TopK {
  gold: number;
  detected: number;
  top1: number;
  top5: number;
  /** Share of all gold spans restored exactly by the first suggestion. */
  top1Rate: number;
  top5Rate: number;
  /** The same, among detected gold spans only. */
  top1GivenDetected: number;
  top5GivenDetected: number;
}

export function topK(outcomes: readonly RestorationOutcome[]): TopK {
  let detected = 0;
  let top1 = 0;
  let top5 = 0;
  for (const o of outcomes) {
    if (o.detected) detected++;
    if (o.rank === 0) top1++;
    if (o.rank >= 0 && o.rank < 5) top5++;
  }
  const gold = outcomes.length;
  return {
    gold,
    detected,
    top1,
    top5,
    top1Rate: ratio(top1, gold),
    top5Rate: ratio(top5, gold),
    top1GivenDetected: ratio(top1, detected),
    top5GivenDetected: ratio(top5, detected),
  };
}

/** Word sequence used for WER: lower-cased runs of letters, digits and apostrophes. */
export function werWords(s: string): string[] {
  return normalizeForCompare(s).match(/[\p{L}\p{N}]+(?:['.-][\p{L}\p{N}]+)*/gu) ?? [];
}

/** Word-level Levenshtein distance (substitutions, insertions and deletions cost 1 each). */
export function editDistance<T>(a: readonly T[], b: readonly T[]): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  let prev = new Uint32Array(n + 1);
  let cur = new Uint32Array(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    const ai = a[i - 1];
    for (let j = 1; j <= n; j++) {
      const sub = prev[j - 1] + (ai === b[j - 1] ? 0 : 1);
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      cur[j] = Math.min(sub, del, ins);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n];
}

export interface WER {
  edits: number;
  refWords: number;
  wer: number;
}

/** Word error rate of `hyp` against the reference `ref`: edits / reference words. */
export function wer(ref: string, hyp: string): WER {
  const r = werWords(ref);
  const h = werWords(hyp);
  const edits = editDistance(r, h);
  return { edits, refWords: r.length, wer: ratio(edits, r.length) };
}

export function sumWER(parts: readonly WER[]): WER {
  let edits = 0;
  let refWords = 0;
  for (const p of parts) {
    edits += p.edits;
    refWords += p.refWords;
  }
  return { edits, refWords, wer: ratio(edits, refWords) };
}

/** Findings per 1,000 words. */
export function perThousand(findings: number, words: number): number {
  return ratio(findings * 1000, words);
}

/**
 * ROC AUC by the Mann–Whitney statistic: the probability that a random positive scores above a random
 * negative, ties counting one half.
 */
export function rocAuc(positives: readonly number[], negatives: readonly number[]): number {
  const np = positives.length;
  const nn = negatives.length;
  if (np === 0 || nn === 0) return Number.NaN;
  const all = [
    ...positives.map((s) => ({ s, pos: true })),
    ...negatives.map((s) => ({ s, pos: false })),
  ].sort((a, b) => a.s - b.s);
  let rankSumPos = 0;
  let i = 0;
  while (i < all.length) {
    let j = i;
    while (j + 1 < all.length && all[j + 1].s === all[i].s) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (all[k].pos) rankSumPos += avgRank;
    i = j + 1;
  }
  return (rankSumPos - (np * (np + 1)) / 2) / (np * nn);
}

export interface PRPoint {
  threshold: number;
  precision: number;
  recall: number;
}

/**
 * Precision–recall curve over score thresholds (predict positive when score >= threshold), one point per
 * distinct score, from the highest threshold down. Ties are never split.
 */
export function prCurve(positives: readonly number[], negatives: readonly number[]): PRPoint[] {
  const all = [
    ...positives.map((s) => ({ s, pos: true })),
    ...negatives.map((s) => ({ s, pos: false })),
  ].sort((a, b) => b.s - a.s);
  const P = positives.length;
  const points: PRPoint[] = [];
  let tp = 0;
  let fp = 0;
  let i = 0;
  while (i < all.length) {
    const t = all[i].s;
    while (i < all.length && all[i].s === t) {
      if (all[i].pos) tp++;
      else fp++;
      i++;
    }
    points.push({ threshold: t, precision: tp / (tp + fp), recall: ratio(tp, P) });
  }
  return points;
}

/** Best precision among thresholds whose recall is at least `recall` (NaN when no threshold reaches it). */
export function precisionAtRecall(curve: readonly PRPoint[], recall: number): number {
  let best = Number.NaN;
  for (const p of curve) {
    if (p.recall >= recall - 1e-12 && !(p.precision <= best)) best = p.precision;
  }
  return best;
}

export interface CalibrationBin {
  lo: number;
  hi: number;
  count: number;
  /** Mean predicted score in the bin. */
  meanScore: number;
  /** Observed share of positives in the bin. */
  observed: number;
}

export interface Calibration {
  bins: CalibrationBin[];
  /** Expected calibration error: count-weighted mean |observed - meanScore|. */
  ece: number;
}

/**
 * Reliability table: `nBins` equal-width bins over [0, 1]; the last bin includes 1. Scores outside [0, 1] are
 * clamped.
 */
export function calibration(
  items: ReadonlyArray<{ score: number; positive: boolean }>,
  nBins = 10,
): Calibration {
  const sums = Array.from({ length: nBins }, () => ({ count: 0, score: 0, pos: 0 }));
  for (const it of items) {
    const s = Math.min(1, Math.max(0, it.score));
    const b = Math.min(nBins - 1, Math.floor(s * nBins));
    sums[b].count++;
    sums[b].score += s;
    if (it.positive) sums[b].pos++;
  }
  let ece = 0;
  const bins = sums.map((b, i) => {
    const meanScore = ratio(b.score, b.count);
    const observed = ratio(b.pos, b.count);
    if (b.count > 0) ece += (b.count / items.length) * Math.abs(observed - meanScore);
    return { lo: i / nBins, hi: (i + 1) / nBins, count: b.count, meanScore, observed };
  });
  return { bins, ece: items.length === 0 ? Number.NaN : ece };
}

/** The q-quantile (0..1) of a sample by linear interpolation between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Least-squares slope of log(y) on log(x): 1 means linear growth. */
export function logLogSlope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const pts = points.filter((p) => p.x > 0 && p.y > 0).map((p) => ({ x: Math.log(p.x), y: Math.log(p.y) }));
  if (pts.length < 2) return Number.NaN;
  const mx = pts.reduce((a, p) => a + p.x, 0) / pts.length;
  const my = pts.reduce((a, p) => a + p.y, 0) / pts.length;
  let num = 0;
  let den = 0;
  for (const p of pts) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return num / den;
}

/** Histogram counts of values in `nBins` equal bins over [lo, hi] (values clamped into range). */
export function histogram(values: readonly number[], nBins: number, lo = 0, hi = 1): number[] {
  const counts = new Array<number>(nBins).fill(0);
  for (const v of values) {
    const x = Math.min(hi, Math.max(lo, v));
    counts[Math.min(nBins - 1, Math.floor(((x - lo) / (hi - lo)) * nBins))]++;
  }
  return counts;
}

/**
 * Span-level precision–recall curve over finding confidence thresholds. `findings`: each finding's
 * confidence and whether it overlaps a gold span; `goldBest`: for each gold span, the highest confidence of
 * a finding overlapping it (-Infinity when none). One point per distinct confidence, highest first.
 */
export function spanPRCurve(
  findings: ReadonlyArray<{ confidence: number; overlapsGold: boolean }>,
  goldBest: readonly number[],
): PRPoint[] {
  const thresholds = [...new Set(findings.map((f) => f.confidence))].sort((a, b) => b - a);
  const fs = [...findings].sort((a, b) => b.confidence - a.confidence);
  const gs = [...goldBest].sort((a, b) => b - a);
  const points: PRPoint[] = [];
  let fi = 0;
  let gi = 0;
  let tp = 0;
  for (const t of thresholds) {
    while (fi < fs.length && fs[fi].confidence >= t) {
      if (fs[fi].overlapsGold) tp++;
      fi++;
    }
    while (gi < gs.length && gs[gi] >= t) gi++;
    points.push({ threshold: t, precision: tp / fi, recall: ratio(gi, gs.length) });
  }
  return points;
}

/** Keeps at most `n` points of a curve (evenly spaced by index, first and last kept). */
export function thinCurve<T>(points: readonly T[], n: number): T[] {
  if (points.length <= n) return [...points];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(points[Math.round((i * (points.length - 1)) / (n - 1))]);
  return out;
}
