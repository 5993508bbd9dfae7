/**
 * The readers and the interpolation keep look-up caches (bigram look-ups per pair of ids, unigrams per
 * word, a two-model fast path): their answers must be the very same float64 values as a plain computation
 * from the stored tables. The references below re-read the shipped model files with straightforward code
 * (binary search, no caches) and repeat the readers' arithmetic term for term, then query the models in
 * orders that hit, miss and evict the caches.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../src/data.js';
import { InterpolatedModel } from '../src/lm/combine.js';
import { decodeModel, type StoredModel } from '../src/lm/format.js';
import { loadDefaultModel, loadLanguageModel } from '../src/lm/index.js';
import type { LanguageModel } from '../src/lm/types.js';

type Triple = [w: number, h1: number, h2: number];

/** Plain reader of the Sphinx trie file (layout documented in src/lm/sphinx.ts). */
function sphinxReference(path: string, oovLogProb: number): (w: number, h1: number, h2: number) => number {
  const buf = readFileSync(path);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const K = Math.log10(1.0001);
  let off = 'Trie Language Model'.length + 1;
  const [V, count2, count3] = [0, 1, 2].map((i) => view.getUint32(off + 4 * i, true));
  off += 16;
  const f32 = (at: number): number => view.getFloat32(at, true);
  const binsAt = off;
  off += 3 * 65536 * 4;
  const uniAt = off;
  off += 12 * (V + 1);
  const bitsFor = (max: number): number => {
    let bits = 0;
    while (2 ** bits <= max) bits++;
    return bits;
  };
  const wordBits = bitsFor(V);
  const nextBits = bitsFor(count3);
  const biBits = wordBits + 32 + nextBits;
  const triBits = wordBits + 16;
  const biAt = off;
  const triAt = biAt + Math.floor(((count2 + 1) * biBits + 7) / 8) + 8;
  const field = (region: number, bit: number, width: number): number =>
    (view.getUint32(region + (bit >>> 3), true) >>> (bit & 7)) & (2 ** width - 1);
  const uniProb = (w: number): number => f32(uniAt + 12 * w);
  const uniBackoff = (w: number): number => f32(uniAt + 12 * w + 4);
  const uniNext = (w: number): number => view.getUint32(uniAt + 12 * w + 8, true);
  const biWord = (b: number): number => field(biAt, b * biBits, wordBits);
  const biBackoff = (b: number): number =>
    f32(binsAt + 65536 * 4 + 4 * field(biAt, b * biBits + wordBits, 16));
  const biProb = (b: number): number => f32(binsAt + 4 * field(biAt, b * biBits + wordBits + 16, 16));
  const biNext = (b: number): number => field(biAt, b * biBits + wordBits + 32, nextBits);
  const triWord = (t: number): number => field(triAt, t * triBits, wordBits);
  const triProb = (t: number): number =>
    f32(binsAt + 2 * 65536 * 4 + 4 * field(triAt, t * triBits + wordBits, 16));
  const search = (word: (i: number) => number, begin: number, end: number, key: number): number => {
    let lo = begin;
    let hi = end - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = word(mid);
      if (v < key) lo = mid + 1;
      else if (v > key) hi = mid - 1;
      else return mid;
    }
    return -1;
  };
  const bigram = (w: number, h1: number): number => search(biWord, uniNext(w), uniNext(w + 1), h1);
  const historyBackoff = (h1: number, h2: number): number => {
    const b = bigram(h1, h2);
    return b < 0 ? 0 : biBackoff(b);
  };
  const inVocab = (x: number): boolean => x >= 0 && x < V;
  return (w, h1, h2) => {
    if (!inVocab(w)) return oovLogProb;
    if (!inVocab(h1)) return uniProb(w) * K;
    const b = bigram(w, h1);
    if (!inVocab(h2)) return (b < 0 ? uniProb(w) + uniBackoff(h1) : biProb(b)) * K;
    if (b < 0) return (uniProb(w) + uniBackoff(h1) + historyBackoff(h1, h2)) * K;
    const t = search(triWord, biNext(b), biNext(b + 1), h2);
    return t >= 0 ? triProb(t) * K : (biProb(b) + historyBackoff(h1, h2)) * K;
  };
}

/** Plain reader of an unspin trigram model (the arithmetic of NgramBinModel.logProb, no caches). */
function ngramReference(m: StoredModel): (w: number, h1: number, h2: number) => number {
  const [l2, l3] = m.levels;
  const V = m.vocab.length;
  const find = (words: Uint32Array, begin: number, end: number, key: number): number => {
    let lo = begin;
    let hi = end - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (words[mid] < key) lo = mid + 1;
      else if (words[mid] > key) hi = mid - 1;
      else return mid;
    }
    return -1;
  };
  const p2 = (b: number): number => l2.probLow + l2.probBins[b] * l2.probStep;
  const historyBackoff = (h1: number, h2: number): number => {
    const b = find(l2.words, m.uniChild[h1], m.uniChild[h1 + 1], h2);
    return b < 0 ? 0 : l2.backoffLow + (l2.backoffBins as Uint16Array)[b] * l2.backoffStep;
  };
  const inVocab = (x: number): boolean => x >= 0 && x < V;
  return (w, h1, h2) => {
    if (!inVocab(w)) return m.header.oovLogProb;
    if (!inVocab(h1)) return m.uniProb[w];
    const b = find(l2.words, m.uniChild[w], m.uniChild[w + 1], h1);
    if (!inVocab(h2)) return b < 0 ? m.uniProb[w] + m.uniBackoff[h1] : p2(b);
    if (b < 0) return m.uniProb[w] + m.uniBackoff[h1] + historyBackoff(h1, h2);
    const t = find(l3.words, (l2.child as Uint32Array)[b], (l2.child as Uint32Array)[b + 1], h2);
    if (t >= 0) return l3.probLow + l3.probBins[t] * l3.probStep;
    return p2(b) + historyBackoff(h1, h2);
  };
}

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const TEXT = `The president said on Tuesday that the United States would not raise taxes this year.
In order to help the schools of New York City, the committee will meet next week to discuss the proposal.
One of the officials told reporters that the police had arrested two men after the game on Saturday night.
The compiler emits machine code and the linker resolves the symbols of every object file.
A deep neural network is trained with stochastic gradient descent on the GPU, then the kernel is recompiled.
Set the environment variable and run the container; the daemon restarts the service after a timeout.`;

/**
 * Look-ups as a decoder makes them: each sentence scored in order, then at every position a set of
 * candidate words scored after the same two observed words, and the two observed words after each
 * candidate scored after it; plus random triples over a pool of ids (many repeats, cache collisions and
 * evictions), unknown words (-1), sentence boundaries and ids only one model knows.
 */
function queries(model: LanguageModel, extraIds: readonly number[], seed: number): Triple[] {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const sentences = TEXT.split('\n').map((s) =>
    s
      .toLowerCase()
      .replace(/[^a-z' ]/g, ' ')
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => model.id(w)),
  );
  const textIds = sentences.flat();
  const pool: number[] = [...textIds, ...extraIds, -1, model.bos, model.eos];
  for (let i = 0; i < 400; i++) pool.push(Math.floor(rnd() * model.vocabSize));
  const out: Triple[] = [];
  for (const s of sentences) {
    const stream = [model.bos, ...s, model.eos];
    for (let i = 1; i < stream.length; i++) out.push([stream[i], stream[i - 1], i > 1 ? stream[i - 2] : -1]);
    for (let i = 2; i + 2 < stream.length; i++) {
      for (let c = 0; c < 25; c++) {
        const cand = c < 10 ? pick(textIds) : pick(pool);
        out.push([cand, stream[i - 1], stream[i - 2]]);
        out.push([stream[i + 1], cand, stream[i - 1]]);
        out.push([stream[i + 2], stream[i + 1], cand]);
      }
    }
  }
  for (let i = 0; i < 20000; i++) out.push([pick(pool), pick(pool), pick(pool)]);
  // The same look-ups again, backwards: answers from the caches must not depend on what was asked before.
  return [...out, ...out.slice().reverse()];
}

/** Indices where `actual` and `expected` differ in any bit (Object.is), at most 5, with the values. */
function differences(
  triples: readonly Triple[],
  actual: (t: Triple) => number,
  expected: (t: Triple) => number,
) {
  const bad: string[] = [];
  for (const t of triples) {
    const a = actual(t);
    const e = expected(t);
    if (!Object.is(a, e) && bad.length < 5) bad.push(`${t.join(',')}: ${a} vs ${e}`);
  }
  return bad;
}

let general: LanguageModel;
let technical: LanguageModel;
let generalRef: (w: number, h1: number, h2: number) => number;
let technicalRef: (w: number, h1: number, h2: number) => number;

beforeAll(() => {
  general = loadDefaultModel();
  generalRef = sphinxReference(dataPath('en-us.lm.bin'), general.oovLogProb);
  technical = loadLanguageModel(dataPath('tech.lm.bin'));
  technicalRef = ngramReference(decodeModel(readFileSync(dataPath('tech.lm.bin')), 'tech.lm.bin'));
});

describe('language-model look-ups give the same float64 values as a plain computation', () => {
  it('Sphinx trie reader (en-us.lm.bin)', () => {
    const triples = queries(general, [], 1);
    expect(triples.length).toBeGreaterThan(40000);
    expect(
      differences(
        triples,
        ([w, h1, h2]) => general.logProb(w, h1, h2),
        ([w, h1, h2]) => generalRef(w, h1, h2),
      ),
    ).toEqual([]);
  });

  it('unspin reader (tech.lm.bin)', () => {
    const triples = queries(technical, [], 2);
    expect(
      differences(
        triples,
        ([w, h1, h2]) => technical.logProb(w, h1, h2),
        ([w, h1, h2]) => technicalRef(w, h1, h2),
      ),
    ).toEqual([]);
  });

  it('interpolation of both, its unigrams, and after the weights change', () => {
    const mix = new InterpolatedModel([general, technical], [0.7, 0.3]);
    const base = mix.weights;
    // The technical model's id of each merged id (its lowest id for the word), -1 where it lacks the word.
    const toTechnical = new Int32Array(mix.vocabSize).fill(-1);
    for (let i = technical.vocabSize - 1; i >= 0; i--) toTechnical[mix.id(technical.word(i))] = i;
    const n0 = general.vocabSize;
    const onlyTechnical: number[] = [];
    for (let g = n0; g < mix.vocabSize && onlyTechnical.length < 40; g += 97) onlyTechnical.push(g);
    const onlyGeneral: number[] = [];
    for (let g = 0; g < n0 && onlyGeneral.length < 40; g += 7) if (toTechnical[g] < 0) onlyGeneral.push(g);
    expect(onlyTechnical.length).toBe(40);
    expect(onlyGeneral.length).toBe(40);
    const ids = (g: number): [number, number] => {
      const inVocab = g >= 0 && g < mix.vocabSize;
      return [inVocab && g < n0 ? g : -1, inVocab ? toTechnical[g] : -1];
    };
    const reference = ([w, h1, h2]: Triple, lambda: readonly number[]): number => {
      const [w0, w1] = ids(w);
      const [a0, a1] = ids(h1);
      const [b0, b1] = ids(h2);
      let s = 0;
      if (lambda[0] !== 0) s += lambda[0] * 10 ** generalRef(w0, a0, b0);
      if (lambda[1] !== 0) s += lambda[1] * 10 ** technicalRef(w1, a1, b1);
      return Math.log10(s);
    };
    const unigramReference = (w: number, base: readonly number[]): number => {
      const [w0, w1] = ids(w);
      return Math.log10(0 + base[0] * 10 ** general.unigram(w0) + base[1] * 10 ** technical.unigram(w1));
    };
    const triples = queries(mix, [...onlyTechnical, ...onlyGeneral, mix.vocabSize, -5], 3);
    for (const weights of [
      [0.7, 0.3],
      [0.123456789, 0.876543211],
      [1, 0],
      [0, 1],
    ]) {
      mix.setWeights(weights);
      const lambda = mix.weights;
      expect(
        differences(
          triples,
          (t) => mix.logProb(...t),
          (t) => reference(t, lambda),
        ),
      ).toEqual([]);
    }
    const words = triples.map(([w]) => w);
    const unigrams = (base: number[]) =>
      differences(
        words.map((w): Triple => [w, 0, 0]),
        ([w]) => mix.unigram(w),
        ([w]) => unigramReference(w, base),
      );
    expect(unigrams(base)).toEqual([]);
    // unigram() answers with the base weights: cached values must go when those change.
    mix.setBaseWeights([1, 3]);
    expect(unigrams([0.25, 0.75])).toEqual([]);
  });
});
