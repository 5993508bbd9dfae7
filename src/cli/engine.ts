/**
 * The engine, created once per process and only when an input actually needs checking (so --help,
 * --version and runs where every input is rejected never load the models). Imported dynamically for
 * the same reason.
 */
import type { Engine } from '../engine.js';

/** Engine choices from the command line (`--lm`, `--no-technical`, `--collocations`). */
export interface CliEngineOptions {
  lm?: string[];
  technical?: boolean;
  collocations?: boolean;
}

let engine: Promise<Engine> | undefined;
let options: CliEngineOptions = {};

/** Set the options the engine is created with; call before the first `getEngine()`. */
export function configureEngine(opts: CliEngineOptions): void {
  options = {
    lm: opts.lm && opts.lm.length > 0 ? [...opts.lm] : undefined,
    technical: opts.technical,
    collocations: opts.collocations === true,
  };
}

export function getEngine(): Promise<Engine> {
  engine ??= import('../engine.js').then((m) => m.createEngine(options));
  return engine;
}
