/**
 * Benchmark of `unspin lm build`: counting speed per core, a full build of a 50-million-word corpus with
 * two workers (time and peak memory), and load times of the shipped models. Run: `npm run bench:lm-build`
 * (`-- --words N` for a smaller corpus). Builds run from dist/ (run `npm run build` first) in child
 * processes, so peak RSS (getrusage maxrss, worker threads included) is the build's own.
 *
 * The corpus is synthetic: Brown corpus sentences drawn at random with replacement (seeded) until the
 * word count is reached, one sentence per line, 20 sentences per paragraph. It exercises tokenizing and
 * counting at full volume, but repeats Brown's ~1 M distinct trigrams rather than growing new ones the
 * way a real 50 M-word corpus would, so the n-gram tables (and so memory and estimation time) are
 * smaller than a real corpus of that size would give.
 *
 * Writes bench/results/lm-build.json and the `<!-- bench:lm-build -->` section of BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBrownFiles } from './corpora.js';
import { mulberry32 } from './prng.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST_BUILD = join(ROOT, 'dist', 'lm', 'build', 'index.js');
const RESULTS = join(ROOT, 'bench', 'results', 'lm-build.json');
const PAGE = join(ROOT, 'BENCHMARKS.md');

interface ChildResult {
  seconds: number;
  /** Seconds until counting was done (tokenizing, counting, spilling; before merging and estimating). */
  countingSeconds: number;
  /** CPU seconds (all threads) of those counting phases. */
  countingCpuSeconds: number;
  phases: Record<string, number>;
  /** CPU seconds (all threads) per phase. */
  cpuPhases: Record<string, number>;
  tokens: number;
  sentences: number;
  ngrams: number[];
  runs: number;
  bytes: number;
  maxRssMiB: number;
}

/** Child mode: `--child-build FILE OUT WORKERS [MAXBYTES]` builds with dist and prints a ChildResult line. */
async function childBuild(args: string[]): Promise<void> {
  const [input, out, workers, maxBytes] = args;
  const { buildModel } = (await import(DIST_BUILD)) as typeof import('../src/lm/build/index.js');
  const started = performance.now();
  const phases: Record<string, number> = {};
  const cpuPhases: Record<string, number> = {};
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  let last = started;
  let lastCpu = cpu();
  let lastName = 'start';
  const { buffer, report } = await buildModel({
    inputs: [input],
    order: 3,
    workers: Number(workers),
    maxBytes: maxBytes ? Number(maxBytes) : undefined,
    onProgress: (name) => {
      const now = performance.now();
      const c = cpu();
      phases[lastName] = (now - last) / 1000;
      cpuPhases[lastName] = c - lastCpu;
      last = now;
      lastCpu = c;
      lastName = name;
    },
  });
  const now = performance.now();
  phases[lastName] = (now - last) / 1000;
  cpuPhases[lastName] = cpu() - lastCpu;
  writeFileSync(out, buffer);
  const counting = (phases['reading and tokenizing'] ?? 0) + (phases['counting n-grams'] ?? 0);
  const countingCpu = (cpuPhases['reading and tokenizing'] ?? 0) + (cpuPhases['counting n-grams'] ?? 0);
  const result: ChildResult = {
    seconds: (now - started) / 1000,
    countingSeconds: counting,
    countingCpuSeconds: countingCpu,
    phases,
    cpuPhases,
    tokens: report.tokens,
    sentences: report.sentences,
    ngrams: report.ngrams,
    runs: report.runs,
    bytes: buffer.length,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Child mode: `--child-load FILE` loads a model in a fresh process and prints the milliseconds. */
async function childLoad(path: string): Promise<void> {
  const { loadLanguageModel } = (await import(
    join(ROOT, 'dist', 'lm', 'index.js')
  )) as typeof import('../src/lm/index.js');
  const t0 = performance.now();
  const m = loadLanguageModel(path);
  const ms = performance.now() - t0;
  process.stdout.write(`${JSON.stringify({ ms, vocabulary: m.vocabSize })}\n`);
}

/** Child mode: `--child-engine-lm` loads what createEngine loads for language models, timed. */
async function childEngineLm(): Promise<void> {
  const { loadEngineModel } = (await import(
    join(ROOT, 'dist', 'lm', 'index.js')
  )) as typeof import('../src/lm/index.js');
  const t0 = performance.now();
  const { files } = loadEngineModel();
  const ms = performance.now() - t0;
  process.stdout.write(`${JSON.stringify({ ms, files: files.length })}\n`);
}

interface LoadTime {
  file: string;
  ms: number;
  bytes: number;
}

/** Load times, best of 3 fresh processes: each shipped model alone, then all the engine loads together. */
function measureLoads(): LoadTime[] {
  const loads: LoadTime[] = [];
  const best = (args: string[]) => Math.min(...[0, 1, 2].map(() => (runChild(args) as { ms: number }).ms));
  let bytes = 0;
  for (const name of ['en-us.lm.bin', 'tech.lm.bin']) {
    const path = join(ROOT, 'data', name);
    if (!existsSync(path)) continue;
    const ms = best(['--child-load', path]);
    loads.push({ file: `data/${name}`, ms, bytes: statSync(path).size });
    bytes += statSync(path).size;
    console.log(`  load ${name}: ${ms.toFixed(0)} ms`);
  }
  if (loads.length > 1) {
    const ms = best(['--child-engine-lm']);
    loads.push({ file: 'both, as createEngine loads them', ms, bytes });
    console.log(`  load both: ${ms.toFixed(0)} ms`);
  }
  return loads;
}

function runChild(args: string[]): unknown {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`child ${args[0]} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

/** Write `words` words of Brown sentences resampled with replacement (seeded) to `path`. */
async function writeCorpus(
  path: string,
  words: number,
  seed: number,
): Promise<{ words: number; sentences: number }> {
  const sentences = loadBrownFiles().flatMap((f) => f.sentences);
  const lengths = sentences.map((s) => s.split(/\s+/).length);
  const rng = mulberry32(seed);
  const out = createWriteStream(path);
  let written = 0;
  let count = 0;
  let block = '';
  while (written < words) {
    const i = Math.floor(rng() * sentences.length);
    block += sentences[i] + (++count % 20 === 0 ? '\n\n' : '\n');
    written += lengths[i];
    if (block.length > 1 << 20) {
      if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
      block = '';
    }
  }
  out.write(block);
  await new Promise<void>((r) => out.end(r));
  return { words: written, sentences: count };
}

function replaceSection(page: string, name: string, body: string): string {
  const re = new RegExp(`(<!-- bench:${name} -->)[\\s\\S]*?(<!-- /bench -->)`);
  const block = `<!-- bench:${name} -->\n${body}\n<!-- /bench -->`;
  return re.test(page) ? page.replace(re, block) : `${page.trimEnd()}\n\n${block}\n`;
}

interface Result {
  date: string;
  machine: string;
  command: string;
  corpus: string;
  loadAverageBefore: number;
  loadAverageAfter: number;
  speed: ChildResult & { words: number; wordsPerSecondCounting: number; wordsPerCpuSecondCounting: number };
  build: ChildResult & { words: number; workers: number; order: number };
  loads: LoadTime[];
  loadsDate?: string;
  /** 1-minute load average before and after the `--loads-only` measurement. */
  loadsLoadAverage?: number[];
}

/** The BENCHMARKS.md section from a result. */
function render(result: Result): void {
  const { speed, build: big, loads } = result;
  const mw = (x: number) => (x / 1e6).toFixed(2);
  const target = (ok: boolean) => (ok ? 'met' : '**SHORT**');
  const perCore = speed.wordsPerSecondCounting;
  const perCpu = speed.wordsPerCpuSecondCounting;
  const bigPerCpu = big.words / big.countingCpuSeconds;
  const lines = [
    `Measured ${result.date.slice(0, 10)} on ${result.machine} with \`${result.command}\` (results in`,
    '`bench/results/lm-build.json`). Corpus: Brown sentences resampled with replacement — it has the volume',
    'of a real corpus but only Brown’s ~1 M distinct trigrams, so tables and memory are smaller than a real',
    `${mw(big.words)} M-word corpus would need. The 1-minute load average was ${result.loadAverageBefore.toFixed(1)} before and`,
    `${result.loadAverageAfter.toFixed(1)} after the run (other jobs shared the 2 cores), so wall-clock rates are lower than an idle machine's;`,
    'CPU-second rates are given beside them.',
    '',
    '| measure | result | target |',
    '| --- | --- | --- |',
    `| counting (tokenize + count), 1 worker, ${mw(speed.words)} M words, wall clock | ${mw(perCore)} M words/s | ≥ 1 M words/s per core: ${target(perCore >= 1e6)} |`,
    `| the same per CPU second (what one core does when it is not shared) | ${mw(perCpu)} M words/s | ${target(perCpu >= 1e6)} |`,
    `| full build, order 3, 2 workers, ${mw(big.words)} M words | ${(big.seconds / 60).toFixed(1)} min (counting ${big.countingSeconds.toFixed(0)} s) | < 10 min: ${target(big.seconds < 600)} |`,
    `| counting in that build per CPU second (all threads) | ${mw(bigPerCpu)} M words/s | ≥ 1 M words/s per core: ${target(bigPerCpu >= 1e6)} |`,
    `| peak memory of that build (RSS, workers included) | ${(big.maxRssMiB / 1024).toFixed(2)} GiB | < 4 GB: ${target(big.maxRssMiB * 1048576 < 4e9)} |`,
    `| n-grams of that model (1/2/3) | ${big.ngrams.map((c) => c.toLocaleString('en-US')).join(' / ')}, ${(big.bytes / 1e6).toFixed(1)} MB, ${big.runs} runs spilled | |`,
    ...loads.map(
      (l) =>
        `| load ${l.file} (${(l.bytes / 1e6).toFixed(1)} MB, fresh process, best of 3) | ${l.ms.toFixed(0)} ms | < 1 s: ${target(l.ms < 1000)} |`,
    ),
  ];
  if (result.loadsDate) {
    const la = result.loadsLoadAverage?.map((x) => x.toFixed(1)).join(' and ') ?? 'unknown';
    lines.push(
      '',
      `Load times re-measured ${result.loadsDate.slice(0, 16)}Z with \`npx tsx bench/lm-build.ts --loads-only\` (load average ${la} before and after): they vary with what else runs.`,
    );
  }
  if (!loads.some((l) => l.file === 'data/tech.lm.bin'))
    lines.push('', 'No `data/tech.lm.bin` yet: its load time is not measured.');
  const page = existsSync(PAGE) ? readFileSync(PAGE, 'utf8') : '# Benchmarks\n';
  writeFileSync(PAGE, replaceSection(page, 'lm-build', lines.join('\n')));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child-build') return childBuild(argv.slice(1));
  if (argv[0] === '--child-load') return childLoad(argv[1]);
  if (argv[0] === '--child-engine-lm') return childEngineLm();
  if (argv[0] === '--loads-only') {
    // Re-measure only the load times (e.g. once a new model is shipped) and rewrite the page.
    const saved = JSON.parse(readFileSync(RESULTS, 'utf8')) as Result;
    const before = loadavg()[0];
    saved.loads = measureLoads();
    saved.loadsDate = new Date().toISOString();
    saved.loadsLoadAverage = [before, loadavg()[0]];
    writeFileSync(RESULTS, `${JSON.stringify(saved, null, 2)}\n`);
    render(saved);
    return;
  }
  const wordsArg = argv.indexOf('--words');
  const totalWords = wordsArg >= 0 ? Number(argv[wordsArg + 1]) : 50_000_000;
  if (!existsSync(DIST_BUILD)) throw new Error('dist/ is missing: run npm run build first');

  const loadAverageBefore = loadavg()[0];
  const dir = mkdtempSync(join(tmpdir(), 'unspin-bench-lm-'));
  try {
    const speedWords = Math.min(5_000_000, totalWords);
    console.log(
      `writing corpora (${speedWords.toLocaleString('en-US')} and ${totalWords.toLocaleString('en-US')} words)…`,
    );
    const speedCorpus = await writeCorpus(join(dir, 'speed.txt'), speedWords, 1);
    const bigCorpus = await writeCorpus(join(dir, 'big.txt'), totalWords, 2);

    console.log('counting speed, one worker…');
    const one = runChild([
      '--child-build',
      join(dir, 'speed.txt'),
      join(dir, 'speed.lm.bin'),
      '1',
    ]) as ChildResult;
    console.log(
      `  ${(one.tokens / one.countingSeconds / 1e6).toFixed(2)} M words/s counting (wall), ` +
        `${(one.tokens / one.countingCpuSeconds / 1e6).toFixed(2)} M words per CPU second`,
    );

    console.log('full build, two workers…');
    const big = runChild([
      '--child-build',
      join(dir, 'big.txt'),
      join(dir, 'big.lm.bin'),
      '2',
    ]) as ChildResult;
    console.log(`  ${big.seconds.toFixed(1)} s, peak RSS ${big.maxRssMiB.toFixed(0)} MiB`);

    const loads = measureLoads();

    const machine = `${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}`;
    const load = loadavg()[0];
    const result: Result = {
      date: new Date().toISOString(),
      machine,
      command: `npm run bench:lm-build${wordsArg >= 0 ? ` -- --words ${totalWords}` : ''}`,
      corpus: 'Brown sentences resampled with replacement (seeded), one per line, 20 per paragraph',
      loadAverageBefore: loadAverageBefore,
      loadAverageAfter: load,
      speed: {
        words: speedCorpus.words,
        ...one,
        wordsPerSecondCounting: one.tokens / one.countingSeconds,
        wordsPerCpuSecondCounting: one.tokens / one.countingCpuSeconds,
      },
      build: { words: bigCorpus.words, workers: 2, order: 3, ...big },
      loads,
    };
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    render(result);
    console.log(`wrote ${RESULTS} and the lm-build section of BENCHMARKS.md`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
