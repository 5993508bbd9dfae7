/**
 * A spinner simulator: rewrites clean text the way article spinners do and records the gold alignment.
 *
 * Behaviour (each part switchable, everything driven by one seeded PRNG, so a seed gives the same output):
 * - A share `rate` of the content words (words not on the stopword list and not number words) is replaced.
 *   The text is segmented left to right, longest match first, into units: phrases of 2–4 words that are
 *   lexicon entries (when `phraseFirst`), else single content words with synonyms. Units are then drawn in
 *   random order until the share is reached; a phrase unit is replaced as a whole or not at all.
 * - The replacement is drawn uniformly from the original's whole synonym list, whatever the sense or the part
 *   of speech ("network" → "organization"), filtered only by `pairs`, then re-inflected to the observed form
 *   and given the original's capitalisation.
 * - `isTerm` (off unless given): fixed two-word terms are spun first, both words at once ("breast cancer" →
 *   "bosom disease"), as paper mills make tortured phrases.
 * - `protectCapitalised`: capitalised words not at a sentence start (names, acronyms) are left alone.
 * - `numbers`: number words two … twenty, thirty … ninety become digits ("two" → "2").
 * - `fillers`: "have/has/had" + participle → "have actually", "the same" → "the exact same", "worse" →
 *   "even worse", "likely" → "most likely", "later" → "later on".
 * - `spelling`: US ↔ UK spelling by suffix rules (-ize/-ise, -or/-our, -er/-re, -og/-ogue, -eled/-elled).
 * - Function words are never replaced; hyphenated compounds, words with apostrophes or glued to digits,
 *   slashes or @ are left alone.
 * - `pairs`: 'any' draws from all synonyms; 'in-lexicon' only from pairs the engine's lexicon keeps when it
 *   runs with the held-out slice excluded; 'out-of-lexicon' only from held-out pairs, unknown to such an engine.
 *
 * Offsets in the result are UTF-16 code units, half-open: `start`/`end` into the spun text,
 * `originalStart`/`originalEnd` into the input.
 */

import { NUMBER_WORD_DIGITS } from '../src/detect/channels.js';
import {
  analyze,
  type Form,
  inflect,
  inflectPhrase,
  isHeldOutPair,
  loadLexicon,
} from '../src/lexicon/index.js';
import type { Lexicon } from '../src/lexicon/types.js';
import { mulberry32, type Rng, shuffle } from './prng.js';

export type PairMode = 'any' | 'in-lexicon' | 'out-of-lexicon';
export type SpinKind = 'word' | 'phrase' | 'term' | 'number' | 'filler' | 'spelling';

/** Morphology the simulator needs: lemma readings of a word and re-inflection of a lemma or phrase. */
export interface SpinMorph {
  /** Readings of a lower-case word, most likely first; `form` is opaque and only passed back to inflect. */
  analyze(word: string, isKnown: (lemma: string) => boolean): ReadonlyArray<{ lemma: string; form: unknown }>;
  inflect(lemma: string, form: unknown): string;
  inflectPhrase(phrase: string, form: unknown): string;
}

/** The lexicon (full, held-out slice included), the held-out test and the morphology. */
export interface SpinResources {
  lexicon: Lexicon;
  isHeldOutPair(a: string, b: string): boolean;
  morph: SpinMorph;
}

export interface SpinOptions {
  seed: number;
  /** Share of content words to replace, 0..1 (default 0.3). */
  rate?: number;
  /** Replace lexicon phrases (2–4 words) as units before single words (default true); false: words only. */
  phraseFirst?: boolean;
  /** Leave capitalised words that are not at a sentence start alone (default true). */
  protectCapitalised?: boolean;
  /** Number words to digits: true (every one, the default), false, or a probability per number word. */
  numbers?: boolean | number;
  /** Filler insertions: true (probability 0.5 per place, the default), false, or a probability. */
  fillers?: boolean | number;
  /** US/UK spelling swaps: true (probability 0.5 per applicable word, the default), false, or a probability. */
  spelling?: boolean | number;
  /** Which synonym pairs to draw from (default 'any'). */
  pairs?: PairMode;
  /**
   * Relative weight of a replacement (lemma or phrase) given its 0-based rank in the original's synonym
   * list (the thesaurus order, WordNet first); when given, synonyms are drawn in proportion to it instead
   * of uniformly. Real spinners favour common words and a thesaurus's first entries: pass a weight for that.
   */
  weight?: (replacement: string, rank: number) => number;
  /** Lexicon and morphology; default `defaultSpinResources()` (the shipped lexicon, held-out slice included). */
  resources?: SpinResources;
  /**
   * Fixed two-word terms, the way paper mills spin them: when given, a pair of adjacent content words for
   * which `isTerm(first, second)` holds (lower case) is one unit whose words are both replaced by synonyms
   * ("breast cancer" → "bosom disease"), recorded as one span of kind 'term'. Such units are drawn before
   * all others, as a mill goes for the terms of a paper. Default: none.
   */
  isTerm?: (first: string, second: string) => boolean;
}

export interface SpinSpan {
  /** Offsets of the substituted text in the spun text. */
  start: number;
  end: number;
  /** The spun text of the span. */
  text: string;
  /** The text it replaced. */
  original: string;
  /** Offsets of the replaced text in the input. */
  originalStart: number;
  originalEnd: number;
  kind: SpinKind;
  /** For word and phrase substitutions: the pair is in the lexicon's held-out slice. False for other kinds. */
  heldOut: boolean;
}

export interface SpinResult {
  text: string;
  spans: SpinSpan[];
  /** Content words in the input (the denominator of the rate). */
  contentWords: number;
  /** Content words covered by word and phrase substitutions. */
  replacedContentWords: number;
  /** replacedContentWords / contentWords: the rate achieved (below `rate` when too few words have synonyms). */
  achievedRate: number;
}

let defaultResources: SpinResources | undefined;

/** The shipped lexicon with its held-out slice included, and the lexicon's morphology (loaded once). */
export function defaultSpinResources(): SpinResources {
  defaultResources ??= {
    lexicon: loadLexicon(undefined, { holdout: 'include' }),
    isHeldOutPair,
    morph: {
      analyze: (word, isKnown) => analyze(word, isKnown),
      inflect: (lemma, form) => inflect(lemma, form as Form),
      inflectPhrase: (phrase, form) => inflectPhrase(phrase, form as Form),
    },
  };
  return defaultResources;
}

// ---------------------------------------------------------------------------------------------------------
// Word lists

/** Function words: never replaced, not counted as content words. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but nor so yet if then else than that this these those there here where when while ' +
    'who whom whose which what why how whether because since until unless although though as at by for ' +
    'from in into of off on onto out over per to toward towards under up upon with within without about ' +
    'above across after against along among around before behind below beneath beside besides between ' +
    'beyond down during except inside like near outside past through throughout till via i me my mine ' +
    'myself we us our ours ourselves you your yours yourself yourselves he him his himself she her hers ' +
    'herself it its itself they them their theirs themselves one ones be am is are was were been being ' +
    'have has had having do does did doing done will would shall should can could may might must ought ' +
    'not no yes all any both each either neither every few many much more most less least some such ' +
    'other another own same very too also just only even still already again ever never always often ' +
    'ago now then once soon quite rather almost enough else anyone anything everyone everything nobody ' +
    'nothing someone something somebody everybody anybody none whoever whatever whichever mr mrs ms dr ' +
    'st let get got gets oh well'
  ).split(' '),
);

/** Number words the simulated spinner writes as digits ("zero" and "one" are left alone). */
export const NUMBER_WORDS: Readonly<Record<string, string>> = Object.fromEntries(
  [...NUMBER_WORD_DIGITS].filter(([w]) => w !== 'zero' && w !== 'one'),
);

/** Fillers inserted before or after a host word. */
const FILLER_AFTER: Readonly<Record<string, string>> = { later: 'on' };
const FILLER_BEFORE: Readonly<Record<string, string>> = { worse: 'even', likely: 'most' };
const AUXILIARIES = new Set(['have', 'has', 'had']);
const IRREGULAR_PARTICIPLES = new Set(
  (
    'been done made said seen gone got gotten had known taken given found told thought brought bought ' +
    'come become run won lost left kept held met paid put set sent spent built heard led read felt meant ' +
    'shown grown written begun chosen spoken stood understood taught caught fought sought'
  ).split(' '),
);

// US ↔ UK spelling.
const OR_STEMS = (
  'col hon fav lab neighb behavi hum flav harb rum vap arm endeav savi val vig rig od tum parl clam cand ' +
  'ferv splend'
).split(' ');
const OR_SUFFIXES = [
  '',
  's',
  'ed',
  'ing',
  'able',
  'ite',
  'ites',
  'ful',
  'less',
  'hood',
  'hoods',
  'er',
  'ers',
];
const ER_STEMS = 'cent theat fib lit calib somb sab spect lust meag'.split(' ');
const OG_STEMS = 'catal dial anal prol monol epil'.split(' ');
const L_STEMS =
  'travel cancel label model fuel signal level marvel total channel counsel dial jewel tunnel quarrel shovel rival'.split(
    ' ',
  );
const IZE_EXCEPTIONS = new Set(['capsize', 'downsize', 'outsize', 'oversize', 'supersize', 'bitesize']);
const WHOLE_WORD_SPELLING: Readonly<Record<string, string>> = {
  defense: 'defence',
  offense: 'offence',
  gray: 'grey',
  defence: 'defense',
  offence: 'offense',
  grey: 'gray',
};

function buildSpellingMap(): Map<string, string> {
  const m = new Map<string, string>(Object.entries(WHOLE_WORD_SPELLING));
  const pair = (a: string, b: string) => {
    m.set(a, b);
    m.set(b, a);
  };
  for (const s of OR_STEMS) for (const suf of OR_SUFFIXES) pair(`${s}or${suf}`, `${s}our${suf}`);
  for (const s of ER_STEMS) for (const suf of ['', 's']) pair(`${s}er${suf}`, `${s}re${suf}`);
  for (const s of OG_STEMS) for (const suf of ['', 's']) pair(`${s}og${suf}`, `${s}ogue${suf}`);
  for (const s of L_STEMS) {
    for (const suf of ['ed', 'ing', 'er', 'ers']) pair(`${s}${suf}`, `${s}l${suf}`);
  }
  return m;
}

const SPELLING_MAP = buildSpellingMap();

/** The other spelling of a lower-case word, or undefined. `isKnown` vets -ise → -ize swaps. */
export function swapSpelling(word: string, isKnown: (lemma: string) => boolean): string | undefined {
  const direct = SPELLING_MAP.get(word);
  if (direct) return direct;
  const ize = /^([a-z]{3,})iz(e|es|ed|ing|ation|ations|er|ers)$/.exec(word);
  if (ize && !IZE_EXCEPTIONS.has(`${ize[1]}ize`)) return `${ize[1]}is${ize[2]}`;
  const ise = /^([a-z]{3,})is(e|es|ed|ing|ation|ations)$/.exec(word);
  if (ise && isKnown(`${ise[1]}ize`)) return `${ise[1]}iz${ise[2]}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Tokens

interface Tok {
  start: number;
  end: number;
  text: string;
  lower: string;
  caps: 'lower' | 'title' | 'upper' | 'mixed';
  sentenceStart: boolean;
  /** Neighbouring characters make it part of something larger (hyphenated compound, URL, number). */
  glued: boolean;
  /** Only a single space separates this token from the next one. */
  spaceAfter: boolean;
}

const WORD_RE = /[A-Za-z]+(?:['’][A-Za-z]+)*/g;
const OK_BEFORE = /[\s"'(\u201c\u2018[]/;
const OK_AFTER = /[\s.,;:!?"')\u201d\u2019\]]/;

function capsOf(w: string): Tok['caps'] {
  if (w === w.toLowerCase()) return 'lower';
  if (w.length > 1 && w === w.toUpperCase()) return 'upper';
  if (w[0] === w[0].toUpperCase() && w.slice(1) === w.slice(1).toLowerCase()) return 'title';
  return 'mixed';
}

function tokenizeWords(text: string): Tok[] {
  const toks: Tok[] = [];
  for (const m of text.matchAll(WORD_RE)) {
    const start = m.index;
    const end = start + m[0].length;
    const before = start > 0 ? text[start - 1] : ' ';
    const after = end < text.length ? text[end] : ' ';
    // A period after the word that is followed by a letter or digit (U.S., e.g.) glues it too.
    const glued =
      !OK_BEFORE.test(before) ||
      !OK_AFTER.test(after) ||
      (after === '.' && /[A-Za-z0-9]/.test(text[end + 1] ?? ' ')) ||
      m[0].includes("'") ||
      m[0].includes('’');
    // Sentence start: only quotes/brackets/space between the previous sentence end (or text start) and here.
    let k = start - 1;
    while (k >= 0 && /[\s"'(\u201c\u2018[]/.test(text[k]) && text[k] !== '\n') k--;
    const sentenceStart = k < 0 || /[.!?\n]/.test(text[k]);
    toks.push({
      start,
      end,
      text: m[0],
      lower: m[0].toLowerCase(),
      caps: capsOf(m[0]),
      sentenceStart,
      glued,
      spaceAfter: false,
    });
  }
  for (let i = 0; i + 1 < toks.length; i++)
    toks[i].spaceAfter = text.slice(toks[i].end, toks[i + 1].start) === ' ';
  return toks;
}

function matchCaps(replacement: string, caps: Tok['caps']): string {
  if (caps === 'title') return replacement.charAt(0).toUpperCase() + replacement.slice(1);
  if (caps === 'upper') return replacement.toUpperCase();
  return replacement;
}

// ---------------------------------------------------------------------------------------------------------
// The simulator

interface Op {
  /** Token range [first, last] replaced by the op (for fillers: the host word). */
  first: number;
  last: number;
  replacement: string;
  kind: SpinKind;
  heldOut: boolean;
}

interface Unit {
  first: number;
  last: number;
  content: number;
  /** Lexicon entry id of the original (lemma or phrase) and the form to re-inflect to. */
  id: number;
  lemma: string;
  form: unknown;
  kind: 'word' | 'phrase' | 'term';
  /** Candidate replacement entry ids (already filtered by pair mode; none for a term). */
  candidates: number[];
  /** A term's two word units, each replaced on its own. */
  parts?: [Unit, Unit];
}

function probability(v: boolean | number | undefined, dflt: number): number {
  if (v === undefined || v === true) return dflt;
  if (v === false) return 0;
  return Math.min(1, Math.max(0, v));
}

/** Items in a random order where heavier items tend to come first (Efraimidis–Spirakis keys). */
function weightedOrder(items: readonly number[], weight: (item: number) => number, rng: Rng): number[] {
  const keyed = items.map((item) => ({ item, key: Math.log(rng()) / Math.max(1e-300, weight(item)) }));
  keyed.sort((a, b) => b.key - a.key);
  return keyed.map((k) => k.item);
}

export function simulateSpin(text: string, options: SpinOptions): SpinResult {
  const { lexicon, isHeldOutPair, morph } = options.resources ?? defaultSpinResources();
  const rng: Rng = mulberry32(options.seed);
  const rate = Math.min(1, Math.max(0, options.rate ?? 0.3));
  const phraseFirst = options.phraseFirst ?? true;
  const protectCaps = options.protectCapitalised ?? true;
  const pNumbers = probability(options.numbers, 1);
  const pFillers = probability(options.fillers, 0.5);
  const pSpelling = probability(options.spelling, 0.5);
  const mode = options.pairs ?? 'any';
  const isKnown = (lemma: string) => lexicon.lookup(lemma) >= 0;

  const toks = tokenizeWords(text);
  const used = new Uint8Array(toks.length);
  const ops: Op[] = [];

  const isNumberWord = (t: Tok) => NUMBER_WORDS[t.lower] !== undefined;
  const isContent = (t: Tok) => !STOPWORDS.has(t.lower) && !isNumberWord(t);
  /** May the spinner touch this token at all? */
  const touchable = (t: Tok) =>
    !t.glued &&
    (t.caps === 'lower' || (t.caps === 'title' && t.sentenceStart) || (!protectCaps && t.caps !== 'mixed'));

  const contentWords = toks.filter(isContent).length;

  // 1. Number words.
  if (pNumbers > 0) {
    toks.forEach((t, i) => {
      if (isNumberWord(t) && !t.glued && t.caps !== 'mixed' && rng() < pNumbers) {
        used[i] = 1;
        ops.push({ first: i, last: i, replacement: NUMBER_WORDS[t.lower], kind: 'number', heldOut: false });
      }
    });
  }

  // 2. Segment into substitutable units, longest match first.
  const filterCandidates = (origText: string, ids: readonly number[]): number[] => {
    if (mode === 'any') return [...ids];
    const want = mode === 'out-of-lexicon';
    return ids.filter((id) => isHeldOutPair(origText, lexicon.text(id)) === want);
  };
  const units: Unit[] = [];
  const maxL = Math.min(4, lexicon.maxPhraseWords);
  let i = 0;
  while (i < toks.length) {
    let unit: Unit | undefined;
    if (options.isTerm) unit = termUnit(i);
    if (phraseFirst && !unit) {
      for (let L = Math.min(maxL, toks.length - i); L >= 2 && !unit; L--) {
        const span = toks.slice(i, i + L);
        if (span.some((t, k) => used[i + k] || !touchable(t) || (k < L - 1 && !t.spaceAfter))) continue;
        if (span.some((t, k) => k > 0 && t.sentenceStart)) continue;
        const content = span.filter(isContent).length;
        if (content === 0) continue;
        unit = phraseUnit(span, i, content);
      }
    }
    if (!unit && !used[i] && touchable(toks[i]) && isContent(toks[i])) unit = wordUnit(toks[i], i);
    if (unit) {
      units.push(unit);
      i = unit.last + 1;
    } else i++;
  }

  function phraseUnit(span: Tok[], first: number, content: number): Unit | undefined {
    const words = span.map((t) => t.lower);
    const tries: Array<{ lemma: string; form: unknown }> = [{ lemma: words.join(' '), form: undefined }];
    // Inflected head: first word ("came up with") or last word ("neural networks").
    for (const a of morph.analyze(words[0], isKnown)) {
      tries.push({ lemma: [a.lemma, ...words.slice(1)].join(' '), form: a.form });
    }
    for (const a of morph.analyze(words[words.length - 1], isKnown)) {
      tries.push({ lemma: [...words.slice(0, -1), a.lemma].join(' '), form: a.form });
    }
    for (const t of tries) {
      const id = lexicon.lookup(t.lemma);
      if (id < 0) continue;
      const candidates = filterCandidates(t.lemma, lexicon.synonyms(id));
      if (candidates.length === 0) continue;
      return {
        first,
        last: first + span.length - 1,
        content,
        id,
        lemma: t.lemma,
        form: t.form,
        kind: 'phrase',
        candidates,
      };
    }
    return undefined;
  }

  function termUnit(idx: number): Unit | undefined {
    const a = toks[idx];
    const b = toks[idx + 1];
    if (!b || used[idx] || used[idx + 1] || !a.spaceAfter || b.sentenceStart) return undefined;
    if (!touchable(a) || !touchable(b) || !isContent(a) || !isContent(b)) return undefined;
    if (!options.isTerm?.(a.lower, b.lower)) return undefined;
    const first = wordUnit(a, idx);
    const second = first && wordUnit(b, idx + 1);
    if (!first || !second) return undefined;
    return { ...first, last: idx + 1, content: 2, kind: 'term', candidates: [], parts: [first, second] };
  }

  function wordUnit(t: Tok, idx: number): Unit | undefined {
    for (const a of morph.analyze(t.lower, isKnown)) {
      const id = lexicon.lookup(a.lemma);
      if (id < 0) continue;
      const candidates = filterCandidates(a.lemma, lexicon.synonyms(id));
      if (candidates.length === 0) continue;
      return {
        first: idx,
        last: idx,
        content: 1,
        id,
        lemma: a.lemma,
        form: a.form,
        kind: 'word',
        candidates,
      };
    }
    return undefined;
  }

  // 3. Draw units in random order until the share of content words is reached.
  const target = Math.round(rate * contentWords);
  let replaced = 0;
  const shuffled = shuffle(
    units.map((_, k) => k),
    rng,
  );
  const order = [
    ...shuffled.filter((k) => units[k].kind === 'term'),
    ...shuffled.filter((k) => units[k].kind !== 'term'),
  ];
  const chosen: Unit[] = [];
  for (const k of order) {
    if (replaced >= target) break;
    chosen.push(units[k]);
    replaced += units[k].content;
  }
  chosen.sort((a, b) => a.first - b.first);
  let replacedContent = 0;
  /** A synonym for unit `u` in its observed form, or undefined when every try gives back the observed text. */
  function replace(u: Unit): { text: string; pick: number } | undefined {
    const observed = toks
      .slice(u.first, u.last + 1)
      .map((t) => t.lower)
      .join(' ');
    // Uniform (or weighted) choice; retry a few times when re-inflection gives back the observed text.
    let tries: number[];
    if (options.weight) {
      const weight = options.weight;
      const rank = new Map(lexicon.synonyms(u.id).map((id, k) => [id, k]));
      tries = weightedOrder(u.candidates, (c) => weight(lexicon.text(c), rank.get(c) ?? 0), rng);
    } else tries = shuffle([...u.candidates], rng);
    for (const c of tries.slice(0, 8)) {
      const lemma = lexicon.text(c);
      const inflected =
        u.form === undefined
          ? lemma
          : lemma.includes(' ')
            ? morph.inflectPhrase(lemma, u.form)
            : morph.inflect(lemma, u.form);
      if (inflected && inflected.toLowerCase() !== observed) return { text: inflected, pick: c };
    }
    return undefined;
  }

  for (const u of chosen) {
    let replacement: string;
    let heldOut: boolean;
    if (u.parts) {
      // A term is spun only when both of its words can be.
      const [a, b] = u.parts;
      const ra = replace(a);
      const rb = ra && replace(b);
      if (!ra || !rb) continue;
      replacement = `${matchCaps(ra.text, toks[a.first].caps)} ${rb.text}`;
      heldOut =
        isHeldOutPair(a.lemma, lexicon.text(ra.pick)) || isHeldOutPair(b.lemma, lexicon.text(rb.pick));
    } else {
      const r = replace(u);
      if (!r) continue;
      replacement = matchCaps(r.text, toks[u.first].caps);
      heldOut = isHeldOutPair(u.lemma, lexicon.text(r.pick));
    }
    for (let k = u.first; k <= u.last; k++) used[k] = 1;
    replacedContent += u.content;
    ops.push({ first: u.first, last: u.last, replacement, kind: u.kind, heldOut });
  }

  // 4. Spelling swaps on untouched content words.
  if (pSpelling > 0) {
    toks.forEach((t, k) => {
      if (used[k] || !touchable(t) || !isContent(t)) return;
      const other = swapSpelling(t.lower, isKnown);
      if (other && rng() < pSpelling) {
        used[k] = 1;
        ops.push({
          first: k,
          last: k,
          replacement: matchCaps(other, t.caps),
          kind: 'spelling',
          heldOut: false,
        });
      }
    });
  }

  // 5. Fillers around untouched host words.
  if (pFillers > 0) {
    toks.forEach((t, k) => {
      if (used[k] || t.glued || t.caps === 'mixed') return;
      let replacement: string | undefined;
      const next = toks[k + 1];
      const prev = toks[k - 1];
      if (AUXILIARIES.has(t.lower) && next && t.spaceAfter && isParticiple(next.lower)) {
        replacement = `${t.text} actually`;
      } else if (t.lower === 'same' && prev && prev.lower === 'the' && prev.spaceAfter) {
        replacement = `exact ${t.text}`;
      } else if (FILLER_AFTER[t.lower]) {
        replacement = `${t.text} ${FILLER_AFTER[t.lower]}`;
      } else if (FILLER_BEFORE[t.lower]) {
        replacement = matchCaps(`${FILLER_BEFORE[t.lower]} ${t.lower}`, t.caps);
      }
      if (replacement && rng() < pFillers) {
        used[k] = 1;
        ops.push({ first: k, last: k, replacement, kind: 'filler', heldOut: false });
      }
    });
  }

  // 6. Apply.
  ops.sort((a, b) => a.first - b.first);
  let out = '';
  let pos = 0;
  const spans: SpinSpan[] = [];
  for (const op of ops) {
    const oStart = toks[op.first].start;
    const oEnd = toks[op.last].end;
    out += text.slice(pos, oStart);
    const start = out.length;
    out += op.replacement;
    spans.push({
      start,
      end: out.length,
      text: op.replacement,
      original: text.slice(oStart, oEnd),
      originalStart: oStart,
      originalEnd: oEnd,
      kind: op.kind,
      heldOut: op.heldOut,
    });
    pos = oEnd;
  }
  out += text.slice(pos);
  return {
    text: out,
    spans,
    contentWords,
    replacedContentWords: replacedContent,
    achievedRate: contentWords ? replacedContent / contentWords : 0,
  };
}

function isParticiple(w: string): boolean {
  return IRREGULAR_PARTICIPLES.has(w) || (w.length > 4 && /(?:ed|en)$/.test(w));
}
