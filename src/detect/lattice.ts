/**
 * The lattice of one sentence: at each word position, keep the observed word or read a span of
 * 1–4 words as a candidate original. Each edge carries its feature vector; a cheap local score
 * (context on both sides taken as observed) prunes each position to a few edges before the chain
 * decoder runs, and positions nothing plausible could replace are left with only their keep edge.
 */

import type { LanguageModel } from '../lm/types.js';
import type { Token } from '../types.js';
import { type CandidateSource, KIND, type LmIds, MAX_SPAN_WORDS, type Template } from './candidates.js';
import { numberWord } from './channels.js';
import { F } from './features.js';

export interface Edge {
  /** First position (index into Lattice.tokens) and one past the last. */
  start: number;
  end: number;
  /** Language-model ids of the reading. */
  words: LmIds;
  /** Null for the keep edge. */
  template: Template | null;
  kind: number;
  /** Weighted non-LM features (static plus document evidence). */
  score: number;
  /** Language-model gain over keeping the observed words, in the local window (log10). */
  lmGain: number;
  /** Full feature vector, only when the lattice is built for training. */
  phi?: Float32Array;
  /** Index of this edge in `Lattice.endingAt[end]`, filled by the lattice builder. */
  endSlot: number;
  /** Position of this edge in the decoder's flat arrays, set by decodeLattice. */
  index: number;
}

export interface Lattice {
  /** Token indices (into the document's tokens) of the sentence's word and number positions. */
  tokens: number[];
  /** Edges by start position; the keep edge is always first. */
  startingAt: Edge[][];
  /** Edges by end position (index n: edges that end the sentence). */
  endingAt: Edge[][];
  /** The observed words as one language-model stream and where each position starts in it. */
  stream: Int32Array;
  streamStart: Int32Array;
}

export interface LatticeOptions {
  /** Most substitution edges kept per position after local scoring. */
  perPosition: number;
  /** Substitutions whose local posterior is below this are not decoded. */
  minLocalPosterior: number;
  /** Keep every candidate with its full feature vector (training) instead of pruning. */
  training?: boolean;
  /** Training only: the `keep.docRate` feature of the text (see `docRateFeature`). */
  docRate?: number;
}

/** Per-document evidence: the words and phrases the document itself uses. */
export interface DocumentVocabulary {
  has(lemmaOrPhrase: string): boolean;
  /** How often a (normalised) word occurs in the document. */
  count(norm: string): number;
}

export interface BuildContext {
  lm: LanguageModel;
  source: CandidateSource;
  weights: readonly number[];
  vocabulary: DocumentVocabulary;
  protect: ReadonlySet<string>;
  options: LatticeOptions;
}

/** The reading of a number the model has no word for. */
const UNKNOWN_WORD: LmIds = [-1];

/** log10 P of `words` after history (h2, h1), with the history shifted through the words. */
export function scoreWords(lm: LanguageModel, words: LmIds, h1: number, h2: number): number {
  let s = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    s += lm.logProb(w, h1, h2);
    h2 = h1;
    h1 = w;
  }
  return s;
}

/** Build the lattice of the sentence whose word/number tokens are `positions`. */
export function buildLattice(ctx: BuildContext, allTokens: readonly Token[], positions: number[]): Lattice {
  const { lm, source, weights, options } = ctx;
  const n = positions.length;
  const keepWords: LmIds[] = new Array(n);
  const streamStart = new Int32Array(n + 1);
  let m = 0;
  for (let p = 0; p < n; p++) {
    const t = allTokens[positions[p]];
    if (t.kind === 'number') {
      // The model has no digits: score a digit as its number word, so context alone never prefers the word.
      const word = numberWord(t.norm);
      keepWords[p] = word ? source.lmIds(word) : UNKNOWN_WORD;
    } else keepWords[p] = source.lmIds(t.norm);
    streamStart[p] = m;
    m += keepWords[p].length;
  }
  streamStart[n] = m;
  const stream = new Int32Array(m);
  for (let p = 0; p < n; p++) stream.set(keepWords[p], streamStart[p]);

  // base[i]: log10 P(stream[i] | two words before it); prefix sums make any stretch O(1).
  const prefix = new Float64Array(m + 1);
  {
    let h1 = lm.bos;
    let h2 = -1;
    for (let i = 0; i < m; i++) {
      prefix[i + 1] = prefix[i] + lm.logProb(stream[i], h1, h2);
      h2 = h1;
      h1 = stream[i];
    }
  }
  const endBase = m > 0 ? lm.logProb(lm.eos, stream[m - 1], m > 1 ? stream[m - 2] : lm.bos) : 0;

  /** Observed log10 score of the stretch a reading of [p, q) is compared on: itself plus two words after. */
  const baseOf = (p: number, q: number): number => {
    const j = streamStart[q];
    const future = Math.min(2, m - j);
    const base = prefix[j + future] - prefix[streamStart[p]];
    return future < 2 ? base + endBase : base;
  };
  /** log10 of `words` read at position p, given the two observed words before it. */
  const leftScore = (p: number, words: LmIds): number => {
    const i0 = streamStart[p];
    return scoreWords(
      lm,
      words,
      i0 > 0 ? stream[i0 - 1] : lm.bos,
      i0 > 1 ? stream[i0 - 2] : i0 === 1 ? lm.bos : -1,
    );
  };
  /** log10 of the (up to two) observed words after q, and of the sentence end if it is that close, after `words`. */
  const rightScore = (p: number, q: number, words: LmIds): number => {
    const i0 = streamStart[p];
    let h1 = i0 > 0 ? stream[i0 - 1] : lm.bos;
    let h2 = i0 > 1 ? stream[i0 - 2] : i0 === 1 ? lm.bos : -1;
    if (words.length > 0) {
      h2 = words.length > 1 ? words[words.length - 2] : h1;
      h1 = words[words.length - 1];
    }
    const j = streamStart[q];
    const future = Math.min(2, m - j);
    let s = 0;
    for (let k = 0; k < future; k++) {
      const w = stream[j + k];
      s += lm.logProb(w, h1, h2);
      h2 = h1;
      h1 = w;
    }
    if (future < 2) s += lm.logProb(lm.eos, h1, h2);
    return s;
  };
  /** LM gain of reading positions [p, q) as `words` instead of the observed words, context as observed. */
  const lmGain = (p: number, q: number, words: LmIds): number =>
    leftScore(p, words) + rightScore(p, q, words) - baseOf(p, q);

  const wLm = weights[F.lm];
  // A term reading's LM gain has a weight of its own on top of wLm (lm.term), in its local score and as a
  // static part of its edge's score.
  const wTerm = weights[F['lm.term']] ?? 0;
  const termGain = (tpl: Template, gain: number): number => (tpl.kind === KIND.term ? wTerm * gain : 0);
  const startingAt: Edge[][] = new Array(n);
  const endingAt: Edge[][] = Array.from({ length: n + 1 }, () => []);
  const contiguous = (p: number) =>
    p + 1 < n && positions[p + 1] === positions[p] + 1 && allTokens[positions[p + 1]].kind === 'word';
  const pending = new PositionCandidates(options.perPosition);

  for (let p = 0; p < n; p++) {
    const tok = allTokens[positions[p]];
    const capMid = tok.caps !== 'lower' && !tok.sentenceStart ? 1 : 0;
    const keepScore0 = source.keepScore(tok.norm);
    const docRepeat = Math.log(Math.max(1, ctx.vocabulary.count(tok.norm)));
    const keepScore =
      keepScore0 + weights[F['keep.capMid']] * capMid + weights[F['keep.docRepeat']] * docRepeat;
    const keep: Edge = {
      start: p,
      end: p + 1,
      words: keepWords[p],
      template: null,
      kind: KIND.keep,
      score: keepScore,
      lmGain: 0,
      endSlot: 0,
      index: 0,
    };
    if (options.training) {
      keep.phi = Float32Array.from(source.keepFeatures(tok.norm));
      keep.phi[F['keep.capMid']] = capMid;
      keep.phi[F['keep.docRepeat']] = docRepeat;
      keep.phi[F['keep.docRate']] = options.docRate ?? 0;
      keep.score += weights[F['keep.docRate']] * (options.docRate ?? 0);
    }
    const subs: Edge[] = [];
    pending.reset();
    // Abbreviations ("Mr.", "U.S.") are not spinner material.
    if (!ctx.protect.has(tok.norm) && !tok.norm.includes('.')) {
      const norms: string[] = [];
      for (let L = 1; L <= MAX_SPAN_WORDS && p + L <= n; L++) {
        const t = allTokens[positions[p + L - 1]];
        if (L > 1 && !contiguous(p + L - 2)) break;
        if (L > 1 && (ctx.protect.has(t.norm) || t.norm.includes('.'))) break;
        if (t.kind !== 'word' && !(L === 1 && t.kind === 'number')) break;
        norms.push(t.norm);
        const templates = source.forSpan(norms, t.kind === 'number');
        if (templates.length === 0) continue;
        const base = baseOf(p, p + L);
        for (const tpl of templates) {
          const docHas = ctx.vocabulary.has(tpl.lemma) ? 1 : 0;
          const score =
            tpl.score + weights[F['sub.docHasOriginal']] * docHas + weights[F['sub.capMid']] * capMid;
          if (options.training) {
            const edge = newEdge(p, p + L, tpl, score, lmGain(p, p + L, tpl.lmIds));
            edge.phi = Float32Array.from(tpl.phi!);
            edge.phi[F['sub.docHasOriginal']] = docHas;
            edge.phi[F['sub.capMid']] = capMid;
            edge.phi[F.lm] = edge.lmGain;
            if (tpl.kind === KIND.term) edge.phi[F['lm.term']] = edge.lmGain;
            edge.score += termGain(tpl, edge.lmGain);
            subs.push(edge);
            continue;
          }
          // Log-probabilities are at most 0, so the words after the span can only lower a reading's
          // score: one whose left part alone cannot reach the position's best few is not scored
          // further (the result is the same as scoring it in full). Term readings are kept beyond the
          // best few (see PositionCandidates.select), so they are always scored in full.
          const left = leftScore(p, tpl.lmIds);
          const bound = score + wLm * (left - base);
          if (tpl.kind !== KIND.term && bound <= pending.threshold())
            pending.skip(tpl, L, score, bound, left - base);
          else {
            const gain = left + rightScore(p, p + L, tpl.lmIds) - base;
            pending.add(tpl, L, score + termGain(tpl, gain), gain, wLm);
          }
        }
      }
    }
    if (options.training) startingAt[p] = [keep, ...subs];
    else {
      const kept = pending.select(keepScore, options.minLocalPosterior, (i) =>
        pending.refine(i, rightScore(p, p + pending.span[i], pending.templates[i].lmIds), wLm),
      );
      const edges: Edge[] = [keep];
      for (const i of kept) {
        edges.push(newEdge(p, p + pending.span[i], pending.templates[i], pending.score[i], pending.gain[i]));
      }
      startingAt[p] = edges;
    }
  }
  // A phrase edge replaces several keep edges: charge it their keep scores beyond the first, so the
  // chain compares it with keeping the phrase exactly as the local model (and its training) does.
  for (let p = 0; p < n; p++) {
    for (const e of startingAt[p]) {
      for (let k = p + 1; k < e.end; k++) e.score += startingAt[k][0].score;
      e.endSlot = endingAt[e.end].length;
      endingAt[e.end].push(e);
    }
  }
  return { tokens: positions, startingAt, endingAt, stream, streamStart };
}

/** Least substitution rate `docRateFeature` distinguishes: a text cleaner than this counts as this clean. */
const RATE_FLOOR = 1e-3;
/**
 * The rate at which the feature is 0, so a first decoding pass without it reads a text as at this rate.
 * Chosen so that the first pass scores keeping a word about as the model did before the feature: a fit of
 * the keep bias and ln(rate) uncentred matched the old keep bias at a rate of 0.099; centred here, the keep
 * bias moved from 0.989 to 0.826 and the document model, fitted on first-pass posteriors, barely changed.
 */
export const RATE_REFERENCE = 0.1;

/**
 * The `keep.docRate` feature of a stretch of text whose positions' mean substitution posterior (on a first
 * decoding pass) is `rate`: ln(rate / RATE_REFERENCE).
 */
export function docRateFeature(rate: number): number {
  return Math.log(Math.max(RATE_FLOOR, rate) / RATE_REFERENCE);
}

/**
 * Add `delta` to the score of keeping every word of a built lattice, as if the keep edges had been built
 * with it: each keep edge, and each phrase edge by the keep scores it was charged for the positions it
 * covers beyond its first.
 */
export function shiftKeepScores(lattice: Lattice, delta: number): void {
  if (delta === 0) return;
  for (const edges of lattice.startingAt) {
    edges[0].score += delta;
    for (let k = 1; k < edges.length; k++) edges[k].score += delta * (edges[k].end - edges[k].start - 1);
  }
}

function newEdge(start: number, end: number, template: Template, score: number, lmGain: number): Edge {
  return {
    start,
    end,
    words: template.lmIds,
    template,
    kind: template.kind,
    score,
    lmGain,
    endSlot: 0,
    index: 0,
  };
}

/**
 * The substitutions proposed at one position, scored lazily and pruned to the best few by local score
 * (static score plus weighted LM gain in the local window). A reading whose upper bound cannot reach
 * the current best few is only recorded with that bound; its exact score is computed only when the
 * position's keep-or-substitute test cannot be decided from the bounds. Reused across positions.
 */
class PositionCandidates {
  templates: Template[] = [];
  span: number[] = [];
  score: number[] = [];
  /** Exact LM gain (log10) once known, else the left part minus the base. */
  gain: number[] = [];
  /** Local score: exact, or an upper bound while `exact` is false. */
  local: number[] = [];
  exact: boolean[] = [];
  private count = 0;
  /** Local scores of the best `k` exact readings so far, descending. */
  private readonly top: number[] = [];

  constructor(private readonly k: number) {}

  reset(): void {
    this.count = 0;
    this.top.length = 0;
  }

  /** The local score a reading must beat to enter the best k. */
  threshold(): number {
    return this.top.length < this.k ? Number.NEGATIVE_INFINITY : this.top[this.k - 1];
  }

  private push(tpl: Template, span: number, score: number, gain: number, local: number, exact: boolean) {
    const i = this.count++;
    this.templates[i] = tpl;
    this.span[i] = span;
    this.score[i] = score;
    this.gain[i] = gain;
    this.local[i] = local;
    this.exact[i] = exact;
    return i;
  }

  add(tpl: Template, span: number, score: number, gain: number, wLm: number): void {
    const local = score + wLm * gain;
    this.push(tpl, span, score, gain, local, true);
    this.enterTop(local);
  }

  skip(tpl: Template, span: number, score: number, bound: number, leftMinusBase: number): void {
    this.push(tpl, span, score, leftMinusBase, bound, false);
  }

  /** Complete a skipped reading's score with the log10 of the words after it. */
  refine(i: number, right: number, wLm: number): void {
    this.gain[i] += right;
    this.local[i] = this.score[i] + wLm * this.gain[i];
    this.exact[i] = true;
  }

  private enterTop(local: number): void {
    const top = this.top;
    if (top.length >= this.k && local <= top[this.k - 1]) return;
    let at = Math.min(top.length, this.k - 1);
    if (top.length < this.k) top.push(local);
    while (at > 0 && top[at - 1] < local) {
      top[at] = top[at - 1];
      at--;
    }
    top[at] = local;
  }

  /**
   * Indices of the readings to decode: the best k by local score, plus any term reading beyond them, or
   * none when the best one's local posterior against keeping the word and every other reading is below
   * `minPosterior`. Term readings are few per position and are what undoes a rewritten fixed phrase; the
   * cap would let the word readings that start at the same position crowd them out.
   */
  select(keepScore: number, minPosterior: number, refine: (i: number) => void): number[] {
    const n = this.count;
    if (n === 0) return [];
    let best = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) if (this.exact[i] && this.local[i] > best) best = this.local[i];
    let zExact = Math.exp(keepScore - best);
    let zBound = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(this.local[i] - best);
      if (this.exact[i]) zExact += e;
      else zBound += e;
    }
    if (1 / zExact < minPosterior) return [];
    if (zBound > 0 && 1 / (zExact + zBound) < minPosterior) {
      // Undecided from the bounds: score the skipped readings in full (they stay below the best k).
      for (let i = 0; i < n; i++) {
        if (this.exact[i]) continue;
        refine(i);
        zExact += Math.exp(this.local[i] - best);
      }
      if (1 / zExact < minPosterior) return [];
    }
    const order: number[] = [];
    for (let i = 0; i < n; i++) if (this.exact[i]) order.push(i);
    order.sort((a, b) => this.local[b] - this.local[a]);
    if (order.length <= this.k) return order;
    const kept = order.slice(0, this.k);
    for (let j = this.k; j < order.length; j++)
      if (this.templates[order[j]].kind === KIND.term) kept.push(order[j]);
    return kept;
  }
}
