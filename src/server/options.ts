/** Options of `buildServer` / `unspin serve`, with their defaults. */
import { availableParallelism } from 'node:os';

export interface ServerOptions {
  /** Worker threads, each with its own engine (default min(availableParallelism(), 4)). */
  workers?: number;
  /** Request body limit in bytes (default 2 MiB); larger bodies get 413. */
  maxBody?: number;
  /** Time limit per check in milliseconds, queueing included (default 60 s); over it the answer is 503. */
  timeoutMs?: number;
  /** Checks allowed to wait for a free worker (default 64); one more is answered 503 with Retry-After. */
  maxQueue?: number;
  /** When set, /api and /v2 require this key (Authorization: Bearer, X-API-Key, or LanguageTool's apiKey). */
  apiKey?: string;
  /** Origin allowed to call the API from a browser (or '*'); CORS is off when unset. */
  cors?: string;
  /** Source index target, opened read-only in each worker, for POST /api/source. */
  index?: string;
  /** Language models of every worker's engine: extra model files, and whether to use the technical one. */
  engine?: { lm?: string[]; technical?: boolean };
  /** Directory of the web page (default: the package's web/ folder). */
  webDir?: string;
  /** Fastify's logger (default off). */
  logger?: boolean;
}

export interface ResolvedServerOptions {
  workers: number;
  maxBody: number;
  timeoutMs: number;
  maxQueue: number;
  apiKey?: string;
  cors?: string;
  index?: string;
  engine?: { lm?: string[]; technical?: boolean };
  webDir?: string;
  logger: boolean;
}

export const DEFAULT_MAX_BODY = 2 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_QUEUE = 64;

export function defaultWorkers(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

export function resolveOptions(o: ServerOptions = {}): ResolvedServerOptions {
  const positive = (name: string, v: number | undefined, fallback: number, min = 1) => {
    if (v === undefined) return fallback;
    if (!Number.isFinite(v) || v < min) throw new RangeError(`${name} must be a number of at least ${min}`);
    return Math.floor(v);
  };
  return {
    workers: positive('workers', o.workers, defaultWorkers()),
    maxBody: positive('maxBody', o.maxBody, DEFAULT_MAX_BODY),
    timeoutMs: positive('timeoutMs', o.timeoutMs, DEFAULT_TIMEOUT_MS),
    maxQueue: positive('maxQueue', o.maxQueue, DEFAULT_MAX_QUEUE, 0),
    apiKey: o.apiKey === '' ? undefined : o.apiKey,
    cors: o.cors === '' ? undefined : o.cors,
    index: o.index,
    engine: o.engine,
    webDir: o.webDir,
    logger: o.logger ?? false,
  };
}
