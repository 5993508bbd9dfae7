import { describe, expect, it } from 'vitest';
import { tokenize } from '../src/text/tokenize.js';

/** [start, end, norm, kind] per token. */
function toks(text: string): Array<[number, number, string, string]> {
  return tokenize(text).tokens.map((t) => [t.start, t.end, t.norm, t.kind]);
}

function sentenceTexts(text: string): string[] {
  return tokenize(text).sentences.map((s) => text.slice(s.start, s.end));
}

describe('tokenize: offsets', () => {
  it('counts UTF-16 code units, so astral characters before words shift offsets by 2', () => {
    const text = '🙂🙂 Dr. Lee’s “new” car.\r\nIt’s fine!';
    expect(toks(text)).toEqual([
      [0, 4, '🙂🙂', 'symbol'],
      [5, 8, 'dr.', 'word'],
      [9, 14, "lee's", 'word'],
      [15, 16, '"', 'punct'],
      [16, 19, 'new', 'word'],
      [19, 20, '"', 'punct'],
      [21, 24, 'car', 'word'],
      [24, 25, '.', 'punct'],
      [27, 31, "it's", 'word'],
      [32, 36, 'fine', 'word'],
      [36, 37, '!', 'punct'],
    ]);
    for (const t of tokenize(text).tokens) expect(text.slice(t.start, t.end)).toBe(t.text);
    expect(tokenize(text).sentences).toEqual([
      { start: 0, end: 25, firstToken: 0, endToken: 8 },
      { start: 27, end: 37, firstToken: 8, endToken: 11 },
    ]);
  });

  it('groups an emoji with its skin-tone modifier and ZWJ sequence into one symbol', () => {
    expect(toks('a 👍🏽 b 👩‍💻 c')).toEqual([
      [0, 1, 'a', 'word'],
      [2, 6, '👍🏽', 'symbol'],
      [7, 8, 'b', 'word'],
      [9, 14, '👩‍💻', 'symbol'],
      [15, 16, 'c', 'word'],
    ]);
  });

  it('reads astral letters as letters', () => {
    expect(toks('x 𝐀𝐁 y')).toEqual([
      [0, 1, 'x', 'word'],
      [2, 6, '𝐀𝐁', 'word'],
      [7, 8, 'y', 'word'],
    ]);
  });

  it('handles CRLF and a leading BOM-like invisible character', () => {
    expect(toks('\ufeffOne\r\ntwo')).toEqual([
      [1, 4, 'one', 'word'],
      [6, 9, 'two', 'word'],
    ]);
  });

  it('keeps zero-width and soft-hyphen characters inside a word but drops them from norm', () => {
    expect(toks('spin\u200bning re\u00adstore')).toEqual([
      [0, 9, 'spinning', 'word'],
      [10, 18, 'restore', 'word'],
    ]);
  });

  it('returns nothing for empty or whitespace-only text', () => {
    expect(tokenize('')).toEqual({ tokens: [], sentences: [] });
    expect(tokenize(' \n\t\r\n ')).toEqual({ tokens: [], sentences: [] });
  });
});

describe('tokenize: words', () => {
  it('keeps clitics and possessives attached and folds typographic apostrophes', () => {
    expect(toks("don’t officials’ cat's O'Brien rock'n'roll")).toEqual([
      [0, 5, "don't", 'word'],
      [6, 16, "officials'", 'word'],
      [17, 22, "cat's", 'word'],
      [23, 30, "o'brien", 'word'],
      [31, 42, "rock'n'roll", 'word'],
    ]);
  });

  it('treats a trailing apostrophe as a closing quote when a single quote is open', () => {
    expect(toks("'the boys' game")).toEqual([
      [0, 1, "'", 'punct'],
      [1, 4, 'the', 'word'],
      [5, 9, 'boys', 'word'],
      [9, 10, "'", 'punct'],
      [11, 15, 'game', 'word'],
    ]);
  });

  it('keeps hyphenated words whole and splits dashes', () => {
    expect(toks('brand-new co‑op — state–of')).toEqual([
      [0, 9, 'brand-new', 'word'],
      [10, 15, 'co-op', 'word'],
      [16, 17, '--', 'punct'],
      [18, 23, 'state', 'word'],
      [23, 24, '-', 'punct'],
      [24, 26, 'of', 'word'],
    ]);
    expect(toks('a -- b - c')).toEqual([
      [0, 1, 'a', 'word'],
      [2, 4, '--', 'punct'],
      [5, 6, 'b', 'word'],
      [7, 8, '-', 'punct'],
      [9, 10, 'c', 'word'],
    ]);
  });

  it('classifies capitalisation', () => {
    const caps = tokenize('the The THE McDonald I iPhone U.S. Brand-new').tokens.map((t) => t.caps);
    expect(caps).toEqual(['lower', 'title', 'upper', 'mixed', 'title', 'mixed', 'upper', 'title']);
  });
});

describe('tokenize: numbers', () => {
  it('reads integers, decimals, thousands separators and glued suffixes', () => {
    expect(toks('2 3.5 1,000 10% 3rd 1990s .5')).toEqual([
      [0, 1, '2', 'number'],
      [2, 5, '3.5', 'number'],
      [6, 11, '1,000', 'number'],
      [12, 14, '10', 'number'],
      [14, 15, '%', 'punct'],
      [16, 19, '3rd', 'number'],
      [20, 25, '1990s', 'number'],
      [26, 28, '.5', 'number'],
    ]);
  });

  it('ends a number before a sentence-final period or a comma not followed by a digit', () => {
    expect(toks('in 2019. Then 5, 6')).toEqual([
      [0, 2, 'in', 'word'],
      [3, 7, '2019', 'number'],
      [7, 8, '.', 'punct'],
      [9, 13, 'then', 'word'],
      [14, 15, '5', 'number'],
      [15, 16, ',', 'punct'],
      [17, 18, '6', 'number'],
    ]);
  });
});

describe('tokenize: symbols', () => {
  it('reads URLs, e-mail addresses and bare domains as one symbol', () => {
    const text = 'See https://example.com/a_(b)?q=1. Mail bob.x@ex.co.uk or visit www.foo.org, example.com.';
    const symbols = tokenize(text)
      .tokens.filter((t) => t.kind === 'symbol')
      .map((t) => [t.start, t.end, t.text]);
    expect(symbols).toEqual([
      [4, 33, 'https://example.com/a_(b)?q=1'],
      [40, 54, 'bob.x@ex.co.uk'],
      [64, 75, 'www.foo.org'],
      [77, 88, 'example.com'],
    ]);
    expect(sentenceTexts(text)).toEqual([
      'See https://example.com/a_(b)?q=1.',
      'Mail bob.x@ex.co.uk or visit www.foo.org, example.com.',
    ]);
  });

  it('drops an unbalanced closing parenthesis from a URL', () => {
    const t = tokenize('(see http://a.com/x)').tokens.map((x) => x.text);
    expect(t).toEqual(['(', 'see', 'http://a.com/x', ')']);
  });
});

describe('tokenize: abbreviations and sentences', () => {
  it('keeps the period in abbreviations and does not end sentences after titles or e.g./i.e.', () => {
    const text = 'Mr. Smith met Dr. Jones, e.g. at noon, i.e. late. They left.';
    expect(sentenceTexts(text)).toEqual(['Mr. Smith met Dr. Jones, e.g. at noon, i.e. late.', 'They left.']);
    expect(
      tokenize(text)
        .tokens.filter((t) => t.text.endsWith('.') && t.kind === 'word')
        .map((t) => [t.start, t.end, t.norm]),
    ).toEqual([
      [0, 3, 'mr.'],
      [14, 17, 'dr.'],
      [25, 29, 'e.g.'],
      [39, 43, 'i.e.'],
    ]);
  });

  it('ends a sentence after an ambiguous abbreviation only before a sentence opener', () => {
    expect(sentenceTexts('He moved to the U.S. The move was hard.')).toEqual([
      'He moved to the U.S.',
      'The move was hard.',
    ]);
    expect(sentenceTexts('The U.S. Army and Acme Inc. Group met.')).toEqual([
      'The U.S. Army and Acme Inc. Group met.',
    ]);
    expect(sentenceTexts('J. K. Rowling wrote books, films, etc. And more.')).toEqual([
      'J. K. Rowling wrote books, films, etc.',
      'And more.',
    ]);
  });

  it('ends sentences at ! ? and ellipses, keeping closing quotes and brackets in the sentence', () => {
    expect(sentenceTexts('“Stop!” he said. Why? (Nobody knew.) “Go.” Wait... what?! Yes.')).toEqual([
      '“Stop!” he said.',
      'Why?',
      '(Nobody knew.)',
      '“Go.”',
      'Wait... what?!',
      'Yes.',
    ]);
  });

  it('uses straight double quotes by context', () => {
    const text = 'He said, "The end." Then "we" left.';
    expect(sentenceTexts(text)).toEqual(['He said, "The end."', 'Then "we" left.']);
    const starts = tokenize(text)
      .tokens.filter((t) => t.sentenceStart)
      .map((t) => t.text);
    expect(starts).toEqual(['He', 'The', 'Then']);
  });

  it('ends sentences at blank lines, list items and short heading lines, not at wrapped lines', () => {
    const text =
      'A Heading\r\nThis paragraph is hard wrapped at a fairly long width so\r\nthe newline is not a boundary\r\n\r\nNext para\n- item one\n- item two\n1. first';
    expect(sentenceTexts(text)).toEqual([
      'A Heading',
      'This paragraph is hard wrapped at a fairly long width so\r\nthe newline is not a boundary',
      'Next para',
      '- item one',
      '- item two',
      '1. first',
    ]);
  });

  it('assigns sentence indices and sentenceStart consistently', () => {
    const { tokens, sentences } = tokenize('"Hi," she said. 2 cats ran.');
    expect(tokens.map((t) => [t.text, t.sentence, t.sentenceStart])).toEqual([
      ['"', 0, false],
      ['Hi', 0, true],
      [',', 0, false],
      ['"', 0, false],
      ['she', 0, false],
      ['said', 0, false],
      ['.', 0, false],
      ['2', 1, true],
      ['cats', 1, false],
      ['ran', 1, false],
      ['.', 1, false],
    ]);
    expect(sentences).toEqual([
      { start: 0, end: 15, firstToken: 0, endToken: 7 },
      { start: 16, end: 27, firstToken: 7, endToken: 11 },
    ]);
  });

  it('covers every token with exactly one sentence, in order', () => {
    const text = 'One. Two! Three?\n\nFour etc. five\n- six\nSeven.';
    const { tokens, sentences } = tokenize(text);
    let next = 0;
    for (const [i, s] of sentences.entries()) {
      expect(s.firstToken).toBe(next);
      expect(s.endToken).toBeGreaterThan(s.firstToken);
      for (let k = s.firstToken; k < s.endToken; k++) expect(tokens[k].sentence).toBe(i);
      next = s.endToken;
    }
    expect(next).toBe(tokens.length);
  });
});
