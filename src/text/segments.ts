/**
 * Long texts in paragraph-aligned pieces, so that a million-word text is tokenised and decoded a piece at
 * a time instead of holding a token object for every word at once.
 *
 * A piece ends right after a blank line (a whitespace run with two or more line breaks), where the
 * tokenizer always ends the sentence and resets its quote state: tokenising the pieces one by one gives the
 * same tokens and sentences as tokenising the whole text (tested on the Brown corpus and edge cases). A text
 * without blank lines stays one piece however long it is.
 */

import type { Sentence, Token } from '../types.js';
import { classOf, EXTEND, NEWLINE, SPACE, TABLE, tokenize } from './tokenize.js';

/** Aim for pieces of about this many UTF-16 code units (some 20,000 words of English). */
export const DEFAULT_SEGMENT_CHARS = 120_000;

/**
 * Half-open [start, end) ranges that cover the text in order: each at least `target` code units long
 * (the last may be shorter) and ending just after a blank line or at the end of the text.
 */
export function segmentRanges(text: string, target = DEFAULT_SEGMENT_CHARS): Array<[number, number]> {
  const n = text.length;
  const out: Array<[number, number]> = [];
  let start = 0;
  let i = Math.min(n, target);
  while (i < n) {
    // Find the next whitespace run with two line breaks at or after i, counted as the tokenizer counts them.
    const cut = blankLineEnd(text, i);
    if (cut < 0 || cut >= n) break;
    out.push([start, cut]);
    start = cut;
    i = Math.min(n, cut + target);
  }
  if (start < n || out.length === 0) out.push([start, n]);
  return out;
}

function kindAt(text: string, j: number): number {
  const c = text.charCodeAt(j);
  return c < 128 ? TABLE[c] : classOf(c);
}

/** The end of the first whitespace run at or after `from` that holds a blank line, or -1. */
function blankLineEnd(text: string, from: number): number {
  const n = text.length;
  let i = from;
  // Step back into a run that `from` may have landed inside, so that all of its line breaks count.
  while (i > 0 && isGap(kindAt(text, i - 1))) i--;
  while (i < n) {
    if (!isGap(kindAt(text, i))) {
      i++;
      continue;
    }
    let newlines = 0;
    while (i < n) {
      const d = text.charCodeAt(i);
      const k = kindAt(text, i);
      if (k === NEWLINE) {
        if (!(d === 0x0d && text.charCodeAt(i + 1) === 0x0a)) newlines++;
      } else if (k !== SPACE && k !== EXTEND) break;
      i++;
    }
    if (newlines >= 2) return i;
  }
  return -1;
}

function isGap(k: number): boolean {
  return k === SPACE || k === NEWLINE || k === EXTEND;
}

export interface Segment {
  /** Tokens of the piece, with offsets into the whole text and sentence numbers counted over it. */
  tokens: Token[];
  /** Sentences of the piece: offsets into the whole text, token indices into `tokens`. */
  sentences: Sentence[];
}

/**
 * Tokenise `text` one piece at a time, the pieces given by `segmentRanges`; each is handed over and can be
 * dropped before the next is made.
 */
export function forEachSegment(
  text: string,
  fn: (segment: Segment) => void,
  ranges: ReadonlyArray<readonly [number, number]> = segmentRanges(text),
): void {
  if (ranges.length === 1 && ranges[0][0] === 0 && ranges[0][1] === text.length) {
    fn(tokenize(text));
    return;
  }
  let sentenceBase = 0;
  for (const [a, b] of ranges) {
    const { tokens, sentences } = tokenize(text.slice(a, b));
    for (const t of tokens) {
      t.start += a;
      t.end += a;
      t.sentence += sentenceBase;
    }
    for (const s of sentences) {
      s.start += a;
      s.end += a;
    }
    sentenceBase += sentences.length;
    fn({ tokens, sentences });
  }
}
