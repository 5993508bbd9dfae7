import { describe, expect, it } from 'vitest';
import { bestIndices } from '../src/detect/rank.js';

/** What a stable descending sort of the indices gives, cut to k. */
function bySort(keys: Float64Array, k: number): number[] {
  return [...keys.keys()].sort((a, b) => keys[b] - keys[a]).slice(0, k);
}

describe('bestIndices', () => {
  it('agrees with a stable descending sort cut to k, ties included', () => {
    let seed = 7;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let trial = 0; trial < 300; trial++) {
      const n = Math.floor(next() * 400);
      const distinct = 1 + Math.floor(next() * 30);
      // Few distinct values (many ties), some negative, some infinite.
      const keys = Float64Array.from({ length: n }, () => {
        const v = Math.floor(next() * distinct) - distinct / 2;
        return v === 3 ? Number.NEGATIVE_INFINITY : v / 3;
      });
      for (const k of [1, 5, 88, n, n + 3]) {
        if (k < 1) continue;
        expect([...bestIndices(keys, k)]).toEqual(bySort(keys, k));
      }
    }
  });

  it('handles empty input and a single key', () => {
    expect([...bestIndices(new Float64Array(0), 4)]).toEqual([]);
    expect([...bestIndices(Float64Array.of(2), 1)]).toEqual([0]);
  });
});
