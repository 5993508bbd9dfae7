/**
 * The tokenizer: one pass over UTF-16 char codes, producing word / number / punct / symbol tokens and
 * sentence spans. Offsets are UTF-16 code units into the original string, half-open.
 *
 * Rules (kept deliberately simple and predictable; tests in test/tokenize.test.ts pin them down):
 * - Words start with a letter and continue over letters, digits, combining marks and invisible format
 *   characters (ZWJ, ZWSP, soft hyphen: dropped from `norm`).
 * - Clitics stay attached: an apostrophe (' ’ ‘ ʼ) between two letters is part of the word ("don't",
 *   "O’Brien"), and a trailing apostrophe after a final s is a plural possessive ("officials’") unless a
 *   single quote is open in the paragraph (then it closes that quote). `norm` folds every apostrophe to '.
 * - A hyphen (- U+2010 U+2011) between a letter/digit and a letter/digit joins: "brand-new" is one word,
 *   norm "brand-new". En and em dashes are punctuation (norm "-" and "--").
 * - Numbers start with a digit: "2", "3.5", "1,000" (a . or , between digits), and letters glued on stay
 *   in the token ("3rd", "1990s", "5km"), kind `number`. "10%" is the number "10" then punct "%".
 *   "3-year-old" is number "3", punct "-", word "year-old".
 * - Abbreviations keep their period in the token (text "Mr.", norm "mr."): a list of known ones, dotted
 *   acronyms ("U.S.", "e.g.", "Ph.D."), and single capital initials ("J."). Titles and e.g./i.e. never
 *   end a sentence; the rest ("etc.", "U.S.", "Inc.", "J.") end one only when the next word is a
 *   capitalised common sentence opener ("The", "He", "In", ...), or at a paragraph break.
 * - URLs (http://, https://, ftp://, www.), e-mail addresses and bare domains with a common TLD are one
 *   `symbol` token. Emoji and other symbol runs (with ZWJ / variation selectors) are one `symbol` token.
 * - Punctuation: runs of . ! ? … are one token, "--" is one token, everything else one char each.
 * - Sentences end after a run of . ! ? … plus any closing quotes/brackets, unless the next token starts
 *   with a lower-case letter or is , ; : . A blank line always ends a sentence (and resets quote state).
 *   A single newline ends one when the next line starts with a list marker (- * • # > 1. 1)), or when the
 *   line before it is short (< 40 code units, a heading or list item) and the next line does not start
 *   with a lower-case letter.
 * - `sentenceStart` is true on the first word or number of each sentence, and on the first word after an
 *   opening double quote that follows "," or ":" (He said, "The ...).
 * - `caps`: 'lower' (no upper-case letter, also for tokens without cased letters), 'title' (first cased
 *   letter upper, others lower; a lone capital like "I" or "A" is title), 'upper' (two or more cased
 *   letters, all upper), 'mixed' (anything else: "McDonald", "iPhone", "Brand-New").
 */
import type { Sentence, Token, TokenKind } from '../types.js';

// The character classes, tables and matchers below are exported (unchanged) for the training-word pass of
// `lm build` (src/lm/build/words.ts), which must split text exactly as `tokenize` does.

export interface TokenizeResult {
  tokens: Token[];
  sentences: Sentence[];
}

// Character classes.
export const UNKNOWN = 0;
export const SPACE = 1;
export const NEWLINE = 2;
export const LOWER = 3;
export const UPPER = 4;
export const OTHER_LETTER = 5;
export const DIGIT = 6;
export const APOS = 7;
export const HYPHEN = 8;
export const PUNCT = 9;
export const SYMBOL = 10;
export const EXTEND = 11;
export const HIGH_SURROGATE = 12;
export const LOW_SURROGATE = 13;

const RE_UPPER = /^[\p{Lu}\p{Lt}]$/u;
const RE_LOWER = /^\p{Ll}$/u;
const RE_LETTER = /^\p{L}$/u;
const RE_DIGIT = /^\p{Nd}$/u;
const RE_EXTEND = /^[\p{M}\p{Cf}]$/u;
const RE_SPACE = /^[\s\p{Cc}]$/u;
const RE_PUNCT = /^\p{P}$/u;

function computeClass(s: string, c: number): number {
  if (c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c || c === 0x85 || c === 0x2028 || c === 0x2029) {
    return NEWLINE;
  }
  if (c === 0x27 || c === 0x2019 || c === 0x2018 || c === 0x02bc) return APOS;
  if (c === 0x2d || c === 0x2010 || c === 0x2011) return HYPHEN;
  if (RE_UPPER.test(s)) return UPPER;
  if (RE_LOWER.test(s)) return LOWER;
  if (RE_LETTER.test(s)) return OTHER_LETTER;
  if (RE_DIGIT.test(s)) return DIGIT;
  if (RE_EXTEND.test(s)) return EXTEND;
  if (RE_SPACE.test(s)) return SPACE;
  if (RE_PUNCT.test(s)) return PUNCT;
  return SYMBOL;
}

/** Class of every BMP code unit, filled lazily (0 = not computed yet); ASCII eagerly. */
export const TABLE = new Uint8Array(65536);
for (let c = 0; c < 128; c++) TABLE[c] = computeClass(String.fromCharCode(c), c);
for (let c = 0xd800; c < 0xdc00; c++) TABLE[c] = HIGH_SURROGATE;
for (let c = 0xdc00; c < 0xe000; c++) TABLE[c] = LOW_SURROGATE;

export function classOf(c: number): number {
  const k = TABLE[c];
  if (k !== UNKNOWN) return k;
  const computed = computeClass(String.fromCharCode(c), c);
  TABLE[c] = computed;
  return computed;
}

const ASTRAL = new Map<number, number>();
/** Class of an astral code point (letters, digits, or symbol: everything else, emoji included). */
function astralClass(cp: number): number {
  let k = ASTRAL.get(cp);
  if (k === undefined) {
    const s = String.fromCodePoint(cp);
    k = RE_UPPER.test(s)
      ? UPPER
      : RE_LOWER.test(s)
        ? LOWER
        : RE_LETTER.test(s)
          ? OTHER_LETTER
          : RE_DIGIT.test(s)
            ? DIGIT
            : RE_EXTEND.test(s)
              ? EXTEND
              : SYMBOL;
    ASTRAL.set(cp, k);
  }
  return k;
}

/** Class at position j, resolving surrogate pairs (a lone surrogate is a symbol). */
export function classAt(text: string, j: number): number {
  const c = text.charCodeAt(j);
  const k = c < 128 ? TABLE[c] : classOf(c);
  if (k === HIGH_SURROGATE) {
    const d = text.charCodeAt(j + 1);
    if (d >= 0xdc00 && d < 0xe000) return astralClass(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
    return SYMBOL;
  }
  if (k === LOW_SURROGATE) return SYMBOL;
  return k;
}

/** Is there a valid surrogate pair at j? */
export function isPairAt(text: string, j: number): boolean {
  const c = text.charCodeAt(j);
  if (c < 0xd800 || c >= 0xdc00) return false;
  const d = text.charCodeAt(j + 1);
  return d >= 0xdc00 && d < 0xe000;
}

export function isLetterClass(k: number): boolean {
  return k === LOWER || k === UPPER || k === OTHER_LETTER;
}

export function isAlnumClass(k: number): boolean {
  return k === LOWER || k === UPPER || k === OTHER_LETTER || k === DIGIT;
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

/** Abbreviations (lower case, without the period) that never end a sentence. */
export const ABBR_NEVER_FINAL = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'messrs',
  'mmes',
  'rev',
  'hon',
  'gen',
  'gov',
  'sen',
  'rep',
  'col',
  'lt',
  'capt',
  'sgt',
  'cpl',
  'maj',
  'adm',
  'cmdr',
  'fr',
  'vs',
  'cf',
  'viz',
  'e.g.',
  'i.e.',
]);

/** Abbreviations that end a sentence only when a capitalised sentence opener follows. */
export const ABBR_AMBIGUOUS = new Set([
  'etc',
  'inc',
  'ltd',
  'co',
  'corp',
  'jr',
  'sr',
  'al',
  'st',
  'ave',
  'blvd',
  'mt',
  'dept',
  'univ',
  'est',
  'approx',
  'ca',
  'jan',
  'feb',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'tue',
  'tues',
  'thu',
  'thur',
  'thurs',
  'fri',
  'no',
  'nos',
  'vol',
  'vols',
  'fig',
  'figs',
  'eq',
  'eqs',
  'p',
  'pp',
  'ch',
  'sec',
  'ed',
  'eds',
  'op',
  'cit',
  'ibid',
  'hr',
  'hrs',
  'yr',
  'yrs',
  'ft',
]);

/** Capitalised words that, after an ambiguous abbreviation, mean a new sentence began. */
export const SENTENCE_OPENERS = new Set(
  (
    'the a an this that these those it its he she they we i you his her their our my there here in on at ' +
    'but and or so yet however for if when while after before as what which who why how some many most all ' +
    'not one each every both then also since although though because with by from to during under over ' +
    'today yesterday meanwhile moreover furthermore still such other another according despite instead ' +
    'later now once only thus therefore'
  ).split(' '),
);

const TLDS = new Set(['com', 'org', 'net', 'edu', 'gov', 'io', 'info', 'biz', 'uk', 'de', 'fr', 'ai', 'dev']);

// Sentence-end states.
export const PENDING_NONE = 0;
export const PENDING_TERMINAL = 1;
export const PENDING_AMBIGUOUS = 2;

/** Lines shorter than this (code units, first token to last) end a sentence at a single newline. */
export const SHORT_LINE = 40;

export const RE_FOLD_WORD = /[\u2018\u2019\u02bc\u2010\u2011\u00ad\u200b-\u200d\u2060\ufeff]/g;
export function foldWordChar(ch: string): string {
  switch (ch) {
    case '\u2018':
    case '\u2019':
    case '\u02bc':
      return "'";
    case '\u2010':
    case '\u2011':
      return '-';
    default:
      return '';
  }
}

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

export function isTerminalChar(c: number): boolean {
  return c === 0x2e || c === 0x21 || c === 0x3f || c === 0x2026;
}

export function isOpeningBracket(c: number): boolean {
  return c === 0x28 || c === 0x5b || c === 0x7b || c === 0x201c || c === 0x201e || c === 0xab || c === 0x2018;
}

export function isClosingChar(c: number): boolean {
  return c === 0x29 || c === 0x5d || c === 0x7d || c === 0x201d || c === 0xbb || c === 0x203a;
}

export function capsOf(up: number, lo: number, firstUp: boolean): Token['caps'] {
  if (up === 0) return 'lower';
  if (lo === 0) return up === 1 ? 'title' : 'upper';
  return firstUp && up === 1 ? 'title' : 'mixed';
}

/** Does a list or heading marker start at j ("- ", "* ", "• ", "# ", "> ", "12. ", "3) ")? */
export function listMarkerAt(text: string, j: number): boolean {
  const n = text.length;
  const c = text.charCodeAt(j);
  if (c === 0x2d || c === 0x2a || c === 0x2022 || c === 0x23 || c === 0x3e) {
    const d = text.charCodeAt(j + 1);
    return j + 1 >= n || d === 0x20 || d === 0x09 || (c === 0x23 && d === 0x23);
  }
  let k = j;
  while (k < n && k - j < 4 && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) k++;
  if (k === j || k >= n) return false;
  const d = text.charCodeAt(k);
  return (d === 0x2e || d === 0x29) && (k + 1 >= n || text.charCodeAt(k + 1) === 0x20);
}

/** End of a URL starting at i (http://, https://, ftp://, www.), or -1. */
export function matchUrl(text: string, i: number): number {
  const head = text.slice(i, i + 8).toLowerCase();
  let j: number;
  if (head.startsWith('https://')) j = i + 8;
  else if (head.startsWith('http://')) j = i + 7;
  else if (head.startsWith('ftp://')) j = i + 6;
  else if (head.startsWith('www.')) j = i + 4;
  else return -1;
  const n = text.length;
  if (j >= n || !isAlnumClass(classAt(text, j))) return -1;
  let parens = 0;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 0x20 || c === 0x3c || c === 0x3e || c === 0x22 || c === 0x60) break;
    const k = c < 128 ? TABLE[c] : classOf(c);
    if (k === SPACE || k === NEWLINE) break;
    if (c === 0x28) parens++;
    else if (c === 0x29) parens--;
    j++;
  }
  // Trailing punctuation belongs to the sentence, not the URL; ")" only when unbalanced.
  while (j > i) {
    const c = text.charCodeAt(j - 1);
    if (c === 0x29 && parens < 0) {
      parens++;
      j--;
    } else if (
      c === 0x2e ||
      c === 0x2c ||
      c === 0x3b ||
      c === 0x3a ||
      c === 0x21 ||
      c === 0x3f ||
      c === 0x27 ||
      c === 0x2019 ||
      c === 0x201d
    ) {
      j--;
    } else break;
  }
  return j;
}

/** End of a host name "label.label.tld" (ASCII letters, digits, hyphens) starting at i, or -1. */
export function matchHost(text: string, i: number, requireTld: boolean): number {
  const n = text.length;
  let j = i;
  let labels = 0;
  let lastLabelStart = i;
  for (;;) {
    const s = j;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (isAsciiAlnum(c) || c === 0x2d) j++;
      else break;
    }
    if (j === s) return -1;
    labels++;
    lastLabelStart = s;
    if (j + 1 < n && text.charCodeAt(j) === 0x2e && isAsciiAlnum(text.charCodeAt(j + 1))) j++;
    else break;
  }
  if (labels < 2) return -1;
  if (j < n && isAlnumClass(classAt(text, j))) return -1;
  const tld = text.slice(lastLabelStart, j);
  if (requireTld ? !TLDS.has(tld) : !/^[a-z]{2,}$/i.test(tld)) return -1;
  return j;
}

/** End of an e-mail address starting at i, or -1. */
export function matchEmail(text: string, i: number): number {
  const n = text.length;
  let j = i;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (isAsciiAlnum(c) || c === 0x2e || c === 0x5f || c === 0x25 || c === 0x2b || c === 0x2d) j++;
    else break;
  }
  if (j === i || j + 1 >= n || text.charCodeAt(j) !== 0x40) return -1;
  return matchHost(text, j + 1, false);
}

/** End of a dotted acronym ("U.S.", "e.g.", "Ph.D.") starting at i, or -1. */
export function matchDotted(text: string, i: number): number {
  const n = text.length;
  let k = i;
  let segments = 0;
  for (;;) {
    let m = 0;
    while (k + m < n && m < 3 && isLetterClass(classAt(text, k + m))) m++;
    if (m === 0 || m > 2 || k + m >= n || text.charCodeAt(k + m) !== 0x2e) break;
    k += m + 1;
    segments++;
  }
  if (segments < 2) return -1;
  if (k < n && isAlnumClass(classAt(text, k))) return -1;
  return k;
}

/** Split text into tokens and sentences in a single pass. See the module comment for the rules. */
export function tokenize(text: string): TokenizeResult {
  const tokens: Token[] = [];
  const sentences: Sentence[] = [];
  const n = text.length;

  let sentFirst = 0;
  let pending = PENDING_NONE;
  let needStart = true;
  let quoteStart = false;
  let openSingle = false;
  let lineFirstStart = -1;
  let lastEnd = 0;

  const closeSentence = (): void => {
    const count = tokens.length;
    if (count > sentFirst) {
      sentences.push({
        start: tokens[sentFirst].start,
        end: tokens[count - 1].end,
        firstToken: sentFirst,
        endToken: count,
      });
      sentFirst = count;
    }
    pending = PENDING_NONE;
    needStart = true;
    quoteStart = false;
  };

  const emit = (
    start: number,
    end: number,
    kind: TokenKind,
    norm: string,
    caps: Token['caps'],
    firstLower: boolean,
    closing: boolean,
  ): void => {
    if (pending !== PENDING_NONE && !closing) {
      if (pending === PENDING_TERMINAL) {
        if (
          (kind === 'word' && firstLower) ||
          (kind === 'punct' && (norm === ',' || norm === ';' || norm === ':'))
        ) {
          pending = PENDING_NONE;
        } else {
          closeSentence();
        }
      } else if (kind === 'word' && caps === 'title' && SENTENCE_OPENERS.has(norm)) {
        closeSentence();
      } else {
        pending = PENDING_NONE;
      }
    }
    let sentenceStart = false;
    if (kind === 'word' || kind === 'number') {
      if (needStart || (quoteStart && kind === 'word')) sentenceStart = true;
      needStart = false;
      quoteStart = false;
    } else if (kind === 'symbol') {
      quoteStart = false;
    }
    if (lineFirstStart < 0) lineFirstStart = start;
    lastEnd = end;
    tokens.push({
      start,
      end,
      text: text.slice(start, end),
      norm,
      kind,
      sentence: sentences.length,
      caps,
      sentenceStart,
    });
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
      } else if (newlines === 1 && tokens.length > sentFirst && i < n) {
        const lineLen = lineFirstStart >= 0 ? lastEnd - lineFirstStart : 0;
        if (listMarkerAt(text, i) || (lineLen < SHORT_LINE && classAt(text, i) !== LOWER)) closeSentence();
      }
      if (newlines > 0) lineFirstStart = -1;
      continue;
    }

    if (k === HIGH_SURROGATE || k === LOW_SURROGATE) k = classAt(text, i);

    // Words (and URLs, e-mail addresses, domains, abbreviations that start like words).
    if (k === LOWER || k === UPPER || k === OTHER_LETTER) {
      if (c === 0x68 || c === 0x48 || c === 0x77 || c === 0x57 || c === 0x66 || c === 0x46) {
        const e = matchUrl(text, i);
        if (e > 0) {
          const s = text.slice(i, e);
          emit(i, e, 'symbol', s.toLowerCase(), 'lower', false, false);
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
          emit(i, e, 'symbol', text.slice(i, e).toLowerCase(), 'lower', false, false);
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
            emit(i, abbrEnd, 'word', norm, capsOf(up, lo, firstUp), up === 0 && lo > 0, false);
            if (ambiguous) pending = PENDING_AMBIGUOUS;
            i = abbrEnd;
            continue;
          }
        }
      }

      let norm = text.slice(i, j);
      if (up > 0) norm = norm.toLowerCase();
      if (special) norm = norm.replace(RE_FOLD_WORD, foldWordChar);
      if (nonAscii) norm = norm.normalize('NFC');
      emit(i, j, 'word', norm, capsOf(up, lo, firstUp), k === LOWER, false);
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
      let lo = 0;
      let firstUp = false;
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
        if (kd === LOWER) lo++;
        else if (kd === UPPER) {
          if (up + lo === 0) firstUp = true;
          up++;
        } else if (kd !== OTHER_LETTER && kd !== DIGIT && kd !== EXTEND) break;
        j += isPairAt(text, j) ? 2 : 1;
      }
      const s = text.slice(i, j);
      emit(i, j, 'number', up > 0 ? s.toLowerCase() : s, capsOf(up, lo, firstUp), false, false);
      i = j;
      continue;
    }

    // Terminal punctuation runs: . ! ? … (one token), then a pending sentence end.
    if (isTerminalChar(c)) {
      let j = i + 1;
      while (j < n && isTerminalChar(text.charCodeAt(j))) j++;
      const s = text.slice(i, j);
      emit(i, j, 'punct', c === 0x2026 || s.includes('\u2026') ? punctNorm(s) : s, 'lower', false, false);
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
      } else if (isOpeningBracket(c)) {
        opening = true;
      }
      const s = text.slice(i, j);
      const isDoubleOpen = opening && (c === 0x22 || c === 0x201c || c === 0x201e || c === 0xab);
      const prevTok = tokens.length > sentFirst ? tokens[tokens.length - 1].norm : '';
      emit(i, j, 'punct', c < 128 ? s : punctNorm(s), 'lower', false, closing);
      if (isDoubleOpen && (prevTok === ',' || prevTok === ':')) quoteStart = true;
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
      emit(i, j, 'symbol', text.slice(i, j), 'lower', false, false);
      i = j;
    }
  }
  closeSentence();
  return { tokens, sentences };
}
