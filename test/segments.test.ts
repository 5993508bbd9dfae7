import { describe, expect, it } from 'vitest';
import { brownDocs, loadBrownFiles } from '../bench/corpora.js';
import { PhraseStarts, VocabularyBuilder } from '../src/detect/vocabulary.js';
import { createEngine } from '../src/engine.js';
import { forEachSegment, segmentRanges } from '../src/text/segments.js';
import { tokenize } from '../src/text/tokenize.js';
import type { Sentence, Token } from '../src/types.js';
import { variedText } from './helpers/varied-text.js';

/** The first `docs` Brown documents of ~300 words, as paragraphs of one text. */
function brownText(docs: number): string {
  return brownDocs({ docWords: 300 })
    .slice(0, docs)
    .map((d) => d.text)
    .join('\n\n');
}

/** Tokens and sentences of `text` gathered piece by piece, sentence token indices made global. */
function bySegments(
  text: string,
  target: number,
): { tokens: Token[]; sentences: Sentence[]; pieces: number } {
  const tokens: Token[] = [];
  const sentences: Sentence[] = [];
  let pieces = 0;
  forEachSegment(
    text,
    (seg) => {
      pieces++;
      for (const s of seg.sentences)
        sentences.push({
          ...s,
          firstToken: s.firstToken + tokens.length,
          endToken: s.endToken + tokens.length,
        });
      tokens.push(...seg.tokens);
    },
    segmentRanges(text, target),
  );
  return { tokens, sentences, pieces };
}

function expectSameAsWhole(text: string, target: number): number {
  const whole = tokenize(text);
  const seg = bySegments(text, target);
  // Compared as JSON first (fast); the lists themselves only when they differ, for a readable diff.
  if (JSON.stringify(seg.tokens) !== JSON.stringify(whole.tokens)) expect(seg.tokens).toEqual(whole.tokens);
  expect(seg.sentences).toEqual(whole.sentences);
  return seg.pieces;
}

describe('paragraph-aligned pieces of a long text', () => {
  it('cover the text in order and end just after a blank line', () => {
    const text = 'One.\n\nTwo two.\r\n\r\nThree.\n \n\tFour.\nstill four.\u2029\u2029Five.';
    const ranges = segmentRanges(text, 1);
    expect(ranges[0][0]).toBe(0);
    expect(ranges.at(-1)?.[1]).toBe(text.length);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1]);
    expect(ranges.map(([a, b]) => text.slice(a, b))).toEqual([
      'One.\n\n',
      'Two two.\r\n\r\n',
      'Three.\n \n\t',
      'Four.\nstill four.\u2029\u2029',
      'Five.',
    ]);
    // A single CRLF is one line break, not a blank line; a text without blank lines is one piece.
    expect(segmentRanges('a\r\nb\r\nc', 1)).toEqual([[0, 7]]);
    expect(segmentRanges('', 10)).toEqual([[0, 0]]);
    expect(segmentRanges('short text\n\nmore', 1000)).toEqual([[0, 16]]);
  });

  it('tokenise exactly as the whole text does (Brown files, documents and varied text)', () => {
    let pieces = 0;
    const files = loadBrownFiles().slice(0, 30);
    pieces += expectSameAsWhole(files.map((f) => f.sentences.join(' ')).join('\n\n'), 2_000);
    pieces += expectSameAsWhole(brownText(300), 500);
    for (const target of [1, 50, 5_000]) pieces += expectSameAsWhole(variedText(20_000), target);
    // Quotes and abbreviations left open at a paragraph's end, invisible characters around the break.
    const tricky = [
      '"He said it was over, and then',
      'she left the U.S.',
      "the 'quoted part",
      'Mr.',
      'e.g.',
      'end\u200b',
      '\u200bstart of a line',
      '- a list item',
      'A short line',
      'x-',
      '— dash',
    ];
    let text = '';
    for (let i = 0; i < 400; i++) {
      text += tricky[(i * 7) % tricky.length];
      text += ['\n\n', ' ', '\n', '\r\n\r\n', '\n\u200b\n', '\u2028\u2028', ' \n  \n '][(i * 3) % 7];
    }
    pieces += expectSameAsWhole(text, 20);
    expect(pieces).toBeGreaterThan(400);
  });
});

describe('the document vocabulary', () => {
  it('knows the phrases of 2–4 words inside a sentence, however the text was split', () => {
    const text = brownText(40);
    const { tokens } = tokenize(text);
    const phrases = new Set<string>();
    for (let i = 0; i < tokens.length; i++) {
      let s = tokens[i].norm;
      for (let j = i + 1; j < Math.min(tokens.length, i + 4); j++) {
        if (tokens[j].kind !== 'word' || tokens[j].sentence !== tokens[i].sentence) break;
        s += ` ${tokens[j].norm}`;
        phrases.add(s);
      }
    }
    const b = new VocabularyBuilder((norm, fn) => fn(norm));
    forEachSegment(text, (seg) => b.add(seg.tokens), segmentRanges(text, 300));
    const v = b.vocabulary();
    for (const p of phrases) expect(v.has(p)).toBe(true);
    // Phrases that do not occur: the same words reordered, across a sentence end, or too long.
    let absent = 0;
    for (const p of phrases) {
      const r = p.split(' ').reverse().join(' ');
      if (phrases.has(r)) continue;
      absent++;
      expect(v.has(r)).toBe(false);
    }
    expect(absent).toBeGreaterThan(1_000);
    const words = tokens.filter((t) => t.kind === 'word');
    expect(
      v.has(`${words[0].norm} ${words[1].norm} ${words[2].norm} ${words[3].norm} ${words[4].norm}`),
    ).toBe(false);
    expect(v.count(words[0].norm)).toBe(words.filter((t) => t.norm === words[0].norm).length);
    expect(v.has(words[5].norm)).toBe(true);
    expect(v.has('zyzzyva-not-here')).toBe(false);
  });
});

describe('the document vocabulary with phrase starts', () => {
  it('records only phrases that begin like a proposable original', () => {
    const starts = new PhraseStarts();
    starts.add('sit down');
    starts.add('take a seat');
    starts.add('seat'); // single words start no phrase
    const b = new VocabularyBuilder((norm, fn) => fn(norm), starts);
    b.add(tokenize('They sit down here, take a seat there and stand up. Seat belts.').tokens);
    const v = b.vocabulary();
    expect(v.has('sit down')).toBe(true);
    expect(v.has('sit down here')).toBe(true);
    expect(v.has('take a seat')).toBe(true);
    expect(v.has('take a')).toBe(true);
    expect(v.has('stand up')).toBe(false); // occurs, but nothing proposable starts so
    expect(v.has('seat belts')).toBe(false);
    expect(v.has('seat')).toBe(true);
    expect(v.count('seat')).toBe(2);
  });
});

describe("the engine's phrase starts", () => {
  it('cover its thesaurus phrases and terms, and none with the collocation channel on', () => {
    const engine = createEngine();
    const source = engine.detector.source;
    const starts = source.originStarts();
    expect(starts).toBeDefined();
    const b = new VocabularyBuilder((norm, fn) => fn(norm), starts);
    b.add(tokenize('We will carry out the plan. A random forest grew. Purple elephants dance here.').tokens);
    const v = b.vocabulary();
    expect(engine.detector.lexicon.lookup('carry out')).toBeGreaterThanOrEqual(0);
    expect(v.has('carry out')).toBe(true); // a thesaurus phrase
    expect(v.has('carry out the')).toBe(true); // begins like one
    expect(v.has('random forest')).toBe(true); // a mined term
    expect(v.has('purple elephants')).toBe(false); // occurs, but begins no original
    expect(v.has('purple elephants dance')).toBe(false);
    source.useCollocations({} as never);
    expect(source.originStarts()).toBeUndefined();
    source.useCollocations(undefined);
    expect(source.originStarts()).toBeDefined();
  });
});

describe('a long text decoded piece by piece', () => {
  it('gives the same result as decoding it whole', () => {
    const text = brownText(12);
    const whole = createEngine({ segmentChars: 10_000_000 }).check(text, { minConfidence: 0 });
    const pieces = createEngine({ segmentChars: 2_000 }).check(text, { minConfidence: 0 });
    expect(segmentRanges(text, 2_000).length).toBeGreaterThan(5);
    expect(whole.findings.length).toBeGreaterThan(10);
    expect(pieces).toEqual(whole);
  });
});
