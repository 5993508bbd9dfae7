/**
 * Prose out of documentation sources: reStructuredText (Sphinx `_sources`), HTML and GNU Info files are
 * turned into paragraphs of running English, without code listings, literal blocks, API signatures,
 * tables, URLs, math markup or directive options. `isProse` then keeps the paragraphs that read like
 * English sentences. Pure functions of their input, so they are tested on small fixtures.
 */
import { createHash } from 'node:crypto';

/** Known-word test for the prose filter and for re-joining words hyphenated across a line break. */
export type IsWord = (lowerCaseWord: string) => boolean;

/** Stands for an inline formula or an unreadable code fragment inside a sentence ("where x is the mean"). */
const MATH_WORD = 'x';

/** Unicode normalisation: NFKC, ASCII quotes and dashes, no soft hyphens or zero-width characters. */
export function normalizeUnicode(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
    .replace(/[\u2010\u2011]/g, '-')
    .replace(/[\u2012\u2013\u2014\u2015\u2212]/g, ' - ')
    .replace(/\u2026/g, '...')
    .replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]/g, ' ');
}

/**
 * Join the lines of one paragraph. A word broken by a hyphen at a line end is re-joined when the joined
 * form is a known word ("compu-" + "tation"), otherwise the hyphen stays ("well-" + "known").
 */
export function joinLines(lines: readonly string[], isWord?: IsWord): string {
  let out = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (!out) {
      out = line;
      continue;
    }
    const broken = /([A-Za-z]+)-$/.exec(out);
    const next = /^([a-z]+)/.exec(line);
    if (broken && next) {
      const joined = (broken[1] + next[1]).toLowerCase();
      out = isWord?.(joined) ? out.slice(0, -1) + line : out + line;
    } else out += ` ${line}`;
  }
  return out.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------------------
// Inline markup

const URL = /\b(?:https?|ftp|file):\/\/[^\s<>"')\]]*[^\s<>"')\].,;:!?]|\bwww\.[a-z0-9-]+\.[^\s<>"')\]]+/gi;
const EMAIL = /\b[\w.+-]+@[\w-]+\.[\w.-]+\b/g;

/** Roles whose text is prose (a section title, a glossary term, a document title). */
const PROSE_ROLES = new Set(['ref', 'term', 'doc', 'abbr', 'dfn', 'emphasis', 'strong', 'title-reference']);
/** Roles that credit people or link issue trackers: no text in the sentence. */
const DROP_ROLES = new Set([
  'user',
  'pr',
  'issue',
  'commit',
  'gh',
  'ghissue',
  'ghpull',
  'doi',
  'arxiv',
  'cite',
]);

/** The readable text of an inline code fragment: a plain name stays ("fit"), anything else becomes `x`. */
function codeText(code: string): string {
  const c = code.trim().replace(/^~/, '').replace(/\(\)$/, '');
  const last = c.split('.').pop() ?? c;
  return /^[A-Za-z][A-Za-z0-9_-]*$/.test(last) ? last : MATH_WORD;
}

/** Strip reStructuredText inline markup, keeping the text a reader would see. */
export function cleanRstInline(s: string): string {
  return cleanPlainInline(
    s
      .replace(/:math:`[^`]*`/g, MATH_WORD)
      .replace(/(?::[\w-]+)+:`([^`]*)`/g, (_m, body: string) => {
        const role = _m.slice(0, _m.indexOf('`')).split(':').filter(Boolean).pop() ?? '';
        const titled = /^(.*?)\s*<[^<>]*>$/s.exec(body);
        if (DROP_ROLES.has(role)) return '';
        if (titled?.[1]) return PROSE_ROLES.has(role) ? titled[1] : codeText(titled[1]);
        return PROSE_ROLES.has(role) ? body.replace(/^~/, '') : codeText(body);
      })
      .replace(/``([^`]+)``/g, (_m, code: string) => codeText(code))
      .replace(/`([^`<]*?)\s*<[^`>]*>`_{1,2}/g, '$1')
      .replace(/`([^`]+)`_{1,2}/g, '$1')
      .replace(/`([^`]+)`/g, '$1')
      .replace(/\[[#*\w.-]*\]_/g, '')
      .replace(/\|[\w -]+\|_{0,2}/g, '')
      .replace(/\*\*([^*]+)\*\*/g, '$1')
      .replace(/\*([^*\s][^*]*)\*/g, '$1')
      .replace(/\b([A-Za-z]+)_\b/g, '$1')
      .replace(/\\(.)/g, '$1'),
  );
}

/** URLs, e-mail addresses and TeX math delimiters out of any text. */
export function cleanPlainInline(s: string): string {
  return s
    .replace(/\\\((.*?)\\\)/g, MATH_WORD)
    .replace(/\\\[.*?\\\]/g, ' ')
    .replace(/\$\$.*?\$\$/g, ' ')
    .replace(URL, ' ')
    .replace(EMAIL, ' ')
    .replace(/<\s*>/g, ' ')
    .replace(/\(\s*\)/g, ' ')
    .replace(/\s+([,.;:!?])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

// ---------------------------------------------------------------------------------------------------------
// reStructuredText

/** Directives whose body is prose (admonitions and the like); every other directive is skipped whole. */
const PROSE_DIRECTIVES = new Set([
  'note',
  'warning',
  'tip',
  'hint',
  'important',
  'caution',
  'attention',
  'danger',
  'error',
  'seealso',
  'admonition',
  'topic',
  'sidebar',
  'versionadded',
  'versionchanged',
  'deprecated',
  'container',
  'glossary',
]);

const SECTION_RULE = /^([=\-~^"'`#*+<>_:.])\1{2,}\s*$/;
const SIMPLE_TABLE_RULE = /^\s*=+(\s+=+)+\s*$/;
const BULLET = /^(\s*)((?:[-*+\u2022]|#\.|\d{1,3}[.)]|\(?[a-zA-Z][.)]|\(\d{1,3}\))\s+)/;
const FIELD = /^\s*:[^:\s][^:]*:(\s|$)/;

function indentOf(line: string): number {
  let n = 0;
  for (const ch of line) {
    if (ch === ' ') n++;
    else if (ch === '\t') n += 8 - (n % 8);
    else break;
  }
  return n;
}

/** Paragraphs of reStructuredText (a Sphinx `_sources` file or a plain .rst), markup removed. */
export function rstParagraphs(src: string, isWord?: IsWord): string[] {
  const lines = normalizeUnicode(src.replace(/\r\n?/g, '\n')).split('\n');
  const out: string[] = [];
  let para: string[] = [];
  let contIndent = -1;
  /** After a paragraph ending in "::", the indented block that follows is a literal block. */
  let literalAfter = -1;

  const flush = () => {
    if (para.length === 0) return;
    let text = joinLines(para, isWord);
    if (text.endsWith('::')) {
      literalAfter = contIndent;
      text = text.replace(/\s*::$/, '').replace(/([^\s])$/, '$1:');
      if (text === ':') text = '';
    }
    para = [];
    contIndent = -1;
    text = cleanRstInline(text);
    if (text) out.push(text);
  };
  /** Skip from line i on every line that is blank or indented deeper than `base`; returns the next line. */
  const skipBlock = (i: number, base: number): number => {
    let j = i;
    while (j < lines.length && (lines[j].trim() === '' || indentOf(lines[j]) > base)) j++;
    return j;
  };

  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') {
      flush();
      i++;
      continue;
    }
    const indent = indentOf(line);
    if (literalAfter >= 0) {
      const base = literalAfter;
      literalAfter = -1;
      if (indent > base) {
        i = skipBlock(i, base);
        continue;
      }
    }
    const trimmed = line.trim();
    // Explicit markup: directives, comments, targets, footnotes, substitution definitions.
    if (/^\.\.(\s|$)/.test(trimmed)) {
      flush();
      const directive = /^\.\.\s+([\w:-]+)::/.exec(trimmed);
      const name = directive?.[1].split(':').pop() ?? '';
      if (directive && PROSE_DIRECTIVES.has(name)) {
        // The body follows; its options are field lines and are skipped as such below.
        i++;
        continue;
      }
      i = skipBlock(i + 1, indent);
      continue;
    }
    if (SECTION_RULE.test(trimmed) && !SIMPLE_TABLE_RULE.test(line)) {
      // Underline (or overline) of a title: titles are headings, not sentences.
      para = [];
      contIndent = -1;
      i++;
      continue;
    }
    if (SIMPLE_TABLE_RULE.test(line)) {
      flush();
      i = skipSimpleTable(lines, i);
      continue;
    }
    if (/^[+|]/.test(trimmed) && (/^\+[-=+]+\+?$/.test(trimmed) || trimmed.startsWith('|'))) {
      flush();
      while (i < lines.length && /^\s*[+|]/.test(lines[i])) i++;
      continue;
    }
    if (FIELD.test(line)) {
      flush();
      i = skipBlock(i + 1, indent);
      continue;
    }
    if (/^(>>>|\.\.\.\s|In \[\d+\]:|\$ )/.test(trimmed)) {
      flush();
      while (i < lines.length && lines[i].trim() !== '') i++;
      continue;
    }
    const bullet = BULLET.exec(line);
    if (bullet) {
      flush();
      para = [line.slice(bullet[0].length)];
      contIndent = bullet[0].length;
      i++;
      continue;
    }
    if (para.length > 0 && indent !== contIndent) flush();
    if (para.length === 0) contIndent = indent;
    para.push(line);
    i++;
  }
  flush();
  return out;
}

/** Skip a simple table: border, rows, border (, rows, border); returns the line after it. */
function skipSimpleTable(lines: readonly string[], start: number): number {
  let i = start + 1;
  while (i < lines.length) {
    const isRule = SIMPLE_TABLE_RULE.test(lines[i]);
    i++;
    if (isRule && (i >= lines.length || lines[i].trim() === '')) return i;
  }
  return i;
}

// ---------------------------------------------------------------------------------------------------------
// HTML

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '-',
  mdash: ' - ',
  rsquo: "'",
  lsquo: "'",
  rdquo: '"',
  ldquo: '"',
  hellip: '...',
  times: 'x',
  minus: '-',
  para: ' ',
  copy: '(c)',
  shy: '',
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ' ';
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Elements removed with their content: code, tables, signatures, headings, navigation, math, scripts. */
const DROP_ELEMENTS = [
  'head',
  'script',
  'style',
  'pre',
  'table',
  'dt',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'nav',
  'header',
  'footer',
  'math',
  'svg',
  'textarea',
  'form',
  'button',
  'select',
  'object',
  'tt',
  'kbd',
  'samp',
];
const DROP_RE = DROP_ELEMENTS.map((t) => new RegExp(`<${t}(?:\\s[^>]*)?>[\\s\\S]*?</${t}\\s*>`, 'gi'));
const BLOCK_TAG =
  /<\/?(?:p|div|li|dd|dl|ul|ol|blockquote|br|hr|section|article|aside|tr|td|th|figure|figcaption|caption|center|main|body|html|details|summary)(?:\s[^>]*)?\/?>/gi;

/** Paragraphs of an HTML page's running text (Sphinx, Texinfo, DocBook or hand-written HTML). */
export function htmlParagraphs(html: string, isWord?: IsWord): string[] {
  let s = html;
  const body = s.search(/<body[\s>]/i);
  if (body >= 0) s = s.slice(body);
  s = s.replace(/<!--[\s\S]*?-->/g, ' ');
  // Inline math (MathJax) reads as one symbol; display math goes.
  s = s.replace(/<span class="math[^"]*">[\s\S]*?<\/span>/gi, ` ${MATH_WORD} `);
  s = s.replace(/<div class="math[^"]*">[\s\S]*?<\/div>/gi, '\n\n');
  // Code inside a sentence ("call <code>fit</code>") keeps a plain name only.
  s = s.replace(/<code(?:\s[^>]*)?>([\s\S]*?)<\/code>/gi, (_m, inner: string) =>
    codeText(decodeEntities(inner.replace(/<[^>]*>/g, ''))),
  );
  for (const re of DROP_RE) s = s.replace(re, '\n\n');
  s = s.replace(BLOCK_TAG, '\n\n').replace(/<[^>]*>/g, '');
  s = normalizeUnicode(decodeEntities(s));
  const out: string[] = [];
  for (const block of s.split(/\n[^\S\n]*\n/)) {
    const text = cleanPlainInline(joinLines(block.split('\n'), isWord)).replace(/\s*\u00b6\s*$/, '');
    if (text) out.push(text);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// GNU Info

/** Paragraphs of a GNU Info file: node headers, menus, examples (indented 5+) and definitions dropped. */
export function infoParagraphs(src: string, isWord?: IsWord): string[] {
  const out: string[] = [];
  for (const node of normalizeUnicode(src).split('\u001f')) {
    const lines = node.replace(/\r\n?/g, '\n').split('\n');
    let para: string[] = [];
    let inMenu = false;
    const flush = () => {
      if (para.length === 0) return;
      const minIndent = Math.min(...para.map(indentOf));
      const text = joinLines(para, isWord)
        .replace(/\*[Nn]ote\s+([^:]*?)::/g, '$1')
        .replace(/\*[Nn]ote\s+([^:]*?):\s*[^.,]*[.,]/g, '$1');
      para = [];
      if (minIndent >= 5) return;
      const clean = cleanPlainInline(text);
      if (clean) out.push(clean);
    };
    for (const line of lines) {
      const trimmed = line.trim();
      if (/^(File|Tag Table|End Tag Table|Indirect):/.test(trimmed) || trimmed === '') {
        flush();
        if (trimmed === '') inMenu = false;
        continue;
      }
      if (trimmed === '* Menu:') {
        flush();
        inMenu = true;
        continue;
      }
      if (inMenu || /^\*\s.*::/.test(trimmed)) continue;
      if (/^([*=\-.])\1{2,}$/.test(trimmed)) {
        para = []; // underline of a heading: the heading goes
        continue;
      }
      if (/^ -- \w/.test(line)) {
        flush();
        continue;
      }
      const bullet = /^\s*(?:\*|\d+\.)\s+/.exec(line);
      if (bullet && indentOf(line) < 5) {
        flush();
        para.push(' '.repeat(indentOf(line)) + line.slice(bullet[0].length));
        continue;
      }
      para.push(line);
    }
    flush();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Prose filter and deduplication

/** Words that nearly every English sentence of some length contains. */
const FUNCTION_WORDS = new Set(
  'the a an is are was were be been of to in on for with by and or that this these it its can may not as from at which will when if'.split(
    ' ',
  ),
);

export interface ProseOptions {
  /** Fewest words in a kept paragraph. */
  minWords: number;
  /** Least share of alphabetic words known to `isWord`. */
  minKnown: number;
  /** Most share of tokens that look like code (identifiers with _ . ( = /, camelCase). */
  maxCode: number;
}

export const DEFAULT_PROSE: ProseOptions = { minWords: 6, minKnown: 0.8, maxCode: 0.12 };

const CODE_TOKEN = /[_=(){}[\]<>\\/#@$%^|~`]|[a-z][A-Z]|\w\.\w|^-{1,2}\w|::/;

/**
 * Whether a paragraph reads as English prose: long enough, mostly known words, few code-like tokens,
 * some function words, and letters rather than symbols or digits.
 */
export function isProse(text: string, isWord: IsWord, opts: ProseOptions = DEFAULT_PROSE): boolean {
  const tokens = text.split(/\s+/).filter(Boolean);
  if (tokens.length < opts.minWords) return false;
  let words = 0;
  let known = 0;
  let code = 0;
  let fn = 0;
  for (const t of tokens) {
    if (CODE_TOKEN.test(t)) {
      code++;
      continue;
    }
    const w = t.replace(/^[("'[]+|[)"'\].,;:!?]+$/g, '');
    if (!/^[A-Za-z][A-Za-z'-]*$/.test(w)) continue;
    words++;
    const lower = w.toLowerCase();
    if (FUNCTION_WORDS.has(lower)) fn++;
    if (isWord(lower) || lower.split('-').every((p) => p === '' || isWord(p))) known++;
  }
  if (words < opts.minWords) return false;
  if (code / tokens.length > opts.maxCode) return false;
  if (known / words < opts.minKnown) return false;
  if (words / tokens.length < 0.7) return false;
  // Lists of names or keywords have no function words; real sentences have one every few words.
  if (fn < Math.max(1, Math.floor(words / 12))) return false;
  let letters = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) letters++;
  }
  return letters / text.length >= 0.65;
}

/** Deduplication key of a paragraph: its letters only, lower case, hashed (markup variants collide). */
export function paragraphKey(text: string): string {
  return createHash('sha1')
    .update(text.toLowerCase().replace(/[^a-z]+/g, ''))
    .digest('base64')
    .slice(0, 16);
}

/** Paragraphs not seen before (by `paragraphKey`), recording them in `seen`. */
export function dedupe(paragraphs: readonly string[], seen: Set<string>): string[] {
  const out: string[] = [];
  for (const p of paragraphs) {
    const k = paragraphKey(p);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(p);
  }
  return out;
}

/** Words in a paragraph as the corpus manifest counts them (alphabetic runs). */
export function countProseWords(text: string): number {
  return text.match(/[A-Za-z]+(?:['-][A-Za-z]+)*/g)?.length ?? 0;
}
