/**
 * A share of the corpus being counted, either in this thread or in a worker thread: the pipeline
 * hands chunks to the least busy share, then asks every share for its vocabulary and its n-gram counts.
 */
import { Worker } from 'node:worker_threads';
import type { SortedCounts } from './counts.js';
import { type CountSpec, countStream, type ShareVocabulary, StreamEncoder } from './encode.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

/** Chunks queued per worker before the reader waits (keeps memory bounded). */
const MAX_IN_FLIGHT = 3;

export interface ShareCounts {
  /** Run files per order 2..N. */
  runs: string[][];
  /** What is still in memory per order 2..N (in-process shares only). */
  memory: SortedCounts[];
}

export interface Share {
  /** Chunks handed over and not yet encoded. */
  readonly inFlight: number;
  /** Hand over a chunk; resolves when the share can take another. */
  encode(text: string): Promise<void>;
  finish(): Promise<ShareVocabulary>;
  count(map: Int32Array, spec: CountSpec): Promise<ShareCounts>;
  close(): Promise<void>;
}

export class LocalShare implements Share {
  private readonly encoder: StreamEncoder;
  readonly inFlight = 0;

  constructor(private readonly streamPath: string) {
    this.encoder = new StreamEncoder(streamPath);
  }

  async encode(text: string): Promise<void> {
    this.encoder.encode(text);
  }

  async finish(): Promise<ShareVocabulary> {
    return this.encoder.finish();
  }

  async count(map: Int32Array, spec: CountSpec): Promise<ShareCounts> {
    const counters = countStream(this.streamPath, map, spec);
    return { runs: counters.map((c) => c.runs), memory: counters.map((c) => c.drain()) };
  }

  async close(): Promise<void> {}
}

/**
 * A worker running `worker.js` beside this module; when running from TypeScript source (tests, tsx) the
 * worker first registers tsx's loader and then imports `worker.ts`.
 */
function startWorker(streamPath: string): Worker {
  const options = { workerData: { streamPath } };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), options);
  const script = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
  const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${script}); });`;
  return new Worker(code, { ...options, eval: true });
}

export class WorkerShare implements Share {
  private readonly worker: Worker;
  inFlight = 0;
  private wake: (() => void) | undefined;
  private pending: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(streamPath: string) {
    this.worker = startWorker(streamPath);
    this.worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'encoded') {
        this.inFlight--;
        const wake = this.wake;
        this.wake = undefined;
        wake?.();
      } else if (reply.type === 'error') this.fail(new Error(reply.message));
      else {
        const p = this.pending;
        this.pending = undefined;
        p?.resolve(reply);
      }
    });
    this.worker.on('error', (err) => this.fail(err));
  }

  private fail(err: Error): void {
    this.failure = err;
    this.pending?.reject(err);
    this.pending = undefined;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private post(msg: WorkerRequest): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage(msg);
  }

  async encode(text: string): Promise<void> {
    this.inFlight++;
    this.post({ type: 'encode', text });
    while (this.inFlight >= MAX_IN_FLIGHT && !this.failure) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    if (this.failure) throw this.failure;
  }

  private request(msg: WorkerRequest): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.pending = { resolve, reject };
      this.post(msg);
    });
  }

  async finish(): Promise<ShareVocabulary> {
    const r = await this.request({ type: 'finish' });
    if (r.type !== 'vocab') throw new Error(`worker answered ${r.type} to finish`);
    return r;
  }

  async count(map: Int32Array, spec: CountSpec): Promise<ShareCounts> {
    const r = await this.request({ type: 'count', map, spec });
    if (r.type !== 'runs') throw new Error(`worker answered ${r.type} to count`);
    return { runs: r.runs, memory: [] };
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
