/**
 * Collocations mined from a language model's bigrams, and the candidates they give: a pair whose words a
 * spinner replaced together ("fluffy rationale") is read as the collocation it came from.
 */
import { describe, expect, it } from 'vitest';
import { CandidateSource, KIND } from '../src/detect/candidates.js';
import { defaultWeights, F } from '../src/detect/features.js';
import { checkWeights, createEngine } from '../src/engine.js';
import {
  buildCollocations,
  collocationsOf,
  MIN_ASSOCIATION,
  MIN_CONDITIONAL,
} from '../src/lm/collocations.js';
import { InterpolatedModel } from '../src/lm/combine.js';
import { loadDefaultModel } from '../src/lm/index.js';
import { toyLexicon, toyLm, toyMorph } from './helpers/toy-models.js';

const lm = toyLm(
  { fuzzy: -4, logic: -4, fluffy: -5, rationale: -5, reason: -3.5, soft: -3.5, the: -1, uses: -3, it: -2 },
  {
    'fuzzy logic': -0.5, // association 3.5: a collocation
    'soft logic': -3.8, // association 0.2: below the floor
    'the reason': -2, // association 1.5
    'it uses': -4.5, // conditional below MIN_CONDITIONAL
    '<s> it': -1,
    'uses fuzzy': -2.5,
    'logic </s>': -1,
  },
);

describe('collocation index', () => {
  it('keeps bigrams associated beyond the floors, with their association', () => {
    const c = buildCollocations(lm);
    const id = (w: string) => lm.id(w);
    expect(c.association(id('fuzzy'), id('logic'))).toBeCloseTo(3.5, 1);
    expect(c.association(id('the'), id('reason'))).toBeCloseTo(1.5, 1);
    expect(c.association(id('soft'), id('logic'))).toBeNaN();
    expect(c.association(id('it'), id('uses'))).toBeNaN();
    expect(c.association(id('logic'), id('fuzzy'))).toBeNaN(); // order matters
    expect(c.association(lm.bos, id('it'))).toBeNaN(); // sentence boundaries are not collocations
    expect(c.countAfter(id('fuzzy'))).toBe(1);
    const after: string[] = [];
    c.forEachAfter(id('uses'), (b) => after.push(lm.word(b)));
    expect(after).toEqual(['fuzzy']);
  });

  it('agrees with a direct reading of every bigram of the shipped general model', () => {
    const model = loadDefaultModel();
    const c = buildCollocations(model);
    let checked = 0;
    let kept = 0;
    model.forEachBigram?.((a, b, logProb) => {
      // Every 97th bigram: enough to cover all rows' shapes without making the test slow.
      if (checked++ % 97 !== 0) return;
      const association = logProb - model.unigram(b);
      const expected =
        logProb >= MIN_CONDITIONAL && association >= MIN_ASSOCIATION && a !== model.bos && b !== model.eos;
      const got = c.association(a, b);
      if (expected) {
        kept++;
        expect(Math.abs(got - association)).toBeLessThanOrEqual(1 / 64 + 1e-6);
      } else expect(got).toBeNaN();
    });
    expect(kept).toBeGreaterThan(1000);
    // Rows are sorted by second word (association() relies on it) and their sizes add up.
    let total = 0;
    for (let a = 0; a < model.vocabSize; a += 13) {
      let prev = -1;
      c.forEachAfter(a, (b) => {
        expect(b).toBeGreaterThan(prev);
        prev = b;
        total++;
      });
    }
    expect(total).toBeGreaterThan(0);
  });

  it('merges the parts of an interpolation, keeping the strongest association of a shared pair', () => {
    const other = toyLm({ fuzzy: -4, logic: -4, control: -4 }, { 'fuzzy logic': -1, 'fuzzy control': -1 });
    const mix = new InterpolatedModel([lm, other]);
    const c = buildCollocations(mix);
    expect(c.association(mix.id('fuzzy'), mix.id('logic'))).toBeCloseTo(3.5, 1);
    expect(c.association(mix.id('fuzzy'), mix.id('control'))).toBeCloseTo(3, 1);
    expect(c.countAfter(mix.id('fuzzy'))).toBe(2);
  });

  it('is built once per model, on first use', () => {
    expect(collocationsOf(lm)).toBe(collocationsOf(lm));
  });
});

describe('collocation candidates', () => {
  const lexicon = toyLexicon({ fuzzy: ['fluffy', 'soft'], logic: ['rationale', 'reason'] });
  const source = () => {
    const s = new CandidateSource(lm, lexicon, toyMorph, defaultWeights().w, { maxPerSpan: 40 });
    s.useCollocations(buildCollocations(lm));
    return s;
  };
  const collocations = (s: CandidateSource, phrase: string) =>
    s
      .forSpan(phrase.split(' '))
      .filter((t) => t.kind === KIND.collocation)
      .map((t) => t.surface);

  it('reads a pair whose words were both replaced as the collocation', () => {
    expect(collocations(source(), 'fluffy rationale')).toEqual(['fuzzy logic']);
    expect(collocations(source(), 'fuzzy rationale')).toEqual(['fuzzy logic']);
  });

  it('proposes nothing for a pair that is itself a collocation, or once turned off', () => {
    expect(collocations(source(), 'fuzzy logic')).toEqual([]);
    const s = source();
    s.useCollocations(undefined);
    expect(collocations(s, 'fluffy rationale')).toEqual([]);
  });

  it('carries the association as a feature of the reading', () => {
    const s = new CandidateSource(lm, lexicon, toyMorph, defaultWeights().w, {
      maxPerSpan: 40,
      features: true,
    });
    s.useCollocations(buildCollocations(lm));
    const t = s.forSpan(['fluffy', 'rationale']).find((x) => x.kind === KIND.collocation);
    expect(t?.phi?.[F['kind.collocation']]).toBe(1);
    expect(t?.phi?.[F['sub.association']]).toBeCloseTo(3.5, 1);
    const word = s.forSpan(['rationale']).find((x) => x.surface === 'logic');
    expect(word?.phi?.[F['kind.collocation']]).toBe(0);
    expect(word?.phi?.[F['sub.association']]).toBe(0);
  });

  it('finds collocations of the shipped models for a pair of swapped words', () => {
    const engine = createEngine({ technical: false, collocations: true });
    const surfaces = engine.detector.source
      .forSpan(['quick', 'food'])
      .filter((t) => t.kind === KIND.collocation)
      .map((t) => t.surface);
    expect(surfaces).toContain('fast food');
    // Off unless asked for.
    const plain = createEngine({ technical: false }).detector.source.forSpan(['quick', 'food']);
    expect(plain.some((t) => t.kind === KIND.collocation)).toBe(false);
  });
});

describe('weights fitted before the collocation features', () => {
  it('give the appended features weight 0 instead of NaN scores', () => {
    const full = defaultWeights();
    const old = { ...full, w: full.w.slice(0, F['kind.collocation']) };
    const padded = checkWeights(old);
    expect(padded.w).toHaveLength(full.w.length);
    expect(padded.w.slice(F['kind.collocation'])).toEqual(
      new Array(full.w.length - F['kind.collocation']).fill(0),
    );
    expect(old.w).toHaveLength(F['kind.collocation']); // the caller's object is left alone
    const text = 'The city authorities stated on Monday that the bridge would reopen.';
    const r = createEngine({ technical: false, weights: old }).check(text);
    expect(Number.isFinite(r.score)).toBe(true);
  });

  it('reject weights that do not fit this version with BAD_MODEL', () => {
    const full = defaultWeights();
    for (const bad of [
      { ...full, w: [...full.w, 1] },
      { ...full, w: full.w.map((x, i) => (i === 3 ? Number.NaN : x)) },
      { ...full, version: 2 },
    ]) {
      expect(() => checkWeights(bad as typeof full)).toThrow(/do not match this version/);
    }
  });
});

describe('the command line', () => {
  it('turns the channel on with --collocations (configureEngine)', async () => {
    const cli = await import('../src/cli/engine.js');
    const pairs = async () =>
      (await cli.getEngine()).detector.source
        .forSpan(['quick', 'food'])
        .filter((t) => t.kind === KIND.collocation)
        .map((t) => t.surface);
    cli.configureEngine({ technical: false, collocations: true });
    expect(await pairs()).toContain('fast food');
  });
});
