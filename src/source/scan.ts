/**
 * The token walk of the fingerprint pass: the same split into word, number, punct and symbol tokens, with
 * the same `norm`, as `tokenize` (src/text/tokenize.ts, whose tables and matchers it uses), without Token
 * or Sentence objects. Sentence boundaries play no part in fingerprints, so only the state that changes
 * how text is split is kept (an open single quote, which decides whether "dogs'" keeps its apostrophe).
 *
 * A word or number whose norm is a span of the text as it stands (or its ASCII lower case) is handed over
 * as that span, so the word table can find it without a string for it; other tokens carry their norm.
 *
 * It must stay in step with `tokenize`: test/source.test.ts checks token for token (kind, offsets, norm)
 * that both agree on the Brown corpus and on varied text with every token kind and rule. A change to the
 * tokenizer's rules has to be made here too (as in src/lm/build/words.ts, which walks text the same way).
 */
import {
  ABBR_AMBIGUOUS,
  ABBR_NEVER_FINAL,
  APOS,
  classAt,
  classOf,
  DIGIT,
  EXTEND,
  foldWordChar,
  HIGH_SURROGATE,
  HYPHEN,
  isAlnumClass,
  isLetterClass,
  isOpeningBracket,
  isPairAt,
  isTerminalChar,
  LOW_SURROGATE,
  LOWER,
  matchDotted,
  matchEmail,
  matchHost,
  matchUrl,
  NEWLINE,
  OTHER_LETTER,
  PUNCT,
  RE_FOLD_WORD,
  SPACE,
  SYMBOL,
  TABLE,
  UPPER,
} from '../text/tokenize.js';

/** Token kinds, numbered. */
export const T_WORD = 0;
export const T_NUMBER = 1;
export const T_PUNCT = 2;
export const T_SYMBOL = 3;

/** Receives the tokens of a text in order. */
export interface TokenSink {
  /**
   * A word or number token `text[start, end)`. Its norm is `norm` when given; when `norm` is null it is
   * the text of the span itself, lower-cased (`toLowerCase`) when `lower` is set.
   */
  word(kind: number, start: number, end: number, norm: string | null, lower: boolean): void;
  /** A punct or symbol token; its norm is `norm`, or the text of the span itself when `norm` is null. */
  other(kind: number, start: number, end: number, norm: string | null): void;
}

/** `tokenize`'s norm of a punctuation token with a non-ASCII character (typographic quotes and dashes). */
function punctNorm(s: string): string {
  let out = '';
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    switch (c) {
      case 0x2018:
      case 0x2019:
      case 0x201a:
      case 0x2032:
        out += "'";
        break;
      case 0x201c:
      case 0x201d:
      case 0x201e:
      case 0x00ab:
      case 0x00bb:
      case 0x2033:
        out += '"';
        break;
      case 0x2010:
      case 0x2011:
      case 0x2012:
      case 0x2013:
      case 0x2212:
        out += '-';
        break;
      case 0x2014:
      case 0x2015:
        out += '--';
        break;
      case 0x2026:
        out += '...';
        break;
      default:
        out += s[k];
    }
  }
  return out;
}

/** Hands every token of `text` to `sink`, split and normalised exactly as `tokenize(text)` does. */
export function scanTokens(text: string, sink: TokenSink): void {
  const n = text.length;
  let openSingle = false;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    let k = c < 128 ? TABLE[c] : classOf(c);

    // Whitespace, newlines and stray invisible characters between tokens; a blank line closes quotes.
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
      if (newlines >= 2) openSingle = false;
      continue;
    }

    if (k === HIGH_SURROGATE || k === LOW_SURROGATE) k = classAt(text, i);

    // Words (and URLs, e-mail addresses, domains, abbreviations that start like words).
    if (k === LOWER || k === UPPER || k === OTHER_LETTER) {
      // matchUrl wants "http", "ftp:" or "www." here: a word whose second letter rules them out skips it.
      const c2 = i + 1 < n ? text.charCodeAt(i + 1) | 0x20 : 0;
      if (
        ((c === 0x68 || c === 0x48 || c === 0x66 || c === 0x46) && c2 === 0x74) ||
        ((c === 0x77 || c === 0x57) && c2 === 0x77)
      ) {
        const e = matchUrl(text, i);
        if (e > 0) {
          sink.other(T_SYMBOL, i, e, text.slice(i, e).toLowerCase());
          i = e;
          continue;
        }
      }
      let j = i;
      let up = 0;
      let special = false;
      let nonAscii = false;
      let pure = true;
      while (j < n) {
        const d = text.charCodeAt(j);
        let kd = d < 128 ? TABLE[d] : classOf(d);
        if (kd === LOWER) {
          j++;
          continue;
        }
        if (kd === UPPER) {
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
          if (kd === UPPER) up++;
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
          sink.other(T_SYMBOL, i, e, text.slice(i, e).toLowerCase());
          i = e;
          continue;
        }
        if (next === 0x2e && pure) {
          let abbrEnd = -1;
          if (j - i <= 2) abbrEnd = matchDotted(text, i);
          if (abbrEnd > 0) {
            // Recount upper case over the whole acronym.
            up = 0;
            for (let m = i; m < abbrEnd; m++) if (classAt(text, m) === UPPER) up++;
          } else {
            const lower = up === 0 ? text.slice(i, j) : text.slice(i, j).toLowerCase();
            if (ABBR_NEVER_FINAL.has(lower) || ABBR_AMBIGUOUS.has(lower) || (j - i === 1 && up === 1)) {
              abbrEnd = j + 1;
            }
          }
          if (abbrEnd > 0) {
            sink.word(T_WORD, i, abbrEnd, null, up > 0);
            i = abbrEnd;
            continue;
          }
        }
      }

      if (!special && !nonAscii) {
        sink.word(T_WORD, i, j, null, up > 0);
      } else {
        let norm = text.slice(i, j);
        if (up > 0) norm = norm.toLowerCase();
        if (special) norm = norm.replace(RE_FOLD_WORD, foldWordChar);
        if (nonAscii) norm = norm.normalize('NFC');
        sink.word(T_WORD, i, j, norm, false);
      }
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
      sink.word(T_NUMBER, i, j, null, up > 0);
      i = j;
      continue;
    }

    // Terminal punctuation runs: . ! ? … (one token).
    if (isTerminalChar(c)) {
      let j = i + 1;
      let ellipsis = c === 0x2026;
      while (j < n && isTerminalChar(text.charCodeAt(j))) {
        if (text.charCodeAt(j) === 0x2026) ellipsis = true;
        j++;
      }
      sink.other(T_PUNCT, i, j, ellipsis ? punctNorm(text.slice(i, j)) : null);
      i = j;
      continue;
    }

    if (k === PUNCT || k === APOS || k === HYPHEN) {
      let j = i + 1;
      if (c === 0x2d) {
        while (j < n && text.charCodeAt(j) === 0x2d) j++;
      } else if (k === APOS) {
        // An apostrophe standing alone opens a single quote after a space, the start or an open bracket.
        const prev = i > 0 ? text.charCodeAt(i - 1) : -1;
        const kp = i > 0 ? classAt(text, i - 1) : SPACE;
        const afterGap =
          kp === SPACE ||
          kp === NEWLINE ||
          isOpeningBracket(prev) ||
          prev === 0x2014 ||
          prev === 0x2013 ||
          prev === 0x22;
        openSingle = c === 0x2018 || (afterGap && i + 1 < n && classAt(text, i + 1) !== SPACE);
      }
      sink.other(T_PUNCT, i, j, c < 128 ? null : punctNorm(text.slice(i, j)));
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
      sink.other(T_SYMBOL, i, j, null);
      i = j;
    }
  }
}
