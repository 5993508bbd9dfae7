/**
 * The source index on a real PostgreSQL (UNSPIN_TEST_PG, set by .ci/run): the same behaviour as the
 * SQLite file through the same interface, in a schema of its own per run (dropped afterwards), plus the
 * CLI with a postgres:// target, two writers at once, the partitioned band table of new indexes (schema
 * version 2) next to the single table of version 1, a failed batch, and kill -9 during `index add`.
 * Skipped with a reason when UNSPIN_TEST_PG is unset, failed when UNSPIN_REQUIRE_SERVICES=1.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brownDocs } from '../bench/corpora.js';
import { simulateSpin } from '../bench/simulate.js';
import { openIndex, type SourceIndex } from '../src/source/index.js';
import { BIN, ROOT, type Run, runCli } from './helpers/run-cli.js';

const PG = process.env.UNSPIN_TEST_PG;
const REQUIRED = process.env.UNSPIN_REQUIRE_SERVICES === '1';
const SCHEMA = `unspin_test_${process.pid}_${Date.now().toString(36)}`;
const FOREIGN = `${SCHEMA}_foreign`;
/** Version 2 with tiny partitions, version 1, and the kill -9 pair. */
const SMALL = `${SCHEMA}_small`;
const V1 = `${SCHEMA}_v1`;
const KILLED = `${SCHEMA}_killed`;
const CLEAN = `${SCHEMA}_clean`;

function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
}

function run(args: string[]): Promise<Run> {
  return runCli(args);
}

describe.runIf(PG || REQUIRED)('source index on PostgreSQL', () => {
  const docs = brownDocs({ docWords: 300 }).slice(0, 120);
  let admin: pg.Client;
  let index: SourceIndex;
  let target: string;

  beforeAll(async () => {
    if (!PG) throw new Error('UNSPIN_TEST_PG is not set but UNSPIN_REQUIRE_SERVICES=1');
    admin = new pg.Client({ connectionString: PG });
    await admin.connect();
    target = withSchema(PG, SCHEMA);
    index = await openIndex(target, { create: true });
  });

  afterAll(async () => {
    await index?.close();
    if (admin) {
      await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
      for (const s of [FOREIGN, SMALL, V1, KILLED, CLEAN])
        await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await admin.end();
    }
  });

  it('adds, deduplicates, replaces and removes like the SQLite index', async () => {
    const batch = docs.map((d) => ({ id: d.id, text: d.text }));
    expect(await index.add(batch, { batchSize: 40 })).toEqual({ added: 120, unchanged: 0, replaced: 0 });
    expect(await index.add(batch)).toEqual({ added: 0, unchanged: 120, replaced: 0 });
    expect(await index.add([{ id: 'copy', text: docs[1].text }])).toEqual({
      added: 1,
      unchanged: 0,
      replaced: 0,
    });
    expect(await index.add([{ id: docs[2].id, text: `${docs[2].text} And one more line.` }])).toEqual({
      added: 0,
      unchanged: 0,
      replaced: 1,
    });
    expect(await index.stats()).toMatchObject({ documents: 121, contents: 120, backend: 'postgres' });
    expect((await index.get(docs[2].id))?.text).toBe(`${docs[2].text} And one more line.`);
    expect(await index.remove('copy')).toBe(true);
    expect(await index.remove('copy')).toBe(false);
    const orphanBands = await admin.query(
      `SELECT count(*)::int AS n FROM ${SCHEMA}.bands WHERE cid NOT IN (SELECT cid FROM ${SCHEMA}.contents)`,
    );
    expect(orphanBands.rows[0].n).toBe(0);
    const unused = await admin.query(
      `SELECT count(*)::int AS n FROM ${SCHEMA}.contents WHERE cid NOT IN (SELECT cid FROM ${SCHEMA}.docs)`,
    );
    expect(unused.rows[0].n).toBe(0);
  });

  it('stores the texts of a new index with lz4 compression, and reads them back', async () => {
    const r = await admin.query(
      `SELECT attcompression FROM pg_attribute WHERE attrelid = '${SCHEMA}.contents'::regclass AND attname = 'text'`,
    );
    expect(r.rows[0].attcompression).toBe('l');
    // A text long enough to be compressed comes back unchanged.
    const long = docs
      .slice(50, 54)
      .map((d) => d.text)
      .join('\n\n');
    expect(await index.add([{ id: 'long', text: long }])).toMatchObject({ added: 1 });
    const size = await admin.query(
      `SELECT pg_column_compression(text) AS m, pg_column_size(text) < octet_length(text) AS smaller FROM ${SCHEMA}.contents c JOIN ${SCHEMA}.docs d ON d.cid = c.cid WHERE d.id = 'long'`,
    );
    expect(size.rows[0]).toEqual({ m: 'lz4', smaller: true });
    expect((await index.get('long'))?.text).toBe(long);
    expect(await index.remove('long')).toBe(true);
  });

  it('ranks the source of spun texts first', async () => {
    for (const k of [10, 60, 110]) {
      const spun = simulateSpin(docs[k].text, { seed: k, rate: 0.5, pairs: 'out-of-lexicon' });
      const m = await index.query(spun.text);
      expect(m[0].id).toBe(docs[k].id);
      expect(m[0].coverage).toBeGreaterThan(0.9);
    }
  });

  it('takes two writers at once (each batch in its own transaction)', async () => {
    const more = brownDocs({ docWords: 300 }).slice(120, 180);
    const a = await openIndex(target);
    const b = await openIndex(target);
    const [ra, rb] = await Promise.all([
      a.add(
        more.slice(0, 40).map((d) => ({ id: d.id, text: d.text })),
        { batchSize: 10 },
      ),
      b.add(
        more.slice(20).map((d) => ({ id: d.id, text: d.text })),
        { batchSize: 10 },
      ),
    ]);
    await a.close();
    await b.close();
    expect(ra.added + rb.added).toBe(60);
    expect(ra.unchanged + rb.unchanged).toBe(20);
    expect((await index.stats()).documents).toBe(180);
  });

  it('works from the CLI with a postgres:// target; a foreign schema is a one-line error', async () => {
    const spun = simulateSpin(docs[30].text, { seed: 1, rate: 0.3 }).text;
    const child = spawn(process.execPath, [BIN, 'source', '-', '--index', target, '-f', 'json'], {
      cwd: ROOT,
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d;
    });
    const code = await new Promise((resolve) => {
      child.on('close', resolve);
      child.stdin.end(spun);
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).sources[0].id).toBe(docs[30].id);

    await admin.query(`CREATE SCHEMA ${FOREIGN}; CREATE TABLE ${FOREIGN}.orders (id int)`);
    const foreign = withSchema(PG as string, FOREIGN);
    const r = await run(['index', 'stats', '--index', foreign]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^unspin: postgres:\/\/.*: schema \S+ holds tables of another application, not an unspin index\n$/,
    );
    expect(r.stderr).not.toContain(':unspin@');
  });

  /** A new, empty index in `schema` whose band partitions hold `cids` contents each. */
  async function smallPartitions(schema: string, cids: number): Promise<string> {
    const url = withSchema(PG as string, schema);
    await (await openIndex(url, { create: true })).close();
    await admin.query(`UPDATE ${schema}.meta SET value = $1 WHERE key = 'band_partition_cids'`, [
      String(cids),
    ]);
    return url;
  }

  /** Every band row as "key id", sorted: equal for two indexes of the same documents. */
  async function bandRows(schema: string): Promise<string[]> {
    const r = await admin.query<{ row: string }>(
      `SELECT b.key || ' ' || d.id AS row FROM ${schema}.bands b JOIN ${schema}.docs d ON d.cid = b.cid ORDER BY b.key, d.id`,
    );
    return r.rows.map((x) => x.row);
  }

  async function orphans(schema: string): Promise<{ bands: number; contents: number }> {
    const r = await admin.query<{ bands: number; contents: number }>(
      `SELECT (SELECT count(*)::int FROM ${schema}.bands WHERE cid NOT IN (SELECT cid FROM ${schema}.contents)) AS bands,
              (SELECT count(*)::int FROM ${schema}.contents WHERE cid NOT IN (SELECT cid FROM ${schema}.docs)) AS contents`,
    );
    return r.rows[0];
  }

  async function partitions(schema: string): Promise<string[]> {
    const r = await admin.query<{ name: string }>(
      'SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass($1) ORDER BY c.relname',
      [`${schema}.bands`],
    );
    return r.rows.map((x) => x.name);
  }

  it('a new index (schema version 2) partitions the band rows by cid; reads, writes and removal span partitions', async () => {
    const url = await smallPartitions(SMALL, 40);
    const small = await openIndex(url);
    try {
      const meta = await admin.query(
        `SELECT key, value FROM ${SMALL}.meta WHERE key IN ('schema_version', 'band_partition_cids') ORDER BY key`,
      );
      expect(meta.rows).toEqual([
        { key: 'band_partition_cids', value: '40' },
        { key: 'schema_version', value: '2' },
      ]);
      expect(
        await small.add(
          docs.map((d) => ({ id: d.id, text: d.text })),
          { batchSize: 25 },
        ),
      ).toEqual({
        added: 120,
        unchanged: 0,
        replaced: 0,
      });
      // cids 1..120: partitions [0, 40), [40, 80), [80, 120), [120, 160), each holding rows.
      expect(await partitions(SMALL)).toEqual(['bands_0', 'bands_1', 'bands_2', 'bands_3']);
      for (const p of [0, 1, 2, 3]) {
        const n = await admin.query(
          `SELECT count(*)::int AS n, min(cid) AS lo, max(cid) AS hi FROM ${SMALL}.bands_${p}`,
        );
        expect(n.rows[0].n).toBeGreaterThan(0);
        expect(n.rows[0].lo).toBeGreaterThanOrEqual(p * 40);
        expect(n.rows[0].hi).toBeLessThan((p + 1) * 40);
      }
      // Each partition was analyzed after its first batch (without statistics a query scans all of it).
      const analyzed = await admin.query(
        "SELECT DISTINCT tablename AS t FROM pg_stats WHERE schemaname = $1 AND tablename LIKE 'bands\\_%' ORDER BY t",
        [SMALL],
      );
      expect(analyzed.rows.map((r) => r.t)).toEqual(['bands_0', 'bands_1', 'bands_2', 'bands_3']);
      for (const k of [10, 60, 110]) {
        const spun = simulateSpin(docs[k].text, { seed: k, rate: 0.5, pairs: 'out-of-lexicon' });
        expect((await small.query(spun.text))[0].id).toBe(docs[k].id);
      }
      const cid = await admin.query(`SELECT cid FROM ${SMALL}.docs WHERE id = $1`, [docs[50].id]);
      expect(Math.floor(cid.rows[0].cid / 40)).toBe(1);
      expect(await small.remove(docs[50].id)).toBe(true);
      const left = await admin.query(`SELECT count(*)::int AS n FROM ${SMALL}.bands WHERE cid = $1`, [
        cid.rows[0].cid,
      ]);
      expect(left.rows[0].n).toBe(0);
      expect(await orphans(SMALL)).toEqual({ bands: 0, contents: 0 });
      // stats counts the partitions' bytes.
      const parts = await admin.query(
        `SELECT sum(pg_total_relation_size(relid))::float8 AS b FROM pg_partition_tree('${SMALL}.bands')`,
      );
      const s = await small.stats();
      expect(s).toMatchObject({ documents: 119, contents: 119 });
      expect(s.bytes).toBeGreaterThan(parts.rows[0].b);
    } finally {
      await small.close();
    }
  });

  it('an index of schema version 1 (one bands table) is read and written as before, not converted', async () => {
    // Version 1 as made by earlier releases: the same tables with a plain bands table.
    const url = withSchema(PG as string, V1);
    await (await openIndex(url, { create: true })).close();
    await admin.query(`
      DROP TABLE ${V1}.bands;
      CREATE TABLE ${V1}.bands (key bigint NOT NULL, cid integer NOT NULL, PRIMARY KEY (key, cid));
      UPDATE ${V1}.meta SET value = '1' WHERE key = 'schema_version';
      DELETE FROM ${V1}.meta WHERE key = 'band_partition_cids';`);
    const v1 = await openIndex(url);
    try {
      expect(
        await v1.add(
          docs.map((d) => ({ id: d.id, text: d.text })),
          { batchSize: 25 },
        ),
      ).toMatchObject({
        added: 120,
      });
      const kind = await admin.query(`SELECT relkind FROM pg_class WHERE oid = '${V1}.bands'::regclass`);
      expect(kind.rows[0].relkind).toBe('r');
      expect(await partitions(V1)).toEqual([]);
      const version = await admin.query(`SELECT value FROM ${V1}.meta WHERE key = 'schema_version'`);
      expect(version.rows[0].value).toBe('1');
      // The same band rows as the partitioned index of the same documents (less the one removed there).
      await v1.remove(docs[50].id);
      expect(await bandRows(V1)).toEqual(await bandRows(SMALL));
      for (const k of [10, 60, 110]) {
        const spun = simulateSpin(docs[k].text, { seed: k, rate: 0.5, pairs: 'out-of-lexicon' });
        expect((await v1.query(spun.text))[0].id).toBe(docs[k].id);
      }
      expect(await orphans(V1)).toEqual({ bands: 0, contents: 0 });
      expect((await v1.stats()).bytes).toBeGreaterThan(0);
    } finally {
      await v1.close();
    }
    // A version this unspin does not know is refused with one line.
    await admin.query(`UPDATE ${V1}.meta SET value = '99' WHERE key = 'schema_version'`);
    await expect(openIndex(url)).rejects.toThrow(
      /index schema version 99, this unspin reads versions 1 and 2/,
    );
  });

  it('a batch that fails while copying its band rows leaves nothing behind, not even a partition it made', async () => {
    const url = withSchema(PG as string, SMALL);
    const more = brownDocs({ docWords: 300 })
      .slice(120, 180)
      .map((d) => ({ id: d.id, text: d.text }));
    const idx = await openIndex(url);
    // Partitions are normally made ahead of a batch, in a transaction of their own; skipping that (as when
    // a concurrent writer took the predicted cids) leaves it to the batch's own transaction.
    const store = (idx as unknown as { store: { preparePartitions: (n: number) => Promise<void> } }).store;
    store.preparePartitions = async () => {};
    // The next cids (121 on) reach partition 4 ([160, 200)); a check on the parent rejects those rows.
    await admin.query(`ALTER TABLE ${SMALL}.bands ADD CONSTRAINT below_160 CHECK (cid < 160)`);
    const before = await bandRows(SMALL);
    try {
      await expect(idx.add(more, { batchSize: 60 })).rejects.toThrow(/below_160/);
      expect(await partitions(SMALL)).toEqual(['bands_0', 'bands_1', 'bands_2', 'bands_3']);
      expect(await idx.stats()).toMatchObject({ documents: 119, contents: 119 });
      expect(await bandRows(SMALL)).toEqual(before);
      // The same connection goes on; the partitions are made by the next batch that needs them.
      await admin.query(`ALTER TABLE ${SMALL}.bands DROP CONSTRAINT below_160`);
      expect(await idx.add(more, { batchSize: 60 })).toEqual({ added: 60, unchanged: 0, replaced: 0 });
      const cids = await admin.query(
        `SELECT min(cid) AS lo, max(cid) AS hi FROM ${SMALL}.contents WHERE cid > 120`,
      );
      const expected = new Set(['bands_0', 'bands_1', 'bands_2', 'bands_3']);
      for (let p = Math.floor(cids.rows[0].lo / 40); p <= Math.floor(cids.rows[0].hi / 40); p++)
        expected.add(`bands_${p}`);
      expect(await partitions(SMALL)).toEqual([...expected].sort());
      expect(await orphans(SMALL)).toEqual({ bands: 0, contents: 0 });
      const spun = simulateSpin(more[30].text, { seed: 3, rate: 0.5, pairs: 'out-of-lexicon' });
      expect((await idx.query(spun.text))[0].id).toBe(more[30].id);
    } finally {
      await idx.close();
    }
  });

  it('kill -9 during index add leaves whole batches; a rerun gives the same index as one clean run', async () => {
    const N = 1200;
    const all = brownDocs({ docWords: 300 }).slice(0, N);
    const dir = mkdtempSync(join(tmpdir(), 'unspin-pg-kill-'));
    try {
      const file = join(dir, 'big.jsonl');
      writeFileSync(file, `${all.map((d) => JSON.stringify({ id: d.id, text: d.text })).join('\n')}\n`);
      // Partitions of 100 contents, so the killed run and the rerun both cross partition boundaries.
      const killed = await smallPartitions(KILLED, 100);
      const clean = await smallPartitions(CLEAN, 100);
      const args = ['index', 'add', '--jsonl', file, '--batch-size', '25'];
      const child = spawn(process.execPath, [BIN, ...args, '--index', killed], {
        cwd: ROOT,
        stdio: 'ignore',
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      let seen = 0;
      for (let i = 0; i < 1200 && seen < 150; i++) {
        await new Promise((r) => setTimeout(r, 20));
        seen = (await admin.query(`SELECT count(*)::int AS n FROM ${KILLED}.docs`)).rows[0].n;
      }
      child.kill('SIGKILL');
      await exited;
      const partial = (await admin.query(`SELECT count(*)::int AS n FROM ${KILLED}.docs`)).rows[0].n;
      expect(partial).toBeGreaterThanOrEqual(150);
      expect(partial).toBeLessThan(N);
      expect(partial % 25).toBe(0);
      expect(await orphans(KILLED)).toEqual({ bands: 0, contents: 0 });
      const noBands = await admin.query(
        `SELECT count(*)::int AS n FROM ${KILLED}.contents c WHERE NOT EXISTS (SELECT 1 FROM ${KILLED}.bands b WHERE b.cid = c.cid)`,
      );
      expect(noBands.rows[0].n).toBe(0);

      const rerun = await run([...args, '--index', killed, '-f', 'json']);
      expect(rerun.code).toBe(0);
      expect(JSON.parse(rerun.stdout)).toMatchObject({ added: N - partial, unchanged: partial });
      expect((await run([...args, '--index', clean])).code).toBe(0);
      const ids = (s: string) =>
        admin
          .query(
            `SELECT d.id, encode(c.hash, 'hex') AS h FROM ${s}.docs d JOIN ${s}.contents c ON c.cid = d.cid ORDER BY d.id`,
          )
          .then((r) => r.rows);
      expect(await ids(KILLED)).toEqual(await ids(CLEAN));
      const a = await bandRows(KILLED);
      const b = await bandRows(CLEAN);
      expect(a.length).toBe(b.length);
      expect(a.join('\n') === b.join('\n')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.skipIf(PG || REQUIRED)('source index on PostgreSQL (skipped)', () => {
  it.skip('needs UNSPIN_TEST_PG=postgres://… (set by .ci/run)', () => {});
});
