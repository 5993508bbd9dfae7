/**
 * Source-finding benchmark (`npm run bench:source`): a spin-robust index of 100,000 documents, queried
 * with Brown documents spun by the simulator at 30% and 50% of content words, with synonyms drawn from
 * the lexicon the index uses or only from its held-out slice (pairs the index has never seen). Measures
 * rank-1 accuracy, query latency, build speed and bytes per document for SQLite and, when a database URL
 * is given, PostgreSQL. Writes bench/results/source.json and the `bench:source` section of BENCHMARKS.md.
 *
 * Documents: every Brown file cut into pieces of ~300 words (3,269 real documents, the possible sources);
 * one near-copy per queried source (its first half followed by random Brown sentences); the rest are
 * distractors assembled from Brown sentences drawn at random across the whole corpus. So distractors
 * share the sources' vocabulary, style and now and then whole sentences.
 *
 * Options: --docs N (default 100000), --queries N (default 200), --pg URL (default $UNSPIN_BENCH_PG or
 * $UNSPIN_TEST_PG; --no-pg to skip), --only=pg (build and query only PostgreSQL; the SQLite figures of the
 * saved report are kept, marked with the run that measured them), --quick (10,000 documents, 60 queries, no
 * markdown).
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openIndex, type SourceIndex } from '../src/source/index.js';
import { brownDocs, countWords, loadBrownFiles } from './corpora.js';
import { hashString, mulberry32, type Rng } from './prng.js';
import { updateMarkdown } from './report.js';
import { type PairMode, simulateSpin } from './simulate.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, '..');

interface Args {
  docs: number;
  queries: number;
  pg?: string;
  /** Measure only this backend (`--only=pg`); the other's figures come from the saved report. */
  only?: 'pg';
  quick: boolean;
}

function parseArgs(argv: string[]): Args {
  const quick = argv.includes('--quick');
  const val = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const pgUrl = argv.includes('--no-pg')
    ? undefined
    : (val('--pg') ?? process.env.UNSPIN_BENCH_PG ?? process.env.UNSPIN_TEST_PG);
  const onlyArg = argv.find((a) => a.startsWith('--only='));
  if (onlyArg !== undefined && onlyArg !== '--only=pg')
    throw new Error(`unknown ${onlyArg} (only --only=pg)`);
  if (onlyArg && !pgUrl) throw new Error('--only=pg needs a database URL (--pg URL or $UNSPIN_BENCH_PG)');
  return {
    docs: Number(val('--docs') ?? (quick ? 10_000 : 100_000)),
    queries: Number(val('--queries') ?? (quick ? 60 : 200)),
    pg: pgUrl,
    only: onlyArg ? 'pg' : undefined,
    quick,
  };
}

interface Doc {
  id: string;
  text: string;
}

/** A distractor of about `words` words: Brown sentences drawn at random, paragraphs of five. */
function assemble(sentences: readonly string[], rng: Rng, words: number): string {
  const picked: string[] = [];
  let n = 0;
  while (n < words) {
    const s = sentences[Math.floor(rng() * sentences.length)];
    picked.push(s);
    n += countWords(s);
  }
  const paras: string[] = [];
  for (let k = 0; k < picked.length; k += 5) paras.push(picked.slice(k, k + 5).join(' '));
  return paras.join('\n\n');
}

interface Corpus {
  real: Doc[];
  queried: Doc[];
  total: number;
  docs(): Generator<Doc>;
}

function buildCorpus(total: number, queries: number): Corpus {
  const real = brownDocs({ docWords: 300 }).map((d) => ({ id: `brown/${d.id}`, text: d.text }));
  const sentences = loadBrownFiles().flatMap((f) => f.sentences);
  // Queried sources spread evenly over the corpus.
  const queried = Array.from(
    { length: Math.min(queries, real.length) },
    (_, i) => real[Math.floor((i * real.length) / queries)],
  );
  const nearCopies = queried.map((d, i) => {
    const rng = mulberry32(hashString(`near|${d.id}`));
    const paras = d.text.split('\n\n');
    const half = paras.slice(0, Math.ceil(paras.length / 2)).join('\n\n');
    return { id: `near/${i}`, text: `${half}\n\n${assemble(sentences, rng, 150)}` };
  });
  const synthetic = Math.max(0, total - real.length - nearCopies.length);
  return {
    real,
    queried,
    total: real.length + nearCopies.length + synthetic,
    *docs() {
      yield* real;
      yield* nearCopies;
      for (let i = 0; i < synthetic; i++) {
        const rng = mulberry32(hashString(`distractor|${i}`));
        yield { id: `mix/${i}`, text: assemble(sentences, rng, 150 + Math.floor(rng() * 300)) };
      }
    },
  };
}

interface Condition {
  rate: number;
  pairs: PairMode;
}

const CONDITIONS: Condition[] = [
  { rate: 0.3, pairs: 'in-lexicon' },
  { rate: 0.3, pairs: 'out-of-lexicon' },
  { rate: 0.5, pairs: 'in-lexicon' },
  { rate: 0.5, pairs: 'out-of-lexicon' },
];

interface ConditionResult extends Condition {
  queries: number;
  top1: number;
  top5: number;
  /** Mean share of content words actually replaced. */
  achievedRate: number;
  /** Mean similarity of the source and of the best other document (how alike the distractors get). */
  sourceSimilarity: number;
  runnerUpSimilarity: number;
  maxRunnerUpSimilarity: number;
  /** How often the best other document was a near-copy. */
  runnerUpNearCopy: number;
}

interface BackendResult {
  backend: 'sqlite' | 'postgres';
  documents: number;
  buildSeconds: number;
  docsPerSecond: number;
  /** Documents per second of this process's CPU time (user + system): the one-core rate on a shared machine. */
  docsPerCpuSecond: number;
  /** PostgreSQL on this machine: CPU seconds of its processes during the build, and documents per second of client + server CPU. */
  serverCpuSeconds?: number;
  docsPerTotalCpuSecond?: number;
  bytes: number;
  bytesPerDocument: number;
  queryMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** The same percentiles of this process's CPU time per query. */
  queryCpuMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  conditions: ConditionResult[];
  /** Set on figures carried over from an earlier report (--only): the run that measured them. */
  measuredIn?: RunStamp;
  /** Where the queries' wall time went besides this process's CPU (Linux; absent where unreadable). */
  queryWaits?: QueryWaits;
}

/**
 * Why a query's wall time can exceed its CPU time: the process waited for a CPU (other load on the
 * machine), or for the server. Read from /proc: the main thread's run-queue wait (schedstat), the CPU
 * seconds of the local postgres processes during the queries, and whether an autovacuum worker was
 * working on this index's tables (sampled every 200 ms).
 */
interface QueryWaits {
  /** Sums over all queries, in ms: wall time, the main thread's run time and its run-queue wait. */
  wallTotalMs: number;
  runTotalMs: number;
  waitTotalMs: number;
  serverCpuSeconds?: number;
  /** Share of samples during the queries in which autovacuum worked on this index (PostgreSQL). */
  autovacuumShare?: number;
}

/** When, at which commit and under which load a backend was measured. */
interface RunStamp {
  date: string;
  commit: string;
  loadBefore: number[];
  loadAfter: number[];
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Nanoseconds the main thread has run and waited on a run queue (schedstat), or undefined. */
function schedstat(): { run: number; wait: number } | undefined {
  try {
    const f = readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8').split(' ');
    return { run: Number(f[0]), wait: Number(f[1]) };
  } catch {
    return undefined;
  }
}

/** Samples every 200 ms whether an autovacuum worker is working on a table of `schema`. */
function sampleAutovacuum(admin: pg.Client, schema: string): { stop(): Promise<number> } {
  let samples = 0;
  let busy = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const r = await admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND query LIKE $1",
        [`%${schema}.%`],
      );
      samples++;
      if (r.rows[0].n > 0) busy++;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples > 0 ? busy / samples : 0;
    },
  };
}

async function measure(
  index: SourceIndex,
  corpus: Corpus,
  backend: 'sqlite' | 'postgres',
  log: (s: string) => void,
  pgWatch?: { admin: pg.Client; schema: string },
): Promise<BackendResult> {
  // The documents are made before the clock starts: the build rate is the index's, not the generator's.
  const docs = [...corpus.docs()];
  const server0 = backend === 'postgres' ? localPostgresCpuSeconds() : undefined;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let last = t0;
  await index.add(docs, {
    batchSize: 1000,
    onBatch: (t) => {
      const now = performance.now();
      if (now - last > 10_000) {
        log(
          `  ${backend}: ${t.added + t.unchanged + t.replaced} documents, ${Math.round(((t.added + t.unchanged) * 1000) / (now - t0))}/s`,
        );
        last = now;
      }
    },
  });
  const buildSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const buildCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const server1 = backend === 'postgres' ? localPostgresCpuSeconds() : undefined;
  const serverCpuSeconds = server0 !== undefined && server1 !== undefined ? server1 - server0 : undefined;
  const stats = await index.stats();
  log(`  ${backend}: built ${stats.documents} documents in ${r1(buildSeconds)} s`);
  // Warm-up: the first queries load caches (lexicon classes, pages).
  for (const d of corpus.queried.slice(0, 5)) await index.query(d.text);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const breakdown: Array<{ wall: number; cpu: number; run: number; wait: number }> = [];
  const conditions: ConditionResult[] = [];
  const queryServer0 = backend === 'postgres' ? localPostgresCpuSeconds() : undefined;
  const autovacuum = pgWatch ? sampleAutovacuum(pgWatch.admin, pgWatch.schema) : undefined;
  for (const c of CONDITIONS) {
    let top1 = 0;
    let top5 = 0;
    let achieved = 0;
    let srcSim = 0;
    let runner = 0;
    let maxRunner = 0;
    let runnerNear = 0;
    for (const d of corpus.queried) {
      const spun = simulateSpin(d.text, {
        seed: hashString(`${d.id}|${c.rate}|${c.pairs}`),
        rate: c.rate,
        pairs: c.pairs,
      });
      achieved += spun.achievedRate;
      const w0 = schedstat();
      const c0 = process.cpuUsage();
      const q0 = performance.now();
      const m = await index.query(spun.text, { limit: 5 });
      times.push(performance.now() - q0);
      const cq = process.cpuUsage(c0);
      const w1 = schedstat();
      cpuTimes.push((cq.user + cq.system) / 1000);
      if (w0 !== undefined && w1 !== undefined) {
        breakdown.push({
          wall: times[times.length - 1],
          cpu: cpuTimes[cpuTimes.length - 1],
          run: (w1.run - w0.run) / 1e6,
          wait: (w1.wait - w0.wait) / 1e6,
        });
      }
      const at = m.findIndex((x) => x.id === d.id);
      if (at === 0) top1++;
      if (at >= 0) top5++;
      srcSim += at >= 0 ? m[at].similarity : 0;
      const other = m.find((x) => x.id !== d.id);
      runner += other?.similarity ?? 0;
      maxRunner = Math.max(maxRunner, other?.similarity ?? 0);
      if (other?.id.startsWith('near/')) runnerNear++;
    }
    const n = corpus.queried.length;
    conditions.push({
      ...c,
      queries: n,
      top1: r3(top1 / n),
      top5: r3(top5 / n),
      achievedRate: r3(achieved / n),
      sourceSimilarity: r3(srcSim / n),
      runnerUpSimilarity: r3(runner / n),
      maxRunnerUpSimilarity: r3(maxRunner),
      runnerUpNearCopy: r3(runnerNear / n),
    });
    log(`  ${backend}: ${c.pairs} ${c.rate * 100}%: top-1 ${((top1 / n) * 100).toFixed(1)}%`);
  }
  const autovacuumShare = await autovacuum?.stop();
  for (const q of breakdown.sort((a, b) => b.wall - a.wall).slice(0, 5)) {
    log(
      `  ${backend}: slow query: wall ${r1(q.wall)} ms, process CPU ${r1(q.cpu)} ms, main thread ran ${r1(q.run)} ms and waited for a CPU ${r1(q.wait)} ms (schedstat; per query only approximate)`,
    );
  }
  const queryServer1 = backend === 'postgres' ? localPostgresCpuSeconds() : undefined;
  const wallTotalMs = times.reduce((a, b) => a + b, 0);
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  const queryWaits: QueryWaits | undefined =
    breakdown.length === times.length && breakdown.length > 0
      ? {
          wallTotalMs: Math.round(wallTotalMs),
          runTotalMs: Math.round(breakdown.reduce((a, q) => a + q.run, 0)),
          waitTotalMs: Math.round(breakdown.reduce((a, q) => a + q.wait, 0)),
          ...(queryServer0 !== undefined && queryServer1 !== undefined
            ? { serverCpuSeconds: r1(queryServer1 - queryServer0) }
            : {}),
          ...(autovacuumShare !== undefined ? { autovacuumShare: r3(autovacuumShare) } : {}),
        }
      : undefined;
  const summary = (xs: number[]) => ({
    p50: r1(quantile(xs, 0.5)),
    p90: r1(quantile(xs, 0.9)),
    p99: r1(quantile(xs, 0.99)),
    max: r1(xs[xs.length - 1] ?? 0),
    mean: r1(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)),
  });
  return {
    backend,
    documents: stats.documents,
    buildSeconds: r1(buildSeconds),
    docsPerSecond: Math.round(stats.documents / buildSeconds),
    docsPerCpuSecond: Math.round(stats.documents / buildCpuSeconds),
    ...(serverCpuSeconds !== undefined
      ? {
          serverCpuSeconds: r1(serverCpuSeconds),
          docsPerTotalCpuSecond: Math.round(stats.documents / (buildCpuSeconds + serverCpuSeconds)),
        }
      : {}),
    bytes: stats.bytes,
    bytesPerDocument: Math.round(stats.bytes / Math.max(1, stats.documents)),
    queryMs: summary(times),
    queryCpuMs: summary(cpuTimes),
    conditions,
    ...(queryWaits ? { queryWaits } : {}),
  };
}

/** CPU seconds (user + system) of the processes named postgres on this machine, or undefined (not Linux, none readable). */
function localPostgresCpuSeconds(): number | undefined {
  let ticks = 0;
  let seen = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // the process ended
      }
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      seen++;
    }
  } catch {
    return undefined;
  }
  // Clock ticks are 100 per second on Linux (USER_HZ).
  return seen > 0 ? ticks / 100 : undefined;
}

function machine(): string {
  const cpu = os.cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.platform()} ${os.arch()}`;
}

function commit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
  } catch {
    return 'unknown';
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function render(report: SourceReport): string {
  const lines: string[] = [];
  lines.push(
    `- Command: \`${report.command}\``,
    `- Date: ${report.date}; commit \`${report.commit}\`; ${report.machine}; Node ${report.node}`,
    `- Load average (1, 5, 15 min) before the run: ${report.loadBefore.map((x) => x.toFixed(1)).join(', ')}; after: ${report.loadAfter.map((x) => x.toFixed(1)).join(', ')} (other work on the machine makes timings pessimistic)`,
    `- Index: ${report.documents.toLocaleString('en-US')} documents: ${report.realDocuments.toLocaleString('en-US')} Brown pieces of ~300 words (the possible sources), ` +
      `${report.queries} near-copies (first half of a queried source, then random Brown sentences), and ` +
      `${(report.documents - report.realDocuments - report.queries).toLocaleString('en-US')} distractors of 150–450 words assembled from Brown sentences drawn at random across the corpus. ` +
      `The index is built with the lexicon's held-out slice excluded; "out of lexicon" spins draw only held-out pairs.`,
    `- Queries: ${report.queries} sources spread over the corpus, each spun once per condition by the simulator (phrases, numbers, fillers, spelling on; seed per document).`,
    '',
  );
  const targets: Record<string, number> = { '0.3': 0.99, '0.5': 0.95 };
  for (const b of report.backends) {
    lines.push(`**${b.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'}**`, '');
    if (b.measuredIn) {
      const m = b.measuredIn;
      lines.push(
        `Not rerun in this run (\`--only\`): measured ${m.date}, commit \`${m.commit}\`, load average before ${m.loadBefore.map((x) => x.toFixed(1)).join(', ')}, after ${m.loadAfter.map((x) => x.toFixed(1)).join(', ')}.`,
        '',
      );
    }
    lines.push(
      '| spin | rate asked (achieved) | top-1 | top-5 | target top-1 | source similarity | best other: mean / max | best other is the near-copy |',
    );
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const c of b.conditions) {
      const target = targets[String(c.rate)];
      const ok = c.top1 >= target ? 'met' : '**SHORT**';
      lines.push(
        `| ${c.pairs === 'in-lexicon' ? 'in lexicon' : 'out of lexicon'} | ${pct(c.rate)} (${pct(c.achievedRate)}) | ${pct(c.top1)} | ${pct(c.top5)} | ≥ ${pct(target)} (${ok}) | ${c.sourceSimilarity.toFixed(3)} | ${c.runnerUpSimilarity.toFixed(3)} / ${c.maxRunnerUpSimilarity.toFixed(3)} | ${pct(c.runnerUpNearCopy)} |`,
      );
    }
    const q = b.queryMs;
    const qc = b.queryCpuMs;
    const client = b.backend === 'postgres' ? ' (client process only; the server works too)' : '';
    lines.push(
      '',
      `| figure | wall clock | CPU time of this process${client} | target |`,
      '|---|---|---|---|',
      `| query p50 | ${q.p50} ms | ${qc.p50} ms | < 50 ms (${q.p50 < 50 ? 'met' : '**SHORT**'}) |`,
      `| query p99 | ${q.p99} ms | ${qc.p99} ms | < 200 ms (${q.p99 < 200 ? 'met' : '**SHORT**'}) |`,
      `| query p90 / max / mean | ${q.p90} / ${q.max} / ${q.mean} ms | ${qc.p90} / ${qc.max} / ${qc.mean} ms | |`,
      `| index build | ${b.docsPerSecond.toLocaleString('en-US')} documents/s (${b.documents.toLocaleString('en-US')} in ${b.buildSeconds} s, one process) | ${b.docsPerCpuSecond.toLocaleString('en-US')} documents per CPU second${b.serverCpuSeconds !== undefined ? `; with the server's ${b.serverCpuSeconds} CPU seconds (local postgres processes): ${b.docsPerTotalCpuSecond?.toLocaleString('en-US')} per CPU second` : ''} | ≥ 2,000/s (${b.docsPerSecond >= 2000 ? 'met' : '**SHORT**'}) |`,
      `| index size | ${(b.bytes / 2 ** 20).toFixed(0)} MiB, ${b.bytesPerDocument.toLocaleString('en-US')} bytes per document (text included) | | reported |`,
      '',
    );
    const w = b.queryWaits;
    if (w) {
      const sec = (ms: number) => (ms / 1000).toFixed(1);
      lines.push(
        `Where the queries' wall time went (sums over all queries, from /proc; the scheduler's figures are approximate): ` +
          `${sec(w.wallTotalMs)} s on the clock; the process's main thread ran ${sec(w.runTotalMs)} s and waited ` +
          `${sec(w.waitTotalMs)} s for a CPU (run queue: other load on the machine).` +
          (w.serverCpuSeconds !== undefined
            ? ` The local postgres processes used ${w.serverCpuSeconds} CPU seconds during the queries` +
              (w.autovacuumShare !== undefined
                ? `; autovacuum was working on this index's tables in ${pct(w.autovacuumShare)} of 200 ms samples.`
                : '.')
            : ''),
        '',
      );
    }
  }
  if (!report.backends.some((b) => b.backend === 'postgres')) {
    lines.push('PostgreSQL: not measured in this run (no database URL given).', '');
  }
  return lines.join('\n');
}

interface SourceReport {
  command: string;
  date: string;
  commit: string;
  machine: string;
  node: string;
  loadBefore: number[];
  loadAfter: number[];
  documents: number;
  realDocuments: number;
  queries: number;
  backends: BackendResult[];
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const loadBefore = os.loadavg();
  const corpus = buildCorpus(args.docs, args.queries);
  log(
    `source bench: ${corpus.total} documents, ${corpus.queried.length} queries x ${CONDITIONS.length} conditions`,
  );
  const backends: BackendResult[] = [];
  const resultsDir = join(here, 'results');
  const name = args.quick ? 'source-quick.json' : 'source.json';

  if (args.only === 'pg') {
    // Keep the saved SQLite figures, stamped with the run that measured them.
    const savedPath = join(resultsDir, name);
    const saved = existsSync(savedPath)
      ? (JSON.parse(readFileSync(savedPath, 'utf8')) as SourceReport)
      : undefined;
    const sqlite = saved?.backends.find((b) => b.backend === 'sqlite');
    if (saved && sqlite && saved.documents === corpus.total && saved.queries === corpus.queried.length) {
      backends.push({
        ...sqlite,
        measuredIn: sqlite.measuredIn ?? {
          date: saved.date,
          commit: saved.commit,
          loadBefore: saved.loadBefore,
          loadAfter: saved.loadAfter,
        },
      });
    }
  } else {
    const tmp = join(os.tmpdir(), `unspin-bench-source-${process.pid}`);
    mkdirSync(tmp, { recursive: true });
    const dbPath = join(tmp, 'index.db');
    try {
      const index = await openIndex(dbPath, { create: true, lexicon: 'exclude' });
      backends.push(await measure(index, corpus, 'sqlite', log));
      await index.close();
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  if (args.pg) {
    const schema = `unspin_bench_${process.pid}`;
    const url = new URL(args.pg);
    url.searchParams.set('schema', schema);
    const admin = new pg.Client({ connectionString: args.pg });
    await admin.connect();
    try {
      const index = await openIndex(url.toString(), { create: true, lexicon: 'exclude' });
      backends.push(await measure(index, corpus, 'postgres', log, { admin, schema }));
      await index.close();
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  }

  const report: SourceReport = {
    command: `npm run bench:source${[args.quick ? ' --quick' : '', args.only ? ` --only=${args.only}` : ''].join('').replace(/^ /, ' -- ')}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: commit(),
    machine: machine(),
    node: process.version,
    loadBefore,
    loadAfter: os.loadavg(),
    documents: corpus.total,
    realDocuments: corpus.real.length,
    queries: corpus.queried.length,
    backends,
  };
  if (!existsSync(resultsDir)) mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, name), `${JSON.stringify(report, null, 2)}\n`);
  const body = render(report);
  if (!args.quick) {
    const mdPath = join(ROOT, 'BENCHMARKS.md');
    let md = readFileSync(mdPath, 'utf8');
    if (!md.includes('<!-- bench:source -->')) {
      md = `${md.trimEnd()}\n\n## Source finding\n\nWritten by \`npm run bench:source\` (bench/source.ts); see docs/source-index.md for the design.\n\n<!-- bench:source -->\n<!-- /bench -->\n`;
    }
    writeFileSync(mdPath, updateMarkdown(md, { source: body }));
  }
  process.stdout.write(`${body}\n`);
}

main().catch((err) => {
  process.stderr.write(
    `bench:source failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
