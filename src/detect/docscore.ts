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

/** Summary features of a document's substitution posteriors (one value per word position). */
export function documentFeatures(sub: ArrayLike<number>, words: number): number[] {
  const n = sub.length;
  if (n === 0) return [0, 0, 0, Math.log10(1 + words)];
  let sum = 0;
  let flagged = 0;
  // Ascending in a typed array (numeric sort, 8 bytes a value), read from the end: the same values in the
  // same (descending) order as sorting a copy descending, at a fraction of the cost for a long text.
  const sorted = Float64Array.from(sub).sort();
  for (let i = 0; i < n; i++) {
    sum += sub[i];
    if (sub[i] >= 0.5) flagged++;
  }
  // Mean of the highest tenth: robust to a few noisy positions in a long clean text.
  const top = Math.max(1, Math.floor(n / 10));
  let topSum = 0;
  for (let i = 0; i < top; i++) topSum += sorted[n - 1 - i];
  return [sum / n, flagged / n, topSum / top, Math.log10(1 + words)];
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
