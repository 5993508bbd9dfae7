/**
 * MinHash signatures by one-permutation hashing (one hash per shingle, binned; empty bins filled from the
 * next non-empty bin, "densification"), and LSH band keys. A band is `rows` consecutive signature values;
 * two windows collide on a band with probability about J^rows, J the Jaccard similarity of their shingle
 * sets. Documents are fingerprinted per window of `windowWords` words so that a query that is only part of
 * a long document, or a long query containing a short document, still has windows that overlap well.
 */
import { combine, fmix32 } from './hash.js';

export interface LshConfig {
  /** Signature length per window (a power of two). */
  hashes: number;
  /** Signature values per band; bands = hashes / rows. */
  rows: number;
  /** Words per indexed window (documents are cut into consecutive windows of this many words). */
  windowWords: number;
  /** Step between query windows (smaller than windowWords, so some query window lines up with each document window). */
  queryStride: number;
}

export const DEFAULT_LSH: LshConfig = { hashes: 64, rows: 2, windowWords: 150, queryStride: 50 };

const EMPTY = 0xffffffff;

/** OPH signature of the shingles whose start word lies in [from, to). */
export function windowSignature(
  shingles: Uint32Array,
  shingleWord: Uint32Array,
  from: number,
  to: number,
  hashes: number,
): Uint32Array | undefined {
  const sig = new Uint32Array(hashes).fill(EMPTY);
  const shift = 32 - Math.log2(hashes);
  let any = false;
  for (let i = 0; i < shingles.length; i++) {
    const w = shingleWord[i];
    if (w < from || w >= to) continue;
    const h = fmix32(shingles[i] ^ 0x68e31da4);
    const bin = h >>> shift;
    // The value within a bin must not depend on the bin bits, so mix again.
    const v = fmix32(h + 0x1b56c4e9) >>> 1;
    if (v < sig[bin]) sig[bin] = v;
    any = true;
  }
  if (!any) return undefined;
  // Densification: an empty bin borrows the value of the next non-empty bin to its right (circularly),
  // tagged with the distance so borrowed values differ from the originals.
  for (let b = 0; b < hashes; b++) {
    if (sig[b] !== EMPTY) continue;
    let d = 1;
    while (sig[(b + d) % hashes] === EMPTY || sig[(b + d) % hashes] >= 0x80000000) d++;
    sig[b] = (fmix32(sig[(b + d) % hashes] + d * 0x9e3779b9) >>> 1) | 0x80000000;
  }
  for (let b = 0; b < hashes; b++) sig[b] &= 0x7fffffff;
  return sig;
}

/** Band hashes of one signature, in band order (32 bits each). */
export function bandHashes(sig: Uint32Array, rows: number): Uint32Array {
  const bands = sig.length / rows;
  const out = new Uint32Array(bands);
  for (let b = 0; b < bands; b++) {
    let h = 0x3243f6a8 + b;
    for (let r = 0; r < rows; r++) h = combine(h, sig[b * rows + r]);
    out[b] = h;
  }
  return out;
}

/** The stored key of band `band` with hash `h`: unique per (band, hash), a safe integer. */
export function bandKey(band: number, h: number): number {
  return band * 0x100000000 + h;
}

/** Word ranges [from, to) of the windows a document of `n` words is cut into. */
export function documentWindows(n: number, cfg: LshConfig): Array<[number, number]> {
  if (n === 0) return [];
  const out: Array<[number, number]> = [];
  for (let from = 0; from < n; from += cfg.windowWords) {
    // A short tail joins the window before it.
    const to = n - (from + cfg.windowWords) < cfg.windowWords / 2 ? n : from + cfg.windowWords;
    out.push([from, to]);
    if (to === n) break;
  }
  return out;
}

/** Word ranges of the overlapping windows a query of `n` words is looked up with. */
export function queryWindows(n: number, cfg: LshConfig): Array<[number, number]> {
  if (n === 0) return [];
  if (n <= cfg.windowWords) return [[0, n]];
  const out: Array<[number, number]> = [];
  for (let from = 0; ; from += cfg.queryStride) {
    const to = Math.min(n, from + cfg.windowWords);
    out.push([from, to]);
    if (to === n) break;
  }
  return out;
}

/** Band hashes of every window (concatenated, `bands` per window). */
export function windowBands(
  shingles: Uint32Array,
  shingleWord: Uint32Array,
  windows: ReadonlyArray<[number, number]>,
  cfg: LshConfig,
): Uint32Array {
  const bands = cfg.hashes / cfg.rows;
  const out = new Uint32Array(windows.length * bands);
  let k = 0;
  for (const [from, to] of windows) {
    const sig = windowSignature(shingles, shingleWord, from, to, cfg.hashes);
    if (!sig) continue;
    out.set(bandHashes(sig, cfg.rows), k * bands);
    k++;
  }
  return out.subarray(0, k * bands);
}

/** Unique stored keys of a sequence of window band hashes. */
export function bandKeys(hashes: Uint32Array, bands: number): number[] {
  const set = new Set<number>();
  for (let i = 0; i < hashes.length; i++) set.add(bandKey(i % bands, hashes[i]));
  return [...set];
}
