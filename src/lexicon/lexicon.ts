/**
 * Reader for `data/lexicon.bin`: forward synonym lists in typed arrays, plus the reverse index
 * (observed entry → the originals that list it) built at load.
 */
import { readFileSync } from 'node:fs';
import { GenerationalCache } from '../cache.js';
import { dataPath } from '../data.js';
import { UnspinError } from '../errors.js';
import { entryHash, pairHashHeldOut, readHeader, readSections } from './format.js';
import type { HoldoutMode, Lexicon, Origin } from './types.js';

/** Lower case, single spaces, typographic apostrophes as ': the form entries are stored in. */
export function normalizeEntry(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\u2019\u02bc]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Whether the unordered pair {a, b} belongs to the deterministic held-out slice (~10% of pairs).
 * Symmetric, and a function of the two normalised texts only (`pairHashHeldOut` of their `entryHash`es).
 * The lexicon file stores the same decision per pair, computed at build time, so that loading with
 * `holdout: 'exclude'` hashes nothing; changing the hash therefore needs a rebuild.
 */
export function isHeldOutPair(a: string, b: string): boolean {
  return pairHashHeldOut(entryHash(normalizeEntry(a)), entryHash(normalizeEntry(b)));
}

export interface LoadOptions {
  /** 'exclude' drops every held-out pair in both directions (benchmarks); default 'include'. */
  holdout?: HoldoutMode;
}

/** Counts a loaded lexicon reports about itself. */
export interface LexiconInfo {
  path: string;
  holdout: HoldoutMode;
  /** Entries. */
  entries: number;
  /** Directed (original, observed) pairs kept. */
  pairs: number;
  /** Pairs dropped by the holdout. */
  heldOut: number;
  /** sha256 of the build inputs, from the header. */
  inputsSha256: string;
  /** Milliseconds spent loading. */
  loadMs: number;
  /** Milliseconds per loading phase: read+check, decompress, string index, forward lists, reverse index. */
  phaseMs: { read: number; decompress: number; strings: number; lists: number; reverse: number };
}

const EMPTY_ORIGINS: readonly Origin[] = Object.freeze([]);
/**
 * Decoded origins and synonyms kept, per cache generation. Counted in list items, not entries: a common word
 * has over a thousand, and 4,096 entries of origins had held some 23 MB (an entry costs one more, so empty
 * lists are bounded too). The decoder caches its candidates per span, so a small cache here suffices.
 */
const CACHED_ITEMS = 60_000;

/** A read position in the body. */
interface Cursor {
  p: number;
}

function corruptError(path: string, why: string): UnspinError {
  return new UnspinError(
    'BAD_MODEL',
    `${path}: corrupt lexicon (${why}); rebuild it with npm run build:data`,
  );
}

interface Decoded {
  fwdStart: Uint32Array;
  fwdIds: Uint32Array;
  fwdInfo: Uint8Array;
  revCount: Uint32Array;
  dropped: number;
}

/**
 * Decodes the forward lists. Reads past the end of `body` give undefined (→ 0) and are caught by the
 * position checks, so the hot loops need no per-byte bounds checks.
 */
function decodeLists(
  body: Uint8Array,
  cur: Cursor,
  n: number,
  segLengths: Uint32Array,
  total: number,
  heldOut: Uint8Array | null,
  path: string,
): Decoded {
  const fwdStart = new Uint32Array(n + 1);
  const fwdIds = new Uint32Array(total);
  const fwdInfo = new Uint8Array(total);
  const revCount = new Uint32Array(n + 1);
  const end = body.length;
  let p = cur.p;
  let m = 0;
  let q = 0;
  let dropped = 0;
  let bad = 0;
  for (let owner = 0; owner < n; owner++) {
    fwdStart[owner] = m;
    // W: WordNet pairs.
    let len = segLengths[3 * owner];
    let prev = owner;
    for (let k = 0; k < len; k++) {
      let b = body[p++];
      let v = b & 0x7f;
      if (b & 0x80) {
        b = body[p++];
        v |= (b & 0x7f) << 7;
        if (b & 0x80) {
          b = body[p++];
          v |= (b & 0x7f) << 14;
          if (b & 0x80) v |= body[p++] << 21;
        }
      }
      const z = v >>> 8;
      const id = prev + (z & 1 ? -((z + 1) >>> 1) : z >>> 1);
      prev = id;
      const info = v & 0xff;
      if ((info & 12) === 0 || id < 0 || id >= n || id === owner) {
        bad++;
        continue;
      }
      const held = heldOut !== null && (heldOut[q >>> 3] >>> (q & 7)) & 1;
      q++;
      if (held) {
        dropped++;
        continue;
      }
      fwdIds[m] = id;
      fwdInfo[m++] = info;
      revCount[id]++;
    }
    // F: Moby, forward direction.
    len = segLengths[3 * owner + 1];
    prev = 0;
    for (let k = 0; k < len; k++) {
      let b = body[p++];
      let v = b & 0x7f;
      if (b & 0x80) {
        b = body[p++];
        v |= (b & 0x7f) << 7;
        if (b & 0x80) {
          b = body[p++];
          v |= (b & 0x7f) << 14;
          if (b & 0x80) v |= body[p++] << 21;
        }
      }
      const z = v >>> 1;
      const id = prev + (z & 1 ? -((z + 1) >>> 1) : z >>> 1);
      prev = id;
      if (id < 0 || id >= n || id === owner) {
        bad++;
        continue;
      }
      const held = heldOut !== null && (heldOut[q >>> 3] >>> (q & 7)) & 1;
      q++;
      if (held) {
        dropped++;
        continue;
      }
      fwdIds[m] = id;
      fwdInfo[m++] = 1 | ((v & 1) << 1);
      revCount[id]++;
    }
    // R: Moby, reverse direction only.
    len = segLengths[3 * owner + 2];
    prev = 0;
    for (let k = 0; k < len; k++) {
      let b = body[p++];
      let v = b & 0x7f;
      if (b & 0x80) {
        b = body[p++];
        v |= (b & 0x7f) << 7;
        if (b & 0x80) {
          b = body[p++];
          v |= (b & 0x7f) << 14;
          if (b & 0x80) v |= body[p++] << 21;
        }
      }
      const id = prev + v;
      prev = id;
      if (id >= n || id === owner) {
        bad++;
        continue;
      }
      const held = heldOut !== null && (heldOut[q >>> 3] >>> (q & 7)) & 1;
      q++;
      if (held) {
        dropped++;
        continue;
      }
      fwdIds[m] = id;
      fwdInfo[m++] = 2;
      revCount[id]++;
    }
  }
  fwdStart[n] = m;
  if (bad > 0) throw corruptError(path, 'bad forward list');
  if (p !== end) throw corruptError(path, p > end ? 'truncated body' : 'trailing bytes');
  cur.p = p;
  return {
    fwdStart,
    fwdIds: m < total ? fwdIds.subarray(0, m) : fwdIds,
    fwdInfo: m < total ? fwdInfo.subarray(0, m) : fwdInfo,
    revCount,
    dropped,
  };
}

/** Forward items per block of the owner index (a block spans some dozen entries). */
const OWNER_BLOCK_BITS = 8;

/**
 * For each block of 2^OWNER_BLOCK_BITS forward items, the entry that owns its first item, and one more
 * entry at the end: the owner of item q lies between the values of q's block and the next, so finding it
 * takes a few steps over nearby entries instead of a search over all of them (in cache misses, most of the
 * cost of building a new word's origins).
 */
function ownerIndex(fwdStart: Uint32Array, n: number): Uint32Array {
  const total = fwdStart[n];
  const blocks = (total >>> OWNER_BLOCK_BITS) + 1;
  const out = new Uint32Array(blocks + 1);
  let owner = 0;
  for (let b = 0; b < blocks; b++) {
    const q = b << OWNER_BLOCK_BITS;
    while (owner + 1 < n && fwdStart[owner + 1] <= q) owner++;
    out[b] = owner;
  }
  out[blocks] = Math.max(0, n - 1);
  return out;
}

/**
 * Reverse index by counting sort (`counts` is reused as the write cursor). Within each observed entry,
 * positions come out in increasing order, i.e. in owner order.
 */
function buildReverse(
  ids: Uint32Array,
  counts: Uint32Array,
  n: number,
): { revStart: Uint32Array; revPos: Uint32Array } {
  const m = ids.length;
  const revStart = new Uint32Array(n + 1);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const c = counts[i];
    revStart[i] = acc;
    counts[i] = acc;
    acc += c;
  }
  revStart[n] = acc;
  const revPos = new Uint32Array(m);
  for (let q = 0; q < m; q++) revPos[counts[ids[q]]++] = q;
  return { revStart, revPos };
}

class BinaryLexicon implements Lexicon {
  readonly size: number;
  readonly maxPhraseWords: number;
  readonly info: LexiconInfo;
  /** All entries, '\n'-separated; entry i is all.slice(offs[i], offs[i + 1] - 1). */
  private readonly all: string;
  private readonly offs: Uint32Array;
  private readonly posBits: Uint8Array;
  /** Forward list of entry i: items fwdStart[i] .. fwdStart[i+1]. */
  private readonly fwdStart: Uint32Array;
  private readonly fwdIds: Uint32Array;
  /** Per item: SOURCE bits | stored pair POS bits << 4 (0 for Moby pairs: computed from the entries). */
  private readonly fwdInfo: Uint8Array;
  /** Reverse index of entry i: positions (into the forward arrays) revPos[revStart[i] .. revStart[i+1]]. */
  private readonly revStart: Uint32Array;
  private readonly revPos: Uint32Array;
  /** See `ownerIndex`. */
  private readonly ownerIndex: Uint32Array;
  private readonly originCache = new GenerationalCache<number, readonly Origin[]>(
    CACHED_ITEMS,
    (list) => 1 + list.length,
  );
  /** Entry texts handed out so far (see `text`). */
  private readonly texts: Array<string | undefined>;
  private phrases: number[] | undefined;
  private readonly synonymCache = new GenerationalCache<number, readonly number[]>(
    CACHED_ITEMS,
    (list) => 1 + list.length,
  );

  constructor(path: string, holdout: HoldoutMode) {
    const t0 = performance.now();
    let file: Buffer;
    try {
      file = readFileSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UnspinError(
        'BAD_MODEL',
        code === 'ENOENT'
          ? `lexicon not found at ${path} (build it with npm run build:data)`
          : `cannot read lexicon ${path}: ${code ?? String(err)}`,
      );
    }
    const header = readHeader(file, path);
    const t1 = performance.now();
    const { strings, body, heldOut } = readSections(file, header, path, holdout === 'exclude');
    const t2 = performance.now();

    const n = header.entries;
    const offs = new Uint32Array(n + 1);
    let at = 0;
    for (let i = 0; i < n; i++) {
      offs[i] = at;
      const nl = strings.indexOf('\n', at);
      at = nl < 0 ? strings.length + 1 : nl + 1;
      if (nl < 0 && i !== n - 1) throw corruptError(path, 'entry count mismatch');
    }
    offs[n] = at;
    if (n > 0 && at !== strings.length + 1) throw corruptError(path, 'entry count mismatch');
    if (body.length < n) throw corruptError(path, 'truncated body');
    const posBits = new Uint8Array(body.subarray(0, n)); // a copy: the file buffer can go

    const t3 = performance.now();
    const cur: Cursor = { p: n };
    const segLengths = new Uint32Array(3 * n);
    let total = 0;
    {
      let p = n;
      for (let i = 0; i < 3 * n; i++) {
        let b = body[p++];
        let v = b & 0x7f;
        if (b & 0x80) {
          b = body[p++];
          v |= (b & 0x7f) << 7;
          if (b & 0x80) {
            b = body[p++];
            v |= (b & 0x7f) << 14;
            if (b & 0x80) v |= body[p++] << 21;
          }
        }
        segLengths[i] = v;
        total += v;
      }
      if (p > body.length || total !== header.items)
        throw corruptError(path, 'list lengths do not match the header');
      cur.p = p;
    }

    const d = decodeLists(body, cur, n, segLengths, total, heldOut, path);
    const m = d.fwdIds.length;

    const t4 = performance.now();
    const { revStart, revPos } = buildReverse(d.fwdIds, d.revCount, n);
    const t5 = performance.now();

    this.size = n;
    this.texts = new Array(n);
    this.maxPhraseWords = header.maxPhraseWords;
    this.all = strings;
    this.offs = offs;
    this.posBits = posBits;
    this.fwdStart = d.fwdStart;
    this.fwdIds = d.fwdIds;
    this.fwdInfo = d.fwdInfo;
    this.revStart = revStart;
    this.revPos = revPos;
    this.ownerIndex = ownerIndex(d.fwdStart, n);
    const r = (x: number): number => Math.round(x * 10) / 10;
    this.info = {
      path,
      holdout,
      entries: n,
      pairs: m,
      heldOut: d.dropped,
      inputsSha256: header.inputsSha256,
      loadMs: r(t5 - t0),
      phaseMs: {
        read: r(t1 - t0),
        decompress: r(t2 - t1),
        strings: r(t3 - t2),
        lists: r(t4 - t3),
        reverse: r(t5 - t4),
      },
    };
  }

  private entry(i: number): string {
    return this.all.slice(this.offs[i], this.offs[i + 1] - 1);
  }

  phraseIds(): readonly number[] {
    if (!this.phrases) {
      // One walk over the entry strings: entry i is a phrase when a space falls inside its bounds.
      const out: number[] = [];
      const all = this.all;
      let i = 0;
      for (let k = 0; k < all.length && i < this.size; k++) {
        while (k >= this.offs[i + 1]) i++;
        if (all.charCodeAt(k) === 0x20) {
          out.push(i);
          k = this.offs[i + 1] - 1; // the rest of this entry cannot add it again
        }
      }
      this.phrases = out;
    }
    return this.phrases;
  }

  /** Entry i compared with `key` as JS compares strings (UTF-16 code units), without slicing it out. */
  private compareEntry(i: number, key: string): number {
    const all = this.all;
    const at = this.offs[i];
    const len = this.offs[i + 1] - 1 - at;
    const m = Math.min(len, key.length);
    for (let k = 0; k < m; k++) {
      const d = all.charCodeAt(at + k) - key.charCodeAt(k);
      if (d !== 0) return d;
    }
    return len - key.length;
  }

  lookup(text: string): number {
    const key = normalizeEntry(text);
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.compareEntry(mid, key);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * The entry's text, one string per entry however often it is asked for: candidate caches hold many
   * references to the same originals, and one shared string is cheaper than a slice per reference.
   */
  text(id: number): string {
    this.check(id);
    let t = this.texts[id];
    if (t === undefined) {
      t = this.entry(id);
      this.texts[id] = t;
    }
    return t;
  }

  pos(id: number): number {
    this.check(id);
    return this.posBits[id];
  }

  origins(id: number): readonly Origin[] {
    this.check(id);
    const cached = this.originCache.get(id);
    if (cached) return cached;
    const start = this.revStart[id];
    const end = this.revStart[id + 1];
    if (start === end) return EMPTY_ORIGINS;
    const out: Origin[] = new Array(end - start);
    for (let r = start; r < end; r++) {
      const q = this.revPos[r];
      const owner = this.ownerOf(q);
      const ownerStart = this.fwdStart[owner];
      const info = this.fwdInfo[q];
      out[r - start] = {
        id: owner,
        sources: info & 15,
        pos: info >> 4 || this.posBits[owner] & this.posBits[id],
        fanout: this.fwdStart[owner + 1] - ownerStart,
        rank: q - ownerStart,
      };
    }
    Object.freeze(out);
    this.originCache.set(id, out);
    return out;
  }

  synonyms(id: number): readonly number[] {
    this.check(id);
    const cached = this.synonymCache.get(id);
    if (cached) return cached;
    const out = Object.freeze(Array.from(this.fwdIds.subarray(this.fwdStart[id], this.fwdStart[id + 1])));
    this.synonymCache.set(id, out);
    return out;
  }

  /** SOURCE bits relating (original, observed), or 0 when the lexicon has no such pair. */
  pairSources(original: number, observed: number): number {
    this.check(original);
    this.check(observed);
    for (let q = this.fwdStart[original]; q < this.fwdStart[original + 1]; q++) {
      if (this.fwdIds[q] === observed) return this.fwdInfo[q] & 15;
    }
    return 0;
  }

  /** Number of synonyms in the entry's forward list (the `fanout` of origins naming it). */
  fanout(id: number): number {
    this.check(id);
    return this.fwdStart[id + 1] - this.fwdStart[id];
  }

  /** Number of originals whose forward list names this entry, without building the Origin objects. */
  originCount(id: number): number {
    this.check(id);
    return this.revStart[id + 1] - this.revStart[id];
  }

  private ownerOf(q: number): number {
    const starts = this.fwdStart;
    // Only the entries whose lists hold items of q's block can own it.
    const block = q >>> OWNER_BLOCK_BITS;
    let lo = this.ownerIndex[block];
    let hi = this.ownerIndex[block + 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= q) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private check(id: number): void {
    if (!(id >= 0 && id < this.size && Number.isInteger(id)))
      throw new RangeError(`lexicon entry id out of range: ${id}`);
  }
}

/** A loaded lexicon: the `Lexicon` interface plus counts and a few cheap extras. */
export type LoadedLexicon = Lexicon & {
  readonly info: LexiconInfo;
  pairSources(original: number, observed: number): number;
  fanout(id: number): number;
  originCount(id: number): number;
};

const memo = new Map<HoldoutMode, LoadedLexicon>();

/**
 * Loads a lexicon file (default: the shipped `data/lexicon.bin`, memoised per process and holdout mode).
 * Throws `UnspinError('BAD_MODEL')` for a missing, truncated, corrupt or foreign file.
 */
export function loadLexicon(path?: string, opts?: LoadOptions): LoadedLexicon {
  const holdout = opts?.holdout ?? 'include';
  if (holdout !== 'include' && holdout !== 'exclude')
    throw new UnspinError('USAGE', `unknown holdout mode: ${holdout}`);
  if (path === undefined) {
    const cached = memo.get(holdout);
    if (cached) return cached;
    const lex = new BinaryLexicon(dataPath('lexicon.bin'), holdout);
    memo.set(holdout, lex);
    return lex;
  }
  return new BinaryLexicon(path, holdout);
}
