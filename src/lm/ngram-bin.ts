/**
 * Reader for unspin's own n-gram model files (layout in `format.ts`): the file is read once and queried
 * through typed-array views, walking the reverse trie from the predicted word towards older history.
 */
import { readFileSync } from 'node:fs';
import { UnspinError } from '../errors.js';
import { decodeModel, type ModelHeader, type StoredLevel } from './format.js';
import type { LanguageModel } from './types.js';

/** A model read from an unspin `.lm.bin` file. */
export interface NgramModel extends LanguageModel {
  /** N-grams stored per order (index 0 = unigrams). */
  readonly counts: readonly number[];
  readonly header: ModelHeader;
  /**
   * log10 P(w | history), history[0] being the word right before w; up to order - 1 words are used.
   * A -1 in the history cuts it there.
   */
  logProbHistory(w: number, history: ArrayLike<number>): number;
  /** An upper bound of `logProb(w, h1, h2)` over every history (oovLogProb for -1). */
  maxLogProb(w: number): number;
}

/** log2 of the entries of the bigram look-up cache (32 bytes each). */
const BIGRAM_CACHE_BITS = 12;

/** Binary search for `key` among the ascending `words[begin, end)`; the index or -1. */
function find(words: Uint32Array, begin: number, end: number, key: number): number {
  let lo = begin;
  let hi = end - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = words[mid];
    if (v < key) lo = mid + 1;
    else if (v > key) hi = mid - 1;
    else return mid;
  }
  return -1;
}

class NgramBinModel implements NgramModel {
  readonly order: number;
  readonly vocabSize: number;
  readonly bos: number;
  readonly eos: number;
  readonly oovLogProb: number;
  readonly counts: readonly number[];
  readonly header: ModelHeader;

  private readonly words: string[];
  private readonly ids: Map<string, number>;
  private readonly uniProb: Float32Array;
  private readonly uniBackoff: Float32Array;
  private readonly uniChild: Uint32Array;
  private readonly levels: StoredLevel[];
  // Orders 2 and 3 unpacked into fields for the trigram fast path (empty arrays when absent).
  private readonly w2: Uint32Array;
  private readonly p2: Uint16Array;
  private readonly b2: Uint16Array;
  private readonly c2: Uint32Array;
  private readonly p2Low: number;
  private readonly p2Step: number;
  private readonly b2Low: number;
  private readonly b2Step: number;
  private readonly w3: Uint32Array;
  private readonly p3: Uint16Array;
  private readonly p3Low: number;
  private readonly p3Step: number;

  /** Per word, the highest log10 probability `logProb` can give it; computed on first use. */
  private maxProb: Float32Array | undefined;

  /**
   * Direct-mapped cache of order-2 look-ups, 8 slots of 32 bits per entry: the pair (w, h1) ([0], [1]; -1 in
   * an empty entry, never a looked-up id), the bigram index or -1 ([2]), and from [4] the back-off weight
   * of that bigram as a history (float64 through `biCacheBo`; NaN until first asked). Decoders score many
   * candidates with the same history and the same observed words after different candidates, so most
   * look-ups repeat within a few calls.
   */
  private readonly biCache = new Int32Array(8 << BIGRAM_CACHE_BITS).fill(-1);
  private readonly biCacheBo = new Float64Array(this.biCache.buffer);

  constructor(path: string, buf: Buffer) {
    const m = decodeModel(buf, path);
    this.order = m.order;
    this.vocabSize = m.vocab.length;
    this.counts = m.counts;
    this.header = m.header;
    this.oovLogProb = m.header.oovLogProb;
    this.words = m.vocab;
    this.ids = new Map();
    for (let i = m.vocab.length - 1; i >= 0; i--) this.ids.set(m.vocab[i], i);
    this.uniProb = m.uniProb;
    this.uniBackoff = m.uniBackoff;
    this.uniChild = m.uniChild;
    this.levels = m.levels;
    const bos = this.ids.get('<s>');
    const eos = this.ids.get('</s>');
    if (bos === undefined || eos === undefined) {
      throw new UnspinError('BAD_MODEL', `${path}: not a usable unspin language model (no <s> or </s>)`);
    }
    this.bos = bos;
    this.eos = eos;
    const empty32 = new Uint32Array(1);
    const empty16 = new Uint16Array(0);
    const l2 = m.levels[0];
    const l3 = m.levels[1];
    this.w2 = l2?.words ?? empty32;
    this.p2 = l2?.probBins ?? empty16;
    this.b2 = l2?.backoffBins ?? empty16;
    this.c2 = l2?.child ?? empty32;
    this.p2Low = l2?.probLow ?? 0;
    this.p2Step = l2?.probStep ?? 0;
    this.b2Low = l2?.backoffLow ?? 0;
    this.b2Step = l2?.backoffStep ?? 0;
    this.w3 = l3?.words ?? empty32;
    this.p3 = l3?.probBins ?? empty16;
    this.p3Low = l3?.probLow ?? 0;
    this.p3Step = l3?.probStep ?? 0;
  }

  id(word: string): number {
    const id = this.ids.get(word);
    if (id !== undefined) return id;
    return this.ids.get(word.toLowerCase()) ?? -1;
  }

  word(id: number): string {
    if (!(id >= 0 && id < this.vocabSize))
      throw new RangeError(`word id ${id} outside 0..${this.vocabSize - 1}`);
    return this.words[id];
  }

  unigram(w: number): number {
    return w >= 0 && w < this.vocabSize ? this.uniProb[w] : this.oovLogProb;
  }

  logProb(w: number, h1: number, h2: number): number {
    const V = this.vocabSize;
    if (!(w >= 0 && w < V)) return this.oovLogProb;
    if (!(h1 >= 0 && h1 < V) || this.order < 2) return this.uniProb[w];
    const b = this.biCache[this.bigramSlot(w, h1) + 2];
    if (!(h2 >= 0 && h2 < V) || this.order < 3) {
      return b < 0 ? this.uniProb[w] + this.uniBackoff[h1] : this.p2Low + this.p2[b] * this.p2Step;
    }
    if (b < 0) return this.uniProb[w] + this.uniBackoff[h1] + this.historyBackoff(h1, h2);
    const t = find(this.w3, this.c2[b], this.c2[b + 1], h2);
    if (t >= 0) return this.p3Low + this.p3[t] * this.p3Step;
    return this.p2Low + this.p2[b] * this.p2Step + this.historyBackoff(h1, h2);
  }

  forEachBigram(fn: (h1: number, w: number, logProb: number) => void): void {
    if (this.order < 2) return;
    for (let w = 0; w < this.vocabSize; w++) {
      for (let b = this.uniChild[w], end = this.uniChild[w + 1]; b < end; b++) {
        fn(this.w2[b], w, this.p2Low + this.p2[b] * this.p2Step);
      }
    }
  }

  /** An upper bound of `logProb(w, h1, h2)` over every history (oovLogProb for an unknown word). */
  maxLogProb(w: number): number {
    if (!(w >= 0 && w < this.vocabSize)) return this.oovLogProb;
    this.maxProb ??= this.computeMaxProb();
    return this.maxProb[w];
  }

  /**
   * One pass over orders 1–3: each word's best trigram probability, bigram probability plus the largest
   * history back-off, and unigram plus the largest back-offs of both orders — every way `logProb` reaches it.
   */
  private computeMaxProb(): Float32Array {
    const V = this.vocabSize;
    let bo1 = 0;
    for (let i = 0; i < V; i++) bo1 = Math.max(bo1, this.uniBackoff[i]);
    let bo2 = 0;
    if (this.order >= 3)
      for (let b = 0; b < this.b2.length; b++) bo2 = Math.max(bo2, this.b2Low + this.b2[b] * this.b2Step);
    const out = new Float32Array(V);
    for (let w = 0; w < V; w++) {
      let best = this.uniProb[w] + bo1 + bo2;
      if (this.order >= 2) {
        for (let b = this.uniChild[w]; b < this.uniChild[w + 1]; b++) {
          best = Math.max(best, this.p2Low + this.p2[b] * this.p2Step + bo2);
          if (this.order < 3) continue;
          for (let t = this.c2[b]; t < this.c2[b + 1]; t++)
            best = Math.max(best, this.p3Low + this.p3[t] * this.p3Step);
        }
      }
      out[w] = Math.min(0, best);
    }
    return out;
  }

  /** Back-off weight of the history "h2 h1" (0 when that bigram is not stored). */
  private historyBackoff(h1: number, h2: number): number {
    const slot = this.bigramSlot(h1, h2);
    let bo = this.biCacheBo[(slot >> 1) + 2];
    if (Number.isNaN(bo)) {
      const b = this.biCache[slot + 2];
      bo = b < 0 ? 0 : this.b2Low + this.b2[b] * this.b2Step;
      this.biCacheBo[(slot >> 1) + 2] = bo;
    }
    return bo;
  }

  /**
   * The cache entry (index into `biCache`) of bigram "h1 w" (both ids in the vocabulary, order ≥ 2), looked
   * up and stored there first if it is not cached.
   */
  private bigramSlot(w: number, h1: number): number {
    const cache = this.biCache;
    const slot = ((Math.imul(w, 0x9e3779b1) ^ Math.imul(h1, 0x85ebca77)) >>> (32 - BIGRAM_CACHE_BITS)) << 3;
    if (cache[slot] === w && cache[slot + 1] === h1) return slot;
    cache[slot] = w;
    cache[slot + 1] = h1;
    cache[slot + 2] = find(this.w2, this.uniChild[w], this.uniChild[w + 1], h1);
    this.biCacheBo[(slot >> 1) + 2] = Number.NaN;
    return slot;
  }

  logProbHistory(w: number, history: ArrayLike<number>): number {
    const V = this.vocabSize;
    if (!(w >= 0 && w < V)) return this.oovLogProb;
    let k = 0;
    const maxK = Math.min(history.length, this.order - 1);
    while (k < maxK && history[k] >= 0 && history[k] < V) k++;
    // Longest stored n-gram ending in w.
    let prob = this.uniProb[w];
    let begin = this.uniChild[w];
    let end = this.uniChild[w + 1];
    let m = 0;
    while (m < k) {
      const level = this.levels[m];
      const i = find(level.words, begin, end, history[m]);
      if (i < 0) break;
      prob = level.probLow + level.probBins[i] * level.probStep;
      m++;
      if (!level.child) break;
      begin = level.child[i];
      end = level.child[i + 1];
    }
    if (m === k) return prob;
    // Back-off weights of the contexts h1..hj for j = m+1..k that are stored.
    let bo = 0;
    const h1 = history[0];
    let j = 1;
    if (m === 0) bo += this.uniBackoff[h1];
    begin = this.uniChild[h1];
    end = this.uniChild[h1 + 1];
    while (j < k) {
      const level = this.levels[j - 1];
      const i = find(level.words, begin, end, history[j]);
      if (i < 0 || !level.backoffBins || !level.child) break;
      j++;
      if (j > m) bo += level.backoffLow + level.backoffBins[i] * level.backoffStep;
      begin = level.child[i];
      end = level.child[i + 1];
    }
    return prob + bo;
  }
}

/**
 * Load an unspin n-gram model (`.lm.bin` written by `unspin lm build` or `import-arpa`). Throws
 * `UnspinError('BAD_MODEL')` when the file is missing, unreadable, truncated or not in that format.
 */
export function loadNgramModel(path: string): NgramModel {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new UnspinError('BAD_MODEL', `cannot read language model ${path} (${code})`);
  }
  return new NgramBinModel(path, buf);
}

/** A model decoded from bytes already in memory (tests, in-process builds). */
export function ngramModelFromBuffer(buf: Buffer, name = '(memory)'): NgramModel {
  return new NgramBinModel(name, buf);
}
