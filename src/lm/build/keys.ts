/**
 * N-gram keys: the word ids of an n-gram packed into 64 bits, held as two uint32 halves (lo, hi) so that
 * no BigInt arithmetic is needed; a BigUint64Array view over the (lo, hi) pairs sorts them natively.
 *
 * Field j (bits j·b .. j·b+b-1, b = bits per word) holds the j-th word counted from the *oldest*: the
 * predicted word is the most significant field. Sorting the keys of one order therefore groups n-grams
 * by their suffix (the n-gram without its oldest word, which is the key shifted right by b), and within a
 * suffix orders them by the oldest word: exactly the reverse-trie order of the model file.
 */

export interface KeyLayout {
  /** Bits per word id. */
  bits: number;
  /** Largest word id that fits (2^bits - 1). */
  maxId: number;
}

/** Bits per word for models of order `order` (at most 31, so shifts stay in range). */
export function keyLayout(order: number): KeyLayout {
  const bits = Math.min(31, Math.floor(64 / order));
  return { bits, maxId: 2 ** bits - 1 };
}

/** Write the key of `words[start .. start+n)` (oldest first) into `out[2i]`, `out[2i+1]`. */
export function packKey(
  bits: number,
  words: ArrayLike<number>,
  start: number,
  n: number,
  out: Uint32Array,
  i: number,
) {
  let lo = 0;
  let hi = 0;
  for (let j = 0; j < n; j++) {
    const v = words[start + j];
    const p = j * bits;
    if (p + bits <= 32) lo |= v << p;
    else if (p >= 32) hi |= v << (p - 32);
    else {
      lo |= v << p;
      hi |= v >>> (32 - p);
    }
  }
  out[2 * i] = lo >>> 0;
  out[2 * i + 1] = hi >>> 0;
}

/** Word `j` (0 = oldest) of a key. */
export function keyField(bits: number, lo: number, hi: number, j: number): number {
  const p = j * bits;
  const mask = 2 ** bits - 1;
  if (p + bits <= 32) return (lo >>> p) & mask;
  if (p >= 32) return (hi >>> (p - 32)) & mask;
  return ((lo >>> p) | (hi << (32 - p))) & mask;
}

/** The key shifted right by `bits` (drop the oldest word): the suffix. Writes into out[0..1]. */
export function shiftKey(bits: number, lo: number, hi: number, out: Uint32Array): void {
  out[0] = ((lo >>> bits) | (hi << (32 - bits))) >>> 0;
  out[1] = hi >>> bits;
}

/** The lowest `fields` words of a key (drop the newer ones): the context. Writes into out[0..1]. */
export function maskKey(bits: number, lo: number, hi: number, fields: number, out: Uint32Array): void {
  const p = fields * bits;
  if (p >= 64) {
    out[0] = lo;
    out[1] = hi;
  } else if (p >= 32) {
    out[0] = lo;
    out[1] = p === 32 ? 0 : (hi & (2 ** (p - 32) - 1)) >>> 0;
  } else {
    out[0] = (lo & (2 ** p - 1)) >>> 0;
    out[1] = 0;
  }
}

/** Compare keys (lo, hi) as unsigned 64-bit numbers. */
export function compareKeys(aLo: number, aHi: number, bLo: number, bHi: number): number {
  if (aHi !== bHi) return aHi < bHi ? -1 : 1;
  if (aLo !== bLo) return aLo < bLo ? -1 : 1;
  return 0;
}

/** Index of key (lo, hi) among the ascending pairs `keys[0 .. 2n)`, or -1. */
export function findKey(keys: Uint32Array, n: number, lo: number, hi: number): number {
  let a = 0;
  let b = n - 1;
  while (a <= b) {
    const mid = (a + b) >>> 1;
    const mHi = keys[2 * mid + 1];
    const mLo = keys[2 * mid];
    if (mHi < hi || (mHi === hi && mLo < lo)) a = mid + 1;
    else if (mHi > hi || mLo > lo) b = mid - 1;
    else return mid;
  }
  return -1;
}

/** Sort `n` (lo, hi) pairs in place, natively, as unsigned 64-bit numbers (little-endian hosts). */
export function sortKeys(keys: Uint32Array, n: number): void {
  new BigUint64Array(keys.buffer, keys.byteOffset, n).sort();
}
