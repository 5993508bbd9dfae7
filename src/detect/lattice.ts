/**
 * The lattice of one sentence: at each word position, keep the observed word or read a span of
 * 1–4 words as a candidate original. Each edge carries its feature vector; a cheap local score
 * (context on both sides taken as observed) prunes each position to a few edges before the chain
 * decoder runs, and positions nothing plausible could replace are left with only their keep edge.
 */

import type { LanguageModel } from '../lm/types.js';
import type { Token } from '../types.js';
import { type CandidateSource, KIND, type Template } from './candidates.js';
import { numberWord } from './channels.js';
import { F, staticScore } from './features.js';

export interface Edge {
  /** First position (index into Lattice.tokens) and one past the last. */
  start: number;
  end: number;
  /** Language-model ids of the reading. */
  words: Int32Array;
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

const MAX_SPAN = 4;

/** log10 P of `words` after history (h2, h1), with the history shifted through the words. */
export function scoreWords(lm: LanguageModel, words: Int32Array, h1: number, h2: number): number {
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
  const keepWords: Int32Array[] = new Array(n);
  const streamStart = new Int32Array(n + 1);
  let m = 0;
  for (let p = 0; p < n; p++) {
    const t = allTokens[positions[p]];
    if (t.kind === 'number') {
      // The model has no digits: score a digit as its number word, so context alone never prefers the word.
      const word = numberWord(t.norm);
      keepWords[p] = word ? source.lmIds(word) : Int32Array.of(-1);
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

  const historyAt = (i: number): [number, number] => [
    i > 0 ? stream[i - 1] : lm.bos,
    i > 1 ? stream[i - 2] : i === 1 ? lm.bos : -1,
  ];

  /** LM gain of reading positions [p, q) as `words` instead of the observed words, context as observed. */
  const lmGain = (p: number, q: number, words: Int32Array): number => {
    const i0 = streamStart[p];
    let [h1, h2] = historyAt(i0);
    let s = scoreWords(lm, words, h1, h2);
    if (words.length > 0) {
      h2 = words.length > 1 ? words[words.length - 2] : h1;
      h1 = words[words.length - 1];
    }
    const j = streamStart[q];
    const future = Math.min(2, m - j);
    for (let k = 0; k < future; k++) {
      const w = stream[j + k];
      s += lm.logProb(w, h1, h2);
      h2 = h1;
      h1 = w;
    }
    let base = prefix[j + future] - prefix[i0];
    if (future < 2) {
      s += lm.logProb(lm.eos, h1, h2);
      base += endBase;
    }
    return s - base;
  };

  const wLm = weights[F.lm];
  const startingAt: Edge[][] = new Array(n);
  const endingAt: Edge[][] = Array.from({ length: n + 1 }, () => []);
  const contiguous = (p: number) =>
    p + 1 < n && positions[p + 1] === positions[p] + 1 && allTokens[positions[p + 1]].kind === 'word';

  for (let p = 0; p < n; p++) {
    const tok = allTokens[positions[p]];
    const capMid = tok.caps !== 'lower' && !tok.sentenceStart ? 1 : 0;
    const keepPhi = source.keepFeatures(tok.norm);
    const keepScore0 = staticScore(weights, keepPhi);
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
      keep.phi = Float32Array.from(keepPhi);
      keep.phi[F['keep.capMid']] = capMid;
      keep.phi[F['keep.docRepeat']] = docRepeat;
    }
    const subs: Edge[] = [];
    // Abbreviations ("Mr.", "U.S.") are not spinner material.
    if (!ctx.protect.has(tok.norm) && !tok.norm.includes('.')) {
      const norms: string[] = [];
      for (let L = 1; L <= MAX_SPAN && p + L <= n; L++) {
        const t = allTokens[positions[p + L - 1]];
        if (L > 1 && !contiguous(p + L - 2)) break;
        if (L > 1 && (ctx.protect.has(t.norm) || t.norm.includes('.'))) break;
        if (t.kind !== 'word' && !(L === 1 && t.kind === 'number')) break;
        norms.push(t.norm);
        const templates = source.forSpan(norms, t.kind === 'number');
        for (const tpl of templates) {
          const docHas = ctx.vocabulary.has(tpl.lemma) ? 1 : 0;
          const score =
            tpl.score + weights[F['sub.docHasOriginal']] * docHas + weights[F['sub.capMid']] * capMid;
          const edge: Edge = {
            start: p,
            end: p + L,
            words: tpl.lmIds,
            template: tpl,
            kind: tpl.kind,
            score,
            lmGain: lmGain(p, p + L, tpl.lmIds),
            endSlot: 0,
            index: 0,
          };
          if (options.training) {
            edge.phi = Float32Array.from(tpl.phi!);
            edge.phi[F['sub.docHasOriginal']] = docHas;
            edge.phi[F['sub.capMid']] = capMid;
            edge.phi[F.lm] = edge.lmGain;
          }
          subs.push(edge);
        }
      }
    }
    startingAt[p] = [keep, ...(options.training ? subs : prune(subs, keepScore, wLm, options))];
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

/** Keep the best few substitutions by local score, none if even the best is implausible here. */
function prune(subs: Edge[], keepScore: number, wLm: number, options: LatticeOptions): Edge[] {
  if (subs.length === 0) return subs;
  const local = (e: Edge) => e.score + wLm * e.lmGain;
  subs.sort((a, b) => local(b) - local(a));
  // Local posterior of the best substitution against keep and all the others (log-sum-exp).
  const best = local(subs[0]);
  let z = Math.exp(keepScore - best);
  for (const e of subs) z += Math.exp(local(e) - best);
  if (1 / z < options.minLocalPosterior) return [];
  return subs.length > options.perPosition ? subs.slice(0, options.perPosition) : subs;
}
