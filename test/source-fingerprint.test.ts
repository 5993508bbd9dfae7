/**
 * The indexing fast path gives exactly what the reference path gives: the token walk of `fingerprint`
 * (src/source/scan.ts) splits and normalises text token for token as `tokenize` does, `fingerprint`
 * yields the shingles and band hashes of `featurize`, and the fingerprints of a fixed class map are
 * pinned, so index files written before stay valid. Also the storage helpers of the write path: the
 * PostgreSQL array literal, and SQLite files with the old 4 KiB pages next to new 64 KiB ones.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brownDocs, loadBrownFiles } from '../bench/corpora.js';
import { simulateSpin } from '../bench/simulate.js';
import { loadLexicon } from '../src/lexicon/index.js';
import type { SynonymClasses } from '../src/source/classes.js';
import { classesFor } from '../src/source/classes.js';
import { Featurizer } from '../src/source/features.js';
import { FormTable } from '../src/source/forms.js';
import { hashString } from '../src/source/hash.js';
import { openIndex } from '../src/source/index.js';
import { DEFAULT_LSH, documentWindows, windowBands } from '../src/source/minhash.js';
import { copyRows } from '../src/source/pg-store.js';
import { scanTokens, T_NUMBER, T_PUNCT, T_SYMBOL, T_WORD } from '../src/source/scan.js';
import { BandRows } from '../src/source/store.js';
import { tokenize } from '../src/text/tokenize.js';
import { variedText } from './helpers/varied-text.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'unspin-source-fp-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const KIND = ['word', 'number', 'punct', 'symbol'];

/** Every token of `text` as "kind start end norm", through tokenize. */
function reference(text: string): string[] {
  return tokenize(text).tokens.map((t) => `${t.kind} ${t.start} ${t.end} ${t.norm}`);
}

/** The same through the fingerprint walk (span norms spelled out as the sink contract says). */
function walked(text: string): string[] {
  const out: string[] = [];
  scanTokens(text, {
    word(kind, start, end, norm, lower) {
      const span = text.slice(start, end);
      const k = kind === T_WORD || kind === T_NUMBER ? KIND[kind] : `bad kind ${kind}`;
      out.push(`${k} ${start} ${end} ${norm ?? (lower ? span.toLowerCase() : span)}`);
    },
    other(kind, start, end, norm) {
      const k = kind === T_PUNCT || kind === T_SYMBOL ? KIND[kind] : `bad kind ${kind}`;
      out.push(`${k} ${start} ${end} ${norm ?? text.slice(start, end)}`);
    },
  });
  return out;
}

/** Both token lists of `text` agree (compared as one string; the lists themselves when they differ). */
function expectSameTokens(text: string): number {
  const ref = reference(text);
  const fast = walked(text);
  if (fast.join('\n') !== ref.join('\n')) expect(fast).toEqual(ref);
  return ref.length;
}

/** Band hashes of a document through the reference path (featurize) and through the fast one. */
function bandsBoth(f: Featurizer, text: string): [Uint32Array, Uint32Array] {
  const a = f.featurize(text);
  const b = f.fingerprint(text);
  expect(b.words).toBe(a.words.length);
  expect([...b.shingles]).toEqual([...a.shingles]);
  expect([...b.shingleWord]).toEqual([...a.shingleWord]);
  return [
    windowBands(a.shingles, a.shingleWord, documentWindows(a.words.length, DEFAULT_LSH), DEFAULT_LSH),
    windowBands(b.shingles, b.shingleWord, documentWindows(b.words, DEFAULT_LSH), DEFAULT_LSH),
  ];
}

describe('the fingerprint token walk matches tokenize', () => {
  it('token for token on the Brown corpus (documents and whole files)', () => {
    let tokens = 0;
    for (const d of brownDocs({ docWords: 300 })) tokens += expectSameTokens(d.text);
    expect(tokens).toBeGreaterThan(1_000_000);
    for (const f of loadBrownFiles().slice(0, 40)) expectSameTokens(f.sentences.join('\n'));
  });

  it('token for token on varied text (every token kind and rule)', () => {
    for (const pieces of [50, 1000, 200_000]) expectSameTokens(variedText(pieces));
    const kinds = new Set(reference(variedText(200_000)).map((r) => r.split(' ')[0]));
    expect(kinds.size).toBe(4);
  });
});

describe('the word-form table', () => {
  it('finds forms by string and by text span, lower-casing spans on request (ASCII and beyond)', () => {
    const t = new FormTable();
    t.add('the', 1);
    t.add('été', 2);
    t.add('u.s.', 3);
    const text = 'The ÉTÉ été U.S. them';
    expect(t.get('the')).toBe(1);
    expect(t.get('The')).toBe(-1);
    expect(t.getSpan(text, 0, 3, true)).toBe(1);
    expect(t.getSpan(text, 0, 3, false)).toBe(-1);
    expect(t.getSpan(text, 4, 7, true)).toBe(2);
    expect(t.getSpan(text, 4, 7, false)).toBe(-1);
    expect(t.getSpan(text, 8, 11, false)).toBe(2);
    expect(t.getSpan(text, 12, 16, true)).toBe(3);
    expect(t.getSpan(text, 17, 21, false)).toBe(-1);
    expect(t.getSpan(text, 17, 20, false)).toBe(1); // "the" of "them"
    // Growing past the initial capacity keeps every entry.
    for (let i = 0; i < 20_000; i++) t.add(`w${i}`, 100 + i);
    expect(t.size).toBe(20_003);
    expect(t.get('w19999')).toBe(20_099);
    expect(t.getSpan(text, 0, 3, true)).toBe(1);
    t.clear();
    expect(t.get('the')).toBe(-1);
    t.add('the', 7);
    expect(t.getSpan(text, 0, 3, true)).toBe(7);
  });
});

describe('fingerprint gives what featurize gives', () => {
  it('the same words, shingles and band hashes on Brown documents, spun ones and varied text', () => {
    const f = new Featurizer(classesFor(loadLexicon()));
    const texts = brownDocs({ docWords: 300 })
      .slice(0, 400)
      .map((d) => d.text);
    texts.push(...texts.slice(0, 50).map((t, i) => simulateSpin(t, { seed: i, rate: 0.5 }).text));
    texts.push(variedText(5000), variedText(300), '', 'one', 'Twelve 12 012 1,000 and twelve.');
    let bands = 0;
    for (const t of texts) {
      const [a, b] = bandsBoth(f, t);
      expect([...b]).toEqual([...a]);
      bands += a.length;
    }
    expect(bands).toBeGreaterThan(20_000);
    // Word forms first met by the fast path give the same entries as when met by featurize.
    const fresh = new Featurizer(classesFor(loadLexicon()));
    for (const t of texts.slice(0, 30)) fresh.fingerprint(t);
    for (const t of texts.slice(0, 30)) {
      const [a, b] = bandsBoth(fresh, t);
      expect([...b]).toEqual([...a]);
    }
  });

  it('fingerprints of a fixed class map are the ones earlier versions stored (pinned)', () => {
    // A stand-in for the lexicon, so that the pin does not move when the lexicon is rebuilt: long words
    // get a class from their first four letters, the rest none.
    const stub = {
      of: (norm: string) =>
        norm.length > 6 ? { lemma: -1, cls: hashString(norm.slice(0, 4)) % 5000 } : { lemma: -1, cls: -1 },
    } as unknown as SynonymClasses;
    const digest = (fast: boolean) => {
      const f = new Featurizer(stub);
      const h = createHash('sha256');
      let n = 0;
      for (const d of brownDocs({ docWords: 300 }).slice(0, 300)) {
        const [a, b] = bandsBoth(f, d.text);
        const x = fast ? b : a;
        n += x.length;
        h.update(Buffer.from(x.buffer, x.byteOffset, x.byteLength));
      }
      return `${n} ${h.digest('hex')}`;
    };
    // Computed with the fingerprint code as of the 64-KiB-page change (featurize path, before the fast one).
    const pinned = '19008 2f0c169d030461dae6562990b590c4c8b86941dd627fdb93d010f8b59d3383fc';
    expect(digest(false)).toBe(pinned);
    expect(digest(true)).toBe(pinned);
  });
});

describe('storage helpers of the write path', () => {
  it('writes the COPY lines of large integers exactly', () => {
    const values = [
      0,
      7,
      99_999_999,
      100_000_000,
      100_000_001,
      2 ** 32 - 1,
      31 * 2 ** 32 + 4_294_967_295,
      2 ** 53 - 1,
    ];
    const cids = values.map((_, i) => 1000 * i + 1);
    expect(copyRows(Float64Array.from(values), Float64Array.from(cids), values.length)).toBe(
      values.map((v, i) => `${v}\t${cids[i]}\n`).join(''),
    );
    expect(copyRows(Float64Array.from(values), Float64Array.from(values), 2)).toBe('0\t0\n7\t7\n');
    expect(copyRows(new Float64Array(0), new Float64Array(0), 0)).toBe('');
  });

  it('sorts and de-duplicates the band rows of a batch', () => {
    const rows = new BandRows(2);
    rows.add(Uint32Array.from([5, 1, 5, 1]), 9); // windows 0 and 1 share both bands: two rows
    rows.add(Uint32Array.from([5, 0xffffffff]), 3);
    const s = rows.sorted();
    const pairs = Array.from({ length: s.length }, (_, i) => [s.keys[i], s.cids[i]]);
    expect(pairs).toEqual([
      [5, 3],
      [5, 9],
      [2 ** 32 + 1, 9],
      [2 ** 32 + 0xffffffff, 3],
    ]);
  });

  it('makes new SQLite files with 64 KiB pages and still reads and extends files with 4 KiB pages', async () => {
    const docs = brownDocs({ docWords: 300 }).slice(0, 60);
    const fresh = join(dir, 'new.db');
    const idx = await openIndex(fresh, { create: true });
    await idx.add(docs.slice(0, 40).map((d) => ({ id: d.id, text: d.text })));
    await idx.close();
    const pageSize = (path: string) => {
      const db = new Database(path, { readonly: true });
      const size = db.pragma('page_size', { simple: true });
      db.close();
      return size;
    };
    expect(pageSize(fresh)).toBe(65536);
    // The same index rewritten with the old page size.
    const old = join(dir, 'old.db');
    const db = new Database(fresh);
    db.pragma('journal_mode = DELETE');
    db.exec(`VACUUM INTO '${old}'`);
    db.close();
    const conv = new Database(old);
    conv.pragma('page_size = 4096');
    conv.exec('VACUUM');
    conv.pragma('journal_mode = WAL');
    conv.close();
    expect(pageSize(old)).toBe(4096);
    const spun = simulateSpin(docs[45].text, { seed: 45, rate: 0.3 }).text;
    const answers: unknown[] = [];
    for (const path of [fresh, old]) {
      const index = await openIndex(path, { create: true });
      expect(await index.add(docs.map((d) => ({ id: d.id, text: d.text })))).toEqual({
        added: 20,
        unchanged: 40,
        replaced: 0,
      });
      answers.push(await index.query(spun));
      await index.close();
    }
    expect(pageSize(old)).toBe(4096);
    expect((answers[0] as Array<{ id: string }>)[0].id).toBe(docs[45].id);
    expect(answers[1]).toEqual(answers[0]);
  });
});
