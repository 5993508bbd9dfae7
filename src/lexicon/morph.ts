/**
 * English lemmatiser and re-inflector.
 *
 * `analyze` maps an observed word to every plausible (lemma, form) reading; `inflect` and `inflectPhrase`
 * put a lemma or phrase back into a given form. Irregular forms come from `data/irregular.tsv` (WordNet's
 * exception lists plus a curated table of irregular verbs, built by `scripts/build-lexicon.ts`); everything
 * else is suffix rules.
 */
import { readFileSync } from 'node:fs';
import { dataPath } from '../data.js';
import { UnspinError } from '../errors.js';
import { POS } from './types.js';

export type Form =
  | 'base'
  | 'plural'
  | 'possessive'
  | '3sg'
  | 'past'
  | 'pastpart'
  | 'gerund'
  | 'comparative'
  | 'superlative';

/** Every form, in a fixed order. */
export const FORMS: readonly Form[] = [
  'base',
  'plural',
  'possessive',
  '3sg',
  'past',
  'pastpart',
  'gerund',
  'comparative',
  'superlative',
];

/** One reading of an observed word: `inflect(lemma, form)` gives the word back (up to spelling variants). */
export interface Analysis {
  lemma: string;
  form: Form;
  /** POS bits the form implies (noun for plural/possessive, verb for verb forms, adj|adv for degrees); 0 for 'base'. */
  pos: number;
}

const FORM_POS: Record<Form, number> = {
  base: 0,
  plural: POS.noun,
  possessive: POS.noun,
  '3sg': POS.verb,
  past: POS.verb,
  pastpart: POS.verb,
  gerund: POS.verb,
  comparative: POS.adj | POS.adv,
  superlative: POS.adj | POS.adv,
};

/** POS bits a form implies (0 for 'base'). */
export function formPos(form: Form): number {
  return FORM_POS[form];
}

const POS_CHAR: Record<string, number> = { n: POS.noun, v: POS.verb, a: POS.adj, r: POS.adv };

// ---------------------------------------------------------------------------------------------------------
// Irregular table

interface IrregularReading {
  lemma: string;
  form: Form;
  pos: number;
}

interface IrregularOutput {
  text: string;
  pos: number;
}

interface IrregularTable {
  /** inflected form → readings */
  byForm: Map<string, IrregularReading[]>;
  /**
   * form → lemma → preferred outputs (first wins unless POS decides). Keyed in two levels so that a look-up
   * builds no key string: candidate building inflects thousands of originals per new word.
   */
  byLemma: Map<Form, Map<string, IrregularOutput[]>>;
}

let table: IrregularTable | null = null;
let tablePath: string | null = null;

/** Parses the irregular table's text (`form \t lemma \t pos \t tags`, tags like `past*,pastpart`; `*` = preferred). */
export function parseIrregularTable(text: string): IrregularTable {
  const byForm = new Map<string, IrregularReading[]>();
  const byLemma = new Map<Form, Map<string, IrregularOutput[]>>();
  const formSet = new Set<string>(FORMS);
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cols = line.split('\t');
    if (cols.length < 4) throw new UnspinError('BAD_MODEL', `irregular.tsv: malformed line "${line}"`);
    const [form, lemma, posChar, tags] = cols;
    const pos = POS_CHAR[posChar];
    if (pos === undefined) throw new UnspinError('BAD_MODEL', `irregular.tsv: bad POS in "${line}"`);
    for (const rawTag of tags.split(',')) {
      const preferred = rawTag.endsWith('*');
      const tag = preferred ? rawTag.slice(0, -1) : rawTag;
      if (!formSet.has(tag)) throw new UnspinError('BAD_MODEL', `irregular.tsv: bad form "${tag}"`);
      const readings = byForm.get(form);
      if (readings) readings.push({ lemma, form: tag as Form, pos });
      else byForm.set(form, [{ lemma, form: tag as Form, pos }]);
      if (preferred) {
        let lemmas = byLemma.get(tag as Form);
        if (!lemmas) {
          lemmas = new Map();
          byLemma.set(tag as Form, lemmas);
        }
        const outs = lemmas.get(lemma);
        if (outs) outs.push({ text: form, pos });
        else lemmas.set(lemma, [{ text: form, pos }]);
      }
    }
  }
  return { byForm, byLemma };
}

function irregulars(): IrregularTable {
  if (table) return table;
  const path = tablePath ?? dataPath('irregular.tsv');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UnspinError(
      'BAD_MODEL',
      `irregular inflection table not found at ${path} (run npm run build:data)`,
    );
  }
  table = parseIrregularTable(text);
  return table;
}

/** Loads the irregular table from another file (tests, tools); `null` goes back to the shipped one. */
export function setIrregularTablePath(path: string | null): void {
  tablePath = path;
  table = null;
}

// ---------------------------------------------------------------------------------------------------------
// Spelling helpers

const VOWELS = 'aeiou';

function isVowel(word: string, i: number): boolean {
  const c = word[i];
  if (c === undefined) return false;
  if (c === 'u' && word[i - 1] === 'q') return false;
  return VOWELS.includes(c);
}

/** Rough syllable count: vowel groups, minus a silent final e. */
export function syllables(word: string): number {
  let count = 0;
  let inGroup = false;
  for (let i = 0; i < word.length; i++) {
    const v = isVowel(word, i) || (word[i] === 'y' && i > 0 && !isVowel(word, i - 1));
    if (v && !inGroup) count++;
    inGroup = v;
  }
  if (word.length > 2 && word.endsWith('e') && !word.endsWith('le') && !isVowel(word, word.length - 2)) {
    if (count > 1) count--;
  }
  return Math.max(1, count);
}

/** One-syllable consonant-vowel-consonant words double their final consonant: stop → stopped, big → bigger. */
function doublesFinal(word: string): boolean {
  const n = word.length;
  if (n < 3) return false;
  const last = word[n - 1];
  if (VOWELS.includes(last) || 'wxy'.includes(last)) return false;
  if (!isVowel(word, n - 2)) return false;
  if (isVowel(word, n - 3)) return false;
  return syllables(word) === 1;
}

function consonantY(word: string): boolean {
  return word.length > 1 && word.endsWith('y') && !VOWELS.includes(word[word.length - 2]);
}

function sibilant(word: string): boolean {
  return /(s|x|z|ch|sh)$/.test(word);
}

/** Nouns in -man whose plural is not -men. */
const MAN_REGULAR = new Set([
  'human',
  'german',
  'roman',
  'shaman',
  'talisman',
  'caiman',
  'cayman',
  'ottoman',
  'dolman',
  'desman',
  'walkman',
  'doberman',
  'pullman',
  'mussulman',
]);

function nounPlural(w: string): string {
  if (w.endsWith('man') && w.length > 3 && !MAN_REGULAR.has(w)) return w.slice(0, -3) + 'men';
  if (sibilant(w)) return w + 'es';
  if (consonantY(w)) return w.slice(0, -1) + 'ies';
  return w + 's';
}

function verb3sg(w: string): string {
  if (sibilant(w)) return w + 'es';
  if (consonantY(w)) return w.slice(0, -1) + 'ies';
  if (w.endsWith('o') && w.length > 1 && !VOWELS.includes(w[w.length - 2])) return w + 'es';
  return w + 's';
}

function verbPast(w: string): string {
  if (w.endsWith('e')) return w + 'd';
  if (consonantY(w)) return w.slice(0, -1) + 'ied';
  if (doublesFinal(w)) return w + w[w.length - 1] + 'ed';
  return w + 'ed';
}

function verbGerund(w: string): string {
  if (w.endsWith('ie')) return w.slice(0, -2) + 'ying';
  if (w.endsWith('e') && w.length > 2 && !/(ee|oe|ye)$/.test(w)) return w.slice(0, -1) + 'ing';
  if (doublesFinal(w)) return w + w[w.length - 1] + 'ing';
  return w + 'ing';
}

function degree(w: string, suffix: 'er' | 'est'): string {
  const periphrastic = suffix === 'er' ? 'more ' : 'most ';
  if (w.endsWith('ly') && w.length >= 6) return periphrastic + w;
  const syl = syllables(w);
  if (syl > 2 || (syl === 2 && !/(y|le|ow|er)$/.test(w))) return periphrastic + w;
  if (w.endsWith('e')) return w + suffix.slice(1);
  if (consonantY(w)) return w.slice(0, -1) + 'i' + suffix;
  if (doublesFinal(w)) return w + w[w.length - 1] + suffix;
  return w + suffix;
}

function regularInflection(w: string, form: Form): string {
  switch (form) {
    case 'base':
      return w;
    case 'plural':
      return nounPlural(w);
    case 'possessive':
      return w + "'s";
    case '3sg':
      return verb3sg(w);
    case 'past':
    case 'pastpart':
      return verbPast(w);
    case 'gerund':
      return verbGerund(w);
    case 'comparative':
      return degree(w, 'er');
    case 'superlative':
      return degree(w, 'est');
  }
}

function irregularInflection(lemma: string, form: Form, pos: number | undefined): string | undefined {
  const outs = irregulars().byLemma.get(form)?.get(lemma);
  if (!outs || outs.length === 0) return undefined;
  if (pos !== undefined && pos !== 0) {
    for (const o of outs) if (o.pos & pos) return o.text;
    // A POS was asked for and no irregular has it: comparatives of adverbs vs adjectives differ (far).
    if ((form === 'comparative' || form === 'superlative') && (pos & (POS.adj | POS.adv)) !== 0)
      return undefined;
  }
  return outs[0].text;
}

/** Normalises a word the way the table and rules expect: lower case, typographic apostrophes as '. */
function normWord(word: string): string {
  return word.toLowerCase().replace(/[\u2019\u02bc]/g, "'");
}

// ---------------------------------------------------------------------------------------------------------
// Inflection

/**
 * Puts a single-word lemma into `form` ("go"+past → "went", "stop"+past → "stopped", "try"+3sg → "tries").
 * `pos` (POS bits) only breaks ties between irregulars of different parts of speech. Degrees of long
 * adjectives come out periphrastic ("beautiful"+comparative → "more beautiful"). A multiword lemma is
 * handed to `inflectPhrase`.
 */
export function inflect(lemma: string, form: Form, pos?: number): string {
  const w = normWord(lemma.trim());
  if (w.includes(' ')) return inflectPhrase(w, form, pos);
  const invariant = invariantInflection(w, form);
  if (invariant !== undefined) return invariant;
  const irregular = irregularInflection(w, form, pos);
  if (irregular !== undefined) return irregular;
  return regularInflection(w, form);
}

/**
 * Every word `inflect(lemma, form, pos)` can give for some `pos`, for a single-word lemma: the irregular
 * forms of that form (pos only chooses among them, or falls back to the rule) and the rule's form. Lets a
 * caller rule a lemma out for every part of speech with one look-up per form.
 */
export function inflectionsOf(lemma: string, form: Form): string[] {
  const w = normWord(lemma.trim());
  const invariant = invariantInflection(w, form);
  if (invariant !== undefined) return [invariant];
  const outs = irregulars().byLemma.get(form)?.get(w) ?? [];
  return [...outs.map((o) => o.text), regularInflection(w, form)];
}

/** The base form and the possessive, which no irregular table or part of speech changes; else undefined. */
function invariantInflection(w: string, form: Form): string | undefined {
  if (form === 'base' || w === '') return w;
  if (form === 'possessive') return w.endsWith("'") ? w : `${w}'s`;
  return undefined;
}

/** Words that, inside a noun phrase, end the head: "point of view" → "points of view". */
const POSTMODIFIER_START = new Set(['of', 'in', 'on', 'at', 'for', 'to', 'from', 'with', 'by', 'under']);
/** Comparative heads that inflect themselves inside a phrase ("well known" → "better known"). */
const DEGREE_HEADS = new Set(['good', 'well', 'bad', 'badly', 'far', 'ill', 'much', 'many', 'little']);

/**
 * Inflects the head of a phrase: verb forms change the first word ("take a seat"+past → "took a seat"),
 * plurals the last word, or the word before a postmodifier ("news conference" → "news conferences",
 * "point of view" → "points of view"), possessives the last word, and degrees prefix more/most unless the
 * first word has an irregular degree ("well known" → "better known"). Single words go to `inflect`.
 */
export function inflectPhrase(phrase: string, form: Form, pos?: number): string {
  const words = normWord(phrase).trim().split(/\s+/);
  if (words.length === 1) return inflect(words[0], form, pos);
  if (form === 'base') return words.join(' ');
  switch (form) {
    case '3sg':
    case 'past':
    case 'pastpart':
    case 'gerund':
      words[0] = inflect(words[0], form, POS.verb);
      break;
    case 'possessive':
      words[words.length - 1] = inflect(words[words.length - 1], form, POS.noun);
      break;
    case 'plural': {
      let head = words.length - 1;
      for (let i = 1; i < words.length - 1; i++) {
        if (POSTMODIFIER_START.has(words[i])) {
          head = i - 1;
          break;
        }
      }
      words[head] = inflect(words[head], form, POS.noun);
      break;
    }
    case 'comparative':
    case 'superlative':
      if (DEGREE_HEADS.has(words[0])) words[0] = inflect(words[0], form, pos);
      else words.unshift(form === 'comparative' ? 'more' : 'most');
      break;
  }
  return words.join(' ');
}

// ---------------------------------------------------------------------------------------------------------
// Analysis

/** Words ending in -s that are not inflections, so the -s rules skip them. */
const NOT_S_FORMS = new Set([
  'is',
  'as',
  'us',
  'has',
  'was',
  'his',
  'its',
  'this',
  'does',
  'yes',
  'thus',
  'plus',
]);

/**
 * All plausible (lemma, form) readings of a lower-case word, from the irregular table and suffix rules
 * (-s/-es/-ies/-ves/-men, -ed/-ied/doubled consonant/-e drop, -ing, -er/-est, -'s and -s'), keeping only
 * lemmas `isKnown` accepts. The word itself comes first as 'base' when known. Readings are unique by
 * (lemma, form).
 */
export function analyze(word: string, isKnown: (lemma: string) => boolean): Analysis[] {
  const w = normWord(word.trim());
  const out: Analysis[] = [];
  if (w === '') return out;
  const seen = new Set<string>();
  const known = new Map<string, boolean>();
  const check = (lemma: string): boolean => {
    let k = known.get(lemma);
    if (k === undefined) {
      k = lemma.length > 0 && isKnown(lemma);
      known.set(lemma, k);
    }
    return k;
  };
  const push = (lemma: string, form: Form, pos = FORM_POS[form]): void => {
    if (lemma.length < 1 || !check(lemma)) return;
    const key = `${lemma}\t${form}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ lemma, form, pos });
  };

  push(w, 'base', 0);

  // Possessives: the -'s and -s' endings, on top of a (possibly irregular) plural.
  if (w.endsWith("'s") || (w.endsWith("s'") && w.length > 2)) {
    const stem = w.endsWith("'s") ? w.slice(0, -2) : w.slice(0, -1);
    push(stem, 'possessive');
    for (const r of readingsOfPlural(stem, check)) push(r, 'possessive');
    return out;
  }
  if (w.includes(' ')) return out;

  for (const r of irregulars().byForm.get(w) ?? []) push(r.lemma, r.form, r.pos);

  const n = w.length;
  // -s: plural nouns and 3rd person singular verbs.
  if (w.endsWith('s') && !w.endsWith('ss') && n > 2 && !NOT_S_FORMS.has(w)) {
    for (const lemma of sStems(w)) {
      push(lemma, 'plural');
      push(lemma, '3sg');
    }
    if (w.endsWith('ves')) {
      push(w.slice(0, -3) + 'f', 'plural');
      push(w.slice(0, -3) + 'fe', 'plural');
    }
  }
  if (w.endsWith('men') && n > 3) push(w.slice(0, -3) + 'man', 'plural');

  // -ed: past and past participle.
  if (w.endsWith('ed') && n > 3) {
    for (const lemma of suffixStems(w, 'ed')) {
      push(lemma, 'past');
      push(lemma, 'pastpart');
    }
  }
  // -ing: gerund / present participle.
  if (w.endsWith('ing') && n > 4) {
    for (const lemma of suffixStems(w, 'ing')) push(lemma, 'gerund');
    if (w.endsWith('ying')) push(w.slice(0, -4) + 'ie', 'gerund');
  }
  // -er / -est: degrees.
  if (w.endsWith('est') && n > 4) for (const lemma of suffixStems(w, 'est')) push(lemma, 'superlative');
  else if (w.endsWith('er') && n > 3) for (const lemma of suffixStems(w, 'er')) push(lemma, 'comparative');
  return out;
}

/** Candidate stems of an -s word: cats → cat, boxes → box, tries → try, quizzes → quiz, ties → tie. */
function sStems(w: string): string[] {
  const stems = [w.slice(0, -1)];
  if (w.endsWith('ies') && w.length > 4) stems.push(w.slice(0, -3) + 'y');
  if (w.endsWith('es')) {
    const stem = w.slice(0, -2);
    if (/(s|x|z|ch|sh|o)$/.test(stem)) stems.push(stem);
    const n = stem.length;
    if (n > 2 && stem[n - 1] === stem[n - 2] && /[sz]/.test(stem[n - 1])) stems.push(stem.slice(0, -1));
  }
  return stems;
}

/** Candidate stems of a word with a vowel suffix (-ed, -ing, -er, -est). */
function suffixStems(w: string, suffix: string): string[] {
  const stem = w.slice(0, -suffix.length);
  const n = stem.length;
  if (n < 1) return [];
  const stems = [stem, stem + 'e'];
  if (stem.endsWith('i') && suffix !== 'ing') stems.push(stem.slice(0, -1) + 'y');
  if (n > 2 && stem[n - 1] === stem[n - 2] && !VOWELS.includes(stem[n - 1])) stems.push(stem.slice(0, -1));
  if (stem.endsWith('ck')) stems.push(stem.slice(0, -1));
  return stems;
}

/** Singular lemmas a plural form could come from (for possessives of plurals: children's, dogs'). */
function readingsOfPlural(stem: string, check: (lemma: string) => boolean): string[] {
  const out: string[] = [];
  for (const r of irregulars().byForm.get(stem) ?? [])
    if (r.form === 'plural' && check(r.lemma)) out.push(r.lemma);
  if (stem.endsWith('s') && !stem.endsWith('ss')) for (const s of sStems(stem)) if (check(s)) out.push(s);
  if (stem.endsWith('men')) {
    const s = stem.slice(0, -3) + 'man';
    if (check(s)) out.push(s);
  }
  return out;
}
