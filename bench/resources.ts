/**
 * The systems under test and the simulator's lexicon, loaded once per process.
 *
 * - `engine`: `createEngine({ lexiconHoldout: 'exclude' })`: the held-out slice of synonym pairs is unknown
 *   to it, so out-of-lexicon substitutions measure generalisation, not recall of its own thesaurus.
 * - `engine-1`: the same engine with one candidate per word (`maxPerSpan: 1, perPosition: 1`): the naive
 *   baseline for speed and quality.
 * - `engine-shipped`: `createEngine()` as the CLI, server and library run it, held-out slice included: what
 *   a user gets on the development cases and clean text (not on simulated spin, whose out-of-lexicon half
 *   is defined by that slice).
 * - `phrase-list`: exact matching of the development phrase lists (see baselines.ts).
 * The simulator uses the full lexicon (`holdout: 'include'`) and draws pairs by `isHeldOutPair`.
 */
import { createEngine } from '../src/engine.js';
import { type Checker, phraseListChecker } from './baselines.js';
import { defaultSpinResources, type SpinResources } from './simulate.js';

export type SystemName = 'engine' | 'engine-1' | 'phrase-list' | 'engine-shipped';

/** The systems of the simulated-spin and speed sections. */
export const SYSTEMS: readonly SystemName[] = ['engine', 'engine-1', 'phrase-list'];
/** The systems of the development-case and clean-text sections. */
export const CASE_SYSTEMS: readonly SystemName[] = [...SYSTEMS, 'engine-shipped'];

export const SYSTEM_LABELS: Record<SystemName, string> = {
  engine: 'unspin engine',
  'engine-1': 'engine, 1 candidate/word',
  'phrase-list': 'exact phrase list',
  'engine-shipped': 'unspin engine as shipped (held-out slice included)',
};

/** Full lexicon plus morphology for the simulator. */
export function spinResources(): SpinResources {
  return defaultSpinResources();
}

const checkers = new Map<SystemName, Checker>();

/** A system under test (cached per process). */
export function loadSystem(name: SystemName): Checker {
  let c = checkers.get(name);
  if (!c) {
    if (name === 'engine') c = createEngine({ lexiconHoldout: 'exclude' });
    else if (name === 'engine-1')
      c = createEngine({ lexiconHoldout: 'exclude', maxPerSpan: 1, perPosition: 1 });
    else if (name === 'engine-shipped') c = createEngine();
    else c = phraseListChecker();
    checkers.set(name, c);
  }
  return c;
}
