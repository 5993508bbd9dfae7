/** Small, fast 32-bit hashes for fingerprints (deterministic across runs and machines: they are stored). */

/** MurmurHash3's finaliser: a cheap bijective mix of 32 bits. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, then mixed: a stable 32-bit hash of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** Combine a running 32-bit hash with one more value (order-sensitive). */
export function combine(h: number, v: number): number {
  return fmix32((Math.imul(h, 0x9e3779b1) ^ v) + 0x7f4a7c15);
}
