/** What the index needs from a storage backend (SQLite file or PostgreSQL), so both behave the same. */

/** A document ready to be written: its id, content hash, text and band hashes (bands per window, concatenated). */
export interface DocRecord {
  id: string;
  /** Hex sha256 of the text: documents with the same text share one stored content. */
  hash: string;
  text: string;
  /** Band hashes, or undefined when the content is already stored (then only the id is linked to it). */
  bands?: Uint32Array;
}

export interface WriteResult {
  added: number;
  unchanged: number;
  replaced: number;
}

/** The facts about the ids and hashes of a batch that decide what must be computed and written. */
export interface BatchState {
  /** Stored content hash per id already present. */
  idHash: Map<string, string>;
  /** Content hashes already stored. */
  knownHashes: Set<string>;
}

export interface Candidate {
  cid: number;
  hits: number;
}

export interface StoredContent {
  cid: number;
  text: string;
  /** Ids pointing at this content, sorted. */
  ids: string[];
}

/** Metadata every index carries, checked on open (format, schema version, fingerprint settings). */
export type Meta = Record<string, string>;

export interface Store {
  readonly backend: 'sqlite' | 'postgres';
  readonly meta: Meta;
  batchState(ids: readonly string[], hashes: readonly string[]): Promise<BatchState>;
  /** Writes one batch in one transaction (all or nothing). `bands` says how many bands per window. */
  writeBatch(docs: readonly DocRecord[], bands: number): Promise<WriteResult>;
  remove(id: string): Promise<boolean>;
  /** Contents sharing band keys with the query, most shared keys first. */
  candidates(keys: readonly number[], limit: number): Promise<Candidate[]>;
  contents(cids: readonly number[]): Promise<StoredContent[]>;
  get(id: string): Promise<string | undefined>;
  stats(): Promise<{ documents: number; contents: number; bytes: number }>;
  close(): Promise<void>;
}

/** Value of meta `format`: tells an unspin index apart from any other database. */
export const INDEX_FORMAT = 'unspin-source-index';
/** Bumped whenever the tables or the fingerprints change incompatibly. */
export const SCHEMA_VERSION = 1;

/** The stored keys of one content: band `i % bands` of each window. */
export function keysOf(bands: Uint32Array, perWindow: number): number[] {
  const set = new Set<number>();
  for (let i = 0; i < bands.length; i++) set.add((i % perWindow) * 0x100000000 + bands[i]);
  return [...set];
}

export function bandsToBuffer(bands: Uint32Array): Buffer {
  return Buffer.from(bands.buffer, bands.byteOffset, bands.byteLength);
}

export function bufferToBands(buf: Uint8Array): Uint32Array {
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return new Uint32Array(copy.buffer, 0, Math.floor(copy.byteLength / 4));
}

/**
 * The band rows of one batch: every (key, cid) of its new contents, then sorted by key and cid with
 * duplicates dropped. Rows are packed into one float64 each (key · 2^b + cid offset, exact below 2^53),
 * so sorting is a native numeric sort instead of a comparator over millions of small arrays; when a batch
 * could overflow that (huge cid range or band counts) it falls back to sorting pairs. Both backends write
 * their band rows in this order (B-tree pages are then filled one after another, not at random).
 */
export class BandRows {
  private keys = new Float64Array(4096);
  private cids = new Float64Array(4096);
  private n = 0;
  private minCid = Number.POSITIVE_INFINITY;
  private maxCid = Number.NEGATIVE_INFINITY;

  constructor(private readonly perWindow: number) {}

  add(bands: Uint32Array, cid: number): void {
    if (this.n + bands.length > this.keys.length) {
      const size = Math.max(2 * this.keys.length, this.n + bands.length);
      const keys = new Float64Array(size);
      keys.set(this.keys.subarray(0, this.n));
      const cids = new Float64Array(size);
      cids.set(this.cids.subarray(0, this.n));
      this.keys = keys;
      this.cids = cids;
    }
    const per = this.perWindow;
    for (let i = 0; i < bands.length; i++) {
      this.keys[this.n] = (i % per) * 0x100000000 + bands[i];
      this.cids[this.n++] = cid;
    }
    if (cid < this.minCid) this.minCid = cid;
    if (cid > this.maxCid) this.maxCid = cid;
  }

  /** The rows in (key, cid) order without duplicates. */
  sorted(): { keys: Float64Array; cids: Float64Array; length: number } {
    const n = this.n;
    if (n === 0) return { keys: this.keys, cids: this.cids, length: 0 };
    const span = this.maxCid - this.minCid + 1;
    const scale = 2 ** Math.ceil(Math.log2(span + 1));
    const keys = new Float64Array(n);
    const cids = new Float64Array(n);
    let m = 0;
    if (this.perWindow * 0x100000000 * scale <= Number.MAX_SAFE_INTEGER) {
      const packed = new Float64Array(n);
      for (let i = 0; i < n; i++) packed[i] = this.keys[i] * scale + (this.cids[i] - this.minCid);
      packed.sort();
      for (let i = 0; i < n; i++) {
        if (i > 0 && packed[i] === packed[i - 1]) continue;
        const rest = packed[i] % scale;
        keys[m] = (packed[i] - rest) / scale;
        cids[m++] = rest + this.minCid;
      }
    } else {
      const order = Array.from({ length: n }, (_, i) => i);
      order.sort((a, b) => this.keys[a] - this.keys[b] || this.cids[a] - this.cids[b]);
      for (let i = 0; i < n; i++) {
        const o = order[i];
        if (m > 0 && keys[m - 1] === this.keys[o] && cids[m - 1] === this.cids[o]) continue;
        keys[m] = this.keys[o];
        cids[m++] = this.cids[o];
      }
    }
    return { keys, cids, length: m };
  }
}
