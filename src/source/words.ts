/**
 * Word lists for spin-robust fingerprints. Function words survive spinning (spinners only swap content
 * words), so they are kept verbatim; number words are written as digits because spinners turn "two" into
 * "2".
 */
import { NUMBER_WORD_DIGITS } from '../detect/channels.js';

/** Function words: kept as themselves in fingerprints and never treated as substitutions. */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
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
    "st let get got gets oh well mr. mrs. dr. st. ms. n't 's"
  ).split(' '),
);

// "one" is left out: it is far more often a pronoun than a number.
const NUMBER_WORDS: ReadonlyMap<string, string> = new Map([
  ...[...NUMBER_WORD_DIGITS].filter(([w]) => w !== 'one'),
  ['hundred', '100'],
  ['thousand', '1000'],
]);

/**
 * A number in one canonical spelling: number words as digits ("twelve" → "12"), thousands separators and
 * leading zeros dropped ("1,000" → "1000", "007" → "7"); undefined when `norm` is not a number.
 */
export function normalizeNumber(norm: string): string | undefined {
  const word = NUMBER_WORDS.get(norm);
  if (word !== undefined) return word;
  const c = norm.charCodeAt(0);
  if (!(c >= 48 && c <= 57) || !/^[0-9][0-9.,]*$/.test(norm)) return undefined;
  const plain = norm.replace(/,(?=\d{3}(?:\D|$))/g, '').replace(/\.$/, '');
  const stripped = plain.replace(/^0+(?=\d)/, '');
  return stripped;
}
