/**
 * unspin's own n-gram model file (`.lm.bin`, magic `UNSPINLM`), written by `unspin lm build` and
 * `unspin lm import-arpa`, read by `ngram-bin.ts`. A back-off model stored as a *reverse* trie, like the
 * Sphinx format: the children of unigram `w` are the bigrams "h1 w" sorted by h1, the children of bigram
 * "h1 w" are the trigrams "h2 h1 w" sorted by h2, and so on, so one walk from the predicted word towards
 * older history finds the longest stored n-gram. Every array is a typed-array view of the one file buffer.
 *
 * Layout (little-endian; every section starts on a 4-byte boundary):
 *
 * | bytes              | content                                                                       |
 * | ------------------ | ----------------------------------------------------------------------------- |
 * | 8                  | ASCII `UNSPINLM`                                                              |
 * | 4 × 4              | format version (1), order N, header JSON byte length, vocabulary byte length    |
 * | 4 × N              | n-gram counts per order (count[0] = vocabulary size V)                        |
 * | header (padded)    | UTF-8 JSON {@link ModelHeader}                                                |
 * | vocab (padded)     | the V words, each followed by a NUL, in id order                              |
 * | 4V, 4V, 4(V+1)     | unigram float32 log10 prob, float32 log10 back-off, uint32 first child          |
 * | per order 2..N     | float32 ×4 quantiser (prob low, prob step, back-off low, back-off step), then   |
 * |                    | uint32 word[count], uint16 prob bin[count] (padded), and below the top order   |
 * |                    | uint16 back-off bin[count] (padded) and uint32 first child[count + 1]           |
 * | 4                  | ASCII `END.`                                                                  |
 *
 * Probabilities and back-offs above the unigrams are quantised uniformly to 16 bits per order
 * (value = low + bin × step): with log10 values spanning about 10 that is an error below 1e-4.
 */
import { UnspinError } from '../errors.js';

export const MAGIC = 'UNSPINLM';
export const FORMAT_VERSION = 1;
const TRAILER = 'END.';
const FIXED_HEADER = 8 + 16;
export const MAX_ORDER = 6;
const BINS = 65535;

/** What the file says about where it came from. */
export interface ModelHeader {
  /** How it was made: "unspin lm build" or "ARPA import". */
  source: string;
  /** Inputs it was made from (paths as given), for `lm info`. */
  inputs: string[];
  /** SHA-256 of the training text (or the ARPA file) as read. */
  corpusSha256: string;
  /** Running words and sentences of the training text (0 for an imported model). */
  tokens: number;
  sentences: number;
  /** log10 probability the model charges a word it does not know. */
  oovLogProb: number;
  /** Modified Kneser–Ney discounts D1, D2, D3+ per order (index 0 = unigrams); empty for imports. */
  discounts: number[][];
  /** What pruning removed to meet the size budget (n-grams per order, and the count cut-offs). */
  pruned: { ngrams: number[]; minCounts: number[] };
}

/** One order above the unigrams: entries sorted by parent, then by `word`. */
export interface LevelData {
  /** The oldest history word of each n-gram (the other words are its parent's). */
  words: Uint32Array;
  /** log10 probability. */
  prob: Float32Array;
  /** log10 back-off weight (absent for the top order). */
  backoff?: Float32Array;
  /** Index of each entry's first child in the next order, plus one end entry (absent for the top order). */
  child?: Uint32Array;
}

/** A model in memory, as the builder and the ARPA importer produce it. */
export interface ModelData {
  order: number;
  vocab: string[];
  header: ModelHeader;
  uniProb: Float32Array;
  uniBackoff: Float32Array;
  /** First bigram child of each unigram, plus one end entry. */
  uniChild: Uint32Array;
  /** Orders 2..N. */
  levels: LevelData[];
}

/** A level as stored: quantised bins plus their quantisers. */
export interface StoredLevel {
  words: Uint32Array;
  probBins: Uint16Array;
  probLow: number;
  probStep: number;
  backoffBins?: Uint16Array;
  backoffLow: number;
  backoffStep: number;
  child?: Uint32Array;
}

export interface StoredModel {
  order: number;
  vocab: string[];
  header: ModelHeader;
  counts: number[];
  uniProb: Float32Array;
  uniBackoff: Float32Array;
  uniChild: Uint32Array;
  levels: StoredLevel[];
}

const pad4 = (n: number): number => (n + 3) & ~3;

function quantiser(values: Float32Array): { low: number; step: number } {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < low) low = v;
    if (v > high) high = v;
  }
  if (!(low <= high)) return { low: 0, step: 0 };
  // Stored as float32: round the low end down so every value stays inside the bins.
  const low32 = Math.fround(low) > low ? Math.fround(low - Math.abs(low) * 1e-7 - 1e-30) : Math.fround(low);
  return { low: low32, step: high > low32 ? Math.fround((high - low32) / BINS) : 0 };
}

function quantise(values: Float32Array, low: number, step: number): Uint16Array {
  const out = new Uint16Array(values.length);
  if (step === 0) return out;
  for (let i = 0; i < values.length; i++) {
    const q = Math.round((values[i] - low) / step);
    out[i] = q < 0 ? 0 : Math.min(q, BINS);
  }
  return out;
}

/** Size in bytes of a model with these counts and a vocabulary of `vocabBytes` bytes (header excluded). */
export function modelBytes(counts: readonly number[], vocabBytes: number): number {
  const N = counts.length;
  let size = FIXED_HEADER + 4 * N + pad4(vocabBytes) + 12 * counts[0] + 4 + 4;
  for (let n = 2; n <= N; n++) {
    const c = counts[n - 1];
    size += 16 + 4 * c + pad4(2 * c);
    if (n < N) size += pad4(2 * c) + 4 * (c + 1);
  }
  return size;
}

/** Serialise a model (quantising the levels) into one buffer. */
export function encodeModel(model: ModelData): Buffer {
  const N = model.order;
  const V = model.vocab.length;
  const counts = [V, ...model.levels.map((l) => l.words.length)];
  const headerBytes = Buffer.from(JSON.stringify(model.header), 'utf8');
  const vocabBytes = Buffer.from(model.vocab.map((w) => `${w}\0`).join(''), 'utf8');
  const size = modelBytes(counts, vocabBytes.length) + pad4(headerBytes.length);
  const buf = Buffer.alloc(size);
  let off = 0;
  off += buf.write(MAGIC, off, 'latin1');
  buf.writeUInt32LE(FORMAT_VERSION, off);
  buf.writeUInt32LE(N, off + 4);
  buf.writeUInt32LE(headerBytes.length, off + 8);
  buf.writeUInt32LE(vocabBytes.length, off + 12);
  off += 16;
  for (const c of counts) {
    buf.writeUInt32LE(c, off);
    off += 4;
  }
  headerBytes.copy(buf, off);
  off += pad4(headerBytes.length);
  vocabBytes.copy(buf, off);
  off += pad4(vocabBytes.length);
  const put = (arr: ArrayBufferView): void => {
    const bytes = Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
    bytes.copy(buf, off);
    off += pad4(bytes.length);
  };
  put(model.uniProb);
  put(model.uniBackoff);
  put(model.uniChild);
  model.levels.forEach((level, i) => {
    const n = i + 2;
    const pq = quantiser(level.prob);
    const bq = level.backoff ? quantiser(level.backoff) : { low: 0, step: 0 };
    put(new Float32Array([pq.low, pq.step, bq.low, bq.step]));
    put(level.words);
    put(quantise(level.prob, pq.low, pq.step));
    if (n < N) {
      if (!level.backoff || !level.child) throw new Error(`order ${n} lacks back-offs or child pointers`);
      put(quantise(level.backoff, bq.low, bq.step));
      put(level.child);
    }
  });
  off += buf.write(TRAILER, off, 'latin1');
  if (off !== size) throw new Error(`model size mismatch: wrote ${off} of ${size} bytes`);
  return buf;
}

function bad(path: string, what: string): UnspinError {
  return new UnspinError('BAD_MODEL', `${path}: not a usable unspin language model (${what})`);
}

/** True when `buf` starts with this format's magic. */
export function hasMagic(buf: Uint8Array): boolean {
  if (buf.length < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (buf[i] !== MAGIC.charCodeAt(i)) return false;
  return true;
}

/**
 * Parse and check a model file held in `buf` (views, no copies, when `buf` is 4-byte aligned). Throws
 * `UnspinError('BAD_MODEL')` for a foreign, truncated or inconsistent file.
 */
export function decodeModel(buf: Buffer, path: string): StoredModel {
  if (buf.byteOffset % 4 !== 0) buf = Buffer.from(buf); // typed-array views need alignment
  const size = buf.length;
  if (!hasMagic(buf)) throw bad(path, `no "${MAGIC}" magic`);
  const need = (end: number, what: string): void => {
    if (end > size) throw bad(path, `truncated in ${what}`);
  };
  need(FIXED_HEADER, 'header');
  const version = buf.readUInt32LE(8);
  if (version !== FORMAT_VERSION)
    throw bad(path, `format version ${version}, this unspin reads ${FORMAT_VERSION}`);
  const N = buf.readUInt32LE(12);
  if (N < 1 || N > MAX_ORDER) throw bad(path, `order ${N}`);
  const headerLen = buf.readUInt32LE(16);
  const vocabLen = buf.readUInt32LE(20);
  let off = FIXED_HEADER;
  need(off + 4 * N, 'counts');
  const counts: number[] = [];
  for (let n = 0; n < N; n++) counts.push(buf.readUInt32LE(off + 4 * n));
  off += 4 * N;
  const V = counts[0];
  if (V < 2) throw bad(path, `vocabulary of ${V} words`);
  if (modelBytes(counts, vocabLen) + pad4(headerLen) !== size) {
    throw bad(path, `size ${size} bytes does not match its counts ${counts.join('/')}`);
  }
  let header: ModelHeader;
  try {
    header = JSON.parse(buf.toString('utf8', off, off + headerLen)) as ModelHeader;
  } catch {
    throw bad(path, 'unreadable header');
  }
  if (typeof header !== 'object' || header === null || typeof header.oovLogProb !== 'number') {
    throw bad(path, 'incomplete header');
  }
  off += pad4(headerLen);
  const vocab = buf.toString('utf8', off, off + vocabLen).split('\0');
  if (vocab.length !== V + 1 || vocab[V] !== '') throw bad(path, `vocabulary does not hold ${V} words`);
  vocab.length = V;
  off += pad4(vocabLen);
  const f32 = (n: number): Float32Array => {
    const a = new Float32Array(buf.buffer, buf.byteOffset + off, n);
    off += 4 * n;
    return a;
  };
  const u32 = (n: number): Uint32Array => {
    const a = new Uint32Array(buf.buffer, buf.byteOffset + off, n);
    off += 4 * n;
    return a;
  };
  const u16 = (n: number): Uint16Array => {
    const a = new Uint16Array(buf.buffer, buf.byteOffset + off, n);
    off += pad4(2 * n);
    return a;
  };
  const uniProb = f32(V);
  const uniBackoff = f32(V);
  const uniChild = u32(V + 1);
  const levels: StoredLevel[] = [];
  let parentChild = uniChild;
  let parentCount = V;
  for (let n = 2; n <= N; n++) {
    const c = counts[n - 1];
    const q = f32(4);
    const level: StoredLevel = {
      probLow: q[0],
      probStep: q[1],
      backoffLow: q[2],
      backoffStep: q[3],
      words: u32(c),
      probBins: u16(c),
    };
    if (n < N) {
      level.backoffBins = u16(c);
      level.child = u32(c + 1);
    }
    checkPointers(path, n, parentChild, parentCount, c);
    checkWords(path, n, level.words, parentChild, parentCount, V);
    if (level.child) {
      parentChild = level.child;
      parentCount = c;
    }
    levels.push(level);
  }
  if (buf.toString('latin1', off, off + 4) !== TRAILER) throw bad(path, 'no end marker');
  for (let i = 0; i < V; i++) {
    if (!Number.isFinite(uniProb[i]) || !Number.isFinite(uniBackoff[i]))
      throw bad(path, 'non-finite unigram');
  }
  return { order: N, vocab, header, counts, uniProb, uniBackoff, uniChild, levels };
}

/** Child pointers of a level must rise from 0 to the next level's count. */
function checkPointers(path: string, n: number, child: Uint32Array, count: number, childCount: number): void {
  if (child[0] !== 0 || child[count] !== childCount) throw bad(path, `order ${n} pointers do not cover it`);
  for (let i = 0; i < count; i++) {
    if (child[i + 1] < child[i]) throw bad(path, `order ${n} pointers out of order`);
  }
}

/** Within each parent the words must be known ids, strictly ascending (the search relies on it). */
function checkWords(
  path: string,
  n: number,
  words: Uint32Array,
  parentChild: Uint32Array,
  parentCount: number,
  V: number,
): void {
  // One pass over the entries, moving to the next parent's range as it ends (pointers already checked).
  let p = 0;
  let end = parentCount > 0 ? parentChild[1] : 0;
  let prev = -1;
  const count = words.length;
  for (let i = 0; i < count; i++) {
    while (i >= end) {
      p++;
      end = parentChild[p + 1];
      prev = -1;
    }
    const w = words[i];
    if (w <= prev || w >= V) throw bad(path, `order ${n} words unsorted or out of range`);
    prev = w;
  }
}
