/**
 * Load test of `unspin serve`: the built server runs in its own process, autocannon (in this process)
 * keeps 50 connections busy for 30 s on each of GET /healthz (the ceiling: no engine work), POST
 * /api/check and POST /v2/check with one-paragraph texts (Brown paragraphs of 60–100 words from the
 * evaluation split and the spun example's paragraphs). The engine caches per word and span, so each row
 * gets its own texts and a separate set warms the server up first: the check rows measure a warm server
 * on text it has not seen. Writes bench/results/load.json and
 * the `<!-- bench:load -->` section of BENCHMARKS.md.
 *
 *   npm run bench:load                     # builds dist first
 *   tsx bench/load.ts --duration 5 --no-write   # a short trial, printed instead of written
 *   options: --duration S (30), --connections N (50), --workers N (server default), --no-write
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../src/engine.js';
import { brownDocs, isEvalFile } from './corpora.js';

/** The part of autocannon's API used here (the package ships no types). */
interface CannonRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
}
interface CannonResult {
  duration: number;
  requests: { total: number };
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
interface CannonInstance extends Promise<CannonResult> {
  on(event: 'response', listener: (client: unknown, statusCode: number) => void): void;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  amount?: number;
  timeout: number;
  requests: Array<CannonRequest & { setupRequest?: (req: CannonRequest) => CannonRequest }>;
}) => CannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'dist', 'cli', 'main.js');
const RESULTS = join(ROOT, 'bench', 'results', 'load.json');
const MARKDOWN = join(ROOT, 'BENCHMARKS.md');

interface Args {
  duration: number;
  /** Stop after this many requests instead (warm-up). */
  amount?: number;
  connections: number;
  workers?: number;
  write: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { duration: 30, connections: 50, write: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
      return v;
    };
    if (a === '--duration') args.duration = value();
    else if (a === '--connections') args.connections = Math.round(value());
    else if (a === '--workers') args.workers = Math.round(value());
    else if (a === '--no-write') args.write = false;
    else throw new Error(`unknown option ${a}`);
  }
  return args;
}

/** Paragraphs of 60–100 words from Brown's evaluation files (all genres), and the spun example's. */
function paragraphs(): string[] {
  const out: string[] = readFileSync(join(ROOT, 'examples', 'spun-news.txt'), 'utf8')
    .trim()
    .split('\n\n');
  for (const doc of brownDocs({ docWords: 300, files: isEvalFile })) {
    for (const p of doc.text.split('\n\n')) {
      const words = p.split(/\s+/).length;
      if (words >= 60 && words <= 100) out.push(p);
    }
  }
  return out;
}

/** Disjoint sets: the first WARM_TEXTS for the warm-up, then alternate paragraphs for the two check rows. */
const WARM_TEXTS = 200;
function textSets(all: readonly string[]): { warm: string[]; api: string[]; v2: string[] } {
  const rest = all.slice(WARM_TEXTS);
  return {
    warm: all.slice(0, WARM_TEXTS),
    api: rest.filter((_, i) => i % 2 === 0),
    v2: rest.filter((_, i) => i % 2 === 1),
  };
}

interface Server {
  child: ChildProcess;
  url: string;
  workers: number;
}

/** `node dist/cli/main.js serve --port 0`, resolved once it prints its address. */
function startServer(workers: number | undefined): Promise<Server> {
  const args = [BIN, 'serve', '--port', '0'];
  if (workers !== undefined) args.push('--workers', String(workers));
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const m = /serving on (http:\/\/[^/\s]+)\/ \((\d+) workers?\)/.exec(stderr);
      if (m) resolve({ child, url: m[1], workers: Number(m[2]) });
    });
    child.on('exit', (code) => reject(new Error(`unspin serve exited (${code}): ${stderr.trim()}`)));
  });
}

interface Scenario {
  name: string;
  /** Which text set the row sends. */
  texts?: 'api' | 'v2';
  method: 'GET' | 'POST';
  path: string;
  contentType?: string;
  body?: (text: string) => string;
}

const SCENARIOS: Scenario[] = [
  { name: 'GET /healthz (ceiling)', method: 'GET', path: '/healthz' },
  {
    name: 'POST /api/check, one paragraph',
    texts: 'api',
    method: 'POST',
    path: '/api/check',
    contentType: 'application/json',
    body: (text) => JSON.stringify({ text }),
  },
  {
    name: 'POST /v2/check, one paragraph',
    texts: 'v2',
    method: 'POST',
    path: '/v2/check',
    contentType: 'application/x-www-form-urlencoded',
    body: (text) => new URLSearchParams({ language: 'en-US', text }).toString(),
  },
];

export interface LoadRow {
  scenario: string;
  connections: number;
  durationS: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

async function runScenario(url: string, s: Scenario, texts: readonly string[], args: Args): Promise<LoadRow> {
  let next = 0;
  const statusCodes: Record<string, number> = {};
  const instance = autocannon({
    url: url + s.path,
    connections: args.connections,
    duration: args.duration,
    ...(args.amount !== undefined ? { amount: args.amount } : {}),
    timeout: 120,
    requests: [
      {
        method: s.method,
        headers: s.contentType ? { 'content-type': s.contentType } : {},
        // Each request takes the next paragraph in turn, so no two neighbours send the same text.
        setupRequest: (req) => (s.body ? { ...req, body: s.body(texts[next++ % texts.length]) } : req),
      },
    ],
  });
  instance.on('response', (_client, statusCode) => {
    statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
  });
  const r = await instance;
  return {
    scenario: s.name,
    connections: args.connections,
    durationS: r.duration,
    requests: r.requests.total,
    requestsPerSecond: Math.round((r.requests.total / r.duration) * 10) / 10,
    latencyMs: {
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      max: r.latency.max,
      mean: Math.round(r.latency.mean * 10) / 10,
    },
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    statusCodes,
  };
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** The commit, marked when the working tree differs from it (dist is built from the working tree). */
/** Reference: the engine alone in this process, one thread, no HTTP, on the same kind of texts. */
function engineAlone(warm: readonly string[], texts: readonly string[], seconds: number) {
  const engine = createEngine();
  for (const t of warm.slice(0, 50)) engine.check(t);
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; performance.now() - start < seconds * 1000; i++) {
    const t0 = performance.now();
    engine.check(texts[i % texts.length]);
    times.push(performance.now() - t0);
  }
  const elapsed = (performance.now() - start) / 1000;
  times.sort((a, b) => a - b);
  return {
    checks: times.length,
    perSecond: Math.round((times.length / elapsed) * 10) / 10,
    p50Ms: Math.round(times[Math.floor(times.length / 2)]),
    p99Ms: Math.round(times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]),
  };
}

function gitCommit(): string {
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--untracked-files=no', '--', 'src']) !== '';
  return dirty ? `${commit} + uncommitted changes under src/` : commit;
}

const num = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 1 });

function markdown(report: LoadReport): string {
  const lines = [
    `- Command: \`${report.command}\``,
    `- Date: ${report.date}; commit \`${report.commit}\``,
    `- Machine: ${report.machine}; Node ${report.node}; load average before the run ${report.loadBefore} (other work on the machine takes cores from both sides)`,
    `- Server: \`unspin serve\` in its own process with ${report.workers} engine worker thread${report.workers === 1 ? '' : 's'} (default queue 64, time limit 60 s); autocannon in a second process on the same machine, ${report.rows[0]?.connections} connections for ${report.rows[0]?.durationS} s per row; one-paragraph texts of ${report.textWords} words on average, ${report.warmTexts} to warm the server up (sent once, not measured) and ${report.textsPerRow} others per check row, each row its own (a text repeats only after all of its row's have been sent).`,
    '',
    '| scenario | requests | req/s | p50 ms | p99 ms | max ms | errors | timeouts | non-2xx |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.rows.map(
      (r) =>
        `| ${r.scenario} | ${num(r.requests)} | ${num(r.requestsPerSecond)} | ${num(r.latencyMs.p50)} | ${num(r.latencyMs.p99)} | ${num(r.latencyMs.max)} | ${r.errors} | ${r.timeouts} | ${r.non2xx} |`,
    ),
    '',
    `Reference: the engine alone, one thread in the load process, no HTTP, on the /api/check texts: ${num(report.engineAlone.perSecond)} checks/s (p50 ${report.engineAlone.p50Ms} ms, p99 ${report.engineAlone.p99Ms} ms per paragraph), measured just before the server started.`,
    '',
    report.target,
  ];
  return lines.join('\n');
}

interface LoadReport {
  command: string;
  /** 1-minute load average just before the server started. */
  loadBefore: number;
  date: string;
  commit: string;
  machine: string;
  node: string;
  workers: number;
  warmTexts: number;
  textsPerRow: number;
  engineAlone: ReturnType<typeof engineAlone>;
  textWords: number;
  rows: LoadRow[];
  target: string;
}

/** Replace this benchmark's section, or add it (with a heading) at the end on the first run. */
function updateBenchmarks(body: string): void {
  const md = existsSync(MARKDOWN) ? readFileSync(MARKDOWN, 'utf8') : '# Benchmarks\n';
  const re = /(<!-- bench:load -->)[\s\S]*?(<!-- \/bench -->)/;
  const out = re.test(md)
    ? md.replace(re, (_m, open: string, close: string) => `${open}\n${body.trim()}\n${close}`)
    : `${md.trimEnd()}\n\n## Server load\n\n${SECTION_INTRO}\n\n<!-- bench:load -->\n${body.trim()}\n<!-- /bench -->\n`;
  writeFileSync(MARKDOWN, out);
}

const SECTION_INTRO = [
  'Throughput of `unspin serve` under 50 concurrent clients, measured by `npm run bench:load`',
  '(`bench/load.ts`, results in `bench/results/load.json`). `/healthz` does no engine work and shows what the',
  'HTTP layer alone can do on this machine; the check rows are bounded by the engine running on the worker',
  "threads. Client and server share the machine's cores.",
].join('\n');

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(BIN))
    throw new Error(`${BIN} is missing: run npm run build first (npm run bench:load does)`);
  const loadBefore = Math.round(loadavg()[0] * 100) / 100;
  const texts = paragraphs();
  const sets = textSets(texts);
  const textWords = Math.round(texts.reduce((n, t) => n + t.split(/\s+/).length, 0) / texts.length);
  const alone = engineAlone(sets.warm, sets.api, Math.min(10, args.duration));
  process.stderr.write(`load: engine alone: ${alone.perSecond} checks/s, p50 ${alone.p50Ms} ms\n`);
  const server = await startServer(args.workers);
  process.stderr.write(`load: server ${server.url} with ${server.workers} workers; ${texts.length} texts\n`);
  const rows: LoadRow[] = [];
  try {
    // Warm-up: every warm text once through /api/check (JIT, caches of common words, connections).
    await runScenario(server.url, { ...SCENARIOS[1], name: 'warm-up' }, sets.warm, {
      ...args,
      duration: 1_000,
      connections: 4,
      amount: sets.warm.length,
    });
    for (const s of SCENARIOS) {
      const row = await runScenario(server.url, s, s.texts ? sets[s.texts] : [], args);
      process.stderr.write(
        `load: ${s.name}: ${num(row.requestsPerSecond)} req/s, p99 ${row.latencyMs.p99} ms, errors ${row.errors}, non-2xx ${row.non2xx}\n`,
      );
      rows.push(row);
    }
  } finally {
    server.child.kill('SIGTERM');
  }
  const failures = rows.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0);
  const api = rows[1];
  const ceiling = rows[0];
  const target =
    failures === 0
      ? `Target (zero errors with 50 concurrent clients for 30 s): **met**: no errors, time-outs or non-2xx answers in ${num(rows.reduce((n, r) => n + r.requests, 0))} requests. /api/check serves ${num(api.requestsPerSecond)} req/s against ${num(ceiling.requestsPerSecond)} req/s for /healthz.`
      : `Target (zero errors with 50 concurrent clients for 30 s): **SHORT**: ${failures} errors, time-outs or non-2xx answers.`;
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const report: LoadReport = {
    loadBefore,
    command: `npm run bench:load${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: gitCommit(),
    machine: `${cpu}, ${availableParallelism()} cores, ${Math.round(totalmem() / 1024 ** 3)} GiB RAM, ${process.platform} ${process.arch}`,
    node: process.version,
    workers: server.workers,
    warmTexts: sets.warm.length,
    textsPerRow: Math.min(sets.api.length, sets.v2.length),
    engineAlone: alone,
    textWords,
    rows,
    target,
  };
  mkdirSync(dirname(RESULTS), { recursive: true });
  if (args.write) {
    writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
    updateBenchmarks(markdown(report));
    process.stderr.write(`load: wrote ${RESULTS} and the bench:load section of BENCHMARKS.md\n`);
  } else {
    process.stdout.write(`${markdown(report)}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`load: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
