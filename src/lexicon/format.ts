/**
 * The `lexicon.bin` file format, shared by the writer (`scripts/build-lexicon.ts`) and the reader (`lexicon.ts`).
 *
 * Header (96 bytes, little-endian):
 *   0  magic "UNSPINLX" (8 bytes)
 *   8  u32 format version
 *  12  u32 header length (96)
 *  16  sha256 of the build inputs (32 bytes)
 *  48  u32 entry count N
 *  52  u32 forward-list item count M (directed pairs)
 *  56  u32 max words per entry
 *  60  u32 string table length, raw
 *  64  u32 string table length, stored (brotli)
 *  68  u32 body length, raw
 *  72  u32 body length, stored
 *  76  u32 body compression (0 = none, 1 = brotli, 2 = gzip)
 *  80  u32 CRC-32 of everything after the header
 *  84  u32 held-out bitset length, raw (ceil(M / 8))
 *  88  u32 held-out bitset length, stored (brotli)
 *  92  u32 reserved (0)
 * Then the string table (brotli): the N entries in code-unit order, UTF-8, '\n'-separated.
 * Then the held-out bitset (brotli): bit q (LSB first) is set when the q-th stored item is a pair that
 * `pairHashHeldOut` marks as held out, precomputed so that loading with the holdout hashes nothing.
 * Then the body:
 *   N bytes: POS bits per entry
 *   per entry, 3 varints: the lengths of its forward list's three segments, W, F and R
 *   per entry, its items, segment by segment (the forward list is W then F then R):
 *     W (pairs WordNet relates, most typical first): v = zigzag(id - prev) * 256 + pair POS * 16 + SOURCE bits,
 *       prev starting at the owner's id;
 *     F (further pairs Moby lists under the owner, in Moby's order): v = zigzag(id - prev) * 2 + (1 if Moby
 *       also lists the owner under the item, i.e. SOURCE.mobyReverse), prev starting at 0;
 *     R (pairs only Moby's reverse direction gives, SOURCE.mobyReverse alone), ascending ids: v = id - prev,
 *       prev starting at 0 (ids strictly increase).
 *   Varints are little-endian base-128, at most 4 bytes.
 */
import * as zlib from 'node:zlib';
import { UnspinError } from '../errors.js';

export const LEXICON_MAGIC = 'UNSPINLX';
export const LEXICON_VERSION = 1;
export const HEADER_BYTES = 96;
export const COMPRESSION_NONE = 0;
export const COMPRESSION_BROTLI = 1;
export const COMPRESSION_GZIP = 2;
/** SOURCE bits that come from WordNet. */
export const WORDNET_SOURCES = 4 | 8;
const MOBY_FORWARD = 1;
const MOBY_REVERSE = 2;

export interface LexiconHeader {
  version: number;
  inputsSha256: string;
  entries: number;
  items: number;
  maxPhraseWords: number;
  stringsRawLength: number;
  stringsStoredLength: number;
  bodyRawLength: number;
  bodyStoredLength: number;
  bodyCompression: number;
  crc32: number;
  holdoutRawLength: number;
  holdoutStoredLength: number;
}

export interface ForwardItem {
  id: number;
  /** SOURCE bits, at least one. */
  sources: number;
  /** POS bits of the pair (kept only when `sources` has WordNet bits). */
  pos: number;
}

export interface LexiconData {
  /** Entries sorted by code unit (JavaScript's default sort), unique. */
  entries: string[];
  pos: Uint8Array;
  /** Forward lists, most typical first. */
  lists: ForwardItem[][];
  maxPhraseWords: number;
  /** sha256 of the inputs, 64 hex digits. */
  inputsSha256: string;
}

// ---------------------------------------------------------------------------------------------------------
// CRC-32 (zlib.crc32 where Node has it, a table otherwise)

let crcTable: Int32Array | null = null;

export function crc32(data: Uint8Array): number {
  const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
  if (typeof native === 'function') return native(data) >>> 0;
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let crc = -1;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

// ---------------------------------------------------------------------------------------------------------
// Hashes for the held-out split

/** FNV-1a over UTF-16 code units: a stable 32-bit hash of an entry's text. */
export function entryHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Whether the unordered pair with these entry hashes is held out (~10%); symmetric by construction. */
export function pairHashHeldOut(ha: number, hb: number): boolean {
  const lo = Math.min(ha, hb);
  const hi = Math.max(ha, hb);
  let h = Math.imul(lo ^ 0x5bd1e995, 0x9e3779b1) ^ hi;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 1000 < 100;
}

// ---------------------------------------------------------------------------------------------------------
// Writer

class ByteWriter {
  private buf = Buffer.alloc(1 << 20);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.length);
    this.length += 4;
  }
  varint(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** 28) throw new Error(`varint out of range: ${v}`);
    this.ensure(8);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }
  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/** Which segment of a forward list an item belongs in (see the format description). */
export function segmentOf(sources: number): 0 | 1 | 2 {
  if (sources & WORDNET_SOURCES) return 0;
  if (sources & MOBY_FORWARD) return 1;
  return 2;
}

/**
 * Serialises a lexicon (entries must already be sorted and unique). Each list is stably partitioned into
 * its W, F and R segments and R is sorted by id, so the stored order (and with it `rank`) is: WordNet pairs
 * in the given order, then Moby-forward pairs in the given order, then reverse-only Moby pairs by id.
 */
export function encodeLexicon(data: LexiconData, bodyCompression = COMPRESSION_NONE): Buffer {
  const { entries, pos, lists } = data;
  const n = entries.length;
  if (pos.length !== n || lists.length !== n)
    throw new Error('encodeLexicon: entries, pos and lists differ in length');
  for (let i = 1; i < n; i++) {
    if (!(entries[i - 1] < entries[i])) throw new Error(`encodeLexicon: entries not sorted at ${i}`);
  }
  const strings = Buffer.from(entries.join('\n'), 'utf8');
  const w = new ByteWriter();
  w.bytes(pos);
  const segmented: ForwardItem[][][] = lists.map((list, owner) => {
    const segs: ForwardItem[][] = [[], [], []];
    const seen = new Set<number>();
    for (const item of list) {
      if (!Number.isInteger(item.id) || item.id < 0 || item.id >= n || item.id === owner) {
        throw new Error(`encodeLexicon: bad item ${item.id} in the list of ${owner}`);
      }
      if (seen.has(item.id))
        throw new Error(`encodeLexicon: duplicate item ${item.id} in the list of ${owner}`);
      seen.add(item.id);
      if (item.sources <= 0 || item.sources > 15)
        throw new Error(`encodeLexicon: bad sources ${item.sources}`);
      segs[segmentOf(item.sources)].push(item);
    }
    segs[2].sort((x, y) => x.id - y.id);
    return segs;
  });
  let items = 0;
  for (const segs of segmented) {
    for (const seg of segs) {
      w.varint(seg.length);
      items += seg.length;
    }
  }
  const zz = (d: number): number => (d >= 0 ? 2 * d : -2 * d - 1);
  const hashes = entries.map(entryHash);
  const heldOut = Buffer.alloc(Math.ceil(items / 8));
  let q = 0;
  segmented.forEach((segs, owner) => {
    const mark = (item: ForwardItem): void => {
      if (pairHashHeldOut(hashes[owner], hashes[item.id])) heldOut[q >>> 3] |= 1 << (q & 7);
      q++;
    };
    let prev = owner;
    for (const item of segs[0]) {
      w.varint(zz(item.id - prev) * 256 + (item.pos & 15) * 16 + item.sources);
      prev = item.id;
      mark(item);
    }
    prev = 0;
    for (const item of segs[1]) {
      w.varint(zz(item.id - prev) * 2 + (item.sources & MOBY_REVERSE ? 1 : 0));
      prev = item.id;
      mark(item);
    }
    prev = 0;
    for (const item of segs[2]) {
      w.varint(item.id - prev);
      prev = item.id;
      mark(item);
    }
  });
  const body = w.result();
  const brotli = (buf: Buffer): Buffer =>
    zlib.brotliCompressSync(buf, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
      },
    });
  const storedStrings = brotli(strings);
  const storedHeldOut = brotli(heldOut);
  let storedBody: Buffer;
  if (bodyCompression === COMPRESSION_NONE) storedBody = body;
  else if (bodyCompression === COMPRESSION_GZIP) storedBody = zlib.gzipSync(body, { level: 9 });
  else if (bodyCompression === COMPRESSION_BROTLI) storedBody = zlib.brotliCompressSync(body);
  else throw new Error(`encodeLexicon: unknown compression ${bodyCompression}`);
  const rest = Buffer.concat([storedStrings, storedHeldOut, storedBody]);

  const header = Buffer.alloc(HEADER_BYTES);
  header.write(LEXICON_MAGIC, 0, 'latin1');
  header.writeUInt32LE(LEXICON_VERSION, 8);
  header.writeUInt32LE(HEADER_BYTES, 12);
  const sha = Buffer.from(data.inputsSha256, 'hex');
  if (sha.length !== 32) throw new Error('encodeLexicon: inputsSha256 must be 64 hex digits');
  sha.copy(header, 16);
  header.writeUInt32LE(n, 48);
  header.writeUInt32LE(items, 52);
  header.writeUInt32LE(data.maxPhraseWords, 56);
  header.writeUInt32LE(strings.length, 60);
  header.writeUInt32LE(storedStrings.length, 64);
  header.writeUInt32LE(body.length, 68);
  header.writeUInt32LE(storedBody.length, 72);
  header.writeUInt32LE(bodyCompression, 76);
  header.writeUInt32LE(crc32(rest), 80);
  header.writeUInt32LE(heldOut.length, 84);
  header.writeUInt32LE(storedHeldOut.length, 88);
  return Buffer.concat([header, rest]);
}

// ---------------------------------------------------------------------------------------------------------
// Reader helpers

function bad(path: string, why: string): UnspinError {
  return new UnspinError(
    'BAD_MODEL',
    `${path}: not a usable unspin lexicon (${why}); rebuild it with npm run build:data`,
  );
}

/**
 * Checks a lexicon file's header and checksum; throws BAD_MODEL for anything foreign, truncated, corrupt
 * or from another format version.
 */
export function readHeader(buf: Uint8Array, path: string): LexiconHeader {
  if (buf.length < HEADER_BYTES) throw bad(path, 'file too short');
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.toString('latin1', 0, 8) !== LEXICON_MAGIC) throw bad(path, 'wrong magic');
  const version = b.readUInt32LE(8);
  if (version !== LEXICON_VERSION) throw bad(path, `format version ${version}, expected ${LEXICON_VERSION}`);
  if (b.readUInt32LE(12) !== HEADER_BYTES) throw bad(path, 'bad header length');
  const header: LexiconHeader = {
    version,
    inputsSha256: b.toString('hex', 16, 48),
    entries: b.readUInt32LE(48),
    items: b.readUInt32LE(52),
    maxPhraseWords: b.readUInt32LE(56),
    stringsRawLength: b.readUInt32LE(60),
    stringsStoredLength: b.readUInt32LE(64),
    bodyRawLength: b.readUInt32LE(68),
    bodyStoredLength: b.readUInt32LE(72),
    bodyCompression: b.readUInt32LE(76),
    crc32: b.readUInt32LE(80),
    holdoutRawLength: b.readUInt32LE(84),
    holdoutStoredLength: b.readUInt32LE(88),
  };
  const stored = header.stringsStoredLength + header.holdoutStoredLength + header.bodyStoredLength;
  if (HEADER_BYTES + stored !== buf.length) {
    throw bad(path, 'length does not match the header');
  }
  if (crc32(buf.subarray(HEADER_BYTES)) !== header.crc32) throw bad(path, 'checksum mismatch');
  return header;
}

/** Decompresses the string table, the body and (when asked for) the held-out bitset. */
export function readSections(
  buf: Uint8Array,
  header: LexiconHeader,
  path: string,
  withHoldout: boolean,
): { strings: string; body: Buffer; heldOut: Buffer | null } {
  const stringsEnd = HEADER_BYTES + header.stringsStoredLength;
  const holdoutEnd = stringsEnd + header.holdoutStoredLength;
  const stored = buf.subarray(holdoutEnd);
  let strings: Buffer;
  let body: Buffer;
  let heldOut: Buffer | null = null;
  try {
    strings = zlib.brotliDecompressSync(buf.subarray(HEADER_BYTES, stringsEnd));
    if (withHoldout) heldOut = zlib.brotliDecompressSync(buf.subarray(stringsEnd, holdoutEnd));
    if (header.bodyCompression === COMPRESSION_NONE)
      body = Buffer.from(stored.buffer, stored.byteOffset, stored.length);
    else if (header.bodyCompression === COMPRESSION_GZIP) body = zlib.gunzipSync(stored);
    else if (header.bodyCompression === COMPRESSION_BROTLI) body = zlib.brotliDecompressSync(stored);
    else throw bad(path, `unknown compression ${header.bodyCompression}`);
  } catch (err) {
    if (err instanceof UnspinError) throw err;
    throw bad(path, 'a section does not decompress');
  }
  if (strings.length !== header.stringsRawLength || body.length !== header.bodyRawLength) {
    throw bad(path, 'section length mismatch');
  }
  if (
    heldOut &&
    (heldOut.length !== header.holdoutRawLength || heldOut.length !== Math.ceil(header.items / 8))
  ) {
    throw bad(path, 'held-out bitset length mismatch');
  }
  return { strings: strings.toString('utf8'), body, heldOut };
}
