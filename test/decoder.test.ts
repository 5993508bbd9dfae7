import { describe, expect, it } from 'vitest';
import { decodeLattice, windowReadings } from '../src/detect/decode.js';
import { Detector } from '../src/detect/detector.js';
import { defaultWeights, F } from '../src/detect/features.js';
import { phraseCase } from '../src/detect/findings.js';
import { docRateFeature, RATE_REFERENCE, shiftKeepScores } from '../src/detect/lattice.js';
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

  it('scores joint readings of a stretch that agree with the edge posteriors', () => {
    const d = detector();
    const a = d.analyse('The authorities stated.');
    const { lattice } = a.sentences[0];
    const dec = decodeLattice(lattice, lm, defaultWeights().w[0]);
    // One position: its readings are its edges, with their posteriors.
    const one = windowReadings(lattice, dec, 1, 2);
    expect(one.map((r) => r.probability).sort()).toEqual(
      [...dec.posterior[1]].filter((p) => p >= 1e-3).sort(),
    );
    // Two positions with no phrase edge: the joint readings cover the mass, heaviest first.
    const two = windowReadings(lattice, dec, 1, 3);
    expect(two.reduce((x, r) => x + r.probability, 0)).toBeCloseTo(1, 2);
    for (let i = 1; i < two.length; i++)
      expect(two[i - 1].probability).toBeGreaterThanOrEqual(two[i].probability);
    expect(two[0].edges.map((e) => e.template?.surface)).toEqual(['officials', 'announced']);
  });

  it('ranks a phrase reading and the word readings it overlaps in one finding', () => {
    const lm2 = toyLm(
      { please: -3, take: -3, a: -1, seat: -4, chair: -4, sit: -3, down: -2 },
      {
        '<s> please': -1,
        'please sit': -0.5,
        'sit down': -0.3,
        'down </s>': -0.3,
        'please take': -1,
        'take a': -0.5,
        'a chair': -0.4,
        'chair </s>': -0.3,
      },
    );
    const lex2 = toyLexicon({ 'sit down': ['take a seat'], chair: ['seat'] });
    const r = new Detector(lm2, lex2, toyMorph, defaultWeights()).check('Please take a seat', {
      minConfidence: 0.1,
    });
    expect(r.findings.map((f) => f.text)).toEqual(['take a seat']);
    const texts = r.findings[0].suggestions.map((s) => s.text);
    expect(texts).toContain('sit down');
    expect(texts).toContain('take a chair');
    const total = r.findings[0].suggestions.reduce((x, s) => x + s.probability, 0);
    expect(total).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('puts a phrase original in the observed case word by word', () => {
    expect(phraseCase('restricted boltzmann', 'limited Boltzmann')).toBe('restricted Boltzmann');
    expect(phraseCase('breast cancer', 'Bosom disease')).toBe('Breast cancer');
    expect(phraseCase('support vector machine', 'Bolster Vector Machine')).toBe('Support Vector Machine');
    expect(phraseCase('sit down', 'TAKE A SEAT')).toBe('SIT DOWN');
    expect(phraseCase('sit down', 'take a seat')).toBe('sit down');
  });

  it('shifts keep scores as if the lattice had been built with them', () => {
    const a = detector().analyse('Please take a seat');
    const { lattice } = a.sentences[0];
    const before = lattice.startingAt.map((edges) => edges.map((e) => e.score));
    shiftKeepScores(lattice, -0.7);
    lattice.startingAt.forEach((edges, p) => {
      expect(edges[0].score).toBeCloseTo(before[p][0] - 0.7, 12);
      for (let k = 1; k < edges.length; k++) {
        const covered = edges[k].end - edges[k].start;
        expect(edges[k].score).toBeCloseTo(before[p][k] - 0.7 * (covered - 1), 12);
      }
    });
    expect(lattice.startingAt.some((edges) => edges.some((e) => e.end - e.start > 1))).toBe(true);
  });

  it('decodes a second pass from the first pass’s transitions without asking the model again', () => {
    const { lattice } = detector().analyse('Please take a seat, the authorities stated.').sentences[0];
    const first = decodeLattice(lattice, lm, defaultWeights().w[0]);
    shiftKeepScores(lattice, 0.4);
    const fresh = decodeLattice(lattice, lm, defaultWeights().w[0]);
    let queries = 0;
    const counting = Object.create(lm, {
      logProb: {
        value: (w: number, h1: number, h2: number) => {
          queries++;
          return lm.logProb(w, h1, h2);
        },
      },
    });
    const reused = decodeLattice(lattice, counting, defaultWeights().w[0], first.chain.trans);
    expect(reused.posterior).toEqual(fresh.posterior);
    expect(reused.best).toEqual(fresh.best);
    expect(reused.chain.logZ).toBe(fresh.chain.logZ);
    // Only the sentence-end transitions are asked for again.
    expect(queries).toBe(lattice.endingAt[lattice.startingAt.length].length);
    expect(() => decodeLattice(lattice, lm, 1, new Float64Array(1))).toThrow(/transitions/);
  });

  it('flags more in a text that reads as spun when the fitted docRate weight says so', () => {
    const weights = defaultWeights();
    weights.w[F.keep] = 6; // a strong prior for keeping, so the rate has room to matter
    const plain = new Detector(lm, lexicon, toyMorph, weights);
    const adapted = new Detector(lm, lexicon, toyMorph, { ...weights, w: weights.w.slice() });
    // Keeping a word costs ln(rate) less than before: the same as `plain` for a text whose rate is 1%,
    // less likely to keep in one that reads as more spun than that.
    adapted.weights.w[F['keep.docRate']] = -1;
    adapted.weights.w[F.keep] = 6 + Math.log(0.01 / RATE_REFERENCE);
    const spun = 'The authorities stated.';
    const conf = (d: Detector) => d.decode(spun).findings.reduce((m, f) => Math.max(m, f.confidence), 0);
    expect(conf(adapted)).toBeGreaterThan(conf(plain));
    // The document features come from the first pass, whatever the weight.
    const firstPass = new Detector(lm, lexicon, toyMorph, { ...weights, w: adapted.weights.w.slice() });
    firstPass.weights.w[F['keep.docRate']] = 0;
    expect(adapted.decode(spun).documentFeatures).toEqual(firstPass.decode(spun).documentFeatures);
    expect(adapted.check('The officials announced.', { minConfidence: 0.5 }).findings).toEqual([]);
    expect(docRateFeature(0)).toBe(Math.log(1e-3 / RATE_REFERENCE));
    expect(docRateFeature(RATE_REFERENCE)).toBe(0);
  });
});
