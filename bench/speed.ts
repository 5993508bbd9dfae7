/**
 * Speed and scale of one system, measured in a fresh process so that its load time and peak memory are its
 * own. `runSpeed` prepares the texts here, writes them to a temporary file, and runs
 * `node --import tsx bench/speed.ts <config.json>` pinned to one core with `taskset` where available; the child
 * reads the texts before loading the system and prints one JSON line of measurements.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { limitHeapGrowth, SEMI_SPACE_MB } from '../src/heap.js';
import { brownChunks, brownDocs, isEvalFile, loadNewsDev } from './corpora.js';
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
  /**
   * Leave V8's heap at its defaults instead of capping its growth and young generation as the CLI does
   * (src/heap.ts): a comparison row for peak memory.
   */
  defaultHeap?: boolean;
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
  /** Peak RSS of the process after loading and checking the news documents. */
  peakRssDocsMB: number;
  /** One text per size (sizes up to 10k words: the median of several different texts). */
  scaling: Array<{ words: number; texts: number; seconds: number; wordsPerSecond: number; error?: string }>;
  /** Slope of log(time) on log(words) over the scaling sizes: 1 is linear. */
  scalingSlope: number;
  /** Peak RSS over the processes, including the largest text. */
  peakRssMB: number;
  /** Whether the process was pinned to one core. */
  pinned: boolean;
  /** Run with V8's default heap settings (see SpeedConfig.defaultHeap). */
  defaultHeap?: boolean;
}

interface SpeedInput {
  system: SystemName;
  defaultHeap?: boolean;
  docs: string[];
  sizes: Array<{ size: number; texts: string[] }>;
}

function mb(bytes: number): number {
  return bytes / (1024 * 1024);
}

/**
 * Peak resident set size of this process in MB. On Linux from VmHWM in /proc/self/status: getrusage's maxRSS
 * also counts the parent's pages at fork time (it survives exec), which would charge the harness's own memory
 * to the system measured.
 */
function peakRssMB(): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

async function child(input: SpeedInput): Promise<SpeedResult> {
  // As the CLI and the server run (src/heap.ts), unless the default is what is being measured.
  if (!input.defaultHeap) limitHeapGrowth();
  const t0 = performance.now();
  const { loadSystem } = await import('./resources.js');
  const system = loadSystem(input.system);
  system.check('The committee will meet next week to discuss the proposal.');
  const loadSeconds = (performance.now() - t0) / 1000;
  const rssAfterLoadMB = mb(process.memoryUsage().rss);

  // Warm up the JIT on a few documents, then time every document once.
  for (const d of input.docs.slice(0, 5)) system.check(d);
  const times: number[] = [];
  let words = 0;
  const start = performance.now();
  for (const d of input.docs) {
    const t = performance.now();
    const r = system.check(d);
    times.push(performance.now() - t);
    words += r.words;
  }
  const seconds = (performance.now() - start) / 1000;
  const peakRssDocsMB = peakRssMB();

  const scaling: SpeedResult['scaling'] = [];
  for (const { texts } of input.sizes) {
    const runs: number[] = [];
    let n = 0;
    for (const text of texts) {
      const t = performance.now();
      n = system.check(text).words;
      runs.push((performance.now() - t) / 1000);
    }
    const s = quantile(runs, 0.5);
    scaling.push({ words: n, texts: texts.length, seconds: s, wordsPerSecond: n / s });
  }
  return {
    system: input.system,
    loadSeconds,
    rssAfterLoadMB,
    docs: input.docs.length,
    words,
    seconds,
    wordsPerSecond: words / seconds,
    docsPerSecond: input.docs.length / seconds,
    p50ms: quantile(times, 0.5),
    p99ms: quantile(times, 0.99),
    peakRssDocsMB,
    scaling,
    scalingSlope: logLogSlope(scaling.map((p) => ({ x: p.words, y: p.seconds }))),
    peakRssMB: peakRssMB(),
    pinned: false,
    defaultHeap: input.defaultHeap,
  };
}

function hasTaskset(): boolean {
  const r = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  return r.status === 0;
}

/** The texts a speed run times: news documents, and for each size a few different texts of that length. */
export function speedInput(cfg: SpeedConfig): SpeedInput {
  const docs = [
    ...brownDocs({ docWords: cfg.docWords, genres: ['news'], files: isEvalFile }).map((d) => d.text),
    ...loadNewsDev().map((p) => p.original),
  ].slice(0, cfg.docs);
  // Start the scaling texts away from the news documents (which come first in file order).
  let skip = 200_000;
  const sizes = cfg.sizes.map((size) => {
    const count = size <= 1000 ? 7 : size <= 10_000 ? 3 : 1;
    const texts = brownChunks(size, count, { files: isEvalFile, skipWords: skip });
    skip += size * count;
    return { size, texts };
  });
  return { system: cfg.system, docs, sizes, defaultHeap: cfg.defaultHeap };
}

/** Texts above this size are timed in a child of their own, with a heap limit, so running out of memory there loses only that size. */
export const LARGE_TEXT_WORDS = 100_000;
/** V8 heap limit (MB) for the large-text children. */
export const LARGE_TEXT_HEAP_MB = 4096;

function spawnChild(input: SpeedInput, dir: string, name: string, nodeArgs: string[] = []): SpeedResult {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(input));
  // The young-generation size the CLI's #! line gives its own process (src/heap.ts SEMI_SPACE_MB).
  const semi = input.defaultHeap ? [] : [`--max-semi-space-size=${SEMI_SPACE_MB}`];
  const args = [...semi, ...nodeArgs, '--import', 'tsx', join(here, 'speed.ts'), file];
  const pinned = hasTaskset();
  const opts = { encoding: 'utf8' as const, maxBuffer: 1 << 26 };
  const r = pinned
    ? spawnSync('taskset', ['-c', '0', process.execPath, ...args], opts)
    : spawnSync(process.execPath, args, opts);
  if (r.status !== 0) {
    const tail = (r.stderr ?? '').trim().split('\n').slice(-3).join(' ');
    throw new Error(`speed run of ${input.system} failed (exit ${r.status ?? r.signal}): ${tail}`);
  }
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return { ...(JSON.parse(line) as SpeedResult), pinned };
}

/**
 * Measures one system in fresh processes (pinned to one core when `taskset` works): news documents and the
 * scaling sizes up to LARGE_TEXT_WORDS in one, each larger size in its own with a heap limit. A large size
 * that fails is reported with its error instead of a time.
 */
export function runSpeed(cfg: SpeedConfig): SpeedResult {
  const dir = mkdtempSync(join(tmpdir(), 'unspin-speed-'));
  try {
    const input = speedInput(cfg);
    const small = input.sizes.filter((x) => x.size <= LARGE_TEXT_WORDS);
    const large = input.sizes.filter((x) => x.size > LARGE_TEXT_WORDS);
    const main = spawnChild({ ...input, sizes: small }, dir, 'main');
    for (const x of large) {
      try {
        const r = spawnChild(
          { system: cfg.system, defaultHeap: cfg.defaultHeap, docs: [], sizes: [x] },
          dir,
          `size-${x.size}`,
          [`--max-old-space-size=${LARGE_TEXT_HEAP_MB}`],
        );
        main.scaling.push(...r.scaling);
        main.peakRssMB = Math.max(main.peakRssMB, r.peakRssMB);
      } catch (err) {
        main.scaling.push({
          words: x.size,
          texts: 1,
          seconds: Number.NaN,
          wordsPerSecond: Number.NaN,
          error: (err as Error).message,
        });
      }
    }
    main.scalingSlope = logLogSlope(
      main.scaling.filter((p) => Number.isFinite(p.seconds)).map((p) => ({ x: p.words, y: p.seconds })),
    );
    return main;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const input = JSON.parse(readFileSync(process.argv[2], 'utf8')) as SpeedInput;
  child(input).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (err) => {
      process.stderr.write(`${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}
