/**
 * From decoded lattices to findings: where the posterior says a span was substituted, report the
 * span, its most probable originals and the calibrated probability that it was substituted.
 */

import type { Finding, Suggestion, Token } from '../types.js';
import { KIND_NAMES } from './candidates.js';
import { type Decoded, windowReadings } from './decode.js';
import type { Edge, Lattice } from './lattice.js';

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
  // The heaviest span first; overlapping reportable spans join it into one stretch, so a phrase reading
  // ("breast cancer" over "bosom disease") and the word readings it overlaps ("heart") are ranked together.
  const ordered = [...spans.values()].filter((s) => s.mass >= REPORT_FLOOR).sort((a, b) => b.mass - a.mass);
  const covered = new Uint8Array(n);
  const windows: Array<{ start: number; end: number; mass: number }> = [];
  for (const s of ordered) {
    if (isCovered(covered, s.start, s.end)) continue;
    const w = { start: s.start, end: s.end, mass: s.mass };
    for (let grown = true; grown; ) {
      grown = false;
      for (const t of ordered) {
        if (t.start >= w.end || t.end <= w.start || (t.start >= w.start && t.end <= w.end)) continue;
        if (isCovered(covered, t.start, t.end)) continue;
        w.start = Math.min(w.start, t.start);
        w.end = Math.max(w.end, t.end);
        grown = true;
      }
    }
    covered.fill(1, w.start, w.end);
    windows.push(w);
  }
  windows.sort((a, b) => a.start - b.start);
  const out: Finding[] = [];
  for (const w of windows) {
    const start = tokens[lattice.tokens[w.start]].start;
    const end = tokens[lattice.tokens[w.end - 1]].end;
    const observed = text.slice(start, end);
    const bySurface = new Map<string, { mass: number; kind: number }>();
    for (const r of windowReadings(lattice, decoded, w.start, w.end)) {
      const changed = r.edges.find((e) => e.template !== null);
      if (!changed) continue;
      const surface = readingText(text, tokens, lattice, r.edges);
      const prev = bySurface.get(surface);
      bySurface.set(surface, { mass: r.probability + (prev?.mass ?? 0), kind: prev?.kind ?? changed.kind });
    }
    const ranked = [...bySurface.entries()].sort((a, b) => b[1].mass - a[1].mass);
    const suggestions: Suggestion[] = ranked.slice(0, MAX_SUGGESTIONS).map(([surface, v]) => ({
      text: surface,
      probability: v.mass,
    }));
    // Probability that something here was substituted: the most substituted position of the stretch
    // (its mass can be split among overlapping readings, so one span's own mass would understate it).
    let pSub = w.mass;
    for (let q = w.start; q < w.end; q++) pSub = Math.max(pSub, sub[q]);
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

function isCovered(covered: Uint8Array, start: number, end: number): boolean {
  for (let q = start; q < end; q++) if (covered[q]) return true;
  return false;
}

/**
 * The text of a reading of a stretch: each substituted span's original in the observed span's case, each
 * kept word as written, and the text between spans (spaces, hyphens) as it is in the input.
 */
function readingText(
  text: string,
  tokens: readonly Token[],
  lattice: Lattice,
  edges: readonly Edge[],
): string {
  let out = '';
  let prevEnd = -1;
  for (const e of edges) {
    const start = tokens[lattice.tokens[e.start]].start;
    const end = tokens[lattice.tokens[e.end - 1]].end;
    if (prevEnd >= 0) out += text.slice(prevEnd, start);
    const observed = text.slice(start, end);
    out += e.template ? phraseCase(e.template.surface, observed) : observed;
    prevEnd = end;
  }
  return out;
}

/**
 * A phrase original in the observed span's case: word by word when both have as many words (a word the
 * reading keeps stays as written: "restricted Boltzmann" for "limited Boltzmann"), else as a whole.
 */
export function phraseCase(surface: string, observed: string): string {
  const words = surface.split(' ');
  const parts = observed.split(/(\s+)/);
  if (words.length === 1 || parts.length !== 2 * words.length - 1) return matchCase(surface, observed);
  let out = '';
  for (let i = 0; i < words.length; i++) {
    const o = parts[2 * i];
    out += (i > 0 ? parts[2 * i - 1] : '') + (o.toLowerCase() === words[i] ? o : matchCase(words[i], o));
  }
  return out;
}
