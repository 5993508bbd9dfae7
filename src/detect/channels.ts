/**
 * Substitution channels that no thesaurus covers, kept as data: number words written as digits,
 * inserted fillers, and US/UK spelling swaps. Each rule says what an original could have been,
 * given what is observed; the decoder weighs it like any other candidate.
 */

const UNITS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORDINALS: Record<string, string> = {
  '1st': 'first',
  '2nd': 'second',
  '3rd': 'third',
  '4th': 'fourth',
  '5th': 'fifth',
  '6th': 'sixth',
  '7th': 'seventh',
  '8th': 'eighth',
  '9th': 'ninth',
  '10th': 'tenth',
};

/** Number words with the digits they stand for, zero to nineteen and the tens ("twelve" → "12"). */
export const NUMBER_WORD_DIGITS: ReadonlyMap<string, string> = new Map([
  ...UNITS.map((w, n): [string, string] => [w, String(n)]),
  ...TENS.flatMap((w, k): Array<[string, string]> => (w ? [[w, String(10 * k)]] : [])),
]);

/** The number word a digit string could have been written as, or undefined ("2" → "two", "40" → "forty"). */
export function numberWord(digits: string): string | undefined {
  const ord = ORDINALS[digits.toLowerCase()];
  if (ord) return ord;
  if (!/^\d{1,2}$/.test(digits)) return undefined;
  const n = Number(digits);
  if (n < 20) return digits.length === 1 || digits[0] !== '0' ? UNITS[n] : undefined;
  return n % 10 === 0 ? TENS[n / 10] : undefined;
}

/**
 * Fillers that spinners insert next to a word they keep ("have actually waited", "exact same",
 * "even worse", "most likely", "later on"). `before`: the filler precedes the kept word;
 * `after`: it follows it. A predicate on the kept word limits where the rule applies.
 */
export interface FillerRule {
  filler: string;
  side: 'before' | 'after';
  applies: (kept: string) => boolean;
}

const AUXILIARIES = new Set([
  'have',
  'has',
  'had',
  'is',
  'are',
  'was',
  'were',
  'do',
  'does',
  'did',
  'will',
  'would',
  'can',
  'could',
  'should',
  'may',
  'might',
  'must',
  "'ve",
  'be',
  'been',
]);
const isComparative = (w: string) =>
  w === 'worse' || w === 'better' || w === 'more' || w === 'less' || (w.length > 4 && w.endsWith('er'));

export const FILLER_RULES: readonly FillerRule[] = [
  { filler: 'actually', side: 'after', applies: (w) => AUXILIARIES.has(w) },
  { filler: 'really', side: 'after', applies: (w) => AUXILIARIES.has(w) },
  { filler: 'exact', side: 'before', applies: (w) => w === 'same' },
  { filler: 'very', side: 'before', applies: (w) => w === 'same' },
  { filler: 'even', side: 'before', applies: isComparative },
  { filler: 'much', side: 'before', applies: isComparative },
  { filler: 'most', side: 'before', applies: (w) => w === 'likely' },
  { filler: 'on', side: 'after', applies: (w) => w === 'later' },
  { filler: 'in fact', side: 'after', applies: (w) => AUXILIARIES.has(w) },
];

/** US ↔ UK suffix swaps, tried in both directions on the observed word. */
const SPELLING_SWAPS: ReadonlyArray<readonly [RegExp, string]> = [
  [/our(s?|ed|ing|ful|ite|ites)$/, 'or$1'],
  [/([^aeiou])or(s?|ed|ing|ful|ite|ites)$/, '$1our$2'],
  [/is(e|es|ed|ing|ation|ations|er|ers)$/, 'iz$1'],
  [/iz(e|es|ed|ing|ation|ations|er|ers)$/, 'is$1'],
  [/ys(e|es|ed|ing)$/, 'yz$1'],
  [/yz(e|es|ed|ing)$/, 'ys$1'],
  [/([bcdfgklmnpstvz])re(s?)$/, '$1er$2'],
  [/([bcdfgklmnpstvz])er(s?)$/, '$1re$2'],
  [/ogue(s?)$/, 'og$1'],
  [/og(s?)$/, 'ogue$1'],
  [/ence(s?)$/, 'ense$1'],
  [/ense(s?)$/, 'ence$1'],
  [/([aeiou])ll(ed|ing|er|ers)$/, '$1l$2'],
  [/([aeiou])l(ed|ing|er|ers)$/, '$1ll$2'],
];

/** Spelling variants of a lower-case word (only plausible words survive: the caller checks a vocabulary). */
export function spellingVariants(word: string): string[] {
  const out: string[] = [];
  if (word.length < 4) return out;
  for (const [re, rep] of SPELLING_SWAPS) {
    if (!re.test(word)) continue;
    const v = word.replace(re, rep);
    if (v !== word && !out.includes(v)) out.push(v);
  }
  return out;
}

/**
 * Function words: never replaced as single words by spinners (phrases starting with them still are,
 * "a number of" ← "several"). Kept narrow on purpose: "but", "could", "before" do get swapped.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an the of to in on at by for with from into onto upon and or nor as is are was were be been being am ' +
    "it its it's this that these those he she they we you i me him her them us my your his their our " +
    'theirs ours yours mine not no there here who whom whose which what when where why how than then if ' +
    "so do does did have has had will would shall should can may must 's 'll 've 're 'd n't s t also " +
    'just own same such too very each both either neither any some all'
  ).split(' '),
);
