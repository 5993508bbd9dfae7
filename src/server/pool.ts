/**
 * A small pool of engine workers with a bounded queue and a per-job time limit, so the HTTP event loop
 * never runs the engine. A job that is still queued when its time is up is dropped; a job still running
 * has its worker terminated and replaced (a worker cannot be interrupted mid-check), and the late result,
 * if any, is discarded.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CheckOptions } from '../types.js';
import type { JobFailure, JobOp, JobReply, JobRequest, WorkerConfig, WorkerStatus } from './protocol.js';

export type PoolErrorCode = 'OVERLOADED' | 'TIMEOUT' | 'WORKER_FAILED' | 'CLOSED' | 'ABORTED';

/** A job the pool could not run; `code` tells the HTTP layer which status to answer. */
export class PoolError extends Error {
  readonly code: PoolErrorCode;
  constructor(code: PoolErrorCode, message: string) {
    super(message);
    this.name = 'PoolError';
    this.code = code;
  }
}

/** A job the engine itself refused (an UnspinError inside the worker, forwarded as code + message). */
export class JobError extends Error {
  readonly code: string;
  constructor(failure: JobFailure) {
    super(failure.message);
    this.name = 'JobError';
    this.code = failure.code;
  }
}

export interface PoolOptions {
  /** Number of worker threads, each with its own engine. */
  size: number;
  /** Jobs allowed to wait for a worker; one more is refused with OVERLOADED. */
  maxQueue: number;
  /** Time limit per job in milliseconds, from when it is submitted. */
  timeoutMs: number;
  config?: WorkerConfig;
}

export interface PoolStats {
  workers: number;
  ready: number;
  busy: number;
  queued: number;
  /** Workers replaced after a time-out or a crash since the pool started. */
  restarts: number;
}

export interface JobInput {
  text: string;
  options?: CheckOptions;
  sentences?: boolean;
  limit?: number;
}

interface Job {
  request: JobRequest;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  slot?: Slot;
  onAbort?: () => void;
  signal?: AbortSignal;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
}

/** How to start a worker from this module: the compiled .js directly, or the .ts source through tsx. */
function spawnWorker(config: WorkerConfig): Worker {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return new Worker(join(dirname(here), 'worker.js'), { workerData: config });
  // Running from source (tests, `tsx src/cli/main.ts serve`): load the worker through tsx's ESM API.
  const require = createRequire(import.meta.url);
  const tsxApi = pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist/esm/api/index.mjs'));
  const workerUrl = pathToFileURL(join(dirname(here), 'worker.ts')).href;
  const code = `import(${JSON.stringify(tsxApi.href)}).then((m) => m.tsImport(${JSON.stringify(workerUrl)}, ${JSON.stringify(import.meta.url)}));`;
  return new Worker(code, { eval: true, workerData: config });
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private restarts = 0;
  private startupError: JobFailure | undefined;
  private readonly readyWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(private readonly options: PoolOptions) {
    if (!(options.size >= 1)) throw new RangeError('pool size must be at least 1');
    for (let i = 0; i < options.size; i++) this.slots.push(this.startSlot());
  }

  /** Resolves once every worker has loaded its engine; rejects when a worker could not load one. */
  ready(): Promise<void> {
    if (this.startupError) return Promise.reject(new JobError(this.startupError));
    if (this.slots.every((s) => s.ready)) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  stats(): PoolStats {
    return {
      workers: this.slots.length,
      ready: this.slots.filter((s) => s.ready).length,
      busy: this.slots.filter((s) => s.job).length,
      queued: this.queue.length,
      restarts: this.restarts,
    };
  }

  /** Run one job; rejects with PoolError (overload, time-out, crash, shutdown) or JobError (engine refusal). */
  run(op: JobOp, input: JobInput, signal?: AbortSignal): Promise<unknown> {
    if (this.closed) return Promise.reject(new PoolError('CLOSED', 'the server is shutting down'));
    if (this.startupError) return Promise.reject(this.startupFailure());
    const idle = this.slots.some((s) => s.ready && !s.job);
    if (!idle && this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new PoolError(
          'OVERLOADED',
          `server busy: ${this.queue.length} checks already waiting, try again shortly`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const request: JobRequest = {
        id: this.nextId++,
        op,
        text: input.text,
        options: input.options ?? {},
        sentences: input.sentences,
        limit: input.limit,
      };
      const job: Job = {
        request,
        resolve,
        reject,
        timer: setTimeout(() => this.expire(job), this.options.timeoutMs),
      };
      if (signal) {
        // A client that went away no longer needs its queued job; a running one finishes normally.
        job.signal = signal;
        job.onAbort = () => {
          const at = this.queue.indexOf(job);
          if (at >= 0) {
            this.queue.splice(at, 1);
            this.settle(job, new PoolError('ABORTED', 'the client closed the connection'));
          }
        };
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Terminate every worker; queued and running jobs are rejected with CLOSED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new PoolError('CLOSED', 'the server is shutting down');
    for (const job of this.queue.splice(0)) this.settle(job, err);
    for (const slot of this.slots) if (slot.job) this.settle(slot.job, err);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private startSlot(): Slot {
    const worker = spawnWorker(this.options.config ?? {});
    const slot: Slot = { worker, ready: false };
    worker.on('message', (msg: WorkerStatus | JobReply) => this.onMessage(slot, msg));
    worker.on('error', (err) => this.onExit(slot, err.message));
    worker.on('exit', (code) => this.onExit(slot, `worker exited with code ${code}`));
    return slot;
  }

  private onMessage(slot: Slot, msg: WorkerStatus | JobReply): void {
    if ('type' in msg) {
      if (msg.type === 'ready') {
        slot.ready = true;
        if (this.slots.every((s) => s.ready)) for (const w of this.readyWaiters.splice(0)) w.resolve();
        this.dispatch();
      } else {
        this.fail(msg.error);
      }
      return;
    }
    const job = slot.job;
    if (!job || job.request.id !== msg.id) return; // a late reply for a job already given up on
    slot.job = undefined;
    this.settle(job, msg.ok ? undefined : new JobError(msg.error), msg.ok ? msg.value : undefined);
    this.dispatch();
  }

  /** A worker died (crash, out of memory, or our own terminate after a time-out). */
  private onExit(slot: Slot, reason: string): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return; // already replaced
    if (slot.job) this.settle(slot.job, new PoolError('WORKER_FAILED', `the check failed: ${reason}`));
    slot.job = undefined;
    if (this.closed || this.startupError) return;
    this.slots[at] = this.startSlot();
    this.restarts++;
  }

  /** A worker could not load the engine: every later job would fail the same way. */
  private fail(error: JobFailure): void {
    if (this.startupError) return;
    this.startupError = error;
    const err = new JobError(error);
    for (const w of this.readyWaiters.splice(0)) w.reject(err);
    for (const job of this.queue.splice(0)) this.settle(job, this.startupFailure());
  }

  /** What a job gets when the workers never started: the server's fault, not the request's. */
  private startupFailure(): PoolError {
    return new PoolError(
      'WORKER_FAILED',
      `the engine workers could not start: ${this.startupError?.message}`,
    );
  }

  private expire(job: Job): void {
    const err = new PoolError('TIMEOUT', `the check took longer than the ${this.options.timeoutMs} ms limit`);
    const at = this.queue.indexOf(job);
    if (at >= 0) {
      this.queue.splice(at, 1);
      this.settle(job, err);
      return;
    }
    const slot = job.slot;
    if (slot && slot.job === job) {
      // The engine cannot be interrupted: replace the worker so the next jobs are not stuck behind it.
      slot.job = undefined;
      this.settle(job, err);
      const i = this.slots.indexOf(slot);
      if (i >= 0 && !this.closed) {
        this.slots[i] = this.startSlot();
        this.restarts++;
      }
      void slot.worker.terminate();
    }
  }

  private settle(job: Job, err: Error | undefined, value?: unknown): void {
    clearTimeout(job.timer);
    if (job.signal && job.onAbort) job.signal.removeEventListener('abort', job.onAbort);
    if (err) job.reject(err);
    else job.resolve(value);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift()!;
      job.slot = slot;
      slot.job = job;
      slot.worker.postMessage(job.request);
    }
  }
}
