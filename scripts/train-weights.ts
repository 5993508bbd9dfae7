/**
 * Fit the decoder's weights, the confidence calibration and the document model, and write
 * data/weights.json. Run: `npx tsx scripts/train-weights.ts` (about 15 minutes on one core for a full fit,
 * 5 with --only); `--only f1,f2` fits just those features; `--calibrate` keeps every feature weight and
 * refits the calibration and document model; `--out FILE` writes the weights there instead of
 * data/weights.json. TRAIN_ITERATIONS overrides the optimiser's iterations (150 with --only, 400
 * otherwise); TRAIN_DOCS / VALID_DOCS the number of Brown training and validation documents,
 * TECH_TRAIN_DOCS / TECH_VALID_DOCS those of technical documentation, TRAIN_TECH the file they come from.
 *
 * Training text: Brown corpus files picked by bench/split.ts (the benchmarks never measure on
 * them), spun by the evaluation simulator at rates from 0 (clean) to 60%, a third of the spun ones as
 * paper mills do (fixed terms first); and documentation of scientific software packages (see
 * TECH_PACKAGES; build the file with `npx tsx scripts/tech-corpus.ts --only <TECH_PACKAGES> --out
 * .cache/tech-train`, then restore data/tech-corpus.manifest.tsv, which that run rewrites), spun as paper
 * mills do at the same rates. The engine runs with the lexicon's held-out slice excluded while the
 * simulator may draw any pair, so about a tenth of the substitutions are unknown to the thesaurus, as
 * with a real spinner: the fit cannot reward memorised pairs and learns to flag substitutions whose
 * original it cannot name.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { brownDocs } from '../bench/corpora.js';
import { simulateSpin } from '../bench/simulate.js';
import { isTrainingFile } from '../bench/split.js';
import { dataPath } from '../src/data.js';
import { DOC_FEATURES } from '../src/detect/docscore.js';
import { defaultWeights, F, FEATURES, type Weights } from '../src/detect/features.js';
import { docRateFeature } from '../src/detect/lattice.js';
import { createEngine, loadWeights, WEIGHTS_FILE } from '../src/engine.js';
import { loadTerms } from '../src/lexicon/terms.js';
import { buildCollocations } from '../src/lm/collocations.js';
import { loadDefaultModel, loadEngineModel } from '../src/lm/index.js';
import { fitLogistic, fitSoftmax, type Group } from './lib/fit.js';

const RATES = [0, 0.1, 0, 0.2, 0, 0.3, 0, 0.45, 0.6];
const TRAIN_DOCS = Number(process.env.TRAIN_DOCS ?? 360);
const VALID_DOCS = Number(process.env.VALID_DOCS ?? 240);
/**
 * Technical prose for the mix: the documentation of scientific packages (machine learning, statistics,
 * image analysis, bioinformatics), extracted by scripts/tech-corpus.ts. These packages are in the technical
 * model's training split, so the model has seen this text: its scores here are better than on unseen text.
 */
const TECH_PACKAGES =
  'python-sklearn-doc,python-statsmodels-doc,weka-doc,python-skimage-doc,python-biopython-doc';
const TECH_FILE = process.env.TRAIN_TECH ?? '.cache/tech-train/train.txt';
const TECH_TRAIN_DOCS = Number(process.env.TECH_TRAIN_DOCS ?? 120);
const TECH_VALID_DOCS = Number(process.env.TECH_VALID_DOCS ?? 80);
const log = (s: string) => process.stderr.write(`${s}\n`);

const lm = loadDefaultModel();
/** Relative frequency of a word or phrase by the language model's unigrams. */
function frequency(text: string): number {
  let u = 0;
  for (const w of text.split(/[ -]/)) u += lm.unigram(lm.id(w));
  return 10 ** u;
}

/** A spinner that takes common words from near the top of the thesaurus's list. */
function thesaurusOrder(text: string, rank: number): number {
  return Math.sqrt(frequency(text) / (1 + rank));
}

interface Sample {
  text: string;
  rate: number;
  gold: Array<{ start: number; end: number; original: string }>;
}

/** Least association (log10) of a fixed term for the paper-mill spinner: "a b" ten times likelier than chance. */
const TERM_ASSOCIATION = 1;

/**
 * Word pairs a paper mill would spin as a term: strong collocations of the engine's language models, and
 * the two-word terms of the shipped term list (the fixed phrases of technical English the engine proposes).
 */
function termTest(): (a: string, b: string) => boolean {
  const { model } = loadEngineModel({});
  const coll = buildCollocations(model);
  const terms = loadTerms();
  return (a, b) => {
    if (terms && terms.lookup(`${a} ${b}`) >= 0) return true;
    const x = model.id(a);
    const y = model.id(b);
    return x >= 0 && y >= 0 && coll.association(x, y) >= TERM_ASSOCIATION;
  };
}

/**
 * The i-th document of a stream as a sample: clean or spun at RATES[i % RATES.length]. Three spinner models
 * take turns, so the fit sees each channel: synonyms drawn uniformly; in proportion to their frequency (real
 * spinners favour common words); and favouring both common words and the thesaurus's first entries
 * (sqrt(frequency / (1 + rank))), which matches the rank at which real spinners' choices sit in the
 * original's list (median about a fifth of the way down). With `isTerm`, fixed terms are spun first.
 */
function sampleOf(
  text: string,
  i: number,
  seed: number,
  isTerm: ((a: string, b: string) => boolean) | undefined,
): Sample {
  const rate = RATES[i % RATES.length];
  if (rate === 0) return { text, rate, gold: [] };
  const mode = Math.floor(i / RATES.length) % 3;
  const spun = simulateSpin(text, {
    seed,
    rate,
    pairs: 'any',
    weight: mode === 0 ? undefined : mode === 1 ? frequency : thesaurusOrder,
    isTerm,
  });
  return {
    text: spun.text,
    rate,
    gold: spun.spans.map((s) => ({ start: s.start, end: s.end, original: s.original.toLowerCase() })),
  };
}

function samples(): { train: Sample[]; valid: Sample[]; technical: number } {
  const isTerm = termTest();
  const docs = brownDocs({ docWords: 250 }).filter((d) => isTrainingFile(d.id.split('#')[0]));
  // Deterministic interleave so both sets span all genres.
  const train: Sample[] = [];
  const valid: Sample[] = [];
  docs.forEach((d, i) => {
    const target = i % 5 < 3 ? train : valid;
    const limit = target === train ? TRAIN_DOCS : VALID_DOCS;
    if (target.length >= limit) return;
    // A third of the spun documents in blocks are spun as paper mills do, fixed terms first, both words
    // ("breast cancer" → "bosom disease"), so the collocation channel is fitted on what it is for.
    const mill = Math.floor(i / (3 * RATES.length)) % 3 === 2;
    target.push(sampleOf(d.text, i, 1000 + i, mill ? isTerm : undefined));
  });
  // Technical documents, spun as paper mills spin papers (terms first) at the same rates, clean ones included.
  const tech = techDocs();
  tech.forEach((text, i) => {
    (i % 5 < 3 ? train : valid).push(sampleOf(text, i, 5000 + i, isTerm));
  });
  return { train, valid, technical: tech.length };
}

/**
 * Documents of about 250 words of technical prose: whole paragraphs of TECH_FILE taken at an even stride,
 * so that every package in it is represented.
 */
function techDocs(): string[] {
  const wanted = TECH_TRAIN_DOCS + TECH_VALID_DOCS;
  if (wanted === 0) return [];
  let text: string;
  try {
    text = readFileSync(TECH_FILE, 'utf8');
  } catch {
    throw new Error(
      `${TECH_FILE} is missing: build it with \`npx tsx scripts/tech-corpus.ts --only ${TECH_PACKAGES} --out ${dirname(TECH_FILE)}\`` +
        ' (then `git checkout data/tech-corpus.manifest.tsv`), or set TECH_TRAIN_DOCS=0 TECH_VALID_DOCS=0',
    );
  }
  const paragraphs = text.split(/\n\s*\n/).filter((p) => p.trim().length > 0);
  const docs: string[] = [];
  let cur: string[] = [];
  let words = 0;
  for (const p of paragraphs) {
    cur.push(p.trim());
    words += p.split(/\s+/).length;
    if (words >= 250) {
      docs.push(cur.join('\n\n'));
      cur = [];
      words = 0;
    }
  }
  const stride = Math.max(1, Math.floor(docs.length / wanted));
  const out: string[] = [];
  for (let i = 0; i < docs.length && out.length < wanted; i += stride) out.push(docs[i]);
  return out;
}

/** One softmax group per word position: keep, or the candidates, with the gold reading as target. */
function collectGroups(weights: Weights, data: readonly Sample[]): { groups: Group[]; stats: string } {
  // Every channel on, so every feature is fitted (collocations are off by default).
  const engine = createEngine({ lexiconHoldout: 'exclude', weights, features: true, collocations: true });
  const groups: Group[] = [];
  let substituted = 0;
  let exact = 0;
  let noCandidates = 0;
  for (const s of data) {
    // The keep.docRate feature: how spun the text reads on a first decoding pass (as Detector.decode
    // measures it; these texts are shorter than one of its blocks).
    const rate = engine.detector.decode(s.text).documentFeatures[0];
    const a = engine.detector.analyse(s.text, {}, true, undefined, docRateFeature(rate));
    for (const { lattice } of a.sentences) {
      const tokenOf = (q: number) => a.tokens[lattice.tokens[q]];
      const goldAt = (q: number) => {
        const t = tokenOf(q);
        return s.gold.find((g) => g.start < t.end && g.end > t.start);
      };
      /**
       * Whether a substitution edge reads [e.start, e.end) exactly as the original text had it: the gold
       * originals for the substituted stretches it covers (none may cross its ends), the observed words
       * elsewhere. A phrase edge ("neural network" over "neural organization") can be right at a position
       * that was itself left alone.
       */
      const restores = (e: (typeof lattice.startingAt)[number][number]): boolean => {
        if (!e.template) return false;
        const first = tokenOf(e.start);
        const last = tokenOf(e.end - 1);
        const words: string[] = [];
        let changed = false;
        for (let q = e.start; q < e.end; q++) {
          const t = tokenOf(q);
          const g = goldAt(q);
          if (!g) words.push(t.norm);
          else {
            if (g.start < first.start || g.end > last.end) return false;
            changed = true;
            if (g.start === t.start) words.push(g.original);
          }
        }
        return changed && words.join(' ') === e.template.surface;
      };
      lattice.startingAt.forEach((edges, p) => {
        const tok = tokenOf(p);
        const gold = goldAt(p);
        let target: boolean[];
        if (gold && gold.start !== tok.start) return; // inside a substituted phrase: decided where it starts
        const hit = edges.map(restores);
        if (!gold) target = edges.map((e, k) => e.template === null || hit[k]);
        else {
          substituted++;
          if (hit.some(Boolean)) {
            exact++;
            target = hit;
          } else target = edges.map((e) => e.template !== null);
          if (edges.length === 1) noCandidates++;
        }
        if (edges.length > 1 && target.some(Boolean)) groups.push({ phis: edges.map((e) => e.phi!), target });
      });
    }
  }
  const stats = `${groups.length} positions; ${substituted} substituted, gold original among candidates for ${exact}, no candidates for ${noCandidates}`;
  return { groups, stats };
}

function main(): void {
  const t0 = Date.now();
  const { train, valid, technical } = samples();
  log(`training docs ${train.length}, validation docs ${valid.length}`);
  // `--only f1,f2`: fit just the named features (ones added since the last full fit), starting from the
  // shipped weights with every other feature fixed; calibration and document model are refitted as usual.
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? '').split(',').filter(Boolean) : [];
  for (const name of only) if (!FEATURES.includes(name as never)) throw new Error(`unknown feature ${name}`);
  // `--calibrate`: keep the shipped feature weights and refit only the calibration and the document model.
  const calibrateOnly = process.argv.includes('--calibrate');
  const start = only.length > 0 || calibrateOnly ? loadWeights() : defaultWeights();
  let weights = start;
  const fixed = only.length > 0 ? FEATURES.flatMap((name, i) => (only.includes(name) ? [] : [i])) : undefined;
  const rounds = calibrateOnly ? 0 : only.length > 0 ? 1 : 2;
  for (let round = 1; round <= rounds; round++) {
    const { groups, stats } = collectGroups(weights, train);
    log(`round ${round}: ${stats}`);
    const iterations = Number(process.env.TRAIN_ITERATIONS ?? (only.length > 0 ? 150 : 400));
    const w = fitSoftmax(groups, weights.w, { l2: 1e-3, iterations, lr: 0.05, log, fixed });
    weights = { ...weights, w };
  }
  log(FEATURES.map((name, i) => `${name}=${weights.w[i].toFixed(3)}`).join(' '));

  // Confidence calibration and document model on validation docs, decoded exactly as the default `check` does.
  const engine = createEngine({
    lexiconHoldout: 'exclude',
    weights: { ...weights, confidence: { a: 1, b: 0 } },
  });
  const confX: number[][] = [];
  const confY: number[] = [];
  const docX: number[][] = [];
  const docY: number[] = [];
  for (const s of valid) {
    const d = engine.detector.decode(s.text);
    // Span calibration is conditional on the document being spun; check() multiplies by the document score.
    if (s.rate > 0)
      for (const f of d.findings) {
        const p = Math.min(1 - 1e-6, Math.max(1e-6, f.confidence));
        confX.push([Math.log(p / (1 - p))]);
        confY.push(s.gold.some((g) => g.start < f.end && g.end > f.start) ? 1 : 0);
      }
    docX.push(d.documentFeatures);
    docY.push(s.rate > 0 ? 1 : 0);
  }
  const conf = fitLogistic(confX, confY, { l2: 0 });
  const doc = fitLogistic(docX, docY, { l2: 1e-3, iterations: 4000 });
  log(`confidence calibration a=${conf.w[0].toFixed(3)} b=${conf.b.toFixed(3)} on ${confX.length} findings`);
  log(
    `document model ${DOC_FEATURES.map((n, i) => `${n}=${doc.w[i].toFixed(3)}`).join(' ')} b=${doc.b.toFixed(3)}`,
  );

  const mix =
    `${train.length} + ${valid.length} documents: Brown (files with number % 3 == 0; a third of the spun ones ` +
    `spun terms first, as paper mills do) and ${technical} of technical documentation ` +
    `(${TECH_PACKAGES}; all spun terms first), spin rates ${[...new Set(RATES)].join('/')}, lexicon held-out ` +
    `slice excluded`;
  const out: Weights = {
    version: 1,
    w: weights.w.map((x) => Number(x.toFixed(5))),
    confidence: { a: Number(conf.w[0].toFixed(5)), b: Number(conf.b.toFixed(5)) },
    document: {
      w: doc.w.map((x) => Number(x.toFixed(5))),
      b: Number(doc.b.toFixed(5)),
      thresholds: { suspicious: 0.5, spun: 0.9 },
    },
    trainedOn: calibrateOnly
      ? `${start.trainedOn ?? 'earlier weights'}; then calibration and document model refitted on ${mix}`
      : only.length > 0
        ? `${start.trainedOn ?? 'earlier weights'}; then only ${only.join(', ')} fitted with the other weights fixed, ` +
          `calibration and document model refitted, on ${mix}`
        : `scripts/train-weights.ts: every weight fitted (lm weight: feature ${F.lm}), then calibration and ` +
          `document model, on ${mix}`,
  };
  // `--out FILE` writes elsewhere (to compare a fit with the shipped weights before replacing them).
  const outAt = process.argv.indexOf('--out');
  const outPath = outAt >= 0 ? process.argv[outAt + 1] : dataPath(WEIGHTS_FILE);
  writeFileSync(outPath, `${JSON.stringify(out, null, 2)}\n`);
  log(`wrote ${outPath} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main();
