import { describe, expect, it } from 'vitest';
import { decodeLattice } from '../src/detect/decode.js';
import { Detector } from '../src/detect/detector.js';
import { defaultWeights, F } from '../src/detect/features.js';
import { toyLexicon, toyLm, toyMorph } from './helpers/toy-models.js';

// A world where "the officials announced" is fluent and "the authorities stated" is not.
const lm = toyLm(
  {
    the: -1,
    officials: -3,
    authorities: -3,
    announced: -3,
    stated: -3,
    two: -3,
    years: -3,
    sit: -3,
    down: -2,
    take: -3,
    a: -1,
    seat: -4,
    please: -3,
    cops: -4,
  },
  {
    'the officials': -1,
    'officials announced': -0.5,
    'announced </s>': -0.3,
    'two years': -0.5,
    '<s> two': -1,
    'years </s>': -0.3,
    'please sit': -0.5,
    'sit down': -0.3,
    'down </s>': -0.3,
    '<s> please': -1,
  },
);
const lexicon = toyLexicon({
  official: ['authority', 'officer'],
  announce: ['state', 'declare'],
  'sit down': ['take a seat'],
});
const detector = () => new Detector(lm, lexicon, toyMorph, defaultWeights());

describe('decoder on hand-made cases', () => {
  it('restores substituted words with their inflection and exact offsets', () => {
    const text = 'The authorities stated.';
    const r = detector().check(text, { minConfidence: 0.5 });
    expect(r.findings.map((f) => [f.start, f.end, f.text, f.suggestions[0].text])).toEqual([
      [4, 15, 'authorities', 'officials'],
      [16, 22, 'stated', 'announced'],
    ]);
    for (const f of r.findings) {
      expect(text.slice(f.start, f.end)).toBe(f.text);
      expect(f.confidence).toBeGreaterThan(0.9);
      expect(f.suggestions[0].probability).toBeGreaterThan(0.5);
    }
  });

  it('leaves fluent text alone', () => {
    const r = detector().check('The officials announced.', { minConfidence: 0.5 });
    expect(r.findings).toEqual([]);
  });

  it('reads a multiword span as one original phrase', () => {
    const r = detector().check('Please take a seat', { minConfidence: 0.5 });
    expect(r.findings.map((f) => [f.text, f.suggestions[0].text])).toEqual([['take a seat', 'sit down']]);
  });

  it('offers number words for digits when the channel says digits are often spun', () => {
    const weights = defaultWeights();
    weights.w[F['kind.number']] = 5;
    const r = new Detector(lm, lexicon, toyMorph, weights).check('2 years', { minConfidence: 0.5 });
    const f = r.findings.find((x) => x.text === '2');
    expect(f?.suggestions[0].text).toBe('two');
  });

  it('gives posteriors that sum to one at every position', () => {
    const d = detector();
    const a = d.analyse('The authorities stated.');
    for (const s of a.sentences) {
      const dec = decodeLattice(s.lattice, lm, defaultWeights().w[0]);
      for (const post of dec.posterior) {
        const total = post.reduce((x: number, y: number) => x + y, 0);
        expect(total).toBeCloseTo(1, 9);
      }
    }
  });

  it('never flags protected words and uses extra pairs', () => {
    const d = detector();
    expect(d.check('The authorities stated.', { protect: ['Stated'] }).findings.map((f) => f.text)).toEqual([
      'authorities',
    ]);
    expect(d.check('The cops announced.').findings).toEqual([]);
    const r = d.check('The cops announced.', { extraPairs: [{ observed: 'cops', original: 'officials' }] });
    expect(r.findings[0]?.suggestions.map((s) => s.text)).toContain('officials');
  });
});
