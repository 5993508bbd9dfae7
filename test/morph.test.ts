import { describe, expect, it } from 'vitest';
import {
  analyze,
  FORMS,
  type Form,
  inflect,
  inflectionsOf,
  inflectPhrase,
  POS,
  syllables,
} from '../src/lexicon/index.js';

const knownSet = (...words: string[]) => {
  const set = new Set(words);
  return (w: string): boolean => set.has(w);
};

describe('inflect', () => {
  it.each([
    ['discover', 'past', 'discovered'],
    ['discover', 'gerund', 'discovering'],
    ['stop', 'past', 'stopped'],
    ['stop', 'gerund', 'stopping'],
    ['try', '3sg', 'tries'],
    ['try', 'past', 'tried'],
    ['play', 'past', 'played'],
    ['run', 'gerund', 'running'],
    ['run', 'past', 'ran'],
    ['run', 'pastpart', 'run'],
    ['go', 'past', 'went'],
    ['go', 'pastpart', 'gone'],
    ['go', '3sg', 'goes'],
    ['be', 'past', 'was'],
    ['be', '3sg', 'is'],
    ['be', 'gerund', 'being'],
    ['have', '3sg', 'has'],
    ['take', 'past', 'took'],
    ['write', 'pastpart', 'written'],
    ['overcome', 'past', 'overcame'],
    ['make', 'gerund', 'making'],
    ['hope', 'past', 'hoped'],
    ['agree', 'past', 'agreed'],
    ['see', 'gerund', 'seeing'],
    ['die', 'gerund', 'dying'],
    ['watch', '3sg', 'watches'],
    ['panic', 'past', 'panicked'],
    ['admit', 'past', 'admitted'],
    ['begin', 'gerund', 'beginning'],
    ['visit', 'past', 'visited'],
    ['open', 'gerund', 'opening'],
    ['travel', 'past', 'traveled'],
    ['control', 'past', 'controlled'],
    ['quit', 'gerund', 'quitting'],
    ['mouse', 'plural', 'mice'],
    ['child', 'plural', 'children'],
    ['person', 'plural', 'people'],
    ['woman', 'plural', 'women'],
    ['human', 'plural', 'humans'],
    ['wolf', 'plural', 'wolves'],
    ['analysis', 'plural', 'analyses'],
    ['city', 'plural', 'cities'],
    ['day', 'plural', 'days'],
    ['box', 'plural', 'boxes'],
    ['bus', 'plural', 'buses'],
    ['quiz', 'plural', 'quizzes'],
    ['potato', 'plural', 'potatoes'],
    ['sheep', 'plural', 'sheep'],
    ['official', 'plural', 'officials'],
    ['child', 'possessive', "child's"],
    ['good', 'comparative', 'better'],
    ['good', 'superlative', 'best'],
    ['bad', 'comparative', 'worse'],
    ['big', 'comparative', 'bigger'],
    ['large', 'superlative', 'largest'],
    ['happy', 'comparative', 'happier'],
    ['simple', 'comparative', 'simpler'],
    ['beautiful', 'comparative', 'more beautiful'],
    ['quickly', 'superlative', 'most quickly'],
    ['early', 'comparative', 'earlier'],
    ['discover', 'base', 'discover'],
  ] as Array<[string, Form, string]>)('%s + %s = %s', (lemma, form, expected) => {
    expect(inflect(lemma, form)).toBe(expected);
  });

  it('uses POS to choose between irregulars', () => {
    expect(inflect('far', 'comparative', POS.adj)).toBe('farther');
    expect(inflect('well', 'comparative', POS.adv)).toBe('better');
  });

  it('normalises case and typographic apostrophes', () => {
    expect(inflect('Go', 'past')).toBe('went');
  });
});

describe('inflectionsOf', () => {
  // Regular lemmas, irregulars whose form depends on the part of speech (far, well, lie, hang), and both.
  const lemmas = [
    'walk',
    'try',
    'stop',
    'far',
    'well',
    'good',
    'lie',
    'hang',
    'go',
    'child',
    'beautiful',
    'bus',
  ];
  const posValues = [
    undefined,
    0,
    POS.noun,
    POS.verb,
    POS.adj,
    POS.adv,
    POS.adj | POS.adv,
    POS.noun | POS.verb,
  ];

  it('lists every word inflect can give for some part of speech', () => {
    for (const lemma of lemmas)
      for (const form of FORMS)
        for (const pos of posValues) expect(inflectionsOf(lemma, form)).toContain(inflect(lemma, form, pos));
  });

  it('lists the irregular forms of each part of speech and the rule', () => {
    expect(inflectionsOf('far', 'comparative')).toEqual(expect.arrayContaining(['farther', 'farrer']));
    expect(inflectionsOf('walk', 'past')).toEqual(['walked']);
    expect(inflectionsOf('walk', 'base')).toEqual(['walk']);
  });
});

describe('inflectPhrase', () => {
  it.each([
    ['take a seat', 'past', 'took a seat'],
    ['take a seat', 'gerund', 'taking a seat'],
    ['take a seat', '3sg', 'takes a seat'],
    ['sit down', 'past', 'sat down'],
    ['make certain', 'pastpart', 'made certain'],
    ['news conference', 'plural', 'news conferences'],
    ['point of view', 'plural', 'points of view'],
    ['police officer', 'possessive', "police officer's"],
    ['well known', 'comparative', 'better known'],
    ['up to date', 'comparative', 'more up to date'],
    ['take a seat', 'base', 'take a seat'],
    ['stop', 'past', 'stopped'],
  ] as Array<[string, Form, string]>)('%s + %s = %s', (phrase, form, expected) => {
    expect(inflectPhrase(phrase, form)).toBe(expected);
  });

  it('is what inflect does with a phrase', () => {
    expect(inflect('take a seat', 'past')).toBe('took a seat');
  });
});

describe('analyze', () => {
  it('reads a regular past form', () => {
    const readings = analyze('discovered', knownSet('discover'));
    expect(readings).toContainEqual({ lemma: 'discover', form: 'past', pos: POS.verb });
    expect(readings).toContainEqual({ lemma: 'discover', form: 'pastpart', pos: POS.verb });
    expect(readings.some((r) => r.form === 'base')).toBe(false);
  });

  it('includes the word itself as base first when known', () => {
    const readings = analyze('running', knownSet('running', 'run'));
    expect(readings[0]).toEqual({ lemma: 'running', form: 'base', pos: 0 });
    expect(readings).toContainEqual({ lemma: 'run', form: 'gerund', pos: POS.verb });
  });

  it('keeps only known lemmas', () => {
    expect(analyze('discovered', knownSet())).toEqual([]);
    expect(analyze('qwzzed', knownSet('qwz'))).toEqual([
      { lemma: 'qwz', form: 'past', pos: POS.verb },
      { lemma: 'qwz', form: 'pastpart', pos: POS.verb },
    ]);
  });

  it.each([
    ['went', 'go', 'past'],
    ['gone', 'go', 'pastpart'],
    ['mice', 'mouse', 'plural'],
    ['children', 'child', 'plural'],
    ['better', 'good', 'comparative'],
    ['better', 'well', 'comparative'],
    ['has', 'have', '3sg'],
    ['was', 'be', 'past'],
    ['authorities', 'authority', 'plural'],
    ['tries', 'try', '3sg'],
    ['tried', 'try', 'past'],
    ['stopped', 'stop', 'past'],
    ['making', 'make', 'gerund'],
    ['dying', 'die', 'gerund'],
    ['panicked', 'panic', 'past'],
    ['travelled', 'travel', 'past'],
    ['boxes', 'box', 'plural'],
    ['wolves', 'wolf', 'plural'],
    ['knives', 'knife', 'plural'],
    ['firemen', 'fireman', 'plural'],
    ['happier', 'happy', 'comparative'],
    ['biggest', 'big', 'superlative'],
    ['larger', 'large', 'comparative'],
    ["children's", 'child', 'possessive'],
    ["dogs'", 'dog', 'possessive'],
    ['officials’', 'official', 'possessive'],
  ])('%s → %s + %s', (word, lemma, form) => {
    expect(analyze(word, knownSet(lemma))).toContainEqual(expect.objectContaining({ lemma, form }));
  });

  it('does not read function words as -s forms', () => {
    expect(analyze('its', knownSet('it'))).toEqual([]);
    expect(analyze('this', knownSet('thi'))).toEqual([]);
    expect(analyze('glass', knownSet('glas'))).toEqual([]);
  });
});

describe('round trip', () => {
  // 40 (lemma, form) pairs over 37 lemmas, regular and irregular.
  const CASES: Array<[string, Form]> = [
    ['discover', 'past'],
    ['stop', 'past'],
    ['try', '3sg'],
    ['run', 'gerund'],
    ['mouse', 'plural'],
    ['child', 'plural'],
    ['go', 'past'],
    ['go', 'pastpart'],
    ['take', 'past'],
    ['good', 'comparative'],
    ['big', 'superlative'],
    ['happy', 'comparative'],
    ['make', 'gerund'],
    ['hope', 'past'],
    ['agree', 'past'],
    ['die', 'gerund'],
    ['box', 'plural'],
    ['city', 'plural'],
    ['woman', 'plural'],
    ['wolf', 'plural'],
    ['watch', '3sg'],
    ['panic', 'past'],
    ['admit', 'gerund'],
    ['travel', 'past'],
    ['write', 'pastpart'],
    ['buy', 'past'],
    ['large', 'superlative'],
    ['person', 'plural'],
    ['analysis', 'plural'],
    ['official', 'plural'],
    ['authority', 'plural'],
    ['quiz', 'plural'],
    ['begin', 'gerund'],
    ['have', '3sg'],
    ['be', 'past'],
    ['child', 'possessive'],
    ['see', 'pastpart'],
    ['fly', '3sg'],
    ['echo', '3sg'],
    ['play', 'past'],
  ];
  const isKnown = knownSet(...CASES.map(([l]) => l));

  it('has at least 30 distinct words', () => {
    expect(new Set(CASES.map(([l]) => l)).size).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('analyze(inflect(%s, %s)) finds the pair again', (lemma, form) => {
    const word = inflect(lemma, form);
    expect(word).not.toBe(lemma);
    expect(analyze(word, isKnown)).toContainEqual(expect.objectContaining({ lemma, form }));
  });

  it('covers every form', () => {
    const forms = new Set(CASES.map(([, f]) => f));
    for (const f of FORMS) if (f !== 'base') expect(forms.has(f)).toBe(true);
  });
});

describe('syllables', () => {
  it.each([
    ['stop', 1],
    ['make', 1],
    ['quit', 1],
    ['happy', 2],
    ['simple', 2],
    ['beautiful', 3],
  ] as Array<[string, number]>)('%s has %d', (word, n) => {
    expect(syllables(word)).toBe(n);
  });
});
