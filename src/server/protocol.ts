/** Messages between the server's main thread and its engine workers (structured-clone safe). */
import type { CheckOptions, CheckResult } from '../types.js';

export type JobOp = 'check' | 'restore' | 'source';

export interface JobRequest {
  id: number;
  op: JobOp;
  text: string;
  options: CheckOptions;
  /** For 'check': also return the bounds of the sentence around each finding (the LanguageTool API needs them). */
  sentences?: boolean;
  /** For 'source': how many candidate sources to return. */
  limit?: number;
}

export interface JobFailure {
  code: string;
  message: string;
}

export type JobReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: JobFailure };

/** What a worker posts once, before any reply: its engine loaded, or why it could not load. */
export type WorkerStatus = { type: 'ready' } | { type: 'init-error'; error: JobFailure };

/** workerData given to each worker. */
export interface WorkerConfig {
  /** Language-model choices for each worker's engine (as the CLI's --lm and --no-technical). */
  engine?: { lm?: string[]; technical?: boolean };
  /** Source index to open read-only in each worker (POST /api/source). */
  indexTarget?: string;
}

/** [start, end) of the sentence around each finding, in the order of the findings. */
export type SentenceBounds = Array<[number, number]>;

/** Answer to a 'source' job: the check (aligned with the source when one matched) and the candidates. */
export interface SourceReply {
  result: CheckResult;
  /** The source the findings were aligned with, or null when no indexed text matched well enough. */
  source: { id: string; similarity: number; coverage: number } | null;
  /** The best-ranked indexed texts for this one. */
  candidates: Array<{ id: string; similarity: number; coverage: number }>;
}
