/**
 * The spin-robust source index: add documents, find the source a (spun) text was made from, align the
 * two word by word. Candidates come from MinHash/LSH on spin-robust shingles (see features.ts,
 * minhash.ts); every candidate is verified by a real alignment (align.ts) before it is ranked.
 * Storage is a SQLite file (default) or PostgreSQL (`postgres://…`), behind the same interface.
 */
import { createHash } from 'node:crypto';
import { UnspinError } from '../errors.js';
import { loadLexicon } from '../lexicon/lexicon.js';
import type { HoldoutMode } from '../lexicon/types.js';
import { type AlignKind, type Alignment, align } from './align.js';
import { classesFor } from './classes.js';
import { DEFAULT_FINGERPRINT, type Featurized, Featurizer, type FingerprintConfig } from './features.js';
import {
  bandKeys,
  DEFAULT_LSH,
  documentWindows,
  type LshConfig,
  queryWindows,
  windowBands,
} from './minhash.js';
import { SqliteStore } from './sqlite-store.js';
import { type DocRecord, INDEX_FORMAT, type Meta, SCHEMA_VERSION, type Store } from './store.js';

export { type AlignKind, type Alignment, type AlignOp, align } from './align.js';
export { checkWithSource, DEFAULT_SOURCE_THRESHOLD, type SourceCheckResult } from './check.js';
export { classesFor, SynonymClasses } from './classes.js';
export { DEFAULT_FINGERPRINT, type Featurized, Featurizer, type FingerprintConfig } from './features.js';
export { DEFAULT_LSH, type LshConfig } from './minhash.js';

export interface SourceMatch {
  id: string;
  /** Share of the query's words that are the same as, or synonyms of, their aligned source words. */
  similarity: number;
  /** Share of the query's words inside passages aligned to this source (substituted words included). */
  coverage: number;
}

/** A match with the numbers behind it (what `query` returns; extra fields may be added). */
export interface RankedMatch extends SourceMatch {
  /** 2·matched words / (query words + source words): lower when the source is much longer than the query. */
  dice: number;
  /** Other ids stored with exactly the same text. */
  duplicates?: string[];
}

export interface QueryOptions {
  /** Most matches to return (default 5). */
  limit?: number;
  /** Candidates from the LSH step that are verified by alignment (default 20). */
  candidates?: number;
  /** Matches whose coverage is below this are dropped (default 0.05). */
  minCoverage?: number;
}

export interface AddOptions {
  /** Documents per transaction (default 500). */
  batchSize?: number;
  /** Called after each committed batch with the running totals. */
  onBatch?: (totals: AddResult) => void;
}

export interface AddResult {
  added: number;
  unchanged: number;
  replaced: number;
}

/** One aligned piece with offsets (UTF-16, half-open) into the query and into the source. */
export interface AlignedSpan {
  kind: AlignKind;
  query: { start: number; end: number; text: string };
  source: { start: number; end: number; text: string };
}

export interface SourceAlignment {
  match: RankedMatch;
  sourceText: string;
  spans: AlignedSpan[];
  /** The aligned passages as offsets into the query. */
  passages: Array<{ start: number; end: number }>;
  alignment: Alignment;
}

export interface SourceIndex {
  add(
    docs: AsyncIterable<{ id: string; text: string }> | Iterable<{ id: string; text: string }>,
    options?: AddOptions,
  ): Promise<AddResult>;
  query(text: string, options?: QueryOptions): Promise<RankedMatch[]>;
  get(id: string): Promise<{ id: string; text: string } | undefined>;
  remove(id: string): Promise<boolean>;
  stats(): Promise<{ documents: number; bytes: number; backend: 'sqlite' | 'postgres'; contents: number }>;
  /** The alignment of `text` with document `id` (or with the best match when no id is given). */
  explain(text: string, id?: string): Promise<SourceAlignment | undefined>;
  close(): Promise<void>;
  /** Where the index lives, as given to openIndex (passwords removed). */
  readonly target: string;
}

export interface OpenOptions {
  /** Create the index (file, or tables in PostgreSQL) when missing. Default false. */
  create?: boolean;
  /** Open read-only (SQLite). Default false. */
  readonly?: boolean;
  /** For a new index: whether the lexicon's held-out slice of pairs is used (benchmarks use 'exclude'). */
  lexicon?: HoldoutMode;
}

/** True for targets that name a PostgreSQL database rather than a file. */
export function isPostgresTarget(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/** The target with any password blanked, for messages. */
export function displayTarget(target: string): string {
  return isPostgresTarget(target) ? target.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1:***@') : target;
}

function newMeta(holdout: HoldoutMode): Meta {
  const lexicon = loadLexicon(undefined, { holdout });
  return {
    format: INDEX_FORMAT,
    schema_version: String(SCHEMA_VERSION),
    fingerprint: JSON.stringify(DEFAULT_FINGERPRINT),
    lsh: JSON.stringify(DEFAULT_LSH),
    bands_per_window: String(DEFAULT_LSH.hashes / DEFAULT_LSH.rows),
    lexicon: `${lexicon.info.inputsSha256}:${holdout}`,
  };
}

/** Opens (creating when allowed) a SQLite file path or a postgres:// URL. */
export async function openIndex(target: string, options: OpenOptions = {}): Promise<SourceIndex> {
  const create = options.create ?? false;
  const readonly = options.readonly ?? false;
  const initialMeta = () => newMeta(options.lexicon ?? 'include');
  let store: Store;
  if (isPostgresTarget(target)) {
    const { PgStore } = await import('./pg-store.js');
    store = await PgStore.open(target, { create, initialMeta });
  } else {
    store = SqliteStore.open(target, { create, readonly, initialMeta: create ? initialMeta() : {} });
  }
  return new IndexImpl(store, displayTarget(target));
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Featurized contents kept between queries (the same candidates come up again and again). */
const CONTENT_CACHE = 512;

class IndexImpl implements SourceIndex {
  private featurizerMemo: Featurizer | undefined;
  private readonly lsh: LshConfig;
  private readonly fingerprint: FingerprintConfig;
  private readonly bands: number;
  private readonly cache = new Map<number, Featurized>();

  constructor(
    private readonly store: Store,
    readonly target: string,
  ) {
    try {
      this.lsh = JSON.parse(store.meta.lsh) as LshConfig;
      this.fingerprint = JSON.parse(store.meta.fingerprint) as FingerprintConfig;
    } catch {
      throw new UnspinError('BAD_INDEX', `${target}: the index settings are unreadable; rebuild the index`);
    }
    this.bands = this.lsh.hashes / this.lsh.rows;
  }

  /** The lexicon-backed featurizer, loaded on first need (stats and remove never need it). */
  private featurizer(): Featurizer {
    if (this.featurizerMemo) return this.featurizerMemo;
    const [sha, holdout] = (this.store.meta.lexicon ?? '').split(':');
    if (holdout !== 'include' && holdout !== 'exclude') {
      throw new UnspinError('BAD_INDEX', `${this.target}: the index does not say which lexicon built it`);
    }
    const lexicon = loadLexicon(undefined, { holdout });
    if (lexicon.info.inputsSha256 !== sha) {
      throw new UnspinError(
        'BAD_INDEX',
        `${this.target}: the index was built with a different lexicon; rebuild it with unspin index add`,
      );
    }
    this.featurizerMemo = new Featurizer(classesFor(lexicon), this.fingerprint);
    return this.featurizerMemo;
  }

  /** Band hashes of a document to index (the token-free pass; the same shingles as `featurize`). */
  private fingerprintOf(text: string): Uint32Array {
    const f = this.featurizer().fingerprint(text);
    return windowBands(f.shingles, f.shingleWord, documentWindows(f.words, this.lsh), this.lsh);
  }

  async add(
    docs: AsyncIterable<{ id: string; text: string }> | Iterable<{ id: string; text: string }>,
    options: AddOptions = {},
  ): Promise<AddResult> {
    const size = options.batchSize ?? 500;
    const totals: AddResult = { added: 0, unchanged: 0, replaced: 0 };
    let batch: Array<{ id: string; text: string }> = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const r = await this.writeBatch(batch);
      totals.added += r.added;
      totals.unchanged += r.unchanged;
      totals.replaced += r.replaced;
      batch = [];
      options.onBatch?.({ ...totals });
    };
    for await (const doc of docs) {
      if (typeof doc?.id !== 'string' || doc.id === '' || typeof doc.text !== 'string') {
        throw new UnspinError('USAGE', 'each document needs a non-empty string "id" and a string "text"');
      }
      batch.push({ id: doc.id, text: doc.text });
      if (batch.length >= size) await flush();
    }
    await flush();
    return totals;
  }

  private async writeBatch(batch: ReadonlyArray<{ id: string; text: string }>) {
    const hashes = batch.map((d) => sha256(d.text));
    const state = await this.store.batchState(
      batch.map((d) => d.id),
      hashes,
    );
    const fresh = new Map<string, Uint32Array>();
    const records: DocRecord[] = batch.map((d, i) => {
      const hash = hashes[i];
      if (state.idHash.get(d.id) === hash || state.knownHashes.has(hash))
        return { id: d.id, hash, text: d.text };
      let bands = fresh.get(hash);
      if (!bands) {
        bands = this.fingerprintOf(d.text);
        fresh.set(hash, bands);
      }
      return { id: d.id, hash, text: d.text, bands };
    });
    return this.store.writeBatch(records, this.bands);
  }

  private async verify(q: Featurized, options: QueryOptions) {
    const lsh = this.lsh;
    const keys = bandKeys(
      windowBands(q.shingles, q.shingleWord, queryWindows(q.key.length, lsh), lsh),
      this.bands,
    );
    const all = await this.store.candidates(keys, options.candidates ?? 20);
    // Chance collisions give a document one or two shared bands; a real source shares many. Verifying
    // only candidates within a fifth of the best keeps the alignment step to a few documents.
    const floor = Math.max(1, Math.floor((all[0]?.hits ?? 0) / 5));
    const cands = all.filter((c, i) => i < 3 || c.hits >= floor);
    const contents = await this.store.contents(cands.map((c) => c.cid));
    const classes = this.featurizer().classes;
    const out: Array<{ match: RankedMatch; cid: number; text: string; alignment: Alignment }> = [];
    for (const c of contents) {
      if (c.ids.length === 0) continue;
      const s = this.featurizedContent(c.cid, c.text);
      const a = align(q, s, classes);
      const match: RankedMatch = {
        id: c.ids[0],
        similarity: round4(a.similarity),
        coverage: round4(a.coverage),
        dice: round4(a.dice),
      };
      if (c.ids.length > 1) match.duplicates = c.ids.slice(1);
      out.push({ match, cid: c.cid, text: c.text, alignment: a });
    }
    const min = options.minCoverage ?? 0.05;
    return out
      .filter((m) => m.alignment.coverage >= min && m.alignment.matchedWords > 0)
      .sort(
        (a, b) =>
          b.alignment.similarity - a.alignment.similarity ||
          b.alignment.dice - a.alignment.dice ||
          (a.match.id < b.match.id ? -1 : 1),
      );
  }

  private featurizedContent(cid: number, text: string): Featurized {
    const hit = this.cache.get(cid);
    if (hit) return hit;
    const f = this.featurizer().featurize(text);
    if (this.cache.size >= CONTENT_CACHE) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(cid, f);
    return f;
  }

  async query(text: string, options: QueryOptions = {}): Promise<RankedMatch[]> {
    const q = this.featurizer().featurize(text);
    const ranked = await this.verify(q, options);
    return ranked.slice(0, options.limit ?? 5).map((r) => r.match);
  }

  async explain(text: string, id?: string): Promise<SourceAlignment | undefined> {
    const q = this.featurizer().featurize(text);
    let best: { match: RankedMatch; text: string; alignment: Alignment; cid?: number } | undefined;
    if (id === undefined) {
      best = (await this.verify(q, {}))[0];
    } else {
      const sourceText = await this.store.get(id);
      if (sourceText === undefined) return undefined;
      const s = this.featurizer().featurize(sourceText);
      const a = align(q, s, this.featurizer().classes);
      best = {
        match: { id, similarity: round4(a.similarity), coverage: round4(a.coverage), dice: round4(a.dice) },
        text: sourceText,
        alignment: a,
      };
    }
    if (!best) return undefined;
    const s =
      best.cid === undefined
        ? this.featurizer().featurize(best.text)
        : this.featurizedContent(best.cid, best.text);
    const a = best.alignment;
    return {
      match: best.match,
      sourceText: best.text,
      alignment: a,
      spans: spansOf(a, q, text, s, best.text),
      passages: a.segments.map((g) => ({ start: q.words[g.q0].start, end: q.words[g.q1 - 1].end })),
    };
  }

  async get(id: string): Promise<{ id: string; text: string } | undefined> {
    const text = await this.store.get(id);
    return text === undefined ? undefined : { id, text };
  }

  remove(id: string): Promise<boolean> {
    return this.store.remove(id);
  }

  async stats() {
    const s = await this.store.stats();
    return { documents: s.documents, bytes: s.bytes, backend: this.store.backend, contents: s.contents };
  }

  close(): Promise<void> {
    return this.store.close();
  }

  /** The backend, for tests and the benchmark (integrity checks). */
  get backendStore(): Store {
    return this.store;
  }
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Word ranges of the alignment as text offsets on both sides. */
function spansOf(a: Alignment, q: Featurized, qText: string, s: Featurized, sText: string): AlignedSpan[] {
  const range = (f: Featurized, text: string, w0: number, w1: number, atWord: number) => {
    if (w1 > w0) {
      const start = f.words[w0].start;
      const end = f.words[w1 - 1].end;
      return { start, end, text: text.slice(start, end) };
    }
    // An empty side sits just after the word before it.
    const at = atWord > 0 ? f.words[atWord - 1].end : 0;
    return { start: at, end: at, text: '' };
  };
  return a.ops.map((op) => ({
    kind: op.kind,
    query: range(q, qText, op.q0, op.q1, op.q0),
    source: range(s, sText, op.s0, op.s1, op.s0),
  }));
}

/** The store behind an index opened by openIndex (for integrity checks in tests and benchmarks). */
export function storeOf(index: SourceIndex): Store | undefined {
  return index instanceof IndexImpl ? index.backendStore : undefined;
}
