import { describe, expect, it } from 'vitest';
import { documentFeatures } from '../src/detect/docscore.js';

/** The features as first written: a sorted copy of every value, the top tenth read from the top. */
function reference(sub: readonly number[], words: number): number[] {
  const n = sub.length;
  if (n === 0) return [0, 0, 0, Math.log10(1 + words)];
  let sum = 0;
  let flagged = 0;
  for (const v of sub) {
    sum += v;
    if (v >= 0.5) flagged++;
  }
  const sorted = [...sub].sort((a, b) => b - a);
  const top = Math.max(1, Math.floor(n / 10));
  let topSum = 0;
  for (let i = 0; i < top; i++) topSum += sorted[i];
  return [sum / n, flagged / n, topSum / top, Math.log10(1 + words)];
}

/** A deterministic generator (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('document features', () => {
  it('match a full sort exactly, bit for bit, on posteriors of every shape', () => {
    const r = rng(7);
    const cases: number[][] = [
      [],
      [0.3],
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.9],
      Array.from({ length: 1000 }, () => r()),
      Array.from({ length: 5000 }, () => r() ** 8), // most values tiny, spread over many exponents
      Array.from({ length: 3000 }, () => (r() < 0.95 ? 0 : r())), // mostly exact zeros
      Array.from({ length: 2000 }, () => Math.round(r() * 4) / 4), // many ties
      Array.from({ length: 777 }, () => (r() < 0.5 ? -0 : 1 - r() * 1e-9)), // -0, and values next to 1
    ];
    for (const c of cases) {
      expect(documentFeatures(c, c.length)).toEqual(reference(c, c.length));
      expect(documentFeatures(Float64Array.from(c), 10)).toEqual(reference(c, 10));
    }
  });

  it('read values given in pieces (a long text keeps its posteriors in chunks)', () => {
    const r = rng(3);
    const parts = [Array.from({ length: 1024 }, () => r()), Array.from({ length: 300 }, () => r())];
    const all = parts.flat();
    const chunked = {
      length: all.length,
      forEach: (fn: (v: number) => void) => {
        for (const p of parts) for (const v of p) fn(v);
      },
    };
    expect(documentFeatures(chunked, 99)).toEqual(reference(all, 99));
  });

  it('fall back to a full sort when a value is negative', () => {
    const c = [0.2, -0.5, 0.9, 0.1, 0.4, 0.3, 0.8, 0.7, 0.6, 0.05];
    const got = documentFeatures(c, c.length);
    expect(got).toEqual(reference(c, c.length));
    expect(got[2]).toBe(0.9);
  });
});
