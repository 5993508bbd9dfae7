import { existsSync, readFileSync } from 'node:fs';
import { dataPath } from './data.js';
import { Detector, type DetectorConfig } from './detect/detector.js';
import { defaultWeights, NUM_FEATURES, type Weights } from './detect/features.js';
import { loadFrequencies } from './detect/frequencies.js';
import { UnspinError } from './errors.js';
import { analyze, inflectionsOf, inflectPhrase, loadLexicon } from './lexicon/index.js';
import { loadTerms, type TermIndex } from './lexicon/terms.js';
import type { HoldoutMode } from './lexicon/types.js';
import { collocationsOf } from './lm/collocations.js';
import { loadEngineModel } from './lm/index.js';
import type { CheckOptions, CheckResult, Edit, RestoreResult } from './types.js';

export interface EngineOptions extends DetectorConfig {
  /** Treatment of the lexicon's held-out slice of pairs (benchmarks use 'exclude'). Default 'include'. */
  lexiconHoldout?: HoldoutMode;
  /** Fitted weights to use instead of the shipped `data/weights.json`. */
  weights?: Weights;
  /** Extra language model files (unspin `.lm.bin` or Sphinx trie) combined with the shipped ones. */
  lm?: string[];
  /** Use the shipped technical model `data/tech.lm.bin` when it is installed (default true). */
  technical?: boolean;
  /**
   * Propose the shipped multiword terms (`data/terms.tsv`, mined from the technical corpus) as phrase-level
   * originals. Default: on when the technical model is.
   */
  terms?: boolean;
  /** Fixed interpolation weights (general, technical if used, then `lm`); default: adapted per document. */
  lmWeights?: number[];
  /**
   * Propose the language model's collocations ("neural network") as originals of word pairs that a
   * spinner may have replaced together ("neural organization"). Default off: on the development cases it
   * adds little and costs a quarter to a third more CPU time and about 170 MB (see README, How it works).
   */
  collocations?: boolean;
}

/** The loaded models plus the stage functions; create once, reuse for every text. */
export interface Engine {
  check(text: string, options?: CheckOptions): CheckResult;
  restore(text: string, options?: CheckOptions): RestoreResult;
  /** The detector behind check/restore (for the evaluation harness and training). */
  readonly detector: Detector;
}

export const WEIGHTS_FILE = 'weights.json';

/** The shipped fitted weights, or the untrained defaults when none have been fitted yet. */
export function loadWeights(path = dataPath(WEIGHTS_FILE)): Weights {
  if (!existsSync(path)) return defaultWeights();
  let parsed: Weights;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Weights;
  } catch (err) {
    throw new UnspinError('BAD_MODEL', `cannot read weights ${path}: ${(err as Error).message}`);
  }
  return checkWeights(parsed, `weights ${path}`);
}

/**
 * Weights fit for this version: features are only ever appended, so weights fitted before a feature
 * existed give it weight 0 (a copy is padded); anything else that does not fit is an error, not NaN scores.
 */
export function checkWeights(weights: Weights, what = 'weights'): Weights {
  const w = weights?.w;
  if (
    weights?.version !== 1 ||
    !Array.isArray(w) ||
    w.length > NUM_FEATURES ||
    !w.every((x) => typeof x === 'number' && Number.isFinite(x))
  ) {
    throw new UnspinError('BAD_MODEL', `${what} do not match this version of unspin`);
  }
  if (w.length === NUM_FEATURES) return weights;
  return { ...weights, w: [...w, ...new Array<number>(NUM_FEATURES - w.length).fill(0)] };
}

/** Apply findings as edits, right to left so earlier offsets stay valid. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, e.start) + e.replacement + out.slice(e.end);
  }
  return out;
}

let shippedTerms: TermIndex | undefined | null = null;

/** The shipped term list, parsed once per process (undefined when it is not installed). */
function loadShippedTerms(): TermIndex | undefined {
  if (shippedTerms === null) shippedTerms = loadTerms();
  return shippedTerms;
}

export function createEngine(options: EngineOptions = {}): Engine {
  const { model: lm, adapt } = loadEngineModel(options);
  const lexicon = loadLexicon(undefined, { holdout: options.lexiconHoldout ?? 'include' });
  const weights = options.weights ? checkWeights(options.weights, 'options.weights') : loadWeights();
  // Frequencies are computed over the full synonym lists, so in 'exclude' mode they include the
  // held-out tenth of pairs: a normaliser, not a pair the engine can propose.
  const frequencies = loadFrequencies(lexicon.size, lexicon.info.inputsSha256);
  const detector = new Detector(
    lm,
    lexicon,
    { analyze, inflectPhrase, inflectionsOf },
    weights,
    options,
    frequencies,
  );
  if (options.terms ?? options.technical !== false) detector.source.useTerms(loadShippedTerms());
  if (options.collocations) detector.source.useCollocations(collocationsOf(lm));
  const check = (text: string, opts?: CheckOptions) => {
    adapt?.(text);
    return detector.check(text, opts);
  };
  return {
    detector,
    check,
    restore(text, opts) {
      const edits: Edit[] = [];
      for (const f of check(text, opts).findings) {
        const top = f.suggestions[0];
        if (!top) continue;
        edits.push({
          start: f.start,
          end: f.end,
          text: f.text,
          replacement: top.text,
          confidence: f.confidence,
        });
      }
      return { text: applyEdits(text, edits), edits };
    },
  };
}
