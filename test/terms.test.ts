import { describe, expect, it } from 'vitest';
import { mineTerms, segments } from '../scripts/lib/term-mining.js';
import { CandidateSource, KIND, type Morphology } from '../src/detect/candidates.js';
import { Detector } from '../src/detect/detector.js';
import { defaultWeights, F } from '../src/detect/features.js';
import { UnspinError } from '../src/errors.js';
import { formatTerms, parseTerms, type Term, TermIndex, WordSlots } from '../src/lexicon/terms.js';
import { toyLexicon, toyLm, toyMorph } from './helpers/toy-models.js';

const STOP = new Set('the a of and is to in on with we for'.split(' '));

describe('term mining', () => {
  // "random forest" always together; "large model" from frequent words that also occur apart;
  // "forest" seen alone twice; "large" and "model" very often apart.
  const lines = [
    ...Array(12).fill('We fit a random forest to the data.'),
    ...Array(6).fill('A large model, and a large model again.'),
    ...Array(20).fill('The model is large; the model is slow.'),
    ...Array(2).fill('A forest of trees.'),
    ...Array(3).fill('Deep neural network layers, with neural network weights.'),
  ];
  const corpus = function* () {
    for (const l of lines) yield* segments(l);
  };
  const terms = mineTerms(corpus, {
    minCount: 3,
    maxWords: 4,
    minScore: 1,
    maxTerms: 100,
    isStopword: (w) => STOP.has(w),
  });
  const text = terms.map((t) => t.words.join(' '));

  it('splits lines into word segments at punctuation', () => {
    expect(segments('A large model, and a large model again.')).toEqual([
      ['a', 'large', 'model'],
      ['and', 'a', 'large', 'model', 'again'],
    ]);
    expect(segments('x = 2 + y; the fit - quickly')).toEqual([['the', 'fit']]);
  });

  it('ranks a pair that always co-occurs above frequent words that meet by chance', () => {
    expect(text).toContain('random forest');
    expect(text).toContain('large model');
    expect(text.indexOf('random forest')).toBeLessThan(text.indexOf('large model'));
    const rf = terms.find((t) => t.words.join(' ') === 'random forest')!;
    expect(rf.count).toBe(12);
  });

  it('mines longer terms and keeps stopwords and rare n-grams out', () => {
    expect(text).toContain('neural network');
    expect(text).toContain('deep neural network');
    expect(text.some((t) => t.split(' ').some((w) => STOP.has(w)))).toBe(false);
    // "forest trees" never occurs as a run: "of" breaks it.
    expect(text).not.toContain('forest trees');
  });

  it('round-trips through the terms file format and rejects a malformed one', () => {
    const parsed = parseTerms(formatTerms(terms));
    expect(parsed.size).toBe(terms.length);
    expect(parsed.lookup('random forest')).toBeGreaterThanOrEqual(0);
    expect(() => parseTerms('not a terms file\n')).toThrow(UnspinError);
  });
});

const termList = (...texts: string[]): Term[] =>
  texts.map((t) => ({ words: t.split(' '), count: 10, score: 100 }));

describe('term candidates', () => {
  const lm = toyLm(
    {
      neural: -4,
      network: -4,
      networks: -4.2,
      organization: -3.5,
      organizations: -3.7,
      web: -3.5,
      random: -3.5,
      forest: -4,
      arbitrary: -4,
      timberland: -6,
      learn: -3.5,
      the: -1,
      weights: -4,
      cat: -4,
    },
    {
      'neural networks': -0.2,
      'networks learn': -0.3,
      'learn the': -0.5,
      'the weights': -0.5,
      'weights </s>': -0.3,
      '<s> neural': -2,
    },
  );
  const FORWARD = {
    network: ['organization', 'web'],
    random: ['arbitrary'],
    forest: ['timberland', 'woods'],
  };
  const lexicon = toyLexicon(FORWARD);
  const index = new TermIndex(termList('neural network', 'neural networks', 'random forest', 'deep web'));
  const source = (lex = lexicon, morph: Morphology = toyMorph) => {
    const s = new CandidateSource(lm, lex, morph, defaultWeights().w, { maxPerSpan: 40 });
    s.useTerms(index);
    return s;
  };
  const termSurfaces = (s: CandidateSource, phrase: string) =>
    s
      .forSpan(phrase.split(' '))
      .filter((t) => t.kind === KIND.term)
      .map((t) => t.surface);

  it('matches terms word by word through the index', () => {
    const opts = [
      new Map([['neural', 'same']]),
      new Map([
        ['organization', 'same'],
        ['network', 'swap'],
      ]),
    ];
    expect(index.match(opts).map((m) => [index.text(m.term), m.picks])).toEqual([
      ['neural network', ['same', 'swap']],
    ]);
  });

  it('looks words up in compact slots as in a Map, in the same order', () => {
    const words = ['web', 'network', 'organization', 'net', 'forest'];
    const slots = new WordSlots('neural', words);
    const map = new Map<string, number>([
      ['neural', 0],
      ...words.map((w, i): [string, number] => [w, i + 1]),
    ]);
    expect(slots.size).toBe(map.size);
    for (const w of ['neural', ...words, 'nothing', '', 'zzz', 'a']) expect(slots.get(w)).toBe(map.get(w));
    const seen: Array<[number, string]> = [];
    slots.forEach((slot, w) => {
      seen.push([slot, w]);
    });
    expect(seen).toEqual([...map].map(([w, slot]) => [slot, w]));
    const other = new WordSlots('random', ['arbitrary']);
    const viaMaps = index.match([map, new Map([['random', 0]])]);
    expect(index.match([slots, new WordSlots('random', [])])).toEqual(viaMaps);
    expect(index.match([new WordSlots('deep', []), slots]).map((m) => index.text(m.term))).toEqual([
      'deep web',
    ]);
    expect(index.reachCounts(slots)).toEqual(index.reachCounts(map));
    // Slots made by the index look terms up by word id, with the same results and order.
    const termWords = words.filter((w) => index.hasWord(w));
    const indexed = index.slots('neural', termWords);
    for (const w of ['neural', ...words, 'nothing'])
      expect(indexed.get(w)).toBe(
        w === 'neural' ? 0 : termWords.includes(w) ? termWords.indexOf(w) + 1 : undefined,
      );
    expect(indexed.size).toBe(termWords.length + 1);
    expect(() => index.slots('neural', ['organization'])).toThrow(/no term's word/);
    expect(
      index
        .match([indexed, index.slots('random', [])])
        .map((m) => [index.text(m.term), m.picks.map((s) => indexed.wordAt(s))]),
    ).toEqual(viaMaps.map((m) => [index.text(m.term), m.picks.map((s) => slots.wordAt(s))]));
    const asWords = (ms: ReturnType<typeof index.match<number>>, opts: WordSlots[]) =>
      ms.map((m) => [index.text(m.term), m.picks.map((s, p) => opts[p].wordAt(s))]);
    const deep = new WordSlots('deep', ['neural']);
    expect(asWords(index.match([index.slots('deep', ['neural']), indexed]), [deep, indexed])).toEqual(
      asWords(index.match([deep, slots]), [deep, slots]),
    );
    expect(index.match([other, new WordSlots('timberland', ['forest'])]).map((m) => m.picks)).toEqual([
      [0, 1],
    ]);
  });

  it('proposes "neural network" for "neural organization" through the thesaurus', () => {
    const s = source();
    expect(termSurfaces(s, 'neural organization')).toEqual(['neural network']);
    expect(termSurfaces(s, 'arbitrary timberland')).toEqual(['random forest']);
  });

  it('keeps the observed inflection: "neural organizations" → "neural networks"', () => {
    expect(termSurfaces(source(), 'neural organizations')).toEqual(['neural networks']);
  });

  it('proposes nothing when no word differs, or when the observed phrase is itself a term', () => {
    const s = source();
    expect(termSurfaces(s, 'neural cat')).toEqual([]);
    expect(termSurfaces(s, 'neural network')).toEqual([]);
  });

  it('rules out originals that reach no term once per entry and form, with the same candidates', () => {
    // "kitties" and "moggies" could stand for "cats", which no term has: with the morphology's list of
    // inflections the term channel asks about "cat" in the plural once and never inflects it.
    const lex = toyLexicon({ ...FORWARD, cat: ['kitty', 'moggy'] });
    let inflected = 0;
    const counting = {
      analyze: toyMorph.analyze,
      inflectPhrase: (phrase: string, form: string) => {
        inflected++;
        return toyMorph.inflectPhrase(phrase, form);
      },
    };
    const phrases = [
      'neural kitties',
      'neural moggies',
      'kitties web',
      'neural organizations',
      'arbitrary woods',
    ];
    const plain = source(lex, counting);
    const expected = phrases.map((p) => plain.forSpan(p.split(' ')));
    const plainCount = inflected;
    inflected = 0;
    const listed = source(lex, {
      ...counting,
      inflectionsOf: (word: string, form: string) => [toyMorph.inflectPhrase(word, form)],
    });
    expect(phrases.map((p) => listed.forSpan(p.split(' ')))).toEqual(expected);
    expect(expected.some((c) => c.some((t) => t.kind === KIND.term))).toBe(true);
    expect(inflected).toBeLessThan(plainCount);
  });

  it('returns the same candidates whatever was built before (drafts are reused between builds)', () => {
    const fresh = (phrase: string) => source().forSpan(phrase.split(' '));
    const s = source();
    const first = s.forSpan(['neural', 'organization']);
    const copy = JSON.parse(JSON.stringify(first));
    for (const p of [
      'arbitrary timberland',
      'neural organizations',
      'organization',
      'organizations',
      'web',
      'woods',
    ])
      expect(s.forSpan(p.split(' '))).toEqual(fresh(p));
    expect(JSON.parse(JSON.stringify(first))).toEqual(copy);
    expect(first.length).toBeGreaterThan(0);
  });

  it('marks a term reading with the kind.term feature, whose weight moves its score and no other', () => {
    const scored = (termWeight: number) => {
      const w = defaultWeights().w;
      w[F['kind.term']] = termWeight;
      const s = new CandidateSource(lm, lexicon, toyMorph, w, { maxPerSpan: 40, features: true });
      s.useTerms(index);
      return {
        term: s.forSpan(['neural', 'organization']).find((t) => t.kind === KIND.term),
        word: s.forSpan(['organization']).find((t) => t.surface === 'network'),
      };
    };
    const plain = scored(0);
    const favoured = scored(1.5);
    expect(plain.term?.phi?.[F['kind.term']]).toBe(1);
    expect(plain.word?.phi?.[F['kind.term']]).toBe(0);
    expect(favoured.term!.score - plain.term!.score).toBeCloseTo(1.5, 5);
    expect(favoured.word!.score).toBe(plain.word!.score);
  });

  it('weighs the LM gain of a term reading by lm.term on top of lm, and of other readings by lm alone', () => {
    const text = 'Neural organizations learn the weights.';
    const edgesWith = (termWeight: number, training = false) => {
      const weights = defaultWeights();
      weights.w[F['lm.term']] = termWeight;
      const d = new Detector(lm, lexicon, toyMorph, weights, { features: training, minLocalPosterior: 0 });
      d.source.useTerms(index);
      return d.analyse(text, {}, training).sentences[0].lattice.startingAt;
    };
    const plain = edgesWith(0);
    const favoured = edgesWith(0.8);
    let terms = 0;
    plain.forEach((edges, p) => {
      expect(favoured[p].map((e) => e.template?.surface)).toEqual(edges.map((e) => e.template?.surface));
      edges.forEach((e, k) => {
        const f = favoured[p][k];
        expect(f.lmGain).toBe(e.lmGain);
        if (e.kind === KIND.term) {
          terms++;
          expect(f.score - e.score).toBeCloseTo(0.8 * e.lmGain, 10);
        } else expect(f.score).toBe(e.score);
      });
    });
    expect(terms).toBeGreaterThan(0);
    // Training vectors (float32) carry a term reading's gain in both features, any other's in lm alone.
    for (const edges of edgesWith(0, true)) {
      for (const e of edges.slice(1)) {
        expect(e.phi![F.lm]).toBe(Math.fround(e.lmGain));
        expect(e.phi![F['lm.term']]).toBe(e.kind === KIND.term ? Math.fround(e.lmGain) : 0);
      }
    }
  });

  it('keeps term readings beyond the cap of readings per position', () => {
    // "arbitrary" could stand for three words, and "arbitrary timberland" for the term "random forest",
    // which reads worse in the local window than the word readings.
    const lm2 = toyLm(
      {
        random: -3,
        haphazard: -3.2,
        chance: -3.1,
        forest: -7,
        arbitrary: -4,
        timberland: -6,
        grows: -4,
        here: -3,
      },
      { '<s> random': -1, '<s> chance': -1, 'grows here': -0.5, 'here </s>': -0.3 },
    );
    const lex2 = toyLexicon({
      random: ['arbitrary'],
      haphazard: ['arbitrary'],
      chance: ['arbitrary'],
      forest: ['timberland'],
    });
    const readings = (perPosition: number) => {
      const d = new Detector(lm2, lex2, toyMorph, defaultWeights(), { perPosition, minLocalPosterior: 0 });
      d.source.useTerms(new TermIndex(termList('random forest')));
      return d.analyse('Arbitrary timberland grows here.').sentences[0].lattice.startingAt[0].slice(1);
    };
    const wide = readings(50);
    const capped = readings(1);
    const surfaces = (edges: typeof wide) => edges.map((e) => e.template?.surface);
    expect(surfaces(wide)).toContain('random forest');
    expect(wide.filter((e) => e.kind !== KIND.term).length).toBeGreaterThan(1);
    // The best word reading, and the term reading although it ranks below it.
    expect(surfaces(capped)).toContain('random forest');
    expect(capped.filter((e) => e.kind !== KIND.term).length).toBe(1);
    expect(capped.length).toBe(2);
  });

  it('proposes nothing once terms are turned off', () => {
    const s = source();
    s.useTerms(undefined);
    expect(termSurfaces(s, 'neural organization')).toEqual([]);
  });

  it('restores a tortured phrase with the observed capitalisation', () => {
    const detector = new Detector(lm, lexicon, toyMorph, defaultWeights());
    detector.source.useTerms(index);
    const text = 'Neural organizations learn the weights.';
    const r = detector.check(text, { minConfidence: 0.3 });
    const f = r.findings.find((x) => x.start === 0);
    expect(f?.text).toBe('Neural organizations');
    expect(f?.suggestions[0].text).toBe('Neural networks');
    detector.source.useTerms(undefined);
    const without = detector.check(text, { minConfidence: 0.3 });
    expect(without.findings.some((x) => x.suggestions[0]?.text === 'Neural networks')).toBe(false);
  });
});
