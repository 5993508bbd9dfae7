import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/engine.js';

// The candidate builder caches per word, per lemma and per lexicon entry (ranking keys, term reach); what a
// word gets must not depend on which words, or which other forms of its lemma, were built before it.
describe('candidate caches', () => {
  const words = [
    'specialists',
    'specialist',
    'charges',
    'charged',
    'charge',
    'authorities',
    'organizations',
    'organization',
    'highlights',
    'stated',
  ];
  const phrases = ['neural organizations', 'neural organization', 'bosom disease', 'arbitrary timberland'];

  it('gives every word and phrase the same candidates in any build order', () => {
    const forward = createEngine().detector.source;
    const backward = createEngine().detector.source;
    const spans = [...words.map((w) => [w]), ...phrases.map((p) => p.split(' '))];
    const a = spans.map((s) => forward.forSpan(s));
    const b = [...spans].reverse().map((s) => backward.forSpan(s));
    b.reverse();
    expect(a).toEqual(b);
    expect(a.every((list, i) => list.length > 0 || i >= words.length)).toBe(true);
  });
});
