/**
 * The model file format: an ARPA model imported and queried gives the ARPA values (back-off included),
 * encode/decode round trips, and corrupt or foreign files fail with one-line BAD_MODEL errors.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnspinError } from '../src/errors.js';
import { readArpa } from '../src/lm/arpa.js';
import { decodeModel, encodeModel, type ModelData, modelBytes } from '../src/lm/format.js';
import { describeModelFile, loadLanguageModel } from '../src/lm/info.js';
import { loadNgramModel, type NgramModel, ngramModelFromBuffer } from '../src/lm/ngram-bin.js';

let dir: string;
const file = (name: string) => join(dir, name);

const ARPA = `
Some tools write comments before the data section.
\\data\\
ngram 1=6
ngram 2=5
ngram 3=2

\\1-grams:
-1.0\t<unk>\t0
-99\t<s>\t-0.5
-0.7\t</s>
-0.6\tthe\t-0.3
-0.8\tcat\t-0.2
-0.9\tsat\t-0.25

\\2-grams:
-0.3\t<s> the\t-0.1
-0.2\tthe cat\t-0.15
-0.4\tcat sat\t-0.05
-0.5\tsat </s>
-0.6\t<s> cat

\\3-grams:
-0.1\t<s> the cat
-0.05\tthe cat sat

\\end\\
`;

/** [n-gram in reading order, expected log10 P(last | rest), how it is reached]. */
const EXPECTED: Array<[string, number, string]> = [
  ['<s> the cat', -0.1, 'trigram'],
  ['the cat sat', -0.05, 'trigram'],
  ['<s> cat sat', -0.4, 'bigram; history "<s> cat" has no back-off (0)'],
  ['the cat </s>', -0.7 - 0.2 - 0.15, 'unigram + bo(cat) + bo(the cat)'],
  ['cat sat the', -0.6 - 0.25 - 0.05, 'unigram + bo(sat) + bo(cat sat)'],
  ['sat the cat', -0.2, 'bigram; history "sat the" not stored'],
  ['the cat', -0.2, 'bigram'],
  ['the sat', -0.9 - 0.3, 'unigram + bo(the)'],
  ['<s> the', -0.3, 'bigram'],
  ['sat', -0.9, 'unigram'],
  ['<unk>', -1.0, 'unigram of <unk>'],
];

function query(m: NgramModel, ngram: string): [number, number] {
  const ids = ngram.split(' ').map((w) => m.id(w));
  const n = ids.length;
  const h1 = n > 1 ? ids[n - 2] : -1;
  const h2 = n > 2 ? ids[n - 3] : -1;
  return [m.logProb(ids[n - 1], h1, h2), m.logProbHistory(ids[n - 1], [h1, h2])];
}

let imported: ModelData;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'unspin-lmformat-'));
  writeFileSync(file('small.arpa'), ARPA);
  imported = await readArpa(file('small.arpa'));
  writeFileSync(file('small.lm.bin'), encodeModel(imported));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ARPA import', () => {
  it('look-ups equal the ARPA values, back-off included', () => {
    const m = loadNgramModel(file('small.lm.bin'));
    expect(m.order).toBe(3);
    expect(m.counts).toEqual([6, 5, 2]);
    for (const [ngram, value, how] of EXPECTED) {
      const [a, b] = query(m, ngram);
      expect(a, `${ngram} (${how})`).toBeCloseTo(value, 4);
      expect(b, `${ngram} via logProbHistory`).toBeCloseTo(value, 4);
    }
    expect(m.logProb(-1, m.id('the'), -1)).toBe(m.oovLogProb);
    expect(m.id('zebra')).toBe(-1);
    expect(m.id('The')).toBe(m.id('the'));
    expect(m.word(m.bos)).toBe('<s>');
    expect(m.header.corpusSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('imports an order-4 model with a vocabulary beyond 16-bit ids', async () => {
    const V = 70_000;
    const uni = Array.from({ length: V }, (_, i) => `-5\tw${i}\t-0.5`);
    const lines = [
      '\\data\\',
      `ngram 1=${V + 2}`,
      'ngram 2=3',
      'ngram 3=2',
      'ngram 4=1',
      '',
      '\\1-grams:',
      '-99\t<s>\t-1',
      '-2\t</s>',
      ...uni,
      '',
      '\\2-grams:',
      '-1\tw69998 w69999\t-0.25',
      '-1.5\tw5 w69998\t-0.125',
      '-0.5\t<s> w5\t-0.1',
      '',
      '\\3-grams:',
      '-0.75\tw5 w69998 w69999\t-0.05',
      '-0.6\t<s> w5 w69998\t-0.2',
      '',
      '\\4-grams:',
      '-0.3\t<s> w5 w69998 w69999',
      '',
      '\\end\\',
    ];
    writeFileSync(file('big.arpa'), `${lines.join('\n')}\n`);
    const m = ngramModelFromBuffer(encodeModel(await readArpa(file('big.arpa'))));
    expect(m.order).toBe(4);
    expect(m.counts).toEqual([V + 2, 3, 2, 1]);
    const id = (w: string) => m.id(w);
    expect(m.logProbHistory(id('w69999'), [id('w69998'), id('w5'), id('<s>')])).toBeCloseTo(-0.3, 4);
    expect(m.logProb(id('w69999'), id('w69998'), id('w5'))).toBeCloseTo(-0.75, 4);
    // No 4-gram "<s> w5 w69998 w1": back-off of "<s> w5 w69998" (-0.2) + of "w5 w69998" (-0.125) + of w69998
    // (-0.5) + P(w1) (-5).
    expect(m.logProbHistory(id('w1'), [id('w69998'), id('w5'), id('<s>')])).toBeCloseTo(-5.825, 4);
  });

  it('adds a missing suffix with the probability the model gave it by backing off', async () => {
    // "cat sat" replaced by "cat the": the trigram "the cat sat" keeps no bigram suffix.
    writeFileSync(file('pruned.arpa'), ARPA.replace('-0.4\tcat sat\t-0.05', '-0.4\tcat the\t-0.05'));
    const m = ngramModelFromBuffer(encodeModel(await readArpa(file('pruned.arpa'))));
    expect(m.counts).toEqual([6, 6, 2]);
    const [a, b] = query(m, 'cat sat');
    expect(a).toBeCloseTo(-0.9 - 0.2, 4); // P(sat) + bo(cat), as before the suffix was added
    expect(b).toBeCloseTo(-0.9 - 0.2, 4);
    expect(query(m, 'the cat sat')[0]).toBeCloseTo(-0.05, 4);
    expect(query(m, 'cat the')[0]).toBeCloseTo(-0.4, 4);
    expect(query(m, 'sat cat sat')[0]).toBeCloseTo(-1.1, 4); // no back-off stored for the added suffix
  });

  it('rejects malformed ARPA files with one-line BAD_MODEL errors', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['no-data.arpa', 'just text\n', /no \\data\\ section/],
      ['no-end.arpa', ARPA.replace('\\end\\', ''), /no \\end\\ marker/],
      ['count.arpa', ARPA.replace('ngram 2=5', 'ngram 2=6'), /2-grams: 6 declared, 5 found/],
      ['word.arpa', ARPA.replace('-0.6\t<s> cat', '-0.6\t<s> dog'), /"dog" is not among the unigrams/],
      ['value.arpa', ARPA.replace('-0.2\tthe cat', 'x\tthe cat'), /not a number/],
      ['twice.arpa', ARPA.replace('-0.9\tsat\t-0.25', '-0.9\tcat\t-0.25'), /listed twice/],
    ];
    for (const [name, text, message] of cases) {
      writeFileSync(file(name), text);
      const err = await readArpa(file(name)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, name).toBeInstanceOf(UnspinError);
      expect((err as UnspinError).code).toBe('BAD_MODEL');
      expect((err as UnspinError).message).toMatch(message);
      expect((err as UnspinError).message).not.toContain('\n');
    }
  });
});

describe('model files', () => {
  it('encode and decode round trip, at the size modelBytes predicts', () => {
    const buf = encodeModel(imported);
    const headerBytes = Buffer.byteLength(JSON.stringify(imported.header));
    expect(buf.length).toBe(modelBytes([6, 5, 2], 6 + 4 + 5 + 4 + 4 + 4) + ((headerBytes + 3) & ~3));
    const stored = decodeModel(buf, 'x');
    expect(stored.vocab).toEqual(imported.vocab);
    expect([...stored.levels[1].words]).toEqual([...imported.levels[1].words]);
    expect(encodeModel(imported).equals(buf)).toBe(true);
  });

  it('describes a model and loads either format by its magic', () => {
    const info = describeModelFile(file('small.lm.bin'));
    expect(info).toMatchObject({
      format: 'unspin',
      order: 3,
      vocabulary: 6,
      ngrams: [6, 5, 2],
      source: 'ARPA import',
    });
    expect(info.bytes).toBe(readFileSync(file('small.lm.bin')).length);
    expect(loadLanguageModel(file('small.lm.bin')).order).toBe(3);
  });

  it('corrupt, truncated or foreign files give one-line BAD_MODEL errors', () => {
    const good = readFileSync(file('small.lm.bin'));
    const variants: Array<[string, Buffer, RegExp]> = [
      ['empty', Buffer.alloc(0), /magic/],
      ['foreign', Buffer.from('hello, this is not a model at all'), /magic/],
      ['truncated', good.subarray(0, good.length - 12), /does not match its counts/],
      [
        'version',
        Buffer.concat([good.subarray(0, 8), Buffer.from([9, 0, 0, 0]), good.subarray(12)]),
        /version 9/,
      ],
      ['trailer', Buffer.concat([good.subarray(0, good.length - 4), Buffer.from('XXXX')]), /end marker/],
    ];
    const broken = structuredClone(imported);
    broken.uniChild[2] = 4; // pointers must not fall back
    broken.uniChild[3] = 1;
    variants.push(['pointers', encodeModel(broken), /pointers/]);
    const unsorted = structuredClone(imported);
    unsorted.levels[0].words[0] = 99; // a word id beyond the vocabulary
    variants.push(['words', encodeModel(unsorted), /unsorted or out of range/]);
    for (const [name, bytes, message] of variants) {
      writeFileSync(file(`${name}.bin`), bytes);
      let err: unknown;
      try {
        loadNgramModel(file(`${name}.bin`));
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(UnspinError);
      expect((err as UnspinError).code, name).toBe('BAD_MODEL');
      expect((err as UnspinError).message, name).toMatch(message);
      expect((err as UnspinError).message).not.toContain('\n');
    }
    expect(() => loadNgramModel(file('nothing-here.bin'))).toThrow(
      /cannot read language model .* \(ENOENT\)/,
    );
    expect(() => loadLanguageModel(file('foreign.bin'))).toThrow(/not a language model unspin can read/);
    expect(() => ngramModelFromBuffer(good)).not.toThrow();
  });
});
