/**
 * The source commands through the built binary (dist/cli/main.js): index add/stats/remove, source (text,
 * json, --align), check and restore with --index, one-line errors with exit 2 for bad index files, and a
 * `kill -9` in the middle of `index add` that leaves a consistent index which a rerun completes.
 */

import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brownDocs } from '../bench/corpora.js';
import { simulateSpin } from '../bench/simulate.js';
import { BIN, ROOT, type Run, runCli } from './helpers/run-cli.js';

function run(args: string[], input?: string): Promise<Run> {
  return runCli(args, { input, cwd: dir });
}

let dir: string;
const docs = brownDocs({ docWords: 300 });
const corpus = docs.slice(0, 40);
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await new Promise<void>((resolve) => {
    execFile(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT }, () => resolve());
  });
  if (!existsSync(BIN)) throw new Error(`build did not produce ${BIN}`);
  dir = mkdtempSync(join(tmpdir(), 'unspin-source-cli-'));
  mkdirSync(at('corpus/more'), { recursive: true });
  corpus.forEach((d, i) => {
    writeFileSync(at(`corpus/${i < 20 ? '' : 'more/'}doc${String(i).padStart(2, '0')}.txt`), d.text);
  });
  writeFileSync(at('corpus/.hidden.txt'), 'never indexed');
  writeFileSync(
    at('spun.txt'),
    simulateSpin(corpus[12].text, { seed: 5, rate: 0.3, pairs: 'in-lexicon' }).text,
  );
  writeFileSync(
    at('unrelated.txt'),
    'Quantum error correction spreads one logical qubit over many physical qubits.\n',
  );
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('index add, stats, source, remove', () => {
  it('adds a directory recursively (hidden files skipped); a second add changes nothing', async () => {
    const r = await run(['index', 'add', 'corpus', '--index', 'a.db']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('added 40, replaced 0, unchanged 0; 40 documents in a.db\n');
    const again = await run(['index', 'add', 'corpus', '--index', 'a.db', '-f', 'json']);
    expect(JSON.parse(again.stdout)).toEqual({ added: 0, unchanged: 40, replaced: 0, documents: 40 });
    const stats = await run(['index', 'stats', '--index', 'a.db', '-f', 'json']);
    const s = JSON.parse(stats.stdout);
    expect(s).toMatchObject({ backend: 'sqlite', documents: 40, contents: 40 });
    expect(s.bytesPerDocument).toBe(Math.round(s.bytes / 40));
  });

  it('uses ./unspin-index.db by default and reads JSON Lines from stdin', async () => {
    const jsonl = `${corpus
      .slice(0, 3)
      .map((d) => JSON.stringify({ id: d.id, text: d.text }))
      .join('\n')}\n{"id":"x"}\nnot json\n`;
    const r = await run(['index', 'add', '--jsonl'], jsonl);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'unspin: <stdin>:4: "text" must be a non-empty string\nunspin: <stdin>:5: invalid JSON (Unexpected token \'o\', "not json" is not valid JSON)\n',
    );
    expect(r.stdout).toBe('added 3, replaced 0, unchanged 0; 3 documents in ./unspin-index.db\n');
    expect(existsSync(at('unspin-index.db'))).toBe(true);
  });

  it('ranks the source of a spun file first; json has the documented shape', async () => {
    const r = await run(['source', 'spun.txt', '--index', 'a.db', '-f', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['version', 'query', 'sources']);
    expect(out.version).toBe(1);
    expect(out.query).toBe('spun.txt');
    expect(out.sources[0].id).toBe(join('corpus', 'doc12.txt'));
    expect(Object.keys(out.sources[0])).toEqual(['id', 'similarity', 'coverage']);
    expect(out.sources[0].coverage).toBeGreaterThan(0.9);
  });

  it('--align shows the spun text against the source word by word', async () => {
    const r = await run(['source', 'spun.txt', '--index', 'a.db', '--align']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^spun\.txt\n {2}1\. corpus\/doc12\.txt {2}similarity 0\.\d\d {2}coverage 1\.00\n/,
    );
    expect(r.stdout).toContain('aligned with corpus/doc12.txt');
    expect(r.stdout).toMatch(/\[-[^\]]+-\]\{\+[^}]+\+\}/);
  });

  it('exits 1 with "no source found" for an unrelated text', async () => {
    const r = await run(['source', 'unrelated.txt', '--index', 'a.db']);
    expect(r).toMatchObject({ code: 1, stderr: '' });
    expect(r.stdout).toBe('unrelated.txt\n  no source found in the index\n');
  });

  it('check --index reports findings aligned with the source; restore --index puts its words back', async () => {
    const r = await run(['check', 'spun.txt', '--index', 'a.db', '-f', 'json']);
    expect(r.code).toBe(1);
    const file = JSON.parse(r.stdout).files[0];
    expect(file.verdict).toBe('spun');
    expect(file.findings.length).toBeGreaterThan(5);
    for (const f of file.findings) {
      expect(f.origin).toBe('source');
      expect(f.sourceId).toBe(join('corpus', 'doc12.txt'));
    }
    const restored = await run(['restore', 'spun.txt', '--index', 'a.db']);
    expect(restored.code).toBe(0);
    const words = (s: string) => s.toLowerCase().match(/[a-z0-9']+/g) ?? [];
    const orig = words(corpus[12].text);
    const back = words(restored.stdout);
    const same = back.filter((w, i) => orig[i] === w).length;
    expect(same / orig.length).toBeGreaterThan(0.9);
  });

  it('removes documents by id; an unknown id is an error', async () => {
    const r = await run(['index', 'remove', 'corpus/doc12.txt', 'nope', '--index', 'a.db']);
    expect(r).toEqual({
      code: 2,
      stdout: 'removed corpus/doc12.txt\n',
      stderr: 'unspin: nope: no such document in the index\n',
    });
    const s = await run(['source', 'spun.txt', '--index', 'a.db', '-f', 'json']);
    expect(JSON.parse(s.stdout).sources.map((x: { id: string }) => x.id)).not.toContain('corpus/doc12.txt');
  });
});

describe('bad index files', () => {
  it('garbage bytes, a foreign SQLite file and a missing index: one line, exit 2', async () => {
    writeFileSync(at('garbage.db'), Buffer.alloc(8192, 0x5a));
    const db = new Database(at('foreign.db'));
    db.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY)');
    db.close();
    const cases: Array<[string[], string]> = [
      [
        ['source', 'spun.txt', '--index', 'garbage.db'],
        'unspin: garbage.db: not an unspin index (not a SQLite database)\n',
      ],
      [
        ['index', 'add', 'corpus', '--index', 'garbage.db'],
        'unspin: garbage.db: not an unspin index (not a SQLite database)\n',
      ],
      [
        ['index', 'stats', '--index', 'foreign.db'],
        'unspin: foreign.db: not an unspin index (a SQLite database of another application)\n',
      ],
      [
        ['check', 'spun.txt', '--index', 'missing.db'],
        'unspin: missing.db: no such index (create one with unspin index add)\n',
      ],
    ];
    for (const [args, stderr] of cases) {
      const r = await run(args);
      expect({ args, code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({
        args,
        code: 2,
        stderr,
        stdout: '',
      });
    }
  });
});

describe('kill -9 during index add', () => {
  const N = 800;
  const dump = (path: string) => {
    const db = new Database(path, { readonly: true });
    const problems = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map(
      (r) => r.integrity_check,
    );
    const docsRows = db
      .prepare('SELECT d.id, hex(c.hash) AS h FROM docs d JOIN contents c ON c.cid = d.cid ORDER BY d.id')
      .all();
    const bandRows = db
      .prepare(
        'SELECT b.key, d.id FROM (SELECT key, cid FROM bands UNION ALL SELECT key, cid FROM bands_new) b ' +
          'JOIN docs d ON d.cid = b.cid ORDER BY b.key, d.id',
      )
      .all() as unknown[];
    const orphans = db
      .prepare(
        'SELECT count(*) AS n FROM (SELECT cid FROM bands UNION ALL SELECT cid FROM bands_new) ' +
          'WHERE cid NOT IN (SELECT cid FROM contents)',
      )
      .get() as {
      n: number;
    };
    db.close();
    return {
      problems,
      docsRows,
      bandRows: bandRows.length,
      bandHash: JSON.stringify(bandRows),
      orphans: orphans.n,
    };
  };

  it('leaves whole batches only, and a rerun gives the same index as one clean run', async () => {
    const lines = docs
      .slice(0, N)
      .map((d) => JSON.stringify({ id: d.id, text: d.text }))
      .join('\n');
    writeFileSync(at('big.jsonl'), `${lines}\n`);
    const args = ['index', 'add', '--jsonl', 'big.jsonl', '--batch-size', '25'];
    const child = spawn(process.execPath, [BIN, ...args, '--index', 'killed.db'], {
      cwd: dir,
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Wait (as a concurrent reader) until some batches are committed, then kill the writer.
    let seen = 0;
    for (let i = 0; i < 600 && seen < 100; i++) {
      await new Promise((r) => setTimeout(r, 50));
      if (!existsSync(at('killed.db'))) continue;
      try {
        const db = new Database(at('killed.db'), { readonly: true, timeout: 1000 });
        seen = (db.prepare('SELECT count(*) AS n FROM docs').get() as { n: number }).n;
        db.close();
      } catch {
        // tables not created yet
      }
    }
    child.kill('SIGKILL');
    await exited;
    const partial = dump(at('killed.db'));
    expect(partial.problems).toEqual(['ok']);
    expect(partial.orphans).toBe(0);
    expect(partial.docsRows.length).toBeGreaterThanOrEqual(100);
    expect(partial.docsRows.length).toBeLessThan(N);
    expect(partial.docsRows.length % 25).toBe(0);

    const rerun = await run([...args, '--index', 'killed.db', '-f', 'json']);
    expect(rerun.code).toBe(0);
    const totals = JSON.parse(rerun.stdout);
    expect(totals.unchanged).toBe(partial.docsRows.length);
    expect(totals.added).toBe(N - partial.docsRows.length);
    const clean = await run([...args, '--index', 'clean.db']);
    expect(clean.code).toBe(0);
    const a = dump(at('killed.db'));
    const b = dump(at('clean.db'));
    expect(a.problems).toEqual(['ok']);
    expect(a.docsRows).toEqual(b.docsRows);
    expect(a.bandRows).toBe(b.bandRows);
    expect(a.bandHash === b.bandHash).toBe(true);
  }, 120_000);
});
