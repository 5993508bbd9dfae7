/**
 * From decoded lattices to findings: where the posterior says a span was substituted, report the
 * span, its most probable originals and the calibrated probability that it was substituted.
 */

import type { Finding, Suggestion, Token } from '../types.js';
import { KIND_NAMES } from './candidates.js';
import type { Decoded } from './decode.js';
import type { Lattice } from './lattice.js';

/** Positions below this substitution posterior are not reported even at a zero threshold. */
const REPORT_FLOOR = 0.02;
const MAX_SUGGESTIONS = 5;

export interface Calibration {
  a: number;
  b: number;
}

/** Logistic recalibration of a probability: σ(a · logit(p) + b). */
export function calibrate(p: number, c: Calibration): number {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return 1 / (1 + Math.exp(-(c.a * Math.log(q / (1 - q)) + c.b)));
}

/** Fit the observed span's capitalisation onto a suggestion. */
export function matchCase(suggestion: string, observed: string): string {
  const letters = observed.replace(/[^\p{L}]/gu, '');
  if (letters.length > 1 && letters === letters.toUpperCase()) return suggestion.toUpperCase();
  const first = observed.codePointAt(0);
  if (first !== undefined && String.fromCodePoint(first) !== String.fromCodePoint(first).toLowerCase()) {
    return suggestion.charAt(0).toUpperCase() + suggestion.slice(1);
  }
  return suggestion;
}

/** Substitution posterior of each position of a decoded lattice (1 − P(kept)). */
export function substitutionPosteriors(decoded: Decoded): Float64Array {
  const out = new Float64Array(decoded.keepPosterior.length);
  for (let p = 0; p < out.length; p++) out[p] = 1 - decoded.keepPosterior[p];
  return out;
}

/** Findings of one sentence, in text order (confidence not yet thresholded, but calibrated). */
export function sentenceFindings(
  text: string,
  tokens: readonly Token[],
  lattice: Lattice,
  decoded: Decoded,
  calibration: Calibration,
): Finding[] {
  const n = lattice.startingAt.length;
  const sub = substitutionPosteriors(decoded);
  // Substitution mass of each span, then the heaviest spans that do not overlap, in text order.
  const spans = new Map<number, { start: number; end: number; mass: number }>();
  for (let p = 0; p < n; p++) {
    const edges = lattice.startingAt[p];
    for (let k = 1; k < edges.length; k++) {
      const key = p * 8 + (edges[k].end - p);
      const span = spans.get(key) ?? { start: p, end: edges[k].end, mass: 0 };
      span.mass += decoded.posterior[p][k];
      spans.set(key, span);
    }
  }
  const covered = new Uint8Array(n);
  const chosen = [...spans.values()]
    .filter((s) => s.mass >= REPORT_FLOOR)
    .sort((a, b) => b.mass - a.mass)
    .filter((s) => {
      for (let q = s.start; q < s.end; q++) if (covered[q]) return false;
      covered.fill(1, s.start, s.end);
      return true;
    })
    .sort((a, b) => a.start - b.start);
  const out: Finding[] = [];
  for (const best of chosen) {
    const start = tokens[lattice.tokens[best.start]].start;
    const end = tokens[lattice.tokens[best.end - 1]].end;
    const observed = text.slice(start, end);
    const bySurface = new Map<string, { mass: number; kind: number }>();
    const edges = lattice.startingAt[best.start];
    for (let k = 1; k < edges.length; k++) {
      const e = edges[k];
      if (e.end !== best.end || !e.template) continue;
      const prev = bySurface.get(e.template.surface);
      const mass = decoded.posterior[best.start][k] + (prev?.mass ?? 0);
      bySurface.set(e.template.surface, { mass, kind: prev?.kind ?? e.kind });
    }
    const ranked = [...bySurface.entries()].sort((a, b) => b[1].mass - a[1].mass);
    const suggestions: Suggestion[] = ranked.slice(0, MAX_SUGGESTIONS).map(([surface, v]) => ({
      text: matchCase(surface, observed),
      probability: v.mass,
    }));
    // Probability that something here was substituted: the most substituted position of the span
    // (its mass can be split among overlapping readings, so the span's own mass would understate it).
    let pSub = best.mass;
    for (let q = best.start; q < best.end; q++) pSub = Math.max(pSub, sub[q]);
    out.push({
      start,
      end,
      text: observed,
      suggestions,
      confidence: calibrate(pSub, calibration),
      kind: ranked.length > 0 ? KIND_NAMES[ranked[0][1].kind] : 'thesaurus',
    });
  }
  return out;
}
