/**
 * An engine worker: loads its own engine once (the models are read-only, ~40 MB), then answers jobs one
 * at a time. Any failure inside a job is sent back as {code, message}; the worker itself stays alive.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine, type Engine } from '../engine.js';
import { UnspinError } from '../errors.js';
import { tokenize } from '../text/tokenize.js';
import type { CheckResult } from '../types.js';
import type {
  JobFailure,
  JobReply,
  JobRequest,
  SentenceBounds,
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

function run(engine: Engine, job: JobRequest): unknown {
  switch (job.op) {
    case 'check': {
      const result = engine.check(job.text, job.options);
      return job.sentences ? { result, sentences: sentenceBounds(job.text, result) } : { result };
    }
    case 'restore':
      return engine.restore(job.text, job.options);
    case 'source':
      throw new UnspinError('USAGE', 'this server has no source index (start it with --index)');
  }
}

async function start(): Promise<void> {
  const config = (workerData ?? {}) as WorkerConfig;
  let engine: Engine;
  try {
    if (config.indexTarget) throw new UnspinError('USAGE', 'source indexes are not supported by this build');
    engine = createEngine();
    // One small check compiles the hot paths, so the first real request is not the slow one.
    engine.check(WARM_UP);
  } catch (err) {
    port!.postMessage({ type: 'init-error', error: failure(err) } satisfies WorkerStatus);
    return;
  }
  port!.on('message', (job: JobRequest) => {
    let reply: JobReply;
    try {
      reply = { id: job.id, ok: true, value: run(engine, job) };
    } catch (err) {
      reply = { id: job.id, ok: false, error: failure(err) };
    }
    port!.postMessage(reply);
  });
  port!.postMessage({ type: 'ready' } satisfies WorkerStatus);
}

void start();
