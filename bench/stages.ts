/**
 * Where tortured phrases are lost (`npm run bench:stages`): pps-dev phrases placed in the main harness's
 * sentence templates, and for each context how far the intended phrase gets through the engine:
 *
 * 1. candidates: the phrase can be read off the candidates of the span's words and phrases before any
 *    context is looked at (each stretch of the span kept as observed or read as one of its candidates);
 * 2. lattice: the same, with only the readings that survived local pruning into the sentence lattice;
 * 3. decoded: among the top five of a finding whose calibrated confidence is at least the default threshold
 *    before the document score scales it (`Detector.decode`);
 * 4. reported top-5 and top-1: as the harness scores `check()` at the default threshold;
 * and whether any reported finding overlaps the phrase at all.
 *
 * The engine is the harness's (lexicon held-out slice excluded). Prints a Markdown table.
 *
 * Run: `npm run bench:stages [-- --rows N] [--offset K] [--collocations]` (first 150 rows by default)
 */
import { createEngine } from '../src/engine.js';
import { tokenize } from '../src/text/tokenize.js';
import type { Finding, Token } from '../src/types.js';
import { loadPps, placeInTemplate, TEMPLATES } from './corpora.js';
import { restorationOutcomes } from './metrics.js';

const MAX_SPAN = 4;

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const v = Number(process.argv[at + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a whole number`);
  return v;
}

/**
 * Whether the observed words can be read as the expected words stretch by stretch: each stretch of up to
 * four observed words either equals a stretch of expected words or `reads(i, k, words)` says position i,
 * k words long, can be read as `words`.
 */
function readable(
  observed: readonly string[],
  expected: readonly string[],
  reads: (i: number, k: number, words: string) => boolean,
): boolean {
  const reached = new Set<number>([0]);
  const key = (i: number, j: number) => i * (expected.length + 1) + j;
  for (let i = 0; i <= observed.length; i++) {
    for (let j = 0; j <= expected.length; j++) {
      if (!reached.has(key(i, j))) continue;
      for (let k = 1; k <= MAX_SPAN && i + k <= observed.length; k++) {
        const obs = observed.slice(i, i + k).join(' ');
        for (let l = 1; l <= MAX_SPAN && j + l <= expected.length; l++) {
          const want = expected.slice(j, j + l).join(' ');
          if (obs === want || reads(i, k, want)) reached.add(key(i + k, j + l));
        }
      }
    }
  }
  return reached.has(key(observed.length, expected.length));
}

/** The expected phrase as the tokenizer would normalise its words. */
function expectedWords(expected: string): string[] {
  return tokenize(expected)
    .tokens.filter((t) => t.kind === 'word' || t.kind === 'number')
    .map((t) => t.norm);
}

const within = (t: Token, start: number, end: number) => t.start >= start && t.end <= end;
const isWord = (t: Token) => t.kind === 'word' || t.kind === 'number';

function main(): void {
  const rows = flag('rows', 150);
  const offset = flag('offset', 0);
  const collocations = process.argv.includes('--collocations');
  const engine = createEngine({ lexiconHoldout: 'exclude', collocations });
  const { detector } = engine;
  const count = { contexts: 0, candidates: 0, lattice: 0, decoded: 0, top5: 0, top1: 0, anyFinding: 0 };
  for (const row of loadPps().slice(offset, offset + rows)) {
    const expected = expectedWords(row.expected);
    for (const template of TEMPLATES) {
      const placed = placeInTemplate(template, row.tortured, row.expected);
      const gold = placed.gold[0];
      count.contexts++;
      const observedTokens = tokenize(placed.text).tokens.filter(
        (t) => isWord(t) && within(t, gold.start, gold.end),
      );
      const observed = observedTokens.map((t) => t.norm);
      if (
        readable(observed, expected, (i, k, words) =>
          detector.source.forSpan(observed.slice(i, i + k)).some((c) => c.surface === words),
        )
      )
        count.candidates++;

      const analysis = detector.analyse(placed.text);
      const inLattice = analysis.sentences.some(({ lattice }) => {
        const first = lattice.tokens.findIndex((ti) => analysis.tokens[ti].start >= gold.start);
        if (first < 0) return false;
        return readable(observed, expected, (i, k, words) =>
          (lattice.startingAt[first + i] ?? []).some(
            (e) => e.template !== null && e.end - e.start === k && e.template.surface === words,
          ),
        );
      });
      if (inLattice) count.lattice++;

      const decoded = detector.decode(placed.text);
      const confident = decoded.findings.filter((f: Finding) => f.confidence >= 0.5);
      const [before] = restorationOutcomes(placed.text, placed.gold, confident);
      if (before.rank >= 0 && before.rank < 5) count.decoded++;

      const result = engine.check(placed.text);
      const [after] = restorationOutcomes(placed.text, placed.gold, result.findings);
      if (after.rank >= 0 && after.rank < 5) count.top5++;
      if (after.rank === 0) count.top1++;
      if (after.detected) count.anyFinding++;
    }
  }
  const n = count.contexts;
  const line = (what: string, k: number) => `| ${what} | ${k} | ${((100 * k) / n).toFixed(1)}% |`;
  console.log(
    [
      `pps-dev rows ${offset + 1}–${offset + rows} in ${TEMPLATES.length} templates${collocations ? ', collocations on' : ''}: ${n} contexts`,
      '',
      '| stage | contexts | share |',
      '| --- | ---: | ---: |',
      line('intended phrase among the candidates (before context)', count.candidates),
      line('… and in the sentence lattice (after local pruning)', count.lattice),
      line('… top-5 of a finding with confidence ≥ 0.5 before the document score', count.decoded),
      line('… top-5 of a reported finding', count.top5),
      line('… top-1 of a reported finding', count.top1),
      line('any reported finding over the phrase', count.anyFinding),
    ].join('\n'),
  );
}

main();
