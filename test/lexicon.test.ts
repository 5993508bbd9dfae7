import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../src/data.js';
import { UnspinError } from '../src/errors.js';
import {
  analyze,
  crc32,
  encodeLexicon,
  HEADER_BYTES,
  isHeldOutPair,
  type LexiconData,
  type LoadedLexicon,
  loadLexicon,
  POS,
  SOURCE,
} from '../src/lexicon/index.js';

const WORDNET = SOURCE.wordnetSynset | SOURCE.wordnetRelated;

let dir: string;
let lex: LoadedLexicon;
let excl: LoadedLexicon;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'unspin-lexicon-test-'));
  lex = loadLexicon();
  excl = loadLexicon(undefined, { holdout: 'exclude' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function id(text: string): number {
  const i = lex.lookup(text);
  expect(i, `"${text}" is an entry`).toBeGreaterThanOrEqual(0);
  return i;
}
const texts = (l: LoadedLexicon, ids: readonly number[]): string[] => ids.map((i) => l.text(i));
const originTexts = (l: LoadedLexicon, text: string): string[] =>
  l.origins(l.lookup(text)).map((o) => l.text(o.id));

function expectBadModel(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UnspinError);
    expect((err as UnspinError).code).toBe('BAD_MODEL');
    return;
  }
  throw new Error('expected BAD_MODEL');
}

describe('the shipped lexicon', () => {
  it('has entries of up to four words, lower case and single-spaced', () => {
    expect(lex.size).toBeGreaterThan(150_000);
    expect(lex.maxPhraseWords).toBe(4);
    expect(lex.info.pairs).toBeGreaterThan(3_000_000);
    for (let i = 0; i < lex.size; i += 997) {
      const t = lex.text(i);
      expect(t).toMatch(/^[\p{L} '.-]+$/u);
      expect(t).toBe(t.toLowerCase());
      expect(t).toBe(t.trim().replace(/\s+/g, ' '));
      expect(t.split(' ').length).toBeLessThanOrEqual(4);
      expect(lex.lookup(t)).toBe(i);
    }
  });

  it('looks up normalised text and answers -1 for unknown text', () => {
    expect(lex.lookup('  Authority ')).toBe(id('authority'));
    expect(lex.lookup('sit   DOWN')).toBe(id('sit down'));
    expect(lex.lookup('qzxqzx')).toBe(-1);
    expect(lex.lookup('')).toBe(-1);
    expect(() => lex.text(-1)).toThrow(RangeError);
    expect(() => lex.origins(lex.size)).toThrow(RangeError);
  });

  it('knows parts of speech from WordNet', () => {
    expect(lex.pos(id('authority')) & POS.noun).toBe(POS.noun);
    expect(lex.pos(id('ask'))).toBe(POS.verb);
    expect(lex.pos(id('happy'))).toBe(POS.adj);
    expect(lex.pos(id('quickly'))).toBe(POS.adv);
  });

  it('finds "official" among the originals of "authorities" through its lemma', () => {
    const isKnown = (w: string): boolean => lex.lookup(w) >= 0;
    expect(analyze('authorities', isKnown)).toContainEqual({
      lemma: 'authority',
      form: 'plural',
      pos: POS.noun,
    });
    expect(originTexts(lex, 'authority')).toContain('official');
    // And the other way round: Moby lists "officials" under "authority".
    expect(originTexts(lex, 'official')).toContain('authority');
  });

  it('orders forward lists WordNet first, the most frequent sense first', () => {
    // Sense 1 of "authority" (the power to give orders) is {authority, authorization, authorisation, …}.
    expect(texts(lex, lex.synonyms(id('authority'))).slice(0, 2)).toEqual(['authorization', 'authorisation']);
    const ask = lex.synonyms(id('ask'));
    expect(texts(lex, ask)).toContain('inquire');
    expect(lex.pairSources(id('ask'), id('inquire')) & SOURCE.wordnetSynset).toBe(SOURCE.wordnetSynset);
    expect(lex.pairSources(id('ask'), id('inquire')) & SOURCE.mobyForward).toBe(SOURCE.mobyForward);
    for (const word of ['happy', 'ask', 'authority', 'big']) {
      const list = lex.synonyms(id(word));
      const kinds = list.map((x) => lex.pairSources(id(word), x));
      const firstMoby = kinds.findIndex((s) => (s & WORDNET) === 0);
      expect(firstMoby).toBeGreaterThan(0);
      for (const s of kinds.slice(firstMoby)) expect(s & WORDNET).toBe(0);
      // Moby's forward pairs come before pairs only Moby's reverse direction gives.
      const firstReverseOnly = kinds.indexOf(SOURCE.mobyReverse);
      if (firstReverseOnly >= 0)
        for (const s of kinds.slice(firstReverseOnly)) expect(s).toBe(SOURCE.mobyReverse);
    }
  });

  it('finds the owner of every reverse item, across the whole lexicon', () => {
    // Entries spread over all ids, the last ones included: each origin's forward list has x at its rank.
    for (let x = lex.size - 1; x >= 0; x -= 997) {
      for (const o of lex.origins(x)) expect(lex.synonyms(o.id)[o.rank]).toBe(x);
    }
  });

  it('builds origins consistent with the forward lists', () => {
    for (const word of ['happy', 'praise', 'authority', 'sit down', 'inquire', 'big']) {
      const x = id(word);
      const origins = lex.origins(x);
      expect(origins.length).toBeGreaterThan(5);
      expect(lex.origins(x)).toBe(origins); // cached
      expect(lex.originCount(x)).toBe(origins.length);
      const seen = new Set<number>();
      for (const o of origins) {
        expect(seen.has(o.id)).toBe(false);
        seen.add(o.id);
        const fwd = lex.synonyms(o.id);
        expect(o.fanout).toBe(fwd.length);
        expect(lex.fanout(o.id)).toBe(fwd.length);
        expect(fwd[o.rank]).toBe(x);
        expect(o.sources).toBe(lex.pairSources(o.id, x));
        expect(o.sources).toBeGreaterThan(0);
        if (o.sources & WORDNET) expect(o.pos).not.toBe(0);
        else expect(o.pos).toBe(lex.pos(o.id) & lex.pos(x));
      }
    }
    const applaud = lex.origins(id('applaud')).find((o) => o.id === id('praise'));
    expect(applaud).toBeDefined();
    expect(applaud!.sources & SOURCE.wordnetRelated).toBe(SOURCE.wordnetRelated);
    expect(applaud!.pos).toBe(POS.verb);
  });

  it('memoises the default load per holdout mode', () => {
    expect(loadLexicon()).toBe(lex);
    expect(loadLexicon(undefined, { holdout: 'include' })).toBe(lex);
    expect(loadLexicon(undefined, { holdout: 'exclude' })).toBe(excl);
    expect(excl).not.toBe(lex);
  });

  it('loads quickly', () => {
    const fresh = loadLexicon(dataPath('lexicon.bin'));
    expect(fresh).not.toBe(lex);
    expect(fresh.info.pairs).toBe(lex.info.pairs);
    // The target is < 300 ms on an idle machine; a shared test machine gets slack.
    expect(fresh.info.loadMs).toBeLessThan(1500);
  });
});

describe('the held-out split', () => {
  it('is symmetric, deterministic and about 10% of pairs', () => {
    expect(isHeldOutPair('ask', 'inquire')).toBe(isHeldOutPair('inquire', 'ask'));
    expect(isHeldOutPair(' Ask', 'INQUIRE ')).toBe(isHeldOutPair('ask', 'inquire'));
    let held = 0;
    let total = 0;
    for (let a = 0; a < lex.size; a += 101) {
      for (const b of lex.synonyms(a)) {
        const h = isHeldOutPair(lex.text(a), lex.text(b));
        expect(isHeldOutPair(lex.text(b), lex.text(a))).toBe(h);
        held += h ? 1 : 0;
        total++;
      }
    }
    expect(total).toBeGreaterThan(10_000);
    expect(held / total).toBeGreaterThan(0.08);
    expect(held / total).toBeLessThan(0.12);
    expect(excl.info.heldOut / lex.info.pairs).toBeGreaterThan(0.08);
    expect(excl.info.heldOut / lex.info.pairs).toBeLessThan(0.12);
    expect(excl.info.pairs + excl.info.heldOut).toBe(lex.info.pairs);
  });

  it('drops exactly the held-out pairs, in both directions', () => {
    let dropped = 0;
    for (let a = 0; a < lex.size; a += 211) {
      const kept = new Set(excl.synonyms(a));
      const expected = lex.synonyms(a).filter((b) => !isHeldOutPair(lex.text(a), lex.text(b)));
      expect([...kept]).toEqual(expected);
      dropped += lex.synonyms(a).length - expected.length;
      for (const b of lex.synonyms(a)) {
        if (!kept.has(b)) {
          // Neither direction survives.
          expect(excl.synonyms(b)).not.toContain(a);
          expect(excl.origins(a).some((o) => o.id === b)).toBe(false);
          expect(excl.origins(b).some((o) => o.id === a)).toBe(false);
        }
      }
      expect(excl.fanout(a)).toBe(expected.length);
    }
    expect(dropped).toBeGreaterThan(100);
    // Ranks and fanouts are those of the reduced lists.
    for (const o of excl.origins(excl.lookup('happy'))) {
      expect(excl.synonyms(o.id)[o.rank]).toBe(excl.lookup('happy'));
      expect(o.fanout).toBe(excl.synonyms(o.id).length);
    }
  });
});

describe('the file format', () => {
  // Five entries; lists exercise all three segments (WordNet, Moby forward, Moby reverse-only).
  const small: LexiconData = {
    entries: ['big', 'great', 'huge', 'large', 'take a seat'],
    pos: Uint8Array.from([POS.adj, POS.adj | POS.noun, POS.adj, POS.adj, POS.verb]),
    lists: [
      [
        { id: 3, sources: SOURCE.wordnetSynset | SOURCE.mobyForward, pos: POS.adj },
        { id: 2, sources: SOURCE.mobyForward | SOURCE.mobyReverse, pos: 0 },
        { id: 1, sources: SOURCE.mobyForward, pos: 0 },
      ],
      [{ id: 0, sources: SOURCE.mobyReverse, pos: 0 }],
      [
        { id: 3, sources: SOURCE.mobyReverse, pos: 0 },
        { id: 0, sources: SOURCE.mobyForward | SOURCE.mobyReverse, pos: 0 },
        { id: 1, sources: SOURCE.wordnetRelated, pos: POS.adj },
      ],
      [{ id: 0, sources: SOURCE.wordnetSynset, pos: POS.adj }],
      [],
    ],
    maxPhraseWords: 4,
    inputsSha256: 'ab'.repeat(32),
  };
  let smallPath: string;
  let bytes: Buffer;

  beforeAll(() => {
    bytes = encodeLexicon(small);
    smallPath = join(dir, 'small.bin');
    writeFileSync(smallPath, bytes);
  });

  it('round-trips a small lexicon, stored WordNet, Moby forward, then reverse-only by id', () => {
    const l = loadLexicon(smallPath);
    expect(l.size).toBe(5);
    expect(l.info.inputsSha256).toBe('ab'.repeat(32));
    expect(texts(l, l.synonyms(0))).toEqual(['large', 'huge', 'great']);
    expect(texts(l, l.synonyms(2))).toEqual(['great', 'big', 'large']);
    expect(l.pairSources(2, 1)).toBe(SOURCE.wordnetRelated);
    expect(l.pairSources(2, 3)).toBe(SOURCE.mobyReverse);
    expect(l.pairSources(4, 0)).toBe(0);
    expect(l.origins(0)).toEqual([
      { id: 1, sources: SOURCE.mobyReverse, pos: POS.adj, fanout: 1, rank: 0 },
      { id: 2, sources: SOURCE.mobyForward | SOURCE.mobyReverse, pos: POS.adj, fanout: 3, rank: 1 },
      { id: 3, sources: SOURCE.wordnetSynset, pos: POS.adj, fanout: 1, rank: 0 },
    ]);
    expect(l.origins(4)).toEqual([]);
    expect(l.lookup('Take  a seat')).toBe(4);
  });

  it('rejects missing, foreign, truncated and corrupt files with BAD_MODEL', () => {
    expectBadModel(() => loadLexicon(join(dir, 'missing.bin')));
    const write = (name: string, data: Uint8Array): string => {
      const p = join(dir, name);
      writeFileSync(p, data);
      return p;
    };
    expectBadModel(() => loadLexicon(write('empty.bin', new Uint8Array(0))));
    expectBadModel(() => loadLexicon(write('foreign.bin', Buffer.from('{"not": "a lexicon"}\n'.repeat(10)))));
    expectBadModel(() => loadLexicon(dataPath('irregular.tsv')));
    expectBadModel(() => loadLexicon(write('truncated.bin', bytes.subarray(0, bytes.length - 3))));
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 2] ^= 0x40;
    expectBadModel(() => loadLexicon(write('flipped.bin', flipped)));
    const version = Buffer.from(bytes);
    version.writeUInt32LE(99, 8);
    expectBadModel(() => loadLexicon(write('version.bin', version)));
    // A body that passes the checksum but points outside the entry table.
    const patched = Buffer.from(bytes);
    patched[patched.length - 1] = 0x7f; // the last item ("large" → "big", WordNet) now points before entry 0
    patched.writeUInt32LE(crc32(patched.subarray(HEADER_BYTES)), 80);
    expectBadModel(() => loadLexicon(write('bad-id.bin', patched)));
  });

  it('rejects a corrupted copy of the shipped file', () => {
    const real = readFileSync(dataPath('lexicon.bin'));
    const copy = Buffer.from(real);
    copy[Math.floor(copy.length / 2)] ^= 0xff;
    const p = join(dir, 'corrupt.bin');
    writeFileSync(p, copy);
    expectBadModel(() => loadLexicon(p));
  });
});
