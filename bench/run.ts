/**
 * The benchmark: `npm run bench` (quick, a few minutes) or `npm run bench:full` (everything, < 30 minutes).
 *
 * Writes bench/results/latest.json, the SVG charts under bench/results/, bench/results/pps-per-phrase.tsv,
 * and rewrites the tables between the `<!-- bench:NAME -->` markers of BENCHMARKS.md.
 *
 * The quality, clean-text and real-case passes run as parallel jobs (one per section and system, `--jobs=N`
 * processes, default the number of cores up to 4); the speed runs come afterwards, one at a time.
 *
 * Flags: --quick | --full; --no-md (leave BENCHMARKS.md alone); --md-out=PATH (write the updated page to PATH
 * instead, to preview it); --only=quality,clean,real,speed (a subset, for debugging; BENCHMARKS.md is then
 * not touched); --render=FILE (no measuring: rewrite latest.json, the charts and the page from a saved report). While
 * src/engine.ts is still the placeholder, BENCHMARKS.md is never touched.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CleanReport, QualityReport, RealReport } from './harness.js';
import { type Job, runJobs } from './jobs.js';
import { histogram } from './metrics.js';
import { type BenchReport, sections, targetRows, updateMarkdown } from './report.js';
import { CASE_SYSTEMS, SYSTEMS, type SystemName } from './resources.js';
import { runSpeed, type SpeedResult } from './speed.js';
import { histogramChart, lineChart } from './svg.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const resultsDir = join(here, 'results');

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

function commitInfo(): string {
  const head = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  const dirty = git(['status', '--porcelain', '--', 'src', 'data', 'bench', 'package.json']) !== '';
  return dirty ? `${head} + uncommitted changes` : head;
}

function machine(): string {
  const c = cpus();
  return `${c[0]?.model.trim() ?? 'unknown CPU'}, ${c.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${process.platform} ${process.arch}`;
}

/** The engine is still the placeholder, in the working tree or in the last commit: no numbers for the page. */
function isPlaceholderEngine(): boolean {
  const src = readFileSync(join(root, 'src/engine.ts'), 'utf8');
  const committed = git(['show', 'HEAD:src/engine.ts']);
  return (
    src.includes('PLACEHOLDER') || committed.includes('PLACEHOLDER') || !existsSync(join(root, 'src/detect'))
  );
}

/**
 * Share of all cores busy over two seconds while this process waits (Linux /proc/stat): how much other work
 * the machine is doing, which slows the speed runs. Undefined elsewhere.
 */
async function cpuBusy(): Promise<number | undefined> {
  const sample = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    return { idle, total: f.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = sample();
    await new Promise((r) => setTimeout(r, 2000));
    const b = sample();
    return 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
  } catch {
    return undefined;
  }
}

/**
 * JSON with NaN/Infinity as null, indented, but any value whose JSON fits in 100 characters on one line (so
 * per-phrase rows and curve points take a line each, not six).
 */
function toJson(x: unknown, indent = ''): string {
  const flat = JSON.stringify(x, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
  if (flat === undefined) return 'null';
  if (flat.length + indent.length <= 100 || x === null || typeof x !== 'object') return flat;
  const inner = `${indent}  `;
  if (Array.isArray(x)) return `[\n${x.map((v) => inner + toJson(v, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(x as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${toJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

/** The report as saved: the baselines keep their real-case summaries and news rows, not every phrase. */
function saved(report: BenchReport): BenchReport {
  const real = Object.fromEntries(
    Object.entries(report.real).map(([name, r]) =>
      name === 'engine' || !r ? [name, r] : [name, { ...r, tortured: [], pps: [] }],
    ),
  );
  return { ...report, real };
}

function charts(report: BenchReport): void {
  const q = report.quality;
  const series = q.documents.flatMap((d) => [
    { name: `documents, ${d.mode}`, points: d.prCurve.map((p) => ({ x: p.recall, y: p.precision })) },
    ...(d.spanPrCurve.length
      ? [{ name: `spans, ${d.mode}`, points: d.spanPrCurve.map((p) => ({ x: p.recall, y: p.precision })) }]
      : []),
  ]);
  writeFileSync(
    join(resultsDir, 'pr-curve.svg'),
    lineChart(series, {
      title: 'Precision–recall: documents (score) and spans (confidence)',
      xLabel: 'recall',
      yLabel: 'precision',
      xMin: 0,
      xMax: 1,
      yMin: 0,
      yMax: 1,
    }),
  );
  const d0 = q.documents[0];
  const spunSamples = q.documents.map((d) => ({ name: `spun, ${d.mode}`, counts: d.scoreHistogram.spun }));
  writeFileSync(
    join(resultsDir, 'scores.svg'),
    histogramChart(
      [{ name: 'clean', counts: d0?.scoreHistogram.clean ?? histogram([], 20) }, ...spunSamples],
      {
        title: 'Document scores: clean and spun texts',
        xLabel: 'score',
        yLabel: 'share of texts',
      },
    ),
  );
  const scaled = report.speed.filter((s) => s.scaling.length > 0);
  if (scaled.length) {
    const sizes = scaled.flatMap((s) =>
      s.scaling.filter((p) => Number.isFinite(p.seconds)).map((p) => p.words),
    );
    writeFileSync(
      join(resultsDir, 'scaling.svg'),
      lineChart(
        scaled.map((s) => ({
          name: s.system,
          points: s.scaling
            .filter((p) => Number.isFinite(p.seconds))
            .map((p) => ({ x: p.words, y: (1000 * 1000 * p.seconds) / p.words })),
        })),
        {
          title: 'Cost per word by text length (flat = linear)',
          xLabel: 'words in the text (log scale)',
          yLabel: 'ms per 1,000 words',
          logX: true,
          markers: true,
          xMin: Math.min(...sizes),
          xMax: Math.max(...sizes),
        },
      ),
    );
  }
}

function ppsTsv(real: RealReport | undefined): string {
  const lines = ['tortured\texpected\tpapers\tcontexts\tflagged\ttop1\ttop5\tother_findings\tclean_findings'];
  for (const p of real?.pps ?? []) {
    lines.push(
      [
        p.tortured,
        p.expected,
        p.papers ?? '',
        p.contexts,
        p.detected,
        p.top1,
        p.top5,
        p.otherFindings,
        p.cleanFindings,
      ].join('\t'),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** latest.json, the per-phrase table and the charts under bench/results/. */
function writeResults(report: BenchReport): void {
  writeFileSync(join(resultsDir, 'latest.json'), `${toJson(saved(report))}\n`);
  if (report.real.engine?.pps.length)
    writeFileSync(join(resultsDir, 'pps-per-phrase.tsv'), ppsTsv(report.real.engine));
  if (report.quality) charts(report);
  log(`wrote ${join(resultsDir, 'latest.json')}`);
}

function writeMarkdown(report: BenchReport, writeMd: boolean, mdOutArg: string | undefined): void {
  if (!writeMd && !mdOutArg) return;
  const md = readFileSync(join(root, 'BENCHMARKS.md'), 'utf8');
  const outPath = mdOutArg ? resolve(mdOutArg.slice('--md-out='.length)) : join(root, 'BENCHMARKS.md');
  writeFileSync(outPath, updateMarkdown(md, sections(report)));
  log(`wrote ${outPath}`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const full = argv.includes('--full');
  const mode = full ? 'full' : 'quick';
  const onlyArg = argv.find((a) => a.startsWith('--only='));
  const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : undefined;
  const want = (s: string) => !only || only.has(s);
  const mdOutArg = argv.find((a) => a.startsWith('--md-out='));
  const placeholder = isPlaceholderEngine();
  const writeMd = !argv.includes('--no-md') && !only && !placeholder;
  if (placeholder) log('note: src/engine.ts is still the placeholder; BENCHMARKS.md will not be touched.');
  mkdirSync(resultsDir, { recursive: true });

  const renderArg = argv.find((a) => a.startsWith('--render='));
  if (renderArg) {
    const savedReport = JSON.parse(
      readFileSync(resolve(renderArg.slice('--render='.length)), 'utf8'),
    ) as BenchReport;
    writeResults(savedReport);
    writeMarkdown(savedReport, writeMd, mdOutArg);
    return;
  }

  const jobsArg = argv.find((a) => a.startsWith('--jobs='));
  const parallel = jobsArg
    ? Math.max(1, Number(jobsArg.slice('--jobs='.length)) || 1)
    : Math.min(cpus().length, 4);
  const seconds: Record<string, number> = {};
  const began = performance.now();

  // Quality, clean and real-case passes: one job per (section, system), longest first, on every core.
  const sectionsWanted = (['quality', 'real', 'clean'] as const).filter(want);
  const jobs: Job[] = CASE_SYSTEMS.flatMap((system) =>
    sectionsWanted
      .filter((section) => section !== 'quality' || SYSTEMS.includes(system))
      .map((section) => ({ section, system, full })),
  );
  log(`${mode} run: ${jobs.length} jobs on ${parallel} processes, then speed alone`);
  const results = await runJobs(jobs, parallel);
  seconds.parallel = (performance.now() - began) / 1000;
  let quality: QualityReport | undefined;
  const baselineQuality: BenchReport['baselineQuality'] = {};
  const clean: Partial<Record<SystemName, CleanReport>> = {};
  const real: Partial<Record<SystemName, RealReport>> = {};
  for (const r of results) {
    const key = `${r.job.section} (cpu-s)`;
    seconds[key] = (seconds[key] ?? 0) + r.seconds;
    if (r.job.section === 'quality') {
      if (r.job.system === 'engine') quality = r.report as QualityReport;
      else baselineQuality[r.job.system] = r.report as QualityReport;
    } else if (r.job.section === 'clean') clean[r.job.system] = r.report as CleanReport;
    else real[r.job.system] = r.report as RealReport;
  }

  // Speed: one system at a time, nothing else of ours running (the load average shows whether others were).
  const speed: SpeedResult[] = [];
  let busyBeforeSpeed: number | undefined;
  if (want('speed')) {
    const t = performance.now();
    busyBeforeSpeed = await cpuBusy();
    const sizes = full ? [1000, 10_000, 100_000, 1_000_000] : [1000, 10_000, 100_000];
    for (const system of SYSTEMS) {
      log(`speed: ${system}`);
      speed.push(runSpeed({ system, docs: full ? 400 : 120, docWords: 300, sizes }));
    }
    // Peak memory with V8's default heap settings, for comparison with those the CLI and server use.
    log('speed: engine with the default heap settings (news documents only)');
    speed.push(
      runSpeed({ system: 'engine', docs: full ? 400 : 120, docWords: 300, sizes: [], defaultHeap: true }),
    );
    seconds.speed = (performance.now() - t) / 1000;
  }
  seconds.total = (performance.now() - began) / 1000;

  const emptyQuality = quality ?? (undefined as unknown as QualityReport);
  const report: BenchReport = {
    run: {
      mode,
      command: full ? 'npm run bench:full' : 'npm run bench',
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      commit: commitInfo(),
      machine: machine(),
      node: process.version,
      processes: parallel,
      busyBeforeSpeed,
      seconds,
    },
    quality: emptyQuality,
    baselineQuality,
    clean,
    real,
    speed,
    targets: quality
      ? targetRows(
          quality,
          clean.engine,
          real.engine,
          speed.find((s) => s.system === 'engine' && !s.defaultHeap),
        )
      : [],
  };
  writeResults(report);

  if (quality) writeMarkdown(report, writeMd, mdOutArg);
  for (const t of report.targets)
    log(`${t.met ? 'met  ' : 'SHORT'}  ${t.target}: ${t.measured} (goal ${t.goal})`);
  log(`total ${seconds.total.toFixed(0)} s`);
}

main().catch((err) => {
  log((err as Error).stack ?? String(err));
  process.exit(1);
});
