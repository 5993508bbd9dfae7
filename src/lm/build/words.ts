/**
 * The training-word pass of `lm build`: the same split into tokens and sentences as `tokenize`
 * (src/text/tokenize.ts, whose tables and matchers it uses), walked in one pass that hands over only what
 * the model is trained on: the `norm` of each word token, the number word (or `<unk>`) of each number
 * token, and the end of each sentence that held one of them. No Token or Sentence objects are built, no
 * `text` slices are taken, and punctuation and symbols get no `norm` beyond what the sentence rules test.
 *
 * It must stay in step with `tokenize`: `forEachTrainingWord` (corpus.ts) is the reference, and
 * test/lm-build.test.ts checks that both give the same word stream on the Brown corpus and on varied text.
 * A change to the tokenizer's rules has to be made here too.
 */
import { numberWord } from '../../detect/channels.js';
import {
  ABBR_AMBIGUOUS,
  ABBR_NEVER_FINAL,
  APOS,
  capsOf,
  classAt,
  classOf,
  DIGIT,
  EXTEND,
  foldWordChar,
  HIGH_SURROGATE,
  HYPHEN,
  isAlnumClass,
  isClosingChar,
  isLetterClass,
  isOpeningBracket,
  isPairAt,
  isTerminalChar,
  LOW_SURROGATE,
  LOWER,
  listMarkerAt,
  matchDotted,
  matchEmail,
  matchHost,
  matchUrl,
  NEWLINE,
  OTHER_LETTER,
  PENDING_AMBIGUOUS,
  PENDING_NONE,
  PENDING_TERMINAL,
  PUNCT,
  RE_FOLD_WORD,
  SENTENCE_OPENERS,
  SHORT_LINE,
  SPACE,
  SYMBOL,
  TABLE,
  UPPER,
} from '../../text/tokenize.js';

const UNK = '<unk>';
/** As in corpus.ts: paragraphs longer than this are split into lines. */
const MAX_PARAGRAPH = 64 * 1024;

/**
 * A training word given as the span `text[start, end)`: the word is that text (`lower` false) or its lower
 * case (`lower` true).
 */
export type SpanSink = (text: string, start: number, end: number, lower: boolean) => void;

// Token kinds as the sentence rules see them.
const K_WORD = 0;
const K_NUMBER = 1;
const K_PUNCT = 2;
const K_SYMBOL = 3;

/**
 * Call `onWord` for each training word of one piece of text (a paragraph, or a line of a huge one) and
 * `onSentenceEnd` after each sentence that held a word, exactly as `tokenize(text)` followed by the
 * selection in `forEachTrainingWord` would. With `onSpan`, a word whose norm is `text.slice(start, end)`
 * (`lower` false) or its lower case (`lower` true) goes to `onSpan` instead of `onWord`.
 */
export function trainingWordsOf(
  text: string,
  onWord: (w: string) => void,
  onSentenceEnd: () => void,
  onSpan?: SpanSink,
): void {
  const n = text.length;

  // Tokens emitted so far and the first of the open sentence (only their counts matter).
  let count = 0;
  let sentFirst = 0;
  /** Training words in the open sentence. */
  let words = 0;
  let pending = PENDING_NONE;
  let openSingle = false;
  let lineFirstStart = -1;
  let lastEnd = 0;

  const closeSentence = (): void => {
    if (count > sentFirst) {
      sentFirst = count;
      if (words > 0) onSentenceEnd();
      words = 0;
    }
    pending = PENDING_NONE;
  };

  /**
   * A token: the pending sentence end resolved as `tokenize`'s emit does. `norm` is needed only for words
   * (the sentence-opener test); `punctSep` says a punct token's norm is "," ";" or ":".
   */
  const emit = (
    start: number,
    end: number,
    kind: number,
    norm: string,
    title: boolean,
    firstLower: boolean,
    closing: boolean,
    punctSep: boolean,
  ): void => {
    if (pending !== PENDING_NONE && !closing) {
      if (pending === PENDING_TERMINAL) {
        if ((kind === K_WORD && firstLower) || (kind === K_PUNCT && punctSep)) {
          pending = PENDING_NONE;
        } else {
          closeSentence();
        }
      } else if (kind === K_WORD && title && SENTENCE_OPENERS.has(norm)) {
        closeSentence();
      } else {
        pending = PENDING_NONE;
      }
    }
    if (lineFirstStart < 0) lineFirstStart = start;
    lastEnd = end;
    count++;
  };

  const word = (start: number, end: number, norm: string, title: boolean, firstLower: boolean): void => {
    emit(start, end, K_WORD, norm, title, firstLower, false, false);
    words++;
    onWord(norm);
  };

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    let k = c < 128 ? TABLE[c] : classOf(c);

    // Whitespace, newlines and stray invisible characters between tokens.
    if (k === SPACE || k === NEWLINE || k === EXTEND) {
      let newlines = 0;
      while (i < n) {
        const d = text.charCodeAt(i);
        const kd = d < 128 ? TABLE[d] : classOf(d);
        if (kd === NEWLINE) {
          if (!(d === 0x0d && text.charCodeAt(i + 1) === 0x0a)) newlines++;
        } else if (kd !== SPACE && kd !== EXTEND) break;
        i++;
      }
      if (newlines >= 2) {
        closeSentence();
        openSingle = false;
      } else if (newlines === 1 && count > sentFirst && i < n) {
        const lineLen = lineFirstStart >= 0 ? lastEnd - lineFirstStart : 0;
        if (listMarkerAt(text, i) || (lineLen < SHORT_LINE && classAt(text, i) !== LOWER)) closeSentence();
      }
      if (newlines > 0) lineFirstStart = -1;
      continue;
    }

    if (k === HIGH_SURROGATE || k === LOW_SURROGATE) k = classAt(text, i);

    // Words (and URLs, e-mail addresses, domains, abbreviations that start like words).
    if (k === LOWER || k === UPPER || k === OTHER_LETTER) {
      // matchUrl wants "http", "ftp:" or "www." here: a word whose second letter rules them out (most of
      // them) skips it (and its slice).
      const c2 = i + 1 < n ? text.charCodeAt(i + 1) | 0x20 : 0;
      if (
        ((c === 0x68 || c === 0x48 || c === 0x66 || c === 0x46) && c2 === 0x74) ||
        ((c === 0x77 || c === 0x57) && c2 === 0x77)
      ) {
        const e = matchUrl(text, i);
        if (e > 0) {
          emit(i, e, K_SYMBOL, '', false, false, false, false);
          i = e;
          continue;
        }
      }
      let j = i;
      let up = 0;
      let lo = 0;
      let firstUp = false;
      let special = false;
      let nonAscii = false;
      let pure = true;
      while (j < n) {
        const d = text.charCodeAt(j);
        let kd = d < 128 ? TABLE[d] : classOf(d);
        if (kd === LOWER) {
          lo++;
          j++;
          continue;
        }
        if (kd === UPPER) {
          if (up + lo === 0) firstUp = true;
          up++;
          j++;
          continue;
        }
        if (d >= 128) nonAscii = true;
        if (kd === OTHER_LETTER) {
          j++;
          continue;
        }
        if (kd === DIGIT) {
          pure = false;
          j++;
          continue;
        }
        if (kd === EXTEND) {
          special = true;
          j++;
          continue;
        }
        if (kd === HIGH_SURROGATE) {
          kd = classAt(text, j);
          if (kd === LOWER) lo++;
          else if (kd === UPPER) {
            if (up + lo === 0) firstUp = true;
            up++;
          }
          if (isAlnumClass(kd) || kd === EXTEND) {
            j += 2;
            continue;
          }
          break;
        }
        if (kd === APOS) {
          if (j + 1 < n && isLetterClass(classAt(text, j + 1))) {
            if (d !== 0x27) special = true;
            pure = false;
            j++;
            continue;
          }
          break;
        }
        if (kd === HYPHEN) {
          if (j + 1 < n && isAlnumClass(classAt(text, j + 1))) {
            if (d !== 0x2d) special = true;
            pure = false;
            j++;
            continue;
          }
          break;
        }
        break;
      }
      const next = j < n ? text.charCodeAt(j) : -1;

      // Plural possessive: "officials’" (unless it closes an open single quote).
      if (
        (next === 0x27 || next === 0x2019) &&
        !openSingle &&
        (text.charCodeAt(j - 1) === 0x73 || text.charCodeAt(j - 1) === 0x53) &&
        (j + 1 >= n || !isAlnumClass(classAt(text, j + 1)))
      ) {
        if (next !== 0x27) special = true;
        j++;
        pure = false;
      } else if (next === 0x40 || next === 0x2e || next === 0x5f || next === 0x2b || next === 0x25) {
        // Possibly an e-mail address, a bare domain, a dotted acronym or an abbreviation.
        let e = matchEmail(text, i);
        if (e < 0 && next === 0x2e && !nonAscii) e = matchHost(text, i, true);
        if (e > 0) {
          emit(i, e, K_SYMBOL, '', false, false, false, false);
          i = e;
          continue;
        }
        if (next === 0x2e && pure) {
          let abbrEnd = -1;
          let ambiguous = true;
          if (j - i <= 2) abbrEnd = matchDotted(text, i);
          if (abbrEnd > 0) {
            // Recount case over the whole acronym.
            up = 0;
            lo = 0;
            firstUp = false;
            for (let m = i; m < abbrEnd; m++) {
              const km = classAt(text, m);
              if (km === UPPER) {
                if (up + lo === 0) firstUp = true;
                up++;
              } else if (km === LOWER) lo++;
            }
          } else {
            const lower = up === 0 ? text.slice(i, j) : text.slice(i, j).toLowerCase();
            if (ABBR_NEVER_FINAL.has(lower)) {
              abbrEnd = j + 1;
              ambiguous = false;
            } else if (ABBR_AMBIGUOUS.has(lower) || (j - i === 1 && up === 1)) {
              abbrEnd = j + 1;
            }
          }
          if (abbrEnd > 0) {
            let norm = text.slice(i, abbrEnd);
            if (up > 0) norm = norm.toLowerCase();
            if (ABBR_NEVER_FINAL.has(norm)) ambiguous = false;
            word(i, abbrEnd, norm, capsOf(up, lo, firstUp) === 'title', up === 0 && lo > 0);
            if (ambiguous) pending = PENDING_AMBIGUOUS;
            i = abbrEnd;
            continue;
          }
        }
      }

      const title = up > 0 && capsOf(up, lo, firstUp) === 'title';
      if (!special && !nonAscii) {
        // The norm is the text itself (no upper case) or its lower case: handed over as a span, so that the
        // word table can look it up without a string per word. The sentence-opener test needs the string.
        emit(
          i,
          j,
          K_WORD,
          title && pending === PENDING_AMBIGUOUS ? text.slice(i, j).toLowerCase() : '',
          title,
          k === LOWER,
          false,
          false,
        );
        words++;
        if (onSpan) onSpan(text, i, j, up > 0);
        else onWord(up > 0 ? text.slice(i, j).toLowerCase() : text.slice(i, j));
        i = j;
        continue;
      }
      let norm = text.slice(i, j);
      if (up > 0) norm = norm.toLowerCase();
      if (special) norm = norm.replace(RE_FOLD_WORD, foldWordChar);
      if (nonAscii) norm = norm.normalize('NFC');
      word(i, j, norm, title, k === LOWER);
      i = j;
      continue;
    }

    // Numbers: "2", "3.5", "1,000", ".5" after a space, with glued letters ("3rd", "1990s").
    if (
      k === DIGIT ||
      (c === 0x2e &&
        i + 1 < n &&
        classAt(text, i + 1) === DIGIT &&
        (i === 0 || classAt(text, i - 1) === SPACE || classAt(text, i - 1) === NEWLINE))
    ) {
      let j = i + (c >= 0xd800 && c < 0xdc00 ? 2 : 1);
      let up = 0;
      while (j < n) {
        const kd = classAt(text, j);
        if (kd === DIGIT) {
          j++;
          continue;
        }
        const d = text.charCodeAt(j);
        if ((d === 0x2e || d === 0x2c) && j + 1 < n && classAt(text, j + 1) === DIGIT) {
          j += 2;
          continue;
        }
        break;
      }
      while (j < n) {
        const kd = classAt(text, j);
        if (kd === UPPER) up++;
        else if (kd !== LOWER && kd !== OTHER_LETTER && kd !== DIGIT && kd !== EXTEND) break;
        j += isPairAt(text, j) ? 2 : 1;
      }
      emit(i, j, K_NUMBER, '', false, false, false, false);
      const s = text.slice(i, j);
      words++;
      onWord(numberWord(up > 0 ? s.toLowerCase() : s) ?? UNK);
      i = j;
      continue;
    }

    // Terminal punctuation runs: . ! ? … (one token), then a pending sentence end.
    if (isTerminalChar(c)) {
      let j = i + 1;
      while (j < n && isTerminalChar(text.charCodeAt(j))) j++;
      emit(i, j, K_PUNCT, '', false, false, false, false);
      pending = PENDING_TERMINAL;
      i = j;
      continue;
    }

    if (k === PUNCT || k === APOS || k === HYPHEN) {
      let j = i + 1;
      let closing = false;
      let opening = false;
      if (c === 0x2d) {
        while (j < n && text.charCodeAt(j) === 0x2d) j++;
      } else if (c === 0x22 || k === APOS) {
        // Straight quotes and apostrophes standing alone: opening after a space, start or open bracket.
        const prev = i > 0 ? text.charCodeAt(i - 1) : -1;
        const kp = i > 0 ? classAt(text, i - 1) : SPACE;
        const afterGap =
          kp === SPACE ||
          kp === NEWLINE ||
          isOpeningBracket(prev) ||
          prev === 0x2014 ||
          prev === 0x2013 ||
          prev === 0x22;
        if (c === 0x2018 || (afterGap && i + 1 < n && classAt(text, i + 1) !== SPACE)) opening = true;
        else closing = true;
        if (k === APOS) openSingle = opening;
      } else if (isClosingChar(c)) {
        closing = true;
      }
      // A punct token's norm is "," ";" or ":" only for that one ASCII character (punctNorm maps no other
      // character to them).
      const sep = c === 0x2c || c === 0x3b || c === 0x3a;
      emit(i, j, K_PUNCT, '', false, false, closing, sep);
      i = j;
      continue;
    }

    // Symbols: one ASCII symbol, or a run of non-ASCII symbols / emoji with their joiners and modifiers.
    {
      let j = i + (isPairAt(text, i) ? 2 : 1);
      if (c >= 128) {
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d < 128) break;
          const kd = classAt(text, j);
          if (kd !== SYMBOL && kd !== EXTEND) break;
          j += isPairAt(text, j) ? 2 : 1;
        }
      }
      emit(i, j, K_SYMBOL, '', false, false, false, false);
      i = j;
    }
  }
  closeSentence();
}

/**
 * `forEachTrainingWord` (corpus.ts) without Token objects: paragraphs (blank-line separated), huge ones a
 * line at a time, each walked by `trainingWordsOf`.
 */
export function forEachTrainingWordFast(
  text: string,
  onWord: (w: string) => void,
  onSentenceEnd: () => void,
  onSpan?: SpanSink,
): void {
  for (const para of text.split(/\n[^\S\n]*\n/)) {
    if (para.length > MAX_PARAGRAPH) {
      for (const line of para.split('\n')) trainingWordsOf(line, onWord, onSentenceEnd, onSpan);
    } else trainingWordsOf(para, onWord, onSentenceEnd, onSpan);
  }
}
