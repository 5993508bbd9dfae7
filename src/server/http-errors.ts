/**
 * One place that turns failures into HTTP answers: the status, a stable code and a one-line message.
 * Nothing here ever puts a stack trace in a response.
 */
import { UnspinError } from '../errors.js';
import { JobError, PoolError } from './pool.js';

export interface HttpFailure {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

/** A failure raised by the routes themselves (bad parameters, missing key). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const ENGINE_STATUS: Record<string, number> = {
  USAGE: 400,
  BAD_JSON: 400,
  EMPTY_INPUT: 400,
  BINARY_INPUT: 400,
  INVALID_UTF8: 400,
  NOT_ENGLISH: 400,
  TOO_LARGE: 413,
  NOT_FOUND: 404,
};

/** Fastify's own error codes for bodies it could not read, with a message of ours. */
const FASTIFY_ERRORS: Record<string, { status: number; code: string; message?: (e: Error) => string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'TOO_LARGE', message: () => 'request body too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: () => 'unsupported Content-Type (send application/json)',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'BAD_JSON',
    message: () => 'empty body: send a JSON object like {"text": "…"}',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'BAD_JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_REQUEST' },
};

/** Map anything thrown while answering a request to an HTTP failure. `internal` is called for 500s. */
export function toHttpFailure(err: unknown, internal?: (err: unknown) => void): HttpFailure {
  if (err instanceof HttpError) {
    return { status: err.status, code: err.code, message: err.message, headers: err.headers };
  }
  if (err instanceof PoolError) {
    switch (err.code) {
      case 'OVERLOADED':
        return { status: 503, code: 'OVERLOADED', message: err.message, headers: { 'retry-after': '1' } };
      case 'TIMEOUT':
        return { status: 503, code: 'TIMEOUT', message: err.message };
      case 'CLOSED':
        return { status: 503, code: 'SHUTTING_DOWN', message: err.message };
      case 'ABORTED':
        return { status: 499, code: 'ABORTED', message: err.message };
      default:
        internal?.(err);
        return { status: 500, code: 'INTERNAL', message: 'internal error: the check failed' };
    }
  }
  if (err instanceof JobError || err instanceof UnspinError) {
    const status = ENGINE_STATUS[err.code];
    if (status !== undefined) return { status, code: err.code, message: err.message };
    internal?.(err);
    return { status: 500, code: err.code, message: err.message };
  }
  const e = err as (Error & { code?: string; statusCode?: number; validation?: unknown }) | undefined;
  if (e && typeof e === 'object') {
    const known = e.code ? FASTIFY_ERRORS[e.code] : undefined;
    if (known) return { status: known.status, code: known.code, message: known.message?.(e) ?? e.message };
    if (e.validation) return { status: 400, code: 'BAD_REQUEST', message: `invalid request: ${e.message}` };
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      return { status: e.statusCode, code: 'BAD_REQUEST', message: e.message.split('\n')[0] };
    }
  }
  internal?.(err);
  return { status: 500, code: 'INTERNAL', message: 'internal error' };
}
