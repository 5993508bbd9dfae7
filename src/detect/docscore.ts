/**
 * The document score: a calibrated probability that the text was spun, from how much substitution
 * mass the decoder found and how it is spread. A logistic model fitted on simulated spins and clean
 * text (scripts/train-weights.ts), so the score is a probability, not an arbitrary index.
 */

import type { Verdict } from '../types.js';

export interface DocumentModel {
  w: number[];
  b: number;
  thresholds: { suspicious: number; spun: number };
}

/** Names of the document features, in vector order. */
export const DOC_FEATURES = ['meanSub', 'shareFlagged', 'topMean', 'logWords'] as const;

/** Numbers read in order, as often as needed: an array, or a long text's chunked log (detector.ts). */
export interface Values {
  readonly length: number;
  forEach(fn: (value: number) => void): void;
}

/** Summary features of a document's substitution posteriors (one value per word position). */
export function documentFeatures(sub: Values, words: number): number[] {
  const n = sub.length;
  if (n === 0) return [0, 0, 0, Math.log10(1 + words)];
  let sum = 0;
  let flagged = 0;
  sub.forEach((v) => {
    sum += v;
    if (v >= 0.5) flagged++;
  });
  // Mean of the highest tenth: robust to a few noisy positions in a long clean text.
  const top = Math.max(1, Math.floor(n / 10));
  const highest = highestValues(sub, top);
  let topSum = 0;
  for (let i = 0; i < top; i++) topSum += highest[highest.length - 1 - i];
  return [sum / n, flagged / n, topSum / top, Math.log10(1 + words)];
}

const bits = new Float64Array(1);
const bitWords = new Uint32Array(bits.buffer);
/** Index of the high 32 bits of a float64 in `bitWords` (1 on little-endian machines). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * At least the `k` highest of the values, sorted ascending (so the k highest are the last k, read from the
 * end in the same order as a full descending sort). Posteriors are non-negative, and the high 16 bits of a
 * non-negative float64 order it: a histogram over them finds the bucket the k-th highest value is in, and
 * only that bucket and the ones above are copied and sorted, about a tenth of the values where a sorted
 * copy would hold them all (values that are not all non-negative fall back to that copy).
 */
function highestValues(values: Values, k: number): Float64Array {
  const counts = new Uint32Array(1 << 16);
  let ordered = true;
  values.forEach((v) => {
    if (v >= 0) counts[bucketOf(v)]++;
    else ordered = false; // negative or NaN: no bit order to rely on
  });
  if (!ordered) {
    const all: number[] = [];
    values.forEach((v) => {
      all.push(v);
    });
    return Float64Array.from(all).sort();
  }
  let bucket = counts.length - 1;
  let taken = counts[bucket];
  while (taken < k) taken += counts[--bucket];
  const out = new Float64Array(taken);
  let j = 0;
  values.forEach((v) => {
    if (bucketOf(v) >= bucket) out[j++] = v;
  });
  return out.sort();
}

/** The high 16 bits of a non-negative float64 (sign, exponent, 4 mantissa bits): they order such values. */
function bucketOf(v: number): number {
  if (v === 0) return 0; // -0 has the sign bit set
  bits[0] = v;
  return bitWords[HIGH] >>> 16;
}

export function documentScore(features: readonly number[], model: DocumentModel): number {
  let z = model.b;
  for (let i = 0; i < features.length; i++) z += (model.w[i] ?? 0) * features[i];
  return 1 / (1 + Math.exp(-z));
}

/** Verdict thresholds are documented in README.md: below `suspicious` clean, from `spun` up spun. */
export function verdictFor(score: number, model: DocumentModel): Verdict {
  if (score >= model.thresholds.spun) return 'spun';
  if (score >= model.thresholds.suspicious) return 'suspicious';
  return 'clean';
}
