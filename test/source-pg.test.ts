/**
 * The source index on a real PostgreSQL (UNSPIN_TEST_PG, set by .ci/run): the same behaviour as the
 * SQLite file through the same interface, in a schema of its own per run (dropped afterwards), plus the
 * CLI with a postgres:// target and two writers at once. Skipped with a reason when UNSPIN_TEST_PG is
 * unset, failed when UNSPIN_REQUIRE_SERVICES=1.
 */

import { spawn } from 'node:child_process';
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
      await admin.query(`DROP SCHEMA IF EXISTS ${FOREIGN} CASCADE`);
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
});

describe.skipIf(PG || REQUIRED)('source index on PostgreSQL (skipped)', () => {
  it.skip('needs UNSPIN_TEST_PG=postgres://… (set by .ci/run)', () => {});
});
