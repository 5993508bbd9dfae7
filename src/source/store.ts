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
