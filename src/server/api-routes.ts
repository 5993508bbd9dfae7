/** The JSON API: /api/check, /api/restore, /api/source (with an index) and /healthz. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jsonResult, round4 } from '../formats/json.js';
import type { CheckOptions, CheckResult, RestoreResult } from '../types.js';
import { checkBody, sourceBody } from './openapi.js';
import type { WorkerPool } from './pool.js';
import type { SourceReply } from './protocol.js';
import { requireApiKey } from './security.js';

interface CheckBody {
  text: string;
  options?: CheckOptions;
}

interface SourceBody extends CheckBody {
  limit?: number;
}

/** Aborted when the client goes away before its answer is sent, so a queued job can be dropped. */
export function clientGone(_request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  // The response's 'close' (not the request's: that one fires as soon as the body has been read) comes
  // after the answer is sent, or earlier when the connection drops.
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) ac.abort();
  });
  return ac.signal;
}

export interface ApiRouteOptions {
  pool: WorkerPool;
  apiKey?: string;
  withSource: boolean;
  version: string;
}

export function registerApiRoutes(app: FastifyInstance, o: ApiRouteOptions): void {
  const { pool } = o;

  app.get('/healthz', async (_request, reply) => {
    const stats = pool.stats();
    const ready = stats.ready > 0;
    reply.code(ready ? 200 : 503);
    return { status: ready ? 'ok' : 'starting', version: o.version, pool: stats };
  });

  app.post<{ Body: CheckBody }>('/api/check', { schema: { body: checkBody } }, async (request, reply) => {
    requireApiKey(request, o.apiKey);
    const { text, options } = request.body;
    const { result } = (await pool.run('check', { text, options }, clientGone(request, reply))) as {
      result: CheckResult;
    };
    return jsonResult(result, {});
  });

  app.post<{ Body: CheckBody }>('/api/restore', { schema: { body: checkBody } }, async (request, reply) => {
    requireApiKey(request, o.apiKey);
    const { text, options } = request.body;
    const restored = (await pool.run(
      'restore',
      { text, options },
      clientGone(request, reply),
    )) as RestoreResult;
    return {
      text: restored.text,
      edits: restored.edits.map((e) => ({ ...e, confidence: round4(e.confidence) })),
    };
  });

  if (o.withSource) {
    app.post<{ Body: SourceBody }>(
      '/api/source',
      { schema: { body: sourceBody } },
      async (request, reply) => {
        requireApiKey(request, o.apiKey);
        const { text, options, limit } = request.body;
        const r = (await pool.run(
          'source',
          { text, options, limit },
          clientGone(request, reply),
        )) as SourceReply;
        return { ...jsonResult(r.result, {}), source: r.source, candidates: r.candidates };
      },
    );
  }
}
