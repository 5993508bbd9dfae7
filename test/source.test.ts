/**
 * The source index as a library: number normalisation, windows, signatures, shingles that survive
 * spinning, the alignment on hand-made pairs, and a real SQLite index (add/dedupe/replace/remove,
 * ranking of spun texts, checkWithSource, bad files, a reader while a writer adds).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brownDocs } from '../bench/corpora.js';
import { simulateSpin } from '../bench/simulate.js';
import type { Engine } from '../src/engine.js';
import { loadLexicon } from '../src/lexicon/index.js';
import { align } from '../src/source/align.js';
import { classesFor } from '../src/source/classes.js';
import { Featurizer } from '../src/source/features.js';
import { checkWithSource, openIndex, type SourceIndex, storeOf } from '../src/source/index.js';
import { DEFAULT_LSH, documentWindows, queryWindows, windowSignature } from '../src/source/minhash.js';
import type { SqliteStore } from '../src/source/sqlite-store.js';
import { normalizeNumber } from '../src/source/words.js';
import type { CheckResult } from '../src/types.js';

let dir: string;
let featurizer: Featurizer;
const docs = brownDocs({ docWords: 300 }).slice(0, 200);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'unspin-source-'));
  featurizer = new Featurizer(classesFor(loadLexicon()));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('numbers and windows', () => {
  it('writes number words and digit groups one way', () => {
    expect(normalizeNumber('twelve')).toBe('12');
    expect(normalizeNumber('1,000')).toBe('1000');
    expect(normalizeNumber('007')).toBe('7');
    expect(normalizeNumber('constructor')).toBeUndefined();
    expect(normalizeNumber('budget')).toBeUndefined();
  });

  it('cuts documents into windows with the short tail joined, and queries into overlapping ones', () => {
    const cfg = { ...DEFAULT_LSH, windowWords: 100, queryStride: 40 };
    expect(documentWindows(0, cfg)).toEqual([]);
    expect(documentWindows(80, cfg)).toEqual([[0, 80]]);
    expect(documentWindows(240, cfg)).toEqual([
      [0, 100],
      [100, 240],
    ]);
    expect(documentWindows(260, cfg)).toEqual([
      [0, 100],
      [100, 200],
      [200, 260],
    ]);
    expect(queryWindows(90, cfg)).toEqual([[0, 90]]);
    expect(queryWindows(180, cfg)).toEqual([
      [0, 100],
      [40, 140],
      [80, 180],
    ]);
  });

  it('gives equal signatures for equal shingle sets and mostly different ones otherwise', () => {
    const a = featurizer.featurize(docs[0].text);
    const b = featurizer.featurize(docs[1].text);
    const sa = windowSignature(a.shingles, a.shingleWord, 0, 1e9, 64) as Uint32Array;
    const sa2 = windowSignature(a.shingles, a.shingleWord, 0, 1e9, 64) as Uint32Array;
    const sb = windowSignature(b.shingles, b.shingleWord, 0, 1e9, 64) as Uint32Array;
    expect([...sa]).toEqual([...sa2]);
    const same = sa.filter((v, i) => v === sb[i]).length;
    expect(same).toBeLessThan(8);
    expect(windowSignature(a.shingles, a.shingleWord, 1e9, 2e9, 64)).toBeUndefined();
  });
});

describe('fingerprints', () => {
  it('map number words to digits and function words to themselves', () => {
    const f = featurizer.featurize('The two officials said 2 things.');
    expect(f.words.map((w) => w.text)).toEqual(['The', 'two', 'officials', 'said', '2', 'things']);
    expect(f.key[1]).toBe(f.key[4]);
    expect([...f.fixed]).toEqual([1, 1, 0, 0, 1, 0]);
  });

  it('keep most shingles of a text spun out of the lexicon, and share few with another text', () => {
    const jaccard = (x: Uint32Array, y: Uint32Array) => {
      const sx = new Set(x);
      const sy = new Set(y);
      let inter = 0;
      for (const v of sx) if (sy.has(v)) inter++;
      return inter / (sx.size + sy.size - inter);
    };
    const orig = featurizer.featurize(docs[3].text).shingles;
    const spun = simulateSpin(docs[3].text, { seed: 7, rate: 0.5, pairs: 'out-of-lexicon' });
    const other = featurizer.featurize(docs[4].text).shingles;
    const js = jaccard(orig, featurizer.featurize(spun.text).shingles);
    expect(js).toBeGreaterThan(0.2);
    expect(jaccard(orig, other)).toBeLessThan(js / 5);
  });
});

describe('alignment', () => {
  const al = (q: string, s: string) => {
    const fq = featurizer.featurize(q);
    const fs = featurizer.featurize(s);
    const a = align(fq, fs, featurizer.classes);
    const ops = a.ops
      .filter((o) => o.kind !== 'same')
      .map(
        (o) =>
          `${o.kind}:${fq.words
            .slice(o.q0, o.q1)
            .map((w) => w.text)
            .join(' ')}|${fs.words
            .slice(o.s0, o.s1)
            .map((w) => w.text)
            .join(' ')}`,
      );
    return { a, ops };
  };

  it('pairs thesaurus synonyms, unknown substitutions, insertions and phrase swaps', () => {
    const source =
      'City officials said on Monday that the new bridge across the river would open to traffic next spring, ' +
      'two years later than planned.';
    const spun =
      'City authorities stated on Monday that the new bridge across the stream would really open to traffic ' +
      'next spring, 2 years later than planned.';
    const { a, ops } = al(spun, source);
    expect(ops).toContain('synonym:authorities|officials');
    expect(ops).toContain('synonym:stated|said');
    expect(ops).toContain('inserted:really|');
    expect(
      ops.some((o) => o.startsWith('synonym:stream|river') || o.startsWith('changed:stream|river')),
    ).toBe(true);
    expect(a.coverage).toBe(1);
    expect(a.similarity).toBeGreaterThan(0.8);
  });

  it('finds no aligned passage between unrelated texts', () => {
    const { a } = al(docs[10].text, docs[120].text);
    expect(a.coverage).toBeLessThan(0.1);
  });

  it('aligns a query that is one passage of a longer source, with coverage near 1 and low dice', () => {
    const passage = docs[20].text.split('\n\n')[1];
    const { a } = al(passage, docs[20].text);
    expect(a.coverage).toBeGreaterThan(0.95);
    expect(a.similarity).toBeGreaterThan(0.95);
    expect(a.dice).toBeLessThan(a.similarity - 0.2);
  });

  it('gives the same alignment whatever was aligned before (the scoring table is reused)', () => {
    const small = () => al(docs[30].text.split('\n\n')[0], docs[30].text).a;
    const spun = simulateSpin(docs[40].text, { seed: 7, rate: 0.4 }).text;
    const large = () => al(`${spun}\n\n${spun}`, `${docs[40].text}\n\n${docs[41].text}`).a;
    const first = small();
    const big = large();
    expect(small()).toEqual(first);
    expect(large()).toEqual(big);
    expect(big.coverage).toBeGreaterThan(0.4);
  });
});

describe('SQLite index', () => {
  let index: SourceIndex;
  let path: string;

  beforeAll(async () => {
    path = join(dir, 'lib.db');
    index = await openIndex(path, { create: true });
  });
  afterAll(async () => {
    await index?.close();
  });

  it('adds, deduplicates by content and leaves a second identical add unchanged', async () => {
    const batch = docs.map((d) => ({ id: d.id, text: d.text }));
    expect(await index.add(batch, { batchSize: 37 })).toEqual({ added: 200, unchanged: 0, replaced: 0 });
    expect(await index.add(batch)).toEqual({ added: 0, unchanged: 200, replaced: 0 });
    // The same text under a second id is stored once.
    expect(await index.add([{ id: 'copy-of-0', text: docs[0].text }])).toEqual({
      added: 1,
      unchanged: 0,
      replaced: 0,
    });
    const s = await index.stats();
    expect(s).toMatchObject({ documents: 201, contents: 200, backend: 'sqlite' });
    expect(s.bytes).toBeGreaterThan(0);
    expect(await index.get('copy-of-0')).toEqual({ id: 'copy-of-0', text: docs[0].text });
    expect(await index.get('nope')).toBeUndefined();
  });

  it('merges the recent band rows into the main table without changing any answer', async () => {
    const spun = simulateSpin(docs[9].text, { seed: 9, rate: 0.5 }).text;
    const before = await index.query(spun);
    const store = storeOf(index) as SqliteStore;
    store.merge();
    expect(await index.query(spun)).toEqual(before);
    expect(store.integrityProblems()).toEqual([]);
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM bands_new').get()).toEqual({ n: 0 });
    expect((db.prepare('SELECT count(*) AS n FROM bands').get() as { n: number }).n).toBeGreaterThan(
      200 * 32,
    );
    db.close();
  });

  it('ranks the source first for texts spun in and out of the lexicon', async () => {
    for (const [k, pairs] of [
      [5, 'in-lexicon'],
      [50, 'out-of-lexicon'],
      [150, 'any'],
    ] as const) {
      const spun = simulateSpin(docs[k].text, { seed: k, rate: 0.5, pairs });
      const m = await index.query(spun.text);
      expect(m[0].id).toBe(docs[k].id);
      expect(m[0].coverage).toBeGreaterThan(0.9);
      expect(m[0].similarity).toBeGreaterThan(0.5);
      if (m[1]) expect(m[1].similarity).toBeLessThan(m[0].similarity / 2);
    }
  });

  it('returns nothing for a text unrelated to every document', async () => {
    const m = await index.query(
      'Quantum error correction protects logical qubits by spreading information across many physical qubits, ' +
        'and surface codes need only nearest-neighbour interactions on a two-dimensional lattice of qubits.',
    );
    expect(m).toEqual([]);
  });

  it('replaces a document whose text changed and forgets the old text', async () => {
    const changed = `${docs[7].text}\n\nA closing line that was added later by the editor.`;
    expect(await index.add([{ id: docs[7].id, text: changed }])).toEqual({
      added: 0,
      unchanged: 0,
      replaced: 1,
    });
    expect((await index.get(docs[7].id))?.text).toBe(changed);
    const problems = (storeOf(index) as SqliteStore).integrityProblems();
    expect(problems).toEqual([]);
    expect((await index.stats()).contents).toBe(200);
  });

  it('removes by id; a shared text stays while another id points at it', async () => {
    expect(await index.remove(docs[0].id)).toBe(true);
    expect(await index.remove(docs[0].id)).toBe(false);
    expect((await index.query(docs[0].text))[0].id).toBe('copy-of-0');
    expect(await index.remove('copy-of-0')).toBe(true);
    expect((await index.query(docs[0].text))[0]?.id).not.toBe('copy-of-0');
    expect((storeOf(index) as SqliteStore).integrityProblems()).toEqual([]);
    expect(await index.stats()).toMatchObject({ documents: 199, contents: 199 });
  });

  it('checkWithSource: findings from the alignment, with the source id and the original words', async () => {
    const spun = simulateSpin(docs[30].text, { seed: 3, rate: 0.3, pairs: 'in-lexicon', fillers: false });
    let decoderCalls = 0;
    const engine = {
      check(): CheckResult {
        decoderCalls++;
        return { score: 0, verdict: 'clean', words: 0, findings: [] };
      },
    } as unknown as Engine;
    const r = await checkWithSource(engine, index, spun.text);
    expect(r?.source?.id).toBe(docs[30].id);
    expect(r?.verdict).toBe('spun');
    expect(decoderCalls).toBe(0);
    const findings = r?.findings ?? [];
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(f.origin).toBe('source');
      expect(f.sourceId).toBe(docs[30].id);
      expect(spun.text.slice(f.start, f.end)).toBe(f.text);
    }
    // Every simulated word substitution is found, with the original as the suggestion.
    const words = spun.spans.filter((s) => s.kind === 'word');
    let restored = 0;
    for (const g of words) {
      const f = findings.find((x) => x.start <= g.start && x.end >= g.end);
      if (f?.suggestions[0].text.toLowerCase().includes(g.original.toLowerCase())) restored++;
    }
    expect(restored / words.length).toBeGreaterThan(0.9);
    // Unrelated text: no source.
    expect(
      await checkWithSource(
        engine,
        index,
        'A completely different sentence about nothing in particular at all.',
      ),
    ).toBeUndefined();
  });

  it('lets a reader see each committed batch while a writer adds', async () => {
    const reader = await openIndex(path, { readonly: true });
    const writer = await openIndex(path);
    const more = brownDocs({ docWords: 300 })
      .slice(200, 260)
      .map((d) => ({ id: d.id, text: d.text }));
    // The reader's count is taken (synchronously, by SQLite) right after each of the writer's commits.
    const seen: Array<Promise<number>> = [];
    await writer.add(more, {
      batchSize: 20,
      onBatch: () => {
        seen.push(reader.stats().then((s) => s.documents));
      },
    });
    expect(await Promise.all(seen)).toEqual([219, 239, 259]);
    expect(await reader.query(more[45].text)).toMatchObject([{ id: more[45].id }]);
    await writer.close();
    await reader.close();
  });
});

describe('bad index files', () => {
  it('refuses garbage bytes, a foreign SQLite database, a missing file and a newer schema', async () => {
    const garbage = join(dir, 'garbage.db');
    writeFileSync(
      garbage,
      Buffer.from('this is not a database at all, just some bytes\u0000\u0001'.repeat(100)),
    );
    await expect(openIndex(garbage, { create: true })).rejects.toThrow(
      /not an unspin index \(not a SQLite database\)/,
    );
    const foreign = join(dir, 'foreign.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)');
    db.close();
    await expect(openIndex(foreign, { create: true })).rejects.toThrow(/another application/);
    await expect(openIndex(join(dir, 'missing.db'))).rejects.toThrow(/no such index/);
    const newer = join(dir, 'newer.db');
    const idx = await openIndex(newer, { create: true });
    await idx.close();
    const db2 = new Database(newer);
    db2.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db2.close();
    await expect(openIndex(newer)).rejects.toThrow(/schema version 99/);
  });
});
