/**
 * An engine worker: loads its own engine once (the models are read-only, ~40 MB), then answers jobs one
 * at a time. Any failure inside a job is sent back as {code, message}; the worker itself stays alive.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine, type Engine } from '../engine.js';
import { UnspinError } from '../errors.js';
import type { SourceIndex } from '../source/index.js';
import { tokenize } from '../text/tokenize.js';
import type { CheckResult } from '../types.js';
import type {
  JobFailure,
  JobReply,
  JobRequest,
  SentenceBounds,
  SourceReply,
  WorkerConfig,
  WorkerStatus,
} from './protocol.js';

const port = parentPort;
const WARM_UP = 'The city authorities stated that the brand-new schools would open following spring.';
if (!port) throw new Error('src/server/worker.ts must run in a worker thread');

function failure(err: unknown): JobFailure {
  if (err instanceof UnspinError) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: message.split('\n')[0] };
}

/** Bounds of the sentence that contains each finding's start (one tokenizer pass over the text). */
function sentenceBounds(text: string, result: CheckResult): SentenceBounds {
  const { sentences } = tokenize(text);
  return result.findings.map((f): [number, number] => {
    // The last sentence that starts at or before the finding.
    let lo = 0;
    let hi = sentences.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (sentences[mid].start <= f.start) lo = mid;
      else hi = mid - 1;
    }
    const s = sentences[lo];
    return s ? [Math.min(s.start, f.start), Math.max(s.end, f.end)] : [f.start, f.end];
  });
}

/** The source index of this worker (opened read-only once) and the check that uses it. */
interface SourceSupport {
  index: SourceIndex;
  checkWithSource: typeof import('../source/index.js').checkWithSource;
}

/** With an index: findings aligned with the matching source, else the decoder's, plus the ranked candidates. */
async function checkAgainstSource(
  engine: Engine,
  source: SourceSupport,
  job: JobRequest,
): Promise<SourceReply> {
  const aligned = await source.checkWithSource(engine, source.index, job.text, job.options);
  const candidates = await source.index.query(job.text, { limit: job.limit ?? 5 });
  const result: CheckResult = aligned ?? engine.check(job.text, job.options);
  return {
    result,
    source: aligned?.source ?? null,
    candidates: candidates.map((c) => ({ id: c.id, similarity: c.similarity, coverage: c.coverage })),
  };
}

async function run(engine: Engine, source: SourceSupport | undefined, job: JobRequest): Promise<unknown> {
  switch (job.op) {
    case 'check': {
      const result = engine.check(job.text, job.options);
      return job.sentences ? { result, sentences: sentenceBounds(job.text, result) } : { result };
    }
    case 'restore':
      return engine.restore(job.text, job.options);
    case 'source':
      if (!source) throw new UnspinError('USAGE', 'this server has no source index (start it with --index)');
      return checkAgainstSource(engine, source, job);
  }
}

async function start(): Promise<void> {
  const config = (workerData ?? {}) as WorkerConfig;
  let engine: Engine;
  let source: SourceSupport | undefined;
  try {
    engine = createEngine(config.engine ?? {});
    // One small check compiles the hot paths, so the first real request is not the slow one.
    engine.check(WARM_UP);
    if (config.indexTarget) {
      // Loaded only when an index is configured (it brings SQLite or PostgreSQL with it).
      const mod = await import('../source/index.js');
      const index = await mod.openIndex(config.indexTarget, { readonly: true });
      source = { index, checkWithSource: mod.checkWithSource };
    }
  } catch (err) {
    port!.postMessage({ type: 'init-error', error: failure(err) } satisfies WorkerStatus);
    return;
  }
  // The pool sends a worker one job at a time, so an async job (index look-ups) never overlaps another.
  port!.on('message', async (job: JobRequest) => {
    let reply: JobReply;
    try {
      reply = { id: job.id, ok: true, value: await run(engine, source, job) };
    } catch (err) {
      reply = { id: job.id, ok: false, error: failure(err) };
    }
    port!.postMessage(reply);
  });
  port!.postMessage({ type: 'ready' } satisfies WorkerStatus);
}

void start();
