/**
 * Chain decoding of a sentence lattice: Viterbi for the best reading, forward-backward for the
 * posterior of every edge. The chain is first order over edges: an edge's language-model score is
 * taken given its predecessor's last word and, when the predecessor is a single word, the observed
 * word before that (an approximation that keeps the cost at |in-edges| × |out-edges| per position).
 */

import type { LanguageModel } from '../lm/types.js';
import { type Edge, type Lattice, scoreWords } from './lattice.js';

export interface Decoded {
  /** The best reading: one edge per covered stretch, in order. */
  best: Edge[];
  /** Posterior of each edge, by start position, parallel to `lattice.startingAt`. */
  posterior: Float64Array[];
  /** Posterior that position p is read as observed (its keep edge). */
  keepPosterior: Float64Array;
  /** Forward-backward state, kept so `windowReadings` can score joint readings of a stretch. */
  chain: ChainState;
}

/** Forward and backward log scores by edge index, transitions by (edge, predecessor slot), log partition. */
interface ChainState {
  alpha: Float64Array;
  beta: Float64Array;
  trans: Float64Array;
  transOffset: Int32Array;
  logZ: number;
}

/** One way to read a stretch of positions: the edges that tile it, and its posterior probability. */
export interface Reading {
  edges: Edge[];
  probability: number;
}

/** Edges below this posterior are left out of joint readings (their readings are lighter still). */
const READING_EDGE_FLOOR = 1e-3;
/** Most partial readings followed while enumerating the readings of a stretch. */
const MAX_READINGS = 256;

/**
 * The readings of positions [lo, hi) with their joint posterior: every chain of edges that starts at lo and
 * ends at hi (edges crossing either end are not readings of the stretch), probability from the forward
 * score into its first edge, the transitions and edge scores inside, and the backward score out of its
 * last. A phrase reading ("breast cancer" over "bosom disease") and word-by-word ones ("heart" then the
 * kept "disease") thus compete on the same stretch. Heaviest first.
 */
export function windowReadings(lattice: Lattice, decoded: Decoded, lo: number, hi: number): Reading[] {
  const { startingAt } = lattice;
  const { alpha, beta, trans, transOffset, logZ } = decoded.chain;
  const out: Reading[] = [];
  let followed = 0;
  const walk = (edges: Edge[], log: number): void => {
    const last = edges[edges.length - 1];
    if (last.end === hi) {
      out.push({ edges: edges.slice(), probability: Math.exp(log + beta[last.index] - logZ) });
      return;
    }
    const next = startingAt[last.end];
    for (let k = 0; k < next.length; k++) {
      const e = next[k];
      if (e.end > hi || decoded.posterior[last.end][k] < READING_EDGE_FLOOR) continue;
      if (++followed > MAX_READINGS) return;
      edges.push(e);
      walk(edges, log + trans[transOffset[e.index] + last.endSlot] + e.score);
      edges.pop();
    }
  };
  const first = startingAt[lo];
  for (let k = 0; k < first.length; k++) {
    const e = first[k];
    if (e.end > hi || decoded.posterior[lo][k] < READING_EDGE_FLOOR) continue;
    if (++followed > MAX_READINGS) break;
    walk([e], alpha[e.index]);
  }
  return out.sort((a, b) => b.probability - a.probability);
}

function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * Decode one lattice. `lmWeight` converts log10 LM scores into the same (natural log) units as edge scores.
 * `transitions` are the `chain.trans` of an earlier decoding of the same lattice with the same model and
 * weight: they depend on the edges' words only, so a pass that changed nothing but edge scores reuses them
 * instead of asking the language model again (about a fifth of its queries).
 */
export function decodeLattice(
  lattice: Lattice,
  lm: LanguageModel,
  lmWeight: number,
  transitions?: Float64Array,
): Decoded {
  const { startingAt, endingAt, stream, streamStart } = lattice;
  const n = startingAt.length;
  // Number the edges so scores live in flat typed arrays.
  let count = 0;
  const offset = new Int32Array(n + 1);
  for (let p = 0; p < n; p++) {
    offset[p] = count;
    for (const e of startingAt[p]) e.index = count++;
  }
  offset[n] = count;
  if (n === 0) {
    const none = new Float64Array(0);
    return {
      best: [],
      posterior: [],
      keepPosterior: none,
      chain: { alpha: none, beta: none, trans: none, transOffset: new Int32Array(1), logZ: 0 },
    };
  }

  // Transition scores, stored per (edge, predecessor slot); predecessors of an edge starting at p are endingAt[p].
  const transOffset = new Int32Array(count + 1);
  {
    let t = 0;
    for (let p = 0; p < n; p++) {
      const preds = p === 0 ? 1 : endingAt[p].length;
      for (let k = 0; k < startingAt[p].length; k++) {
        transOffset[offset[p] + k] = t;
        t += preds;
      }
    }
    transOffset[count] = t;
  }
  if (transitions && transitions.length !== transOffset[count]) {
    throw new RangeError('decodeLattice: the transitions are not this lattice’s');
  }
  const known = transitions !== undefined;
  const trans = transitions ?? new Float64Array(transOffset[count]);
  const alpha = new Float64Array(count);
  const delta = new Float64Array(count);
  const back = new Int32Array(count).fill(-1);
  const edgeIndex: Edge[] = new Array(count);

  // The two words before an edge's successor: the edge's own last words, padded from the observed stream
  // before it. Two functions rather than a tuple: this runs once per transition.
  const observedBefore = (pred: Edge, back: number): number => {
    const i = streamStart[pred.start] - back;
    return i >= 0 ? stream[i] : i === -1 ? lm.bos : -1;
  };
  const lastWord = (pred: Edge): number => {
    const w = pred.words;
    return w.length > 0 ? w[w.length - 1] : observedBefore(pred, 1);
  };
  const wordBeforeLast = (pred: Edge): number => {
    const w = pred.words;
    return w.length >= 2 ? w[w.length - 2] : observedBefore(pred, 2 - w.length);
  };

  for (let p = 0; p < n; p++) {
    const preds = endingAt[p];
    for (let k = 0; k < startingAt[p].length; k++) {
      const e = startingAt[p][k];
      const ei = offset[p] + k;
      edgeIndex[ei] = e;
      const to = transOffset[ei];
      if (p === 0) {
        if (!known) trans[to] = lmWeight * scoreWords(lm, e.words, lm.bos, -1);
        alpha[ei] = e.score + trans[to];
        delta[ei] = alpha[ei];
        continue;
      }
      let a = Number.NEGATIVE_INFINITY;
      let d = Number.NEGATIVE_INFINITY;
      let arg = -1;
      for (let j = 0; j < preds.length; j++) {
        const pred = preds[j];
        const pi = pred.index;
        let t: number;
        if (known) t = trans[to + j];
        else {
          t = lmWeight * scoreWords(lm, e.words, lastWord(pred), wordBeforeLast(pred));
          trans[to + j] = t;
        }
        a = logAddExp(a, alpha[pi] + t);
        if (delta[pi] + t > d) {
          d = delta[pi] + t;
          arg = pi;
        }
      }
      alpha[ei] = e.score + a;
      delta[ei] = e.score + d;
      back[ei] = arg;
    }
  }

  // Sentence end.
  const beta = new Float64Array(count).fill(Number.NEGATIVE_INFINITY);
  let z = Number.NEGATIVE_INFINITY;
  let bestEnd = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const e of endingAt[n]) {
    const ei = e.index;
    const t = lmWeight * lm.logProb(lm.eos, lastWord(e), wordBeforeLast(e));
    beta[ei] = t;
    z = logAddExp(z, alpha[ei] + t);
    if (delta[ei] + t > bestScore) {
      bestScore = delta[ei] + t;
      bestEnd = ei;
    }
  }
  // Backward, in decreasing start order: successors of an edge start at its end, which is later.
  for (let p = n - 1; p >= 0; p--) {
    for (let k = 0; k < startingAt[p].length; k++) {
      const e = startingAt[p][k];
      if (e.end === n) continue;
      const ei = offset[p] + k;
      let b = Number.NEGATIVE_INFINITY;
      const succs = startingAt[e.end];
      for (let s = 0; s < succs.length; s++) {
        const si = offset[e.end] + s;
        b = logAddExp(b, trans[transOffset[si] + e.endSlot] + succs[s].score + beta[si]);
      }
      beta[ei] = b;
    }
  }

  const posterior: Float64Array[] = new Array(n);
  const keepPosterior = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const post = new Float64Array(startingAt[p].length);
    for (let k = 0; k < post.length; k++) {
      const ei = offset[p] + k;
      post[k] = Math.exp(alpha[ei] + beta[ei] - z);
    }
    posterior[p] = post;
  }
  // A position is kept when no edge covering it substitutes; sum the substituting mass over covering edges.
  const subMass = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    for (let k = 1; k < startingAt[p].length; k++) {
      const e = startingAt[p][k];
      for (let q = e.start; q < e.end; q++) subMass[q] += posterior[p][k];
    }
  }
  for (let p = 0; p < n; p++) keepPosterior[p] = Math.max(0, 1 - subMass[p]);

  const best: Edge[] = [];
  for (let ei = bestEnd; ei >= 0; ei = back[ei]) best.push(edgeIndex[ei]);
  best.reverse();
  return { best, posterior, keepPosterior, chain: { alpha, beta, trans, transOffset, logZ: z } };
}
