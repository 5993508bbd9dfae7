/**
 * Speed and scale of one system, measured in a fresh process so that load time and peak memory are its own.
 * `runSpeed` spawns `node --import tsx bench/speed.ts <json config>`, pinned to one core with `taskset` where
 * available; the child prints one JSON line with its measurements.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brownDocs, brownText, isEvalFile, loadNewsDev } from './corpora.js';
import { logLogSlope, quantile } from './metrics.js';
import type { SystemName } from './resources.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface SpeedConfig {
  system: SystemName;
  /** News documents to time one by one (Brown news pieces of ~`docWords` words, then the news-dev originals). */
  docs: number;
  docWords: number;
  /** Single-text sizes (words) for the scaling curve. */
  sizes: readonly number[];
}

export interface SpeedResult {
  system: SystemName;
  /** Seconds from the start of loading to the end of the first (tiny) check: models load lazily. */
  loadSeconds: number;
  rssAfterLoadMB: number;
  docs: number;
  words: number;
  seconds: number;
  wordsPerSecond: number;
  docsPerSecond: number;
  p50ms: number;
  p99ms: number;
  scaling: Array<{ words: number; seconds: number; wordsPerSecond: number }>;
  /** Slope of log(time) on log(words) over the scaling sizes: 1 is linear. */
  scalingSlope: number;
  peakRssMB: number;
  /** Whether the process was pinned to one core. */
  pinned: boolean;
}

function mb(bytes: number): number {
  return bytes / (1024 * 1024);
}

async function child(cfg: SpeedConfig): Promise<SpeedResult> {
  const t0 = performance.now();
  const { loadSystem } = await import('./resources.js');
  const system = loadSystem(cfg.system);
  system.check('The committee will meet next week to discuss the proposal.');
  const loadSeconds = (performance.now() - t0) / 1000;
  const rssAfterLoadMB = mb(process.memoryUsage().rss);

  const docs = [
    ...brownDocs({ docWords: cfg.docWords, genres: ['news'], files: isEvalFile }),
    ...loadNewsDev().map((p) => ({ text: p.original, words: 0 })),
  ].slice(0, cfg.docs);
  // Warm up the JIT and caches on a few documents, then time every document.
  for (const d of docs.slice(0, 5)) system.check(d.text);
  const times: number[] = [];
  let words = 0;
  const start = performance.now();
  for (const d of docs) {
    const t = performance.now();
    const r = system.check(d.text);
    times.push(performance.now() - t);
    words += r.words;
  }
  const seconds = (performance.now() - start) / 1000;

  const scaling: SpeedResult['scaling'] = [];
  for (const size of cfg.sizes) {
    const text = brownText(size, undefined, isEvalFile);
    // Repeat small sizes until at least half a second has passed; report the median run.
    const runs: number[] = [];
    let n = 0;
    const began = performance.now();
    do {
      const t = performance.now();
      n = system.check(text).words;
      runs.push((performance.now() - t) / 1000);
    } while (performance.now() - began < 500 && runs.length < 20);
    const s = quantile(runs, 0.5);
    scaling.push({ words: n, seconds: s, wordsPerSecond: n / s });
  }
  return {
    system: cfg.system,
    loadSeconds,
    rssAfterLoadMB,
    docs: docs.length,
    words,
    seconds,
    wordsPerSecond: words / seconds,
    docsPerSecond: docs.length / seconds,
    p50ms: quantile(times, 0.5),
    p99ms: quantile(times, 0.99),
    scaling,
    scalingSlope: logLogSlope(scaling.map((p) => ({ x: p.words, y: p.seconds }))),
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    pinned: false,
  };
}

function hasTaskset(): boolean {
  const r = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  return r.status === 0;
}

/** Measures one system in a fresh process (pinned to one core when `taskset` works). */
export function runSpeed(cfg: SpeedConfig): SpeedResult {
  const args = ['--import', 'tsx', join(here, 'speed.ts'), JSON.stringify(cfg)];
  const pinned = hasTaskset();
  const r = pinned
    ? spawnSync('taskset', ['-c', '0', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`speed run of ${cfg.system} failed (${r.status}):\n${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const result = JSON.parse(line) as SpeedResult;
  return { ...result, pinned };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const cfg = JSON.parse(process.argv[2]) as SpeedConfig;
  child(cfg).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (err) => {
      process.stderr.write(`${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}
