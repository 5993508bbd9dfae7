/**
 * The measuring jobs of a benchmark run (one section for one system), run in a pool of child processes so the
 * quality passes use every core. Timings are not measured here (speed.ts runs alone, afterwards).
 *
 * A child is `node --import tsx bench/jobs.ts <job.json> <result.json>`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SystemName } from './resources.js';

const here = dirname(fileURLToPath(import.meta.url));

export type Section = 'quality' | 'clean' | 'real';

export interface Job {
  section: Section;
  system: SystemName;
  full: boolean;
}

export interface JobResult {
  job: Job;
  seconds: number;
  report: unknown;
}

/** Runs one job in this process. */
export async function runJob(job: Job): Promise<JobResult> {
  const t0 = performance.now();
  const h = await import('./harness.js');
  const { loadSystem, spinResources } = await import('./resources.js');
  const checker = loadSystem(job.system);
  let report: unknown;
  if (job.section === 'quality') {
    const cfg = job.full ? h.FULL_QUALITY : h.QUICK_QUALITY;
    // Baselines run on a quarter of the documents, without the span curve.
    report =
      job.system === 'engine'
        ? h.runQuality(checker, spinResources(), cfg)
        : h.runQuality(checker, spinResources(), { ...cfg, docs: Math.ceil(cfg.docs / 4), spanCurve: false });
  } else if (job.section === 'clean') {
    report = h.runClean(checker, job.full ? h.FULL_CLEAN : h.QUICK_CLEAN);
  } else {
    report = h.runReal(checker, job.full ? h.FULL_REAL : h.QUICK_REAL);
  }
  return { job, seconds: (performance.now() - t0) / 1000, report };
}

function tag(job: Job): string {
  return `${job.section}/${job.system}`;
}

function runChild(job: Job, dir: string, i: number): Promise<JobResult> {
  const jobFile = join(dir, `job-${i}.json`);
  const outFile = join(dir, `result-${i}.json`);
  writeFileSync(jobFile, JSON.stringify(job));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'jobs.ts'), jobFile, outFile], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, BENCH_TAG: tag(job) },
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`job ${tag(job)} failed (${code ?? signal})`));
        return;
      }
      resolvePromise(JSON.parse(readFileSync(outFile, 'utf8')) as JobResult);
    });
  });
}

/**
 * Runs the jobs, `parallel` at a time (in this process when `parallel` is 1). Longest jobs should come
 * first. Results come back in the order of `jobs`.
 */
export async function runJobs(jobs: readonly Job[], parallel: number): Promise<JobResult[]> {
  if (parallel <= 1) {
    const out: JobResult[] = [];
    for (const job of jobs) {
      process.stderr.write(`${tag(job)}: start\n`);
      out.push(await runJob(job));
    }
    return out;
  }
  const dir = mkdtempSync(join(tmpdir(), 'unspin-bench-'));
  try {
    const results: JobResult[] = new Array(jobs.length);
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const i = next++;
        process.stderr.write(`${tag(jobs[i])}: start\n`);
        results[i] = await runChild(jobs[i], dir, i);
        process.stderr.write(`${tag(jobs[i])}: done in ${results[i].seconds.toFixed(0)} s\n`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Job;
  runJob(job).then(
    (r) => writeFileSync(process.argv[3], JSON.stringify(r)),
    (err) => {
      process.stderr.write(`${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}
