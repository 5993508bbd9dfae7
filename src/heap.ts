/**
 * How unspin's own processes (the CLI, the server and its workers, the benchmark) ask V8 to size its heap.
 *
 * V8 lets the old generation grow to a multiple of what survived the last full collection, up to four times
 * when collection is cheap next to the work in between, as it is for the engine: checking 60,000 words of
 * news, the heap grew to about three times the live data (caches of some 100–150 MB) before a second full
 * collection ran, and peak RSS varied between 480 and 700 MB from run to run. Capping the growth at 60%
 * brought the peak to 440–490 MB, at 30% to 410–425 MB, at 20% 414 MB, at the same speed within this
 * machine's noise (199 Brown news documents, 2026-12-07; BENCHMARKS.md has the full runs).
 *
 * The flag is process-wide, so the library never sets it on its own: an embedding application calls
 * `limitHeapGrowth()` itself if it wants the same trade. A value already given on the node command line wins
 * (Node does not accept this flag in NODE_OPTIONS).
 */
import { setFlagsFromString } from 'node:v8';

/**
 * Most megabytes of each of V8's two young-generation semi-spaces for unspin's own processes (V8's default
 * is 16). The young generation is sized when the process starts, so this cannot be set from inside it: the
 * CLI's `#!` line passes `--max-semi-space-size` with this value (a test keeps the two equal) and the
 * benchmark's speed processes pass it too. It trades speed for memory: checking a million-word text (the
 * benchmark's speed child, 2026-12-07) peaked at 482 MB with 8 against 508 MB with 16, and news text ran
 * about 9% slower (one core, three runs of each in turn: 2,716 against 2,975 words/s); 4 was a quarter
 * slower still.
 */
export const SEMI_SPACE_MB = 8;

/** Growth of the old generation allowed after a full collection, in percent of what survived it. */
export const HEAP_GROWING_PERCENT = 30;

const FLAG = /--heap[-_]growing[-_]percent/;

/** Cap V8's heap growth (see the module comment); returns false when the user already chose a value. */
export function limitHeapGrowth(percent = HEAP_GROWING_PERCENT): boolean {
  if (process.execArgv.some((a) => FLAG.test(a))) return false;
  setFlagsFromString(`--heap-growing-percent=${Math.max(1, Math.round(percent))}`);
  return true;
}
