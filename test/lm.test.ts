import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../src/data.js';
import { UnspinError } from '../src/errors.js';
import { loadDefaultModel, loadSphinxModel, type SphinxModel, scoreSentence } from '../src/lm/index.js';

/** The reference reports log base 1.0001 integers; this converts them to log10. */
const LOG10_PER_UNIT = Math.log10(1.0001);
/** The reference truncates its float sum to an integer (< 1 unit = 4.3e-5 in log10); allow twice that. */
const TOLERANCE = 1e-4;

/**
 * Reference scores from sphinxbase itself (Debian python3-sphinxbase 0.8+5prealpha+1-16, reading the same
 * data/en-us.lm.bin): `NGramModel(path).prob([w, h1, h2])`, in log base 1.0001. Each row is the n-gram in
 * reading order ("h2 h1 w") and what our reader should find for it, checked independently while choosing
 * the cases.
 */
const REFERENCE: Array<[ngram: string, units: number, path: string]> = [
  // Trigram stored.
  ['one of the', -7041, 'trigram'],
  ['the united states', -1211, 'trigram'],
  ['in order to', -2188, 'trigram'],
  ['would not raise', -77275, 'trigram'],
  ['i do not', -18700, 'trigram'],
  // No trigram: back-off weight of "h2 h1" + bigram P(w | h1).
  ['new york city', -19735, 'bigram + history back-off'],
  ['the lazy dog', -61760, 'bigram + history back-off'],
  ['ate a sandwich', -91938, 'bigram + history back-off'],
  ['quickly brown fox', -71932, 'bigram, history "h2 h1" not stored'],
  ['elephant said that', -26210, 'bigram, history "h2 h1" not stored'],
  // No bigram "h1 w" either: back-off of "h2 h1" + back-off of h1 + unigram.
  ['the purple elephant', -125927, 'unigram + both back-offs'],
  ['the zyuganov house', -78490, 'unigram + back-off of h1'],
  ['dog economy zyuganov', -184269, 'unigram + back-off of h1'],
  // One word of context.
  ['york city', -19735, 'bigram'],
  ['purple elephant', -125632, 'unigram + back-off of h1'],
  // No context.
  ['the', -31995, 'unigram'],
  ['zyuganov', -170154, 'unigram'],
  // Sentence boundaries.
  ['<s> the', -29219, 'bigram after <s>'],
  ['<s> it is', -17648, 'trigram after <s>'],
  ['<s> the president', -61017, 'trigram after <s>'],
  ['<s> zyuganov said', -59074, 'unigram + back-off after <s>'],
  ['last year </s>', -12254, 'trigram ending the sentence'],
  ['of purple </s>', -20880, 'bigram + history back-off ending the sentence'],
  // The rest of "<s> the president said </s>" (for scoreSentence).
  ['the president said', -36338, 'trigram'],
  ['president said </s>', -17466, 'trigram'],
];

function scoreOf(model: SphinxModel, ngram: string): number {
  const ids = ngram.split(' ').map((w) => model.id(w));
  const n = ids.length;
  return model.logProb(ids[n - 1], n > 1 ? ids[n - 2] : -1, n > 2 ? ids[n - 3] : -1);
}

function referenceLog10(ngram: string): number {
  const row = REFERENCE.find(([g]) => g === ngram);
  if (!row) throw new Error(`no reference for ${ngram}`);
  return row[1] * LOG10_PER_UNIT;
}

function expectBadModel(load: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    load();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(UnspinError);
  expect((caught as UnspinError).code).toBe('BAD_MODEL');
  expect((caught as UnspinError).message).toMatch(message);
  expect((caught as UnspinError).message).not.toContain('\n');
}

describe('Sphinx trie language model: the shipped en-us.lm.bin', () => {
  let model: SphinxModel;
  beforeAll(() => {
    model = loadDefaultModel();
  });

  it('is memoised per process', () => {
    expect(loadDefaultModel()).toBe(model);
  });

  it('reports the stored counts (the header claims 2,051,547 bigrams; 2,051,541 are stored)', () => {
    expect(model.order).toBe(3);
    expect(model.vocabSize).toBe(72547);
    expect(model.bigramCount).toBe(2051541);
    expect(model.trigramCount).toBe(1669625);
  });

  it('maps words to ids and back, with <s> and </s> as bos and eos', () => {
    expect(model.word(model.bos)).toBe('<s>');
    expect(model.word(model.eos)).toBe('</s>');
    const the = model.id('the');
    expect(the).toBeGreaterThanOrEqual(0);
    expect(model.word(the)).toBe('the');
    expect(model.id('The')).toBe(the);
    expect(model.id("don't")).toBeGreaterThanOrEqual(0);
    for (const id of [0, 1000, 72546]) expect(model.id(model.word(id))).toBe(id);
    expect(() => model.word(-1)).toThrow(RangeError);
    expect(() => model.word(72547)).toThrow(RangeError);
  });

  it.each(REFERENCE)('log10 P(%s) matches sphinxbase (%d units, %s)', (ngram, units) => {
    expect(Math.abs(scoreOf(model, ngram) - units * LOG10_PER_UNIT)).toBeLessThan(TOLERANCE);
  });

  it('unigram() is the no-context score', () => {
    const zyuganov = model.id('zyuganov');
    expect(model.unigram(zyuganov)).toBe(model.logProb(zyuganov, -1, -1));
    expect(Math.abs(model.unigram(zyuganov) - referenceLog10('zyuganov'))).toBeLessThan(TOLERANCE);
  });

  it('charges unknown words oovLogProb and drops unknown history words', () => {
    expect(model.id('qzxvjwk')).toBe(-1);
    expect(model.id('')).toBe(-1);
    expect(model.oovLogProb).toBeLessThan(-5);
    expect(model.logProb(-1, model.id('the'), model.id('of'))).toBe(model.oovLogProb);
    expect(model.unigram(-1)).toBe(model.oovLogProb);
    expect(model.logProb(model.vocabSize, -1, -1)).toBe(model.oovLogProb);
    const states = model.id('states');
    const united = model.id('united');
    // Unknown h1: no context at all, even if h2 is known.
    expect(model.logProb(states, -1, united)).toBe(model.unigram(states));
    // Unknown h2: bigram context only.
    expect(model.logProb(states, united, -1)).toBe(scoreOf(model, 'united states'));
    expect(model.logProb(states, united, -1)).not.toBe(scoreOf(model, 'the united states'));
  });

  it('scores whole sentences with <s> and </s>', () => {
    const expected = ['<s> the', '<s> the president', 'the president said', 'president said </s>']
      .map(referenceLog10)
      .reduce((a, b) => a + b);
    expect(Math.abs(scoreSentence(model, ['the', 'president', 'said']) - expected)).toBeLessThan(
      4 * TOLERANCE,
    );
    expect(Math.abs(scoreSentence(model, []) - model.logProb(model.eos, model.bos, -1))).toBe(0);
    // An unknown word costs oovLogProb and leaves the next word without context.
    const said = model.id('said');
    const withOov = scoreSentence(model, ['qzxvjwk', 'said']);
    const parts = model.oovLogProb + model.unigram(said) + model.logProb(model.eos, said, -1);
    expect(withOov).toBeCloseTo(parts, 10);
  });

  it('prefers the original phrase to a spun one', () => {
    const original = scoreSentence(model, 'the president said on tuesday'.split(' '));
    const spun = scoreSentence(model, 'the head of state stated on tuesday'.split(' '));
    expect(original).toBeGreaterThan(spun);
  });
});

describe('Sphinx trie language model: bad files', () => {
  let dir: string;
  let bytes: Buffer;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'unspin-lm-test-'));
    bytes = readFileSync(dataPath('en-us.lm.bin'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function write(name: string, content: Uint8Array): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  it('rejects a missing file', () => {
    expectBadModel(() => loadSphinxModel(join(dir, 'nope.lm.bin')), /ENOENT/);
  });

  it('rejects a foreign file', () => {
    expectBadModel(() => loadSphinxModel(write('foreign.lm', Buffer.from('\\data\\\nngram 1=3\n'))), /magic/);
    expectBadModel(() => loadSphinxModel(write('empty.lm.bin', new Uint8Array(0))), /truncated/);
  });

  // Negative lengths count from the end of the file.
  it.each([
    [10, /header/],
    [100_000, /unigrams/],
    [5_000_000, /n-gram arrays/],
    [-1000, /vocabulary/],
  ])('rejects a copy truncated to %d bytes', (length, message) => {
    const cut = bytes.subarray(0, length < 0 ? bytes.length + length : length);
    expectBadModel(() => loadSphinxModel(write(`cut-${cut.length}.lm.bin`, cut)), message);
  });

  it('rejects unigram pointers out of order', () => {
    const copy = Buffer.from(bytes);
    const firstUnigram = 19 + 1 + 12 + 4 + 3 * 65536 * 4;
    copy.writeUInt32LE(0xffffff, firstUnigram + 100 * 12 + 8);
    expectBadModel(() => loadSphinxModel(write('pointers.lm.bin', copy)), /out of order/);
  });

  it('survives garbled n-gram arrays: finite scores, no hang, no out-of-range reads', () => {
    const copy = Buffer.from(bytes);
    const firstBigram = 19 + 1 + 12 + 4 + 3 * 65536 * 4 + 12 * 72548;
    let seed = 7;
    for (let i = firstBigram + 1000; i < firstBigram + 3_000_000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      copy[i] = seed >>> 24;
    }
    const model = loadSphinxModel(write('garbled.lm.bin', copy));
    let finite = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const w = (i * 7919) % model.vocabSize;
      const score = model.logProb(w, (i * 104729) % model.vocabSize, (i * 1299709) % model.vocabSize);
      if (Number.isFinite(score)) finite++;
    }
    expect(finite).toBe(n);
  });
});
