/**
 * `lm build`: modified Kneser-Ney probabilities checked against hand-computed values, normalisation,
 * spill-and-merge and worker threads giving the very same model as in-memory counting, pruning to a size
 * budget, and the training text normalisation the engine's look-ups rely on.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBrownFiles } from '../bench/corpora.js';
import type { UnspinError } from '../src/errors.js';
import { corpusChunks, forEachTrainingWord } from '../src/lm/build/corpus.js';
import { StreamEncoder } from '../src/lm/build/encode.js';
import {
  type BuildOptions,
  type BuildResult,
  buildModel,
  discountsFrom,
  FALLBACK_DISCOUNTS,
  trainingSentences,
} from '../src/lm/build/index.js';
import { forEachTrainingWordFast } from '../src/lm/build/words.js';
import { type NgramModel, ngramModelFromBuffer } from '../src/lm/ngram-bin.js';
import { variedText } from './helpers/varied-text.js';

let dir: string;
const file = (name: string) => join(dir, name);
/** Quantisation to 16 bits per order keeps log10 values within about 1e-4. */
const DIGITS = 3;

/** Three sentences: "a b", "a b", "b a" (one per paragraph). */
const TINY = 'a b\n\na b\n\nb a\n';
const FIXED = [FALLBACK_DISCOUNTS, FALLBACK_DISCOUNTS, FALLBACK_DISCOUNTS];

function p(m: NgramModel, ngram: string): number {
  const ids = ngram.split(' ').map((w) => m.id(w));
  const n = ids.length;
  return m.logProb(ids[n - 1], n > 1 ? ids[n - 2] : -1, n > 2 ? ids[n - 3] : -1);
}

/** Σ over every predictable word of P(w | h1 h2), through both query methods. */
function mass(m: NgramModel, history: number[]): [number, number] {
  let a = 0;
  let b = 0;
  for (let w = 0; w < m.vocabSize; w++) {
    if (w === m.bos) continue;
    a += 10 ** m.logProb(w, history[0] ?? -1, history[1] ?? -1);
    b += 10 ** m.logProbHistory(w, history);
  }
  return [a, b];
}

let brownText = '';

/** Builds of the Brown sample, shared between tests that ask for the same options. */
const builds = new Map<string, Promise<BuildResult>>();
function brown(options: Omit<BuildOptions, 'inputs'> = {}): Promise<BuildResult> {
  const key = JSON.stringify(options);
  let b = builds.get(key);
  if (!b) {
    b = buildModel({ inputs: [file('brown.txt')], workers: 1, ...options });
    builds.set(key, b);
  }
  return b;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'unspin-lmbuild-'));
  writeFileSync(file('tiny.txt'), TINY);
  // About 60,000 words of Brown, one sentence per line, files as paragraphs.
  brownText = loadBrownFiles()
    .slice(0, 30)
    .map((f) => f.sentences.join('\n'))
    .join('\n\n');
  writeFileSync(file('brown.txt'), brownText);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('modified Kneser-Ney on a tiny corpus, by hand', () => {
  // Vocabulary: <unk> <s> </s> a b (a and b both seen 3 times). Discounts fixed at D1 0.5, D2 1, D3+ 1.5.
  // Unigram continuation counts (distinct left neighbours): a {<s>, b} 2, b {<s>, a} 2, </s> {a, b} 2,
  // <unk> 0; total 6, three types with count 2: γ = 1.0·3/6 = 0.5, spread over 4 predictable words.
  const uniA = (2 - 1) / 6 + 0.5 / 4; // 0.291667, also b and </s>
  const uniUnk = 0.5 / 4; // 0.125

  it('order 2: interpolated bigrams, back-off weights and unigrams', async () => {
    const { buffer, report } = await buildModel({
      inputs: [file('tiny.txt')],
      order: 2,
      workers: 1,
      discounts: FIXED,
    });
    const m = ngramModelFromBuffer(buffer);
    expect(report.ngrams).toEqual([5, 6]);
    expect(report.tokens).toBe(6);
    expect(report.sentences).toBe(3);
    expect(p(m, 'a')).toBeCloseTo(Math.log10(uniA), DIGITS);
    expect(p(m, '<unk>')).toBeCloseTo(Math.log10(uniUnk), DIGITS);
    // Context <s>: raw counts a 2, b 1 (top order); total 3; γ = (0.5·1 + 1.0·1)/3 = 0.5.
    expect(p(m, '<s> a')).toBeCloseTo(Math.log10((2 - 1) / 3 + 0.5 * uniA), DIGITS); // 0.479167
    expect(p(m, '<s> b')).toBeCloseTo(Math.log10((1 - 0.5) / 3 + 0.5 * uniA), DIGITS); // 0.3125
    // Context a: b 2, </s> 1, same shape.
    expect(p(m, 'a b')).toBeCloseTo(Math.log10((2 - 1) / 3 + 0.5 * uniA), DIGITS);
    expect(p(m, 'a </s>')).toBeCloseTo(Math.log10((1 - 0.5) / 3 + 0.5 * uniA), DIGITS);
    // "a a" is unseen: back-off γ(a) = 0.5 times P(a).
    expect(p(m, 'a a')).toBeCloseTo(Math.log10(0.5 * uniA), DIGITS);
    expect(p(m, 'a <unk>')).toBeCloseTo(Math.log10(0.5 * uniUnk), DIGITS);
  });

  it('order 3: continuation counts for the middle order, <s>-initial bigrams keep raw counts', async () => {
    const { buffer, report } = await buildModel({
      inputs: [file('tiny.txt')],
      order: 3,
      workers: 1,
      discounts: FIXED,
    });
    const m = ngramModelFromBuffer(buffer);
    // Trigrams: <s> a b (2), a b </s> (2), <s> b a (1), b a </s> (1). Bigrams: <s> a (raw 2), <s> b (raw 1),
    // and by continuation a b {<s>} 1, b </s> {a} 1, b a {<s>} 1, a </s> {b} 1.
    expect(report.ngrams).toEqual([5, 6, 4]);
    expect(p(m, 'a')).toBeCloseTo(Math.log10(uniA), DIGITS);
    expect(p(m, '<s> a')).toBeCloseTo(Math.log10((2 - 1) / 3 + 0.5 * uniA), DIGITS);
    // Context a: b 1, </s> 1 (continuation); total 2; γ = 0.5·2/2 = 0.5.
    const pBA = (1 - 0.5) / 2 + 0.5 * uniA; // 0.395833
    expect(p(m, 'a b')).toBeCloseTo(Math.log10(pBA), DIGITS);
    // Context "<s> a": b 2; total 2; γ = 1.0·1/2 = 0.5.
    expect(p(m, '<s> a b')).toBeCloseTo(Math.log10((2 - 1) / 2 + 0.5 * pBA), DIGITS); // 0.697917
    // Context "<s> b": a 1; γ = 0.5·1/1 = 0.5; P(a | b) = 0.395833 like P(b | a).
    expect(p(m, '<s> b a')).toBeCloseTo(Math.log10((1 - 0.5) / 1 + 0.5 * pBA), DIGITS);
    // Unseen "<s> a a": bo(<s> a) = 0.5, then bo(a) = 0.5 times P(a).
    expect(p(m, '<s> a a')).toBeCloseTo(Math.log10(0.5 * 0.5 * uniA), DIGITS);
  });

  it('discounts from count-of-counts (Chen & Goodman), with a fallback when they cannot be estimated', () => {
    // t = 10, 5, 3, 2: Y = 10/(10+10) = 0.5; D1 = 1 - 2·0.5·5/10 = 0.5; D2 = 2 - 3·0.5·3/5 = 1.1;
    // D3+ = 3 - 4·0.5·2/3 = 1.6667.
    const d = discountsFrom([10, 5, 3, 2]);
    expect(d[0]).toBeCloseTo(0.5, 10);
    expect(d[1]).toBeCloseTo(1.1, 10);
    expect(d[2]).toBeCloseTo(5 / 3, 10);
    expect(discountsFrom([4, 0, 1, 1])).toEqual(FALLBACK_DISCOUNTS);
  });
});

describe('built from real text', () => {
  it('probabilities over the vocabulary sum to 1, for orders 3 and 4 and pruned models', async () => {
    const full = await brown({ order: 3 });
    const four = await brown({ order: 4 });
    const pruned = await brown({ order: 3, maxBytes: Math.floor(full.buffer.length * 0.6) });
    expect(full.report.discounts[2][0]).toBeGreaterThan(0); // estimated, not the fallback
    expect(full.report.discounts[2]).not.toEqual(FALLBACK_DISCOUNTS);
    for (const built of [full, four, pruned]) {
      const m = ngramModelFromBuffer(built.buffer);
      const id = (w: string) => m.id(w);
      for (const h of [
        [],
        [id('the')],
        [id('of'), id('one')],
        [id('said'), id('he')],
        [id('<s>')],
        [id('zzz')],
      ]) {
        const [a, b] = mass(m, h);
        expect(a).toBeCloseTo(1, 3);
        expect(b).toBeCloseTo(1, 3);
      }
      if (m.order === 4) {
        const [, b] = mass(m, [id('of'), id('one'), id('in')]);
        expect(b).toBeCloseTo(1, 3);
      }
    }
  });

  it('an order-4 model answers trigram queries as its trigram conditional', async () => {
    const four = ngramModelFromBuffer((await brown({ order: 4 })).buffer);
    const words = trainingSentences(brownText.slice(0, 4000)).flat();
    for (let i = 3; i < words.length; i++) {
      const [w, h1, h2, h3] = [words[i], words[i - 1], words[i - 2], words[i - 3]].map((x) => four.id(x));
      expect(four.logProb(w, h1, h2)).toBeCloseTo(four.logProbHistory(w, [h1, h2]), 6);
      // A longer context changes the answer only where a 4-gram or its back-off applies.
      expect(Number.isFinite(four.logProbHistory(w, [h1, h2, h3]))).toBe(true);
    }
  });

  it('maxLogProb bounds logProb from above over every history tried', async () => {
    const m = ngramModelFromBuffer((await brown({ order: 3 })).buffer);
    const words = trainingSentences(brownText.slice(0, 20000))
      .flat()
      .map((w) => m.id(w));
    for (let i = 2; i < words.length; i++) {
      for (const w of [words[i], (words[i] * 7 + 3) % m.vocabSize]) {
        expect(m.maxLogProb(w)).toBeGreaterThanOrEqual(m.logProb(w, words[i - 1], words[i - 2]) - 1e-6);
        expect(m.maxLogProb(w)).toBeGreaterThanOrEqual(m.logProb(w, words[i - 1], -1) - 1e-6);
      }
    }
    expect(m.maxLogProb(-1)).toBe(m.oovLogProb);
  });

  it('spilling runs to disk and merging them gives the same model as counting in memory', async () => {
    const memory = await brown({ order: 3 });
    const spilled = await brown({ order: 3, tableEntries: 2000 });
    expect(memory.report.runs).toBe(0);
    expect(spilled.report.runs).toBeGreaterThan(10);
    expect(spilled.buffer.equals(memory.buffer)).toBe(true);
  });

  it('two worker threads give the same model as one thread', async () => {
    const one = await brown({ order: 3 });
    const two = await brown({ order: 3, workers: 2 });
    expect(two.buffer.equals(one.buffer)).toBe(true);
  });

  it('pruning keeps the file within the size budget by one count cut-off across orders', async () => {
    const full = await brown({ order: 3 });
    const budget = Math.floor(full.buffer.length * 0.6);
    const pruned = await brown({ order: 3, maxBytes: budget });
    expect(pruned.buffer.length).toBeLessThanOrEqual(budget);
    expect(pruned.report.pruned[2]).toBeGreaterThan(0);
    // One count cut-off for the orders above the unigrams, the highest order's lowered as far as the budget
    // allows, and the rest of the budget spent on trigrams just below it.
    const [tMid, tTop] = pruned.report.minCounts;
    expect(tTop).toBeGreaterThan(1);
    expect(tMid === 1 || tMid >= tTop).toBe(true);
    expect(pruned.report.pruned[2] / full.report.ngrams[2]).toBeGreaterThan(
      pruned.report.pruned[1] / full.report.ngrams[1],
    );
    // Trigrams need no other order's n-grams kept for them: all with count >= tTop stay, and some with
    // tTop - 1 (count-of-counts t1..t4 say how many have each count).
    const below = (k: number) =>
      full.report.stats.countOfCounts[2].slice(0, k - 1).reduce((x, y) => x + y, 0);
    if (tTop <= 5) {
      expect(pruned.report.ngrams[2]).toBeGreaterThanOrEqual(full.report.ngrams[2] - below(tTop));
      expect(pruned.report.ngrams[2]).toBeLessThanOrEqual(full.report.ngrams[2] - below(tTop - 1));
    }
    expect(budget - pruned.buffer.length).toBeLessThan(2000); // the budget is used, not left at a jump
    // A budget below what the vocabulary alone needs is a usage error.
    await expect(buildModel({ inputs: [file('brown.txt')], workers: 1, maxBytes: 1000 })).rejects.toThrow(
      /too small/,
    );
  });

  it('--min-count maps rare words to <unk>', async () => {
    const all = await brown({ order: 3 });
    const cut = await brown({ order: 3, minCount: 3 });
    expect(cut.report.vocabulary).toBeLessThan(all.report.vocabulary);
    expect(cut.report.unknownWords).toBe(all.report.vocabulary - cut.report.vocabulary);
    const m = ngramModelFromBuffer(cut.buffer);
    expect(m.unigram(m.id('<unk>'))).toBeGreaterThan(-3);
  });
});

describe('inputs', () => {
  it('reads directories recursively and JSON Lines records like the same text', async () => {
    mkdirSync(file('tree/sub'), { recursive: true });
    writeFileSync(file('tree/one.txt'), 'The cat sat on the mat.\n');
    writeFileSync(file('tree/sub/two.txt'), 'The dog sat on the log.\n');
    writeFileSync(
      file('records.jsonl'),
      '{"text":"The cat sat on the mat."}\n{"text":"The dog sat on the log."}\n',
    );
    const fromDir = await buildModel({ inputs: [file('tree')], workers: 1 });
    const fromJsonl = await buildModel({ inputs: [file('records.jsonl')], jsonl: true, workers: 1 });
    expect(fromDir.report.tokens).toBe(12);
    expect(fromDir.report.sentences).toBe(2);
    expect(fromJsonl.report.ngrams).toEqual(fromDir.report.ngrams);
  });

  it('fails clearly on a missing input, an empty corpus and a bad JSON line', async () => {
    writeFileSync(file('empty.txt'), '\n\n');
    writeFileSync(file('bad.jsonl'), '{"text":"fine"}\nnot json\n');
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (e as UnspinError).code,
      );
    expect(await codeOf(buildModel({ inputs: [file('missing.txt')], workers: 1 }))).toBe('NOT_FOUND');
    expect(await codeOf(buildModel({ inputs: [file('empty.txt')], workers: 1 }))).toBe('EMPTY_INPUT');
    expect(await codeOf(buildModel({ inputs: [file('bad.jsonl')], jsonl: true, workers: 1 }))).toBe(
      'BAD_JSON',
    );
  });

  it('trains on the word forms the engine looks up', () => {
    expect(trainingSentences('Mr. Smith paid 2 dollars, then 1,500 more.\n\nThe U.S. team won!')).toEqual([
      ['mr.', 'smith', 'paid', 'two', 'dollars', 'then', '<unk>', 'more'],
      ['the', 'u.s.', 'team', 'won'],
    ]);
    expect(trainingSentences('It’s a well-known fact')).toEqual([["it's", 'a', 'well-known', 'fact']]);
  });

  it('reads a text whatever the read boundaries: multi-byte characters and byte-order marks across them', async () => {
    // Reads are 1 MiB: all-ASCII reads (decoded as Latin-1 once the decoder is clean), a byte-order mark
    // after them, a character split across a read boundary, an incomplete sequence at the end of a read.
    const MIB = 1 << 20;
    const filler = (n: number) =>
      Buffer.from('Plain words here. He said so.\n'.repeat(Math.ceil(n / 30))).subarray(0, n);
    const bytes = Buffer.concat([
      filler(MIB),
      filler(MIB),
      Buffer.from('\uFEFFboms inside, café.\n'),
      filler(MIB - 24),
      Buffer.from([0xc3]), // the first byte of "é": the third read ends inside a character
      Buffer.from([0xa9]),
      filler(MIB - 1),
      filler(MIB - 1),
      Buffer.from([0xe2]), // an incomplete sequence ends the fifth read: one U+FFFD
      filler(MIB),
      filler(MIB),
      Buffer.from('Zoë met the café owner.\n'),
    ]);
    expect([bytes[3 * MIB - 1], bytes[5 * MIB - 1]]).toEqual([0xc3, 0xe2]);
    writeFileSync(file('boundaries.txt'), bytes);
    const text = new TextDecoder('utf-8').decode(bytes);
    const chunks: string[] = [];
    for await (const chunk of corpusChunks([file('boundaries.txt')], {})) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(20);
    expect(chunks.join('') === text).toBe(true);
    const built = await buildModel({ inputs: [file('boundaries.txt')], workers: 1 });
    expect(built.report.tokens).toBe(trainingSentences(text).flat().length);
  });
});

describe('the training-word pass (no Token objects) matches tokenize', () => {
  /** Words and sentence ends ("</s>") of `text` through the reference path and through the fast one. */
  const streams = (text: string): [string[], string[]] => {
    const ref: string[] = [];
    forEachTrainingWord(
      text,
      (w) => ref.push(w),
      () => ref.push('</s>'),
    );
    const fast: string[] = [];
    forEachTrainingWordFast(
      text,
      (w) => fast.push(w),
      () => fast.push('</s>'),
    );
    return [ref, fast];
  };

  /** What the encoder wrote for `text` (span look-ups included), as words and "</s>". */
  const encoded = (text: string): { seq: string[]; words: string[]; counts: number[] } => {
    const path = file(`enc-${Math.random().toString(36).slice(2)}.ids`);
    const enc = new StreamEncoder(path);
    enc.encode(text);
    const v = enc.finish();
    const buf = readFileSync(path);
    const ids = new Uint32Array(buf.buffer, buf.byteOffset, buf.length / 4);
    return {
      seq: Array.from(ids, (id) => (id === 0xffffffff ? '</s>' : v.words[id])),
      words: v.words,
      counts: v.counts,
    };
  };

  it('gives the same words and sentence ends as tokenize on the Brown corpus', () => {
    const text = loadBrownFiles()
      .map((f) => f.sentences.join('\n'))
      .join('\n\n');
    const [ref, fast] = streams(text);
    expect(ref.length).toBeGreaterThan(1_000_000);
    expect(fast).toEqual(ref);
    expect(encoded(text).seq).toEqual(ref);
  });

  it('gives the same words and sentence ends as tokenize on varied text (every token kind and rule)', () => {
    const text = variedText(200_000);
    const [ref, fast] = streams(text);
    expect(new Set(ref).size).toBeGreaterThan(100);
    expect(fast).toEqual(ref);
    const { seq, words, counts } = encoded(text);
    expect(seq).toEqual(ref);
    const expected = new Map<string, number>();
    for (const w of ref) if (w !== '</s>') expected.set(w, (expected.get(w) ?? 0) + 1);
    expect(new Map(words.map((w, i) => [w, counts[i]]))).toEqual(expected);
    // Huge paragraphs are split into lines in both paths.
    const huge = variedText(60_000).replace(/\n\s*\n/g, '\n');
    const [hugeRef, hugeFast] = streams(huge);
    expect(hugeFast).toEqual(hugeRef);
  });
});
