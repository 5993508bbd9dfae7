/**
 * The engine, created once per process and only when an input actually needs checking (so --help,
 * --version and runs where every input is rejected never load the models). Imported dynamically for
 * the same reason.
 */
import type { Engine } from '../engine.js';

let engine: Promise<Engine> | undefined;

export function getEngine(): Promise<Engine> {
  engine ??= import('../engine.js').then((m) => m.createEngine());
  return engine;
}
