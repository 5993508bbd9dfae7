/**
 * unspin's library entry. Create one engine and reuse it (the models load once per process):
 *
 *   import { createEngine } from 'unspin';
 *   const engine = createEngine();
 *   const result = engine.check(text, { minConfidence: 0.5 });
 *   const { text: restored, edits } = engine.restore(text);
 *
 * `check` and `restore` below do the same through a process-wide default engine created on first use.
 */
import { createEngine, type Engine } from './engine.js';
import type { CheckOptions, CheckResult, RestoreResult } from './types.js';

export { applyEdits, createEngine, type Engine, type EngineOptions, loadWeights } from './engine.js';
export { UnspinError, type UnspinErrorCode } from './errors.js';
export {
  createReporter,
  FORMATS,
  type FormatName,
  formatJson,
  formatSarif,
  formatStylish,
} from './formats/index.js';
export { HEAP_GROWING_PERCENT, limitHeapGrowth } from './heap.js';
export {
  type AlignedSpan,
  checkWithSource,
  type OpenOptions,
  openIndex,
  type QueryOptions,
  type RankedMatch,
  type SourceAlignment,
  type SourceCheckResult,
  type SourceIndex,
  type SourceMatch,
} from './source/index.js';
export { decodeInput, LineIndex, looksEnglish, type Position, tokenize } from './text/index.js';
export type * from './types.js';

let defaultEngine: Engine | undefined;

/** The process-wide engine behind `check` and `restore`, created on first use. */
export function getDefaultEngine(): Engine {
  defaultEngine ??= createEngine();
  return defaultEngine;
}

/** Find likely substitutions in `text`: `{score, verdict, words, findings}`. */
export function check(text: string, options?: CheckOptions): CheckResult {
  return getDefaultEngine().check(text, options);
}

/** `text` with each finding replaced by its most probable original, plus the edits made. */
export function restore(text: string, options?: CheckOptions): RestoreResult {
  return getDefaultEngine().restore(text, options);
}
