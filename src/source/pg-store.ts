/**
 * PostgreSQL backend: the same tables as the SQLite file, in one schema (default `unspin`, or
 * `?schema=NAME` on the URL). Each batch is one transaction holding an advisory lock, so concurrent
 * writers take turns and readers always see whole batches; batches are written with a few set-based
 * statements (unnest of arrays, COPY for the band rows) rather than a round trip per row.
 *
 * Schema versions (meta `schema_version`; the SQLite file counts its own): version 1 has one `bands`
 * table; version 2, made for new indexes, partitions `bands` by ranges of `cid` (meta
 * `band_partition_cids` contents each). Both are read and written; see `BAND_PARTITION_CIDS`.
 */
import pg from 'pg';
import { UnspinError } from '../errors.js';
import {
  BandRows,
  type BatchState,
  bandsToBuffer,
  bufferToBands,
  type Candidate,
  type DocRecord,
  INDEX_FORMAT,
  keysOf,
  type Meta,
  type Store,
  type StoredContent,
  type WriteResult,
} from './store.js';

const DEFAULT_SCHEMA = 'unspin';

/** Splits `?schema=NAME` off a postgres URL. */
export function parsePgTarget(target: string): { url: string; schema: string } {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UnspinError('USAGE', `not a valid PostgreSQL URL: ${target.replace(/:[^:@/]*@/, ':***@')}`);
  }
  const schema = url.searchParams.get('schema') ?? DEFAULT_SCHEMA;
  url.searchParams.delete('schema');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new UnspinError('USAGE', `bad schema name "${schema}" (lower-case letters, digits and _)`);
  }
  return { url: url.toString(), schema };
}

/** The newest PostgreSQL schema version, made by `index add` for a new index. */
export const PG_SCHEMA_VERSION = 2;

/**
 * Contents per partition of `bands` in a version 2 index. Band keys are random, so each batch inserts
 * into leaf pages all over the `(key, cid)` B-tree; once that tree outgrows the server's buffer cache
 * (128 MB by default) inserts keep reading pages back from the OS and writing others out (about a
 * million page reads for the 6.5 million band rows of 100,000 documents). With one table
 * the server spent 4.4 s of CPU on the first 20,000 benchmark documents and 8.7 s on the fifth. New band
 * rows only go to the newest partition (new contents get the highest cids), whose B-tree of about 55 MB
 * stays cached: 3.5 to 4.1 s for every 20,000, 19.2 instead of 31.4 s for all 100,000. Queries read every
 * partition, one index scan each (about 1 ms per partition).
 */
export const BAND_PARTITION_CIDS = 20_000;

function schemaSql(s: string, partitioned: boolean): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE ${s}.meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE ${s}.contents (cid serial PRIMARY KEY, hash bytea NOT NULL UNIQUE, text text NOT NULL, bands bytea NOT NULL);
CREATE TABLE ${s}.docs (id text PRIMARY KEY, cid integer NOT NULL REFERENCES ${s}.contents (cid));
CREATE INDEX docs_cid ON ${s}.docs (cid);
CREATE TABLE ${s}.bands (key bigint NOT NULL, cid integer NOT NULL, PRIMARY KEY (key, cid))${partitioned ? ' PARTITION BY RANGE (cid)' : ''};
`;
}

/**
 * Appends a non-negative integer below 2^53 to `s`, in two pieces of at most eight digits: V8 turns a
 * large double into a string several times slower than a small integer, and a batch has some 128,000.
 */
function appendInt(s: string, x: number): string {
  if (x < 1e8) return s + x;
  const hi = Math.floor(x / 1e8);
  const lo = String(x - hi * 1e8);
  return s + hi + '00000000'.slice(lo.length) + lo;
}

/** The first `length` (key, cid) pairs as the lines of `COPY … FROM STDIN` in text format. */
export function copyRows(keys: Float64Array, cids: Float64Array, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    s = appendInt(s, keys[i]);
    s += '\t';
    s = appendInt(s, cids[i]);
    s += '\n';
  }
  return s;
}

type CopyConnection = pg.Connection & { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void };

/**
 * `COPY … FROM STDIN` with the whole payload sent at once. node-postgres runs any object with a `submit`
 * method as a query and hands it the protocol messages; `done` settles when the server has answered.
 */
class CopyIn implements pg.Submittable {
  readonly done: Promise<void>;
  private settle!: (err?: Error) => void;

  constructor(
    private readonly sql: string,
    private readonly data: Buffer,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.settle = (err) => (err ? reject(err) : resolve());
    });
  }

  submit(connection: pg.Connection): void {
    connection.query(this.sql);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    connection.sendCopyFromChunk(this.data);
    connection.endCopyFrom();
  }

  handleCommandComplete(): void {}

  handleError(err: Error): void {
    this.settle(err);
  }

  handleReadyForQuery(): void {
    this.settle();
  }
}

export class PgStore implements Store {
  readonly backend = 'postgres' as const;

  private constructor(
    private readonly client: pg.Client,
    private readonly schema: string,
    readonly meta: Meta,
    private readonly label: string,
    /** Contents per `bands` partition (version 2), or undefined for one table (version 1). */
    private readonly partitionCids: number | undefined,
  ) {}

  /** Partitions of `bands` known to exist (committed), by number. */
  private readonly partitions = new Set<number>();
  /** Partitions known to have planner statistics. */
  private readonly analyzed = new Set<number>();

  static async open(target: string, opts: { create: boolean; initialMeta: () => Meta }): Promise<PgStore> {
    const { url, schema } = parsePgTarget(target);
    const label = `${target.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1:***@')}`;
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {}); // a dropped connection surfaces on the next query instead
    try {
      await client.connect();
    } catch (err) {
      throw new UnspinError('IO', `${label}: cannot connect to PostgreSQL (${(err as Error).message})`);
    }
    try {
      const meta = await PgStore.checkOrCreate(client, schema, label, opts);
      await client.query(`SET search_path TO ${schema}`);
      const partitionCids = meta.schema_version === '2' ? Number(meta.band_partition_cids) : undefined;
      if (partitionCids !== undefined && !(Number.isInteger(partitionCids) && partitionCids > 0)) {
        throw new UnspinError('BAD_INDEX', `${label}: bad band_partition_cids in the index's meta table`);
      }
      const store = new PgStore(client, schema, meta, label, partitionCids);
      if (partitionCids !== undefined) {
        const parts = await client.query<{ name: string }>(
          "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'bands'::regclass",
        );
        for (const r of parts.rows) {
          const m = /^bands_(\d+)$/.exec(r.name);
          if (m) store.partitions.add(Number(m[1]));
        }
      }
      return store;
    } catch (err) {
      await client.end().catch(() => {});
      throw err instanceof UnspinError ? err : new UnspinError('IO', `${label}: ${(err as Error).message}`);
    }
  }

  private static async readMeta(client: pg.Client, schema: string, label: string): Promise<Meta | undefined> {
    const tables = await client.query<{ name: string }>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    if (tables.rows.length === 0) return undefined;
    const foreign = new UnspinError(
      'BAD_INDEX',
      `${label}: schema ${schema} holds tables of another application, not an unspin index`,
    );
    if (!tables.rows.some((t) => t.name === 'meta')) throw foreign;
    const rows = await client
      .query<{ key: string; value: string }>(`SELECT key, value FROM ${schema}.meta`)
      .catch(() => {
        throw foreign;
      });
    const meta: Meta = Object.fromEntries(rows.rows.map((r) => [r.key, r.value]));
    if (meta.format !== INDEX_FORMAT) throw foreign;
    if (meta.schema_version !== '1' && meta.schema_version !== String(PG_SCHEMA_VERSION)) {
      throw new UnspinError(
        'BAD_INDEX',
        `${label}: index schema version ${meta.schema_version}, this unspin reads versions 1 and ${PG_SCHEMA_VERSION}; rebuild the index`,
      );
    }
    return meta;
  }

  private static async checkOrCreate(
    client: pg.Client,
    schema: string,
    label: string,
    opts: { create: boolean; initialMeta: () => Meta },
  ): Promise<Meta> {
    const existing = await PgStore.readMeta(client, schema, label);
    if (existing) return existing;
    if (!opts.create) {
      throw new UnspinError(
        'NOT_FOUND',
        `${label}: no unspin index in schema ${schema} (create one with unspin index add)`,
      );
    }
    // An unspin that reads only version 1 refuses the new layout with a clear message (it would fail on
    // the first band row beyond the existing partitions).
    const meta: Meta = {
      ...opts.initialMeta(),
      schema_version: String(PG_SCHEMA_VERSION),
      band_partition_cids: String(BAND_PARTITION_CIDS),
    };
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`unspin:${schema}`]);
      const again = await PgStore.readMeta(client, schema, label);
      if (again) {
        await client.query('COMMIT');
        return again;
      }
      await client.query(schemaSql(schema, true));
      // lz4 compresses the texts several times faster than PostgreSQL's default pglz: storing the contents
      // of 100,000 documents took 4.4 instead of 6.2 s of server CPU. Only new rows are affected (an index
      // created earlier keeps pglz for its rows; both read the same), and a server built without lz4
      // refuses the setting, so the index then keeps pglz.
      await client.query('SAVEPOINT lz4');
      try {
        await client.query(`ALTER TABLE ${schema}.contents ALTER COLUMN text SET COMPRESSION lz4`);
        await client.query('RELEASE SAVEPOINT lz4');
      } catch {
        await client.query('ROLLBACK TO SAVEPOINT lz4');
      }
      for (const [k, v] of Object.entries(meta)) {
        await client.query(`INSERT INTO ${schema}.meta (key, value) VALUES ($1, $2)`, [k, v]);
      }
      await client.query('COMMIT');
      return meta;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  private async tx<T>(fn: () => Promise<T>): Promise<T> {
    await this.client.query('BEGIN');
    try {
      await this.client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`unspin:${this.schema}`]);
      const out = await fn();
      await this.client.query('COMMIT');
      return out;
    } catch (err) {
      await this.client.query('ROLLBACK').catch(() => {});
      throw this.ioError(err);
    }
  }

  async batchState(ids: readonly string[], hashes: readonly string[]): Promise<BatchState> {
    const cur = await this.client.query<{ id: string; hash: string }>(
      "SELECT d.id, encode(c.hash, 'hex') AS hash FROM docs d JOIN contents c ON c.cid = d.cid WHERE d.id = ANY($1)",
      [ids],
    );
    const known = await this.client.query<{ hash: string }>(
      "SELECT encode(hash, 'hex') AS hash FROM contents WHERE hash = ANY($1::bytea[])",
      [hashes.map((h) => Buffer.from(h, 'hex'))],
    );
    return {
      idHash: new Map(cur.rows.map((r) => [r.id, r.hash])),
      knownHashes: new Set(known.rows.map((r) => r.hash)),
    };
  }

  async writeBatch(docs: readonly DocRecord[], bands: number): Promise<WriteResult> {
    try {
      await this.preparePartitions(docs.length);
    } catch (err) {
      throw this.ioError(err);
    }
    const created: number[] = [];
    let written = new Set<number>();
    const out = await this.tx(async () => {
      const c = this.client;
      const ids = [...new Set(docs.map((d) => d.id))];
      const hashes = [...new Set(docs.map((d) => d.hash))];
      const cur = await c.query<{ id: string; cid: number }>('SELECT id, cid FROM docs WHERE id = ANY($1)', [
        ids,
      ]);
      const known = await c.query<{ cid: number; hash: string }>(
        "SELECT cid, encode(hash, 'hex') AS hash FROM contents WHERE hash = ANY($1::bytea[])",
        [hashes.map((h) => Buffer.from(h, 'hex'))],
      );
      const cidOfHash = new Map(known.rows.map((r) => [r.hash, r.cid]));
      // New contents, once each.
      const fresh = new Map<string, DocRecord>();
      for (const d of docs) if (!cidOfHash.has(d.hash) && !fresh.has(d.hash)) fresh.set(d.hash, d);
      const freshList = [...fresh.values()];
      if (freshList.length > 0) {
        for (const d of freshList)
          if (!d.bands) throw new Error(`internal: no fingerprint for new content of ${d.id}`);
        const ins = await c.query<{ cid: number; hash: string }>(
          "INSERT INTO contents (hash, text, bands) SELECT * FROM unnest($1::bytea[], $2::text[], $3::bytea[]) RETURNING cid, encode(hash, 'hex') AS hash",
          [
            freshList.map((d) => Buffer.from(d.hash, 'hex')),
            freshList.map((d) => d.text),
            freshList.map((d) => bandsToBuffer(d.bands as Uint32Array)),
          ],
        );
        for (const r of ins.rows) cidOfHash.set(r.hash, r.cid);
        const rows = new BandRows(bands);
        for (const d of freshList) rows.add(d.bands as Uint32Array, cidOfHash.get(d.hash) as number);
        // The contents are new (fresh cids), so no row can exist yet: a plain insert, in key order so that
        // the index pages are filled one after another.
        const { keys, cids, length } = rows.sorted();
        if (length > 0) {
          // COPY rather than INSERT … SELECT unnest(…): multi-row heap writes and no per-row executor work
          // (for 100,000 documents 28.5 instead of 32.0 s of server CPU, before partitioning).
          written = await this.ensurePartitions(cids, length, created);
          await c.query(
            new CopyIn('COPY bands (key, cid) FROM STDIN', Buffer.from(copyRows(keys, cids, length))),
          ).done;
        }
      }
      // Replay the batch in order, as the SQLite backend does row by row.
      const state = new Map(cur.rows.map((r) => [r.id, r.cid]));
      const before = new Map(state);
      const out: WriteResult = { added: 0, unchanged: 0, replaced: 0 };
      for (const d of docs) {
        const cid = cidOfHash.get(d.hash) as number;
        const was = state.get(d.id);
        if (was === cid) out.unchanged++;
        else if (was === undefined) out.added++;
        else out.replaced++;
        state.set(d.id, cid);
      }
      const inserts: Array<[string, number]> = [];
      const updates: Array<[string, number]> = [];
      const maybeUnused = new Set<number>(freshList.map((d) => cidOfHash.get(d.hash) as number));
      for (const [id, cid] of state) {
        const was = before.get(id);
        if (was === undefined) inserts.push([id, cid]);
        else if (was !== cid) {
          updates.push([id, cid]);
          maybeUnused.add(was);
        }
      }
      if (inserts.length > 0) {
        await c.query('INSERT INTO docs (id, cid) SELECT * FROM unnest($1::text[], $2::integer[])', [
          inserts.map((x) => x[0]),
          inserts.map((x) => x[1]),
        ]);
      }
      if (updates.length > 0) {
        await c.query(
          'UPDATE docs SET cid = u.cid FROM unnest($1::text[], $2::integer[]) AS u(id, cid) WHERE docs.id = u.id',
          [updates.map((x) => x[0]), updates.map((x) => x[1])],
        );
      }
      await this.dropUnused([...maybeUnused], bands);
      return out;
    });
    for (const p of created) this.partitions.add(p);
    try {
      await this.analyzeNew(written);
    } catch (err) {
      throw this.ioError(err);
    }
    return out;
  }

  private ioError(err: unknown): UnspinError {
    return err instanceof UnspinError
      ? err
      : new UnspinError('IO', `${this.label}: ${(err as Error).message}`);
  }

  /**
   * ANALYZE each partition once, after the first batch written into it, unless it has statistics. Without
   * them the planner takes a query's hundred or more keys to match about half the partition's rows (a default
   * selectivity per key) and scans all of it: 139 ms against 0.8 ms with statistics, on a partition of
   * 20,000 contents. Autovacuum would analyze it only later, and never after a small add; the keys'
   * near-uniqueness that the statistics record holds as the partition grows, so once is enough.
   */
  private async analyzeNew(written: Iterable<number>): Promise<void> {
    for (const p of written) {
      if (this.analyzed.has(p)) continue;
      const r = await this.client.query<{ has: boolean }>(
        'SELECT EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = $1 AND tablename = $2) AS has',
        [this.schema, `bands_${p}`],
      );
      if (!r.rows[0].has) await this.client.query(`ANALYZE bands_${p}`);
      this.analyzed.add(p);
    }
  }

  /**
   * Creates, in a short transaction of its own, the `bands` partitions that the next `count` contents
   * would fall into (version 2). Creating a partition locks the parent table against readers until the
   * commit: here that is milliseconds, where inside a batch it would be the whole batch.
   */
  private async preparePartitions(count: number): Promise<void> {
    const size = this.partitionCids;
    if (size === undefined || count === 0) return;
    const seq = await this.client.query<{ last: string }>('SELECT last_value AS last FROM contents_cid_seq');
    const last = Number(seq.rows[0].last);
    const missing: number[] = [];
    for (let p = Math.floor(last / size); p <= Math.floor((last + count) / size); p++) {
      if (!this.partitions.has(p)) missing.push(p);
    }
    if (missing.length === 0) return;
    await this.tx(async () => {
      for (const p of missing) await this.createPartition(p, size);
    });
    for (const p of missing) this.partitions.add(p);
  }

  private async createPartition(p: number, size: number): Promise<void> {
    await this.client.query(
      `CREATE TABLE IF NOT EXISTS bands_${p} PARTITION OF bands FOR VALUES FROM (${p * size}) TO (${(p + 1) * size})`,
    );
  }

  /**
   * Creates the `bands` partitions that the cids of a batch fall into where still missing (a concurrent
   * writer took cids after `preparePartitions`), and returns the partitions written. Runs in the batch's
   * transaction, so a failed batch leaves none behind.
   */
  private async ensurePartitions(
    cids: Float64Array,
    length: number,
    created: number[],
  ): Promise<Set<number>> {
    const wanted = new Set<number>();
    const size = this.partitionCids;
    if (size === undefined) return wanted;
    for (let i = 0; i < length; i++) wanted.add(Math.floor(cids[i] / size));
    for (const p of wanted) {
      if (this.partitions.has(p)) continue;
      await this.createPartition(p, size);
      created.push(p);
    }
    return wanted;
  }

  /** Deletes the contents among `cids` that no id points at, with their band rows. */
  private async dropUnused(cids: number[], bands: number): Promise<void> {
    if (cids.length === 0) return;
    const unused = await this.client.query<{ cid: number; bands: Buffer }>(
      'SELECT cid, bands FROM contents c WHERE cid = ANY($1) AND NOT EXISTS (SELECT 1 FROM docs d WHERE d.cid = c.cid)',
      [cids],
    );
    if (unused.rows.length === 0) return;
    const keys: number[] = [];
    const owners: number[] = [];
    for (const r of unused.rows) {
      for (const k of keysOf(bufferToBands(r.bands), bands)) {
        keys.push(k);
        owners.push(r.cid);
      }
    }
    await this.client.query(
      'DELETE FROM bands b USING unnest($1::bigint[], $2::integer[]) AS u(key, cid) WHERE b.key = u.key AND b.cid = u.cid',
      [keys, owners],
    );
    await this.client.query('DELETE FROM contents WHERE cid = ANY($1)', [unused.rows.map((r) => r.cid)]);
  }

  async remove(id: string): Promise<boolean> {
    const bands = Number(this.meta.bands_per_window);
    return this.tx(async () => {
      const cur = await this.client.query<{ cid: number }>('DELETE FROM docs WHERE id = $1 RETURNING cid', [
        id,
      ]);
      if (cur.rows.length === 0) return false;
      await this.dropUnused([cur.rows[0].cid], bands);
      return true;
    });
  }

  async candidates(keys: readonly number[], limit: number): Promise<Candidate[]> {
    if (keys.length === 0) return [];
    const r = await this.client.query<Candidate>(
      'SELECT cid, count(*)::integer AS hits FROM bands WHERE key = ANY($1::bigint[]) GROUP BY cid ORDER BY hits DESC, cid LIMIT $2',
      [keys, limit],
    );
    return r.rows;
  }

  async contents(cids: readonly number[]): Promise<StoredContent[]> {
    if (cids.length === 0) return [];
    const rows = await this.client.query<{ cid: number; text: string }>(
      'SELECT cid, text FROM contents WHERE cid = ANY($1)',
      [cids],
    );
    const idRows = await this.client.query<{ id: string; cid: number }>(
      'SELECT id, cid FROM docs WHERE cid = ANY($1) ORDER BY id',
      [cids],
    );
    const ids = new Map<number, string[]>();
    for (const r of idRows.rows) {
      const list = ids.get(r.cid);
      if (list) list.push(r.id);
      else ids.set(r.cid, [r.id]);
    }
    return rows.rows.map((r) => ({ cid: r.cid, text: r.text, ids: ids.get(r.cid) ?? [] }));
  }

  async get(id: string): Promise<string | undefined> {
    const r = await this.client.query<{ text: string }>(
      'SELECT c.text FROM docs d JOIN contents c ON c.cid = d.cid WHERE d.id = $1',
      [id],
    );
    return r.rows[0]?.text;
  }

  async stats(): Promise<{ documents: number; contents: number; bytes: number }> {
    const s = this.schema;
    const r = await this.client.query<{ documents: number; contents: number; bytes: string }>(
      `SELECT (SELECT count(*)::integer FROM docs) AS documents, (SELECT count(*)::integer FROM contents) AS contents,
        (pg_total_relation_size('${s}.meta') + pg_total_relation_size('${s}.contents') +
         pg_total_relation_size('${s}.docs') +
         pg_total_relation_size('${s}.bands') +
         coalesce((SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = '${s}.bands'::regclass), 0))::text AS bytes`,
    );
    const row = r.rows[0];
    return { documents: row.documents, contents: row.contents, bytes: Number(row.bytes) };
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }
}
