/**
 * Mines the multiword terms of the technical corpus (`.cache/tech-corpus/train.txt`, built by
 * scripts/tech-corpus.ts) and writes `data/terms.tsv` (term, count, score; best association first).
 *
 * Terms are 2–4 content words (no function word inside or at either end), seen at least `--min-count`
 * times, whose weakest binary split still has a log-likelihood ratio of at least `--min-score`, and that
 * read as noun phrases: the last word can be a noun (or is unknown to the thesaurus, as technical words
 * often are) and is no adverb; the first word is no bare verb or adverb.
 *
 * Run: `npx tsx scripts/build-terms.ts [--min-count 5] [--min-score 20] [--max-terms 60000]`
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataPath } from '../src/data.js';
import { STOPWORDS } from '../src/detect/channels.js';
import { analyze, loadLexicon, POS } from '../src/lexicon/index.js';
import { formatTerms, TERMS_FILE } from '../src/lexicon/terms.js';
import { mineTerms, segments } from './lib/term-mining.js';
import { TRAIN_FILE } from './tech-corpus.js';

/** Function words beyond the engine's STOPWORDS that never start or end a term. */
const EXTRA_STOP = new Set(
  (
    'about above after again against because before below between during further once only other out over ' +
    'under until up down off more most few many much several since without within via per whether while ' +
    'however therefore thus hence e g i ie eg etc vs see also default new used using use one two three'
  ).split(' '),
);

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

function main(): void {
  const args = process.argv.slice(2);
  const minCount = option(args, '--min-count', 5);
  const minScore = option(args, '--min-score', 20);
  const maxTerms = option(args, '--max-terms', 60_000);
  const lexicon = loadLexicon();
  const posOf = (w: string): number => {
    let bits = 0;
    let known = false;
    for (const a of analyze(w, (l) => lexicon.lookup(l) >= 0)) {
      const id = lexicon.lookup(a.lemma);
      known = true;
      bits |= a.form === 'base' ? lexicon.pos(id) : a.pos & lexicon.pos(id) || a.pos;
    }
    return known ? bits : -1;
  };
  const acceptShape = (words: readonly string[]): boolean => {
    const last = words[words.length - 1];
    const first = words[0];
    if (last.endsWith('ly') || first.endsWith('ly')) return false;
    const lp = posOf(last);
    if (lp >= 0 && lp !== 0 && !(lp & POS.noun)) return false;
    const fp = posOf(first);
    if (fp === POS.verb || fp === POS.adv) return false;
    return true;
  };
  const text = readFileSync(TRAIN_FILE, 'utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  const corpus = function* (): Iterable<string[]> {
    for (const line of lines) yield* segments(line);
  };
  const t0 = Date.now();
  const terms = mineTerms(corpus, {
    minCount,
    maxWords: 4,
    minScore,
    maxTerms,
    isStopword: (w) => STOPWORDS.has(w) || EXTRA_STOP.has(w),
    acceptShape,
  });
  writeFileSync(dataPath(TERMS_FILE), formatTerms(terms));
  const byLength = [2, 3, 4].map((n) => `${n} words: ${terms.filter((t) => t.words.length === n).length}`);
  process.stderr.write(
    `${terms.length} terms (${byLength.join(', ')}) from ${lines.length} paragraphs in ${((Date.now() - t0) / 1000).toFixed(0)} s → data/${TERMS_FILE}\n`,
  );
}

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) main();
