/**
 * Combining models: interpolation over a merged vocabulary, EM weights on a toy case with a closed-form
 * answer, per-document adaptation, and the engine's model choice (the general model alone, untouched,
 * when there is nothing to add).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../src/lm/build/index.js';
import { fitInterpolation, InterpolatedModel } from '../src/lm/combine.js';
import { loadDefaultModel, loadEngineModel } from '../src/lm/index.js';
import { type NgramModel, ngramModelFromBuffer } from '../src/lm/ngram-bin.js';
import type { LanguageModel } from '../src/lm/types.js';

/** A context-free model over a fixed vocabulary: P(w) from a table, whatever the history. */
function tableModel(probs: Record<string, number>): LanguageModel {
  const words = Object.keys(probs);
  const ids = new Map(words.map((w, i) => [w, i]));
  return {
    order: 1,
    vocabSize: words.length,
    bos: ids.get('<s>')!,
    eos: ids.get('</s>')!,
    oovLogProb: -7.5,
    id: (w) => ids.get(w) ?? -1,
    word: (i) => words[i],
    logProb: (w) => (w >= 0 ? Math.log10(probs[words[w]]) : -7.5),
    unigram: (w) => (w >= 0 ? Math.log10(probs[words[w]]) : -7.5),
  };
}

let dir: string;
let cats: NgramModel;
let code: NgramModel;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'unspin-lmcombine-'));
  writeFileSync(
    join(dir, 'cats.txt'),
    'The cat sat on the mat.\n\nThe cat ate the fish.\n\nA dog sat on the cat.\n\nThe dog ate.\n',
  );
  writeFileSync(
    join(dir, 'code.txt'),
    'The compiler emits code.\n\nThe linker resolves symbols.\n\nThe compiler resolves the symbols.\n',
  );
  cats = ngramModelFromBuffer((await buildModel({ inputs: [join(dir, 'cats.txt')], workers: 1 })).buffer);
  code = ngramModelFromBuffer((await buildModel({ inputs: [join(dir, 'code.txt')], workers: 1 })).buffer);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('interpolated model', () => {
  it('log10 Σ λ_i P_i over the merged vocabulary; words one model lacks cost its unknown-word penalty', () => {
    const mix = new InterpolatedModel([cats, code], [3, 1]);
    expect(mix.weights).toEqual([0.75, 0.25]);
    // The first model's ids are kept; the second model's new words come after.
    expect(mix.id('cat')).toBe(cats.id('cat'));
    expect(mix.id('compiler')).toBeGreaterThanOrEqual(cats.vocabSize);
    expect(mix.vocabSize).toBe(cats.vocabSize + 6); // compiler emits code linker resolves symbols
    const [the, cat, compiler] = ['the', 'cat', 'compiler'].map((w) => mix.id(w));
    const expectMix = (w: string, h1: string, h2: string) => {
      const a = cats.logProb(cats.id(w), cats.id(h1), cats.id(h2));
      const b = code.logProb(code.id(w), code.id(h1), code.id(h2));
      return Math.log10(0.75 * 10 ** a + 0.25 * 10 ** b);
    };
    expect(mix.logProb(cat, the, mix.bos)).toBeCloseTo(expectMix('cat', 'the', '<s>'), 10);
    expect(mix.logProb(compiler, the, mix.bos)).toBeCloseTo(expectMix('compiler', 'the', '<s>'), 10);
    expect(cats.id('compiler')).toBe(-1);
    expect(mix.logProb(-1, the, -1)).toBeCloseTo(Math.log10(0.75 * 10 ** -7.5 + 0.25 * 10 ** -7.5), 10);
    // Still a distribution.
    let sum = 0;
    for (let w = 0; w < mix.vocabSize; w++) if (w !== mix.bos) sum += 10 ** mix.logProb(w, the, mix.bos);
    expect(sum).toBeCloseTo(1, 3);
  });

  it('answers from its cache only what the current weights give', () => {
    const mix = new InterpolatedModel([cats, code], [1, 1]);
    const [w, h1, h2] = ['symbols', 'the', 'resolves'].map((x) => mix.id(x));
    const before = mix.logProb(w, h1, h2);
    expect(mix.logProb(w, h1, h2)).toBe(before);
    mix.setWeights([1, 9]);
    const p = (m: NgramModel) => 10 ** m.logProb(m.id('symbols'), m.id('the'), m.id('resolves'));
    expect(mix.logProb(w, h1, h2)).toBeCloseTo(Math.log10(0.1 * p(cats) + 0.9 * p(code)), 12);
    expect(mix.logProb(w, h1, h2)).not.toBeCloseTo(before, 3);
  });

  it('one model with weight 1 answers exactly like the model', () => {
    const solo = new InterpolatedModel([cats]);
    for (const [w, h1, h2] of [
      ['cat', 'the', '<s>'],
      ['sat', 'dog', 'a'],
      ['fish', 'zebra', 'the'],
    ]) {
      expect(solo.logProb(solo.id(w), solo.id(h1), solo.id(h2))).toBeCloseTo(
        cats.logProb(cats.id(w), cats.id(h1), cats.id(h2)),
        12,
      );
    }
  });
});

describe('weights', () => {
  it('EM finds the maximum-likelihood weights of a toy mixture', () => {
    // A: P(x) 0.8, P(y) 0.1, P(</s>) 0.1; B: P(x) 0.2, P(y) 0.7, P(</s>) 0.1. Text: 3 x and 1 y per sentence.
    // Maximising 3 log(0.2 + 0.6λ) + log(0.7 - 0.6λ) (</s> is 0.1 under both, so it does not move λ):
    // 3·0.6/(0.2 + 0.6λ) = 0.6/(0.7 - 0.6λ)  ⇒  3(0.7 - 0.6λ) = 0.2 + 0.6λ  ⇒  λ = 1.9/2.4 = 0.791667.
    const a = tableModel({ '<s>': 0, '</s>': 0.1, x: 0.8, y: 0.1 });
    const b = tableModel({ '<s>': 0, '</s>': 0.1, x: 0.2, y: 0.7 });
    const sentences = Array.from({ length: 20 }, () => ['x', 'y', 'x', 'x']);
    const fit = fitInterpolation([a, b], sentences);
    expect(fit.weights[0]).toBeCloseTo(1.9 / 2.4, 4);
    expect(fit.weights[0] + fit.weights[1]).toBeCloseTo(1, 12);
    expect(fit.tokens).toBe(100);
    expect(fit.perplexity).toBeLessThan(Math.min(...fit.perplexities));
  });

  it('adapting to a document leans on the model that explains it, pulled towards the base weights', () => {
    const mix = new InterpolatedModel([cats, code]);
    const technical = mix.adaptTo(
      'The compiler resolves symbols. The linker emits code. The compiler emits symbols.',
    );
    // About 17 tokens against 50 pseudo-tokens of the equal base weights: a clear but bounded move.
    expect(technical[1]).toBeGreaterThan(0.55);
    expect(technical[1]).toBeLessThan(0.8);
    expect(mix.weights).toEqual(technical);
    const animals = mix.adaptTo('The cat sat on the mat. The dog ate the fish. A cat sat on the dog.');
    expect(animals[0]).toBeGreaterThan(0.55);
    // The unigram (cached per word by callers) stays on the base weights whatever the document.
    expect(mix.unigram(mix.id('cat'))).toBeCloseTo(
      Math.log10(0.5 * 10 ** cats.unigram(cats.id('cat')) + 0.5 * 10 ** -7.5),
      10,
    );
  });
});

describe('engine model choice', () => {
  it('uses the shipped general model itself when nothing is added', () => {
    const { model, files, adapt } = loadEngineModel({ technical: false });
    expect(model).toBe(loadDefaultModel());
    expect(files).toEqual([]);
    expect(adapt).toBeUndefined();
  });

  it('combines the general model with --lm files, adapting per document unless weights are fixed', () => {
    writeFileSync(join(dir, 'cats.lm.bin'), Buffer.from(new Uint8Array(0)));
    const path = join(dir, 'code.lm.bin');
    return buildModel({ inputs: [join(dir, 'code.txt')], workers: 1 }).then(({ buffer }) => {
      writeFileSync(path, buffer);
      const adaptive = loadEngineModel({ technical: false, lm: [path] });
      expect(adaptive.model).toBeInstanceOf(InterpolatedModel);
      expect(adaptive.files).toHaveLength(2);
      expect(adaptive.adapt).toBeTypeOf('function');
      const fixed = loadEngineModel({ technical: false, lm: [path], lmWeights: [9, 1] });
      expect((fixed.model as InterpolatedModel).weights).toEqual([0.9, 0.1]);
      expect(fixed.adapt).toBeUndefined();
      expect(() => loadEngineModel({ technical: false, lm: [join(dir, 'cats.lm.bin')] })).toThrow(
        /not a language model/,
      );
    });
  });
});
