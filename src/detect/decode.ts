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
}

function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * Decode one lattice. `lmWeight` converts log10 LM scores into the same (natural log) units as edge scores.
 */
export function decodeLattice(lattice: Lattice, lm: LanguageModel, lmWeight: number): Decoded {
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
  if (n === 0) return { best: [], posterior: [], keepPosterior: new Float64Array(0) };

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
  const trans = new Float64Array(transOffset[count]);
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
        trans[to] = lmWeight * scoreWords(lm, e.words, lm.bos, -1);
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
        const t = lmWeight * scoreWords(lm, e.words, lastWord(pred), wordBeforeLast(pred));
        trans[to + j] = t;
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
  return { best, posterior, keepPosterior };
}
