/**
 * Reader for the CMU Sphinx "Trie Language Model" binary format (sphinxbase `ngram_model_trie`), as shipped
 * in `en-us.lm.bin`. The file is read once into memory and queried through typed-array views: there are no
 * per-n-gram JS objects.
 *
 * Layout (all integers little-endian):
 *
 * | bytes                        | content                                                                   |
 * | ---------------------------- | ------------------------------------------------------------------------- |
 * | 19                           | ASCII `Trie Language Model` (no NUL)                                      |
 * | 1                            | order N (this reader handles 3)                                           |
 * | 4 × N                        | n-gram counts as claimed by the writer (see the bigram pitfall below)     |
 * | 4                            | unused int32                                                              |
 * | 4 × 65536 × 3                | float32 quantisation tables: bigram prob, bigram back-off, trigram prob   |
 * | 12 × (count1 + 1)            | unigrams {float32 prob, float32 back-off, uint32 first bigram}; last = end |
 * | middle size(count2)          | bit-packed bigram entries, then 8 bytes of slack                          |
 * | longest size(count3)         | bit-packed trigram entries, then 8 bytes of slack                         |
 * | 4 + k                        | int32 k, then the words as k bytes of NUL-terminated strings              |
 *
 * The trie is stored in *reverse* word order: the children of unigram `w` are the bigrams "h1 w", sorted by
 * the id of h1; the children of bigram "h1 w" are the trigrams "h2 h1 w", sorted by the id of h2. So one walk
 * from the predicted word towards older history finds the longest stored n-gram.
 *
 * Bit-packed entries are read LSB-first from a little-endian stream: an entry `i` of `total` bits starts at
 * bit `i * total`. Bigram entry = word id (ceil(log2(count1 + 1)) bits), back-off bin (16), prob bin (16),
 * index of the first trigram child (ceil(log2(count3 + 1)) bits); one extra entry after the last holds the
 * end pointer of the last child range. Trigram entry = word id, prob bin (16). Region sizes follow the
 * header counts: `floor(((count + 1) * total + 7) / 8) + 8` bytes.
 *
 * Pitfall: the header of the shipped model claims 2,051,547 bigrams, but only 2,051,541 are stored (the rest
 * of the region is zero). The region is still *sized* from the header count, so the trigram region starts
 * where the header says, while the real bigram count is the last unigram's pointer and the real trigram
 * count is the end pointer that follows the last real bigram.
 *
 * Scores are stored in log base 1.0001 (the sphinxbase default `logmath`). The tables are used in place, in
 * those units, and each result is converted to log10 (one multiplication) on the way out.
 */
import { readFileSync } from 'node:fs';
import { UnspinError } from '../errors.js';
import type { LanguageModel } from './types.js';

/** The reader's model: the generic interface plus the n-gram counts actually stored in the file. */
export interface SphinxModel extends LanguageModel {
  /** Bigrams stored in the trie (may be fewer than the file header claims). */
  readonly bigramCount: number;
  /** Trigrams stored in the trie. */
  readonly trigramCount: number;
}

const MAGIC = 'Trie Language Model';
/** Multiply a log base 1.0001 score by this to get log10. */
const LOG_1_0001_TO_LOG10 = Math.log10(1.0001);
const QUANT_BITS = 16;
const QUANT_BINS = 1 << QUANT_BITS;
const QUANT_MASK = QUANT_BINS - 1;
/** log2 of the entries of the bigram look-up cache (16 bytes each). */
const BIGRAM_CACHE_BITS = 12;
/** Bytes of slack the writer leaves after each bit-packed region so that 32/64-bit reads never overrun. */
const REGION_SLACK = 8;

/**
 * Log10 probability charged to a word outside the 72,547-word vocabulary. The model has no unknown-word
 * token (sphinxbase itself scores such words as log-zero, which would swamp any sentence total). -7.5 sits
 * at about the 16th percentile of the vocabulary's unigram log-probabilities (median -6.6, floor for words
 * seen once -9.47): an unknown word (mostly a name, number or rare form) is charged like a rare word, so
 * replacing a known word in context by an unknown one is heavily penalised, yet one name in a sentence does
 * not dominate its score. No back-off weight is added and the next word loses its context.
 */
export const SPHINX_OOV_LOG_PROB = -7.5;

/** Bits needed to store values up to `max` (sphinxbase `bitarr_required_bits`). */
function requiredBits(max: number): number {
  let bits = 0;
  for (let v = max; v > 0; v = Math.floor(v / 2)) bits++;
  return bits;
}

/** Size in bytes of a bit-packed region of `entries` entries of `totalBits` bits (plus the end entry). */
function regionSize(entries: number, totalBits: number): number {
  return Math.floor(((entries + 1) * totalBits + 7) / 8) + REGION_SLACK;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * `byteLength` bytes of little-endian 32-bit words from `buf` at `start`, as a 4-byte-aligned span in host
 * order: a view of the file buffer when possible, else a copy (unaligned buffer or big-endian host).
 */
function words32(buf: Uint8Array, start: number, byteLength: number): Uint8Array {
  const span = buf.subarray(start, start + byteLength);
  if (LITTLE_ENDIAN_HOST && span.byteOffset % 4 === 0) return span;
  const copy = new Uint8Array(span);
  if (!LITTLE_ENDIAN_HOST) {
    for (let i = 0; i + 3 < byteLength; i += 4) {
      const b0 = copy[i];
      const b1 = copy[i + 1];
      copy[i] = copy[i + 3];
      copy[i + 1] = copy[i + 2];
      copy[i + 2] = b1;
      copy[i + 3] = b0;
    }
  }
  return copy;
}

function bad(path: string, what: string): UnspinError {
  return new UnspinError('BAD_MODEL', `${path}: not a usable Sphinx trie language model (${what})`);
}

/**
 * Read `mask`'s width of bits starting at bit `bit` of `bytes` (LSB-first). Fields are at most 25 bits
 * wide, so with the shift (< 8) they always fit in the 4 bytes read; the 8 bytes of slack after each
 * region keep those reads in bounds.
 */
function readBits(bytes: DataView, bit: number, mask: number): number {
  return (bytes.getUint32(bit >>> 3, true) >>> (bit & 7)) & mask;
}

class SphinxTrieModel implements SphinxModel {
  readonly order = 3;
  readonly vocabSize: number;
  readonly bos: number;
  readonly eos: number;
  readonly oovLogProb = SPHINX_OOV_LOG_PROB;
  readonly bigramCount: number;
  readonly trigramCount: number;

  private readonly words: string[];
  private readonly ids: Map<string, number>;
  /**
   * The unigram records as 32-bit words: [3i] prob and [3i+1] back-off (float32, log base 1.0001, read
   * through `uni`), [3i+2] index of the first bigram child (read through `uniNext`); record vocabSize holds
   * the end of the last range. Scores stay in the file's units and are converted to log10 on the way out.
   */
  private readonly uni: Float32Array;
  private readonly uniNext: Uint32Array;
  /** Quantisation bins (log base 1.0001). */
  private readonly biProbBins: Float32Array;
  private readonly biBoBins: Float32Array;
  private readonly triProbBins: Float32Array;
  private readonly biBytes: DataView;
  private readonly triBytes: DataView;
  private readonly wordMask: number;
  private readonly biBits: number;
  private readonly biBoOffset: number;
  private readonly biProbOffset: number;
  private readonly biNextOffset: number;
  private readonly nextMask: number;
  private readonly triBits: number;
  private readonly triProbOffset: number;
  /** Upper key bound the interpolation search starts from (the writer's `max_vocab`). */
  private readonly keyLimit: number;

  /**
   * Direct-mapped cache of bigram look-ups, 4 slots of 32 bits per entry: the pair (w, h1) ([0], [1]; -1
   * in an empty entry, never a looked-up id), the bigram index or -1 ([2]), and the back-off weight of that
   * bigram as a history (float32 bits through `biCacheBo`, 0 when it is not stored). Decoders score many
   * candidates with the same history and the same observed words after different candidates, so most
   * look-ups repeat within a few calls.
   */
  private readonly biCache = new Int32Array(4 << BIGRAM_CACHE_BITS).fill(-1);
  private readonly biCacheBo = new Float32Array(this.biCache.buffer);

  constructor(path: string, buf: Uint8Array) {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const size = buf.byteLength;
    const need = (end: number, what: string): void => {
      if (end > size) throw bad(path, `truncated in ${what}: needs ${end} bytes, file has ${size}`);
    };

    // Compare the magic first, on what there is, so that a short foreign file is called foreign.
    for (let i = 0; i < Math.min(MAGIC.length, size); i++) {
      if (buf[i] !== MAGIC.charCodeAt(i)) throw bad(path, `no "${MAGIC}" magic header`);
    }
    need(MAGIC.length + 1, 'header');
    const order = buf[MAGIC.length];
    if (order !== 3) throw bad(path, `order ${order}, only trigram models are supported`);
    let off = MAGIC.length + 1;
    need(off + 4 * order + 4, 'header');
    const count1 = view.getUint32(off, true);
    const count2 = view.getUint32(off + 4, true);
    const count3 = view.getUint32(off + 8, true);
    off += 4 * order + 4; // counts, then an unused int32
    // The writer's bit packing supports word ids and pointers below 2^25.
    if (count1 < 3 || count1 >= 1 << 25 || count2 >= 1 << 25 || count3 >= 1 << 25) {
      throw bad(path, `implausible n-gram counts ${count1}/${count2}/${count3}`);
    }
    const V = count1;

    // Quantisation bins and unigram records: one block of little-endian 32-bit words, viewed in place.
    const binBytes = 3 * QUANT_BINS * 4;
    const uniBytes = 12 * (V + 1);
    need(off + binBytes + uniBytes, 'unigrams');
    const block = words32(buf, off, binBytes + uniBytes);
    this.biProbBins = new Float32Array(block.buffer, block.byteOffset, QUANT_BINS);
    this.biBoBins = new Float32Array(block.buffer, block.byteOffset + QUANT_BINS * 4, QUANT_BINS);
    this.triProbBins = new Float32Array(block.buffer, block.byteOffset + 2 * QUANT_BINS * 4, QUANT_BINS);
    this.uni = new Float32Array(block.buffer, block.byteOffset + binBytes, 3 * (V + 1));
    this.uniNext = new Uint32Array(block.buffer, block.byteOffset + binBytes, 3 * (V + 1));
    off += binBytes + uniBytes;

    let checksum = 0;
    const uniNext = this.uniNext;
    const uni = this.uni;
    for (let i = 0; i < V; i++) {
      checksum += uni[3 * i] + uni[3 * i + 1];
      if (uniNext[3 * i + 5] < uniNext[3 * i + 2]) throw bad(path, 'unigram pointers out of order');
    }
    if (!Number.isFinite(checksum)) throw bad(path, 'non-finite unigram score');
    const bigrams = uniNext[3 * V + 2];
    if (uniNext[2] !== 0 || bigrams > count2) {
      throw bad(path, `unigram pointers claim ${bigrams} bigrams, header ${count2}`);
    }

    // Bit-packed bigram and trigram regions, sized from the header counts.
    const wordBits = requiredBits(V);
    const nextBits = requiredBits(count3);
    this.wordMask = 2 ** wordBits - 1;
    this.nextMask = 2 ** nextBits - 1;
    this.biBits = wordBits + 2 * QUANT_BITS + nextBits;
    this.biBoOffset = wordBits;
    this.biProbOffset = wordBits + QUANT_BITS;
    this.biNextOffset = wordBits + 2 * QUANT_BITS;
    this.triBits = wordBits + QUANT_BITS;
    this.triProbOffset = wordBits;
    this.keyLimit = V;
    const biSize = regionSize(count2, this.biBits);
    const triSize = regionSize(count3, this.triBits);
    need(off + biSize + triSize + 4, 'n-gram arrays');
    this.biBytes = new DataView(buf.buffer, buf.byteOffset + off, biSize);
    off += biSize;
    this.triBytes = new DataView(buf.buffer, buf.byteOffset + off, triSize);
    off += triSize;
    this.bigramCount = bigrams;
    const trigrams = this.bigramNext(bigrams);
    if (this.bigramNext(0) !== 0 || trigrams > count3) {
      throw bad(path, `bigram pointers claim ${trigrams} trigrams, header ${count3}`);
    }
    this.trigramCount = trigrams;

    // Vocabulary: int32 byte length, then NUL-terminated words in id order.
    const vocabBytes = view.getInt32(off, true);
    off += 4;
    if (vocabBytes < 0) throw bad(path, 'negative vocabulary size');
    need(off + vocabBytes, 'vocabulary');
    const text = Buffer.from(buf.buffer, buf.byteOffset + off, vocabBytes).toString('utf8');
    const words = text.split('\0');
    if (words.length !== V + 1 || words[V] !== '') {
      throw bad(path, `vocabulary holds ${words.length - 1} words, header ${V}`);
    }
    words.length = V;
    this.words = words;
    this.ids = new Map();
    // Backwards, so that a duplicated word keeps its lowest id.
    for (let i = V - 1; i >= 0; i--) this.ids.set(words[i], i);
    // The shipped vocabulary is all lower-case already (checked in one call); fold any other model onto
    // lower-case keys too, without overriding a word that exists in lower case.
    if (text !== text.toLowerCase()) {
      for (let i = 0; i < V; i++) {
        const lower = words[i].toLowerCase();
        if (!this.ids.has(lower)) this.ids.set(lower, i);
      }
    }
    const bos = this.ids.get('<s>');
    const eos = this.ids.get('</s>');
    if (bos === undefined || eos === undefined) throw bad(path, 'no <s> or </s> in the vocabulary');
    this.vocabSize = V;
    this.bos = bos;
    this.eos = eos;
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
    return w >= 0 && w < this.vocabSize ? this.uni[3 * w] * LOG_1_0001_TO_LOG10 : this.oovLogProb;
  }

  logProb(w: number, h1: number, h2: number): number {
    const V = this.vocabSize;
    if (!(w >= 0 && w < V)) return this.oovLogProb;
    const uni = this.uni;
    if (!(h1 >= 0 && h1 < V)) return uni[3 * w] * LOG_1_0001_TO_LOG10;
    const b = this.findBigram(w, h1);
    let score: number;
    if (!(h2 >= 0 && h2 < V)) {
      // Bigram context only.
      score = b < 0 ? uni[3 * w] + uni[3 * h1 + 1] : this.bigramProb(b);
    } else if (b < 0) {
      // Neither "h1 w" nor "h2 h1 w": back off twice.
      score = uni[3 * w] + uni[3 * h1 + 1] + this.historyBackoff(h1, h2);
    } else {
      const t = this.findTrigram(b, h2);
      score =
        t >= 0
          ? this.triProbBins[readBits(this.triBytes, t * this.triBits + this.triProbOffset, QUANT_MASK)]
          : this.bigramProb(b) + this.historyBackoff(h1, h2);
    }
    return score * LOG_1_0001_TO_LOG10;
  }

  forEachBigram(fn: (h1: number, w: number, logProb: number) => void): void {
    const next = this.uniNext;
    for (let w = 0; w < this.vocabSize; w++) {
      for (let b = next[3 * w + 2], end = next[3 * w + 5]; b < end; b++) {
        fn(
          readBits(this.biBytes, b * this.biBits, this.wordMask),
          w,
          this.bigramProb(b) * LOG_1_0001_TO_LOG10,
        );
      }
    }
  }

  /** Index of bigram "h1 w" (stored under w), or -1. */
  private findBigram(w: number, h1: number): number {
    return this.biCache[this.bigramSlot(w, h1) + 2];
  }

  /**
   * The cache entry (index into `biCache`) of bigram "h1 w" (both ids in the vocabulary), looked up and
   * stored there first if it is not cached.
   */
  private bigramSlot(w: number, h1: number): number {
    const cache = this.biCache;
    const slot = ((Math.imul(w, 0x9e3779b1) ^ Math.imul(h1, 0x85ebca77)) >>> (32 - BIGRAM_CACHE_BITS)) << 2;
    if (cache[slot] === w && cache[slot + 1] === h1) return slot;
    const next = this.uniNext;
    const b = this.search(this.biBytes, this.biBits, next[3 * w + 2], next[3 * w + 5], h1);
    cache[slot] = w;
    cache[slot + 1] = h1;
    cache[slot + 2] = b;
    this.biCacheBo[slot + 3] =
      b < 0 ? 0 : this.biBoBins[readBits(this.biBytes, b * this.biBits + this.biBoOffset, QUANT_MASK)];
    return slot;
  }

  /** Index of trigram "h2 h1 w" under bigram entry `b` ("h1 w"), or -1. */
  private findTrigram(b: number, h2: number): number {
    const begin = this.bigramNext(b);
    const end = this.bigramNext(b + 1);
    if (end > this.trigramCount) return -1; // corrupt pointer: never read past the real entries
    return this.search(this.triBytes, this.triBits, begin, end, h2);
  }

  private bigramNext(b: number): number {
    return readBits(this.biBytes, b * this.biBits + this.biNextOffset, this.nextMask);
  }

  /** Quantised P(w | h1) of bigram entry `b`, log base 1.0001. */
  private bigramProb(b: number): number {
    return this.biProbBins[readBits(this.biBytes, b * this.biBits + this.biProbOffset, QUANT_MASK)];
  }

  /** Back-off weight of the history "h2 h1" in log base 1.0001 (0 when that bigram is not stored). */
  private historyBackoff(h1: number, h2: number): number {
    return this.biCacheBo[this.bigramSlot(h1, h2) + 3];
  }

  /**
   * Interpolation search for `key` among the word ids of entries [begin, end) of a bit-packed region,
   * whose ids are sorted ascending. Returns the entry index or -1. The probe is clamped inside the open
   * interval, so even a corrupt (unsorted) region terminates without leaving the range.
   */
  private search(bytes: DataView, totalBits: number, begin: number, end: number, key: number): number {
    const mask = this.wordMask;
    let beforeIt = begin - 1;
    let beforeV = 0;
    let afterIt = end;
    let afterV = this.keyLimit;
    while (afterIt - beforeIt > 1) {
      const step = ((key - beforeV) * (afterIt - beforeIt - 1)) / (afterV - beforeV + 1);
      let pivot = beforeIt + 1 + (step | 0);
      if (!(pivot > beforeIt && pivot < afterIt)) pivot = beforeIt + ((afterIt - beforeIt) >>> 1);
      const mid = readBits(bytes, pivot * totalBits, mask);
      if (mid < key) {
        beforeIt = pivot;
        beforeV = mid;
      } else if (mid > key) {
        afterIt = pivot;
        afterV = mid;
      } else {
        return pivot;
      }
    }
    return -1;
  }
}

/**
 * Load a Sphinx trie-format language model (`.lm.bin`). Throws `UnspinError('BAD_MODEL')` when the file is
 * missing, unreadable, truncated or not in that format.
 */
export function loadSphinxModel(path: string): SphinxModel {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new UnspinError('BAD_MODEL', `cannot read language model ${path} (${code})`);
  }
  return new SphinxTrieModel(path, buf);
}

/**
 * log10 probability of a whole sentence: `<s> words… </s>`, each word scored on up to two preceding words.
 * Words are looked up case-insensitively; an unknown word costs `oovLogProb` and gives the next word no
 * context.
 */
export function scoreSentence(model: LanguageModel, words: readonly string[]): number {
  let h2 = -1;
  let h1 = model.bos;
  let total = 0;
  for (const word of words) {
    const w = model.id(word);
    total += model.logProb(w, h1, h2);
    h2 = h1;
    h1 = w;
  }
  return total + model.logProb(model.eos, h1, h2);
}
