/** What a model file holds (for `unspin lm info`), and loading a model file of either supported format. */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { UnspinError } from '../errors.js';
import { FORMAT_VERSION, hasMagic } from './format.js';
import { loadNgramModel } from './ngram-bin.js';
import { loadSphinxModel } from './sphinx.js';
import type { LanguageModel } from './types.js';

export interface ModelInfo {
  file: string;
  format: 'unspin' | 'sphinx';
  version: number;
  order: number;
  vocabulary: number;
  /** N-grams per order (index 0 = unigrams). */
  ngrams: number[];
  bytes: number;
  source?: string;
  inputs?: string[];
  corpusSha256?: string;
  tokens?: number;
  sentences?: number;
  oovLogProb: number;
  discounts?: number[][];
  /** N-grams pruning removed, per order. */
  pruned?: number[];
}

const SPHINX_MAGIC = 'Trie Language Model';

function fileKind(path: string): 'unspin' | 'sphinx' {
  let head: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      head = Buffer.alloc(SPHINX_MAGIC.length);
      head = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new UnspinError(
      'BAD_MODEL',
      `cannot read language model ${path} (${code === 'ENOENT' ? 'no such file' : code})`,
    );
  }
  if (hasMagic(head)) return 'unspin';
  if (head.toString('latin1') === SPHINX_MAGIC) return 'sphinx';
  throw new UnspinError('BAD_MODEL', `${path}: not a language model unspin can read (unknown format)`);
}

/** Load an unspin `.lm.bin` or a CMU Sphinx trie model, whichever the file is. */
export function loadLanguageModel(path: string): LanguageModel {
  return fileKind(path) === 'unspin' ? loadNgramModel(path) : loadSphinxModel(path);
}

/** Describe a model file (checking it fully, as loading it would). */
export function describeModelFile(path: string): ModelInfo {
  const bytes = statSafe(path);
  if (fileKind(path) === 'sphinx') {
    const m = loadSphinxModel(path);
    return {
      file: path,
      format: 'sphinx',
      version: 1,
      order: m.order,
      vocabulary: m.vocabSize,
      ngrams: [m.vocabSize, m.bigramCount, m.trigramCount],
      bytes,
      oovLogProb: m.oovLogProb,
    };
  }
  const m = loadNgramModel(path);
  const h = m.header;
  return {
    file: path,
    format: 'unspin',
    version: FORMAT_VERSION,
    order: m.order,
    vocabulary: m.vocabSize,
    ngrams: [...m.counts],
    bytes,
    source: h.source,
    inputs: h.inputs,
    corpusSha256: h.corpusSha256,
    tokens: h.tokens,
    sentences: h.sentences,
    oovLogProb: h.oovLogProb,
    discounts: h.discounts,
    pruned: h.pruned?.ngrams,
  };
}

function statSafe(path: string): number {
  try {
    return statSync(path).size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new UnspinError(
      'BAD_MODEL',
      `cannot read language model ${path} (${code === 'ENOENT' ? 'no such file' : code})`,
    );
  }
}
