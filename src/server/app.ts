/**
 * `buildServer(options)`: the Fastify app with the JSON API, the LanguageTool-compatible API and the web
 * page, backed by a pool of engine workers. The caller listens (or uses `inject()` in tests) and closes
 * it; closing terminates the workers.
 */
import { readFileSync } from 'node:fs';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { registerApiRoutes } from './api-routes.js';
import { type HttpFailure, toHttpFailure } from './http-errors.js';
import { languageToolRoutes } from './lt-routes.js';
import { openApiDocument } from './openapi.js';
import { type ResolvedServerOptions, resolveOptions, type ServerOptions } from './options.js';
import { WorkerPool } from './pool.js';
import { registerSecurity } from './security.js';
import { defaultWebDir, registerStatic } from './static.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The engine workers behind this server. */
    unspinPool: WorkerPool;
    unspinOptions: ResolvedServerOptions;
  }
}

/** unspin's version from package.json (two levels up from both src/server and dist/server). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const isLanguageTool = (url: string) => url.startsWith('/v2/');
const isApi = (url: string) => url.startsWith('/api/') || url === '/api';

function sendFailure(request: FastifyRequest, reply: FastifyReply, f: HttpFailure): FastifyReply {
  reply.code(f.status);
  if (f.headers) for (const [k, v] of Object.entries(f.headers)) reply.header(k, v);
  // LanguageTool answers errors as plain text; everything else gets JSON.
  if (isLanguageTool(request.url)) return reply.type('text/plain; charset=utf-8').send(`Error: ${f.message}`);
  return reply.type('application/json; charset=utf-8').send({ error: { code: f.code, message: f.message } });
}

export function buildServer(options: ServerOptions = {}): FastifyInstance {
  const o = resolveOptions(options);
  const version = packageVersion();
  const app = Fastify({
    logger: o.logger,
    bodyLimit: o.maxBody,
    // Validation must not silently coerce or drop what the client sent: a typo is a 400, not ignored.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    return503OnClosing: true,
  });
  const pool = new WorkerPool({
    size: o.workers,
    maxQueue: o.maxQueue,
    timeoutMs: o.timeoutMs,
    config: { indexTarget: o.index, engine: o.engine },
  });
  app.decorate('unspinPool', pool);
  app.decorate('unspinOptions', o);
  app.addHook('onClose', async () => pool.close());

  const internal = (request: FastifyRequest) => (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      `unspin: internal error on ${request.method} ${request.url}: ${message.split('\n')[0]}\n`,
    );
  };
  app.setErrorHandler((err: FastifyError, request, reply) =>
    sendFailure(request, reply, toHttpFailure(err, internal(request))),
  );
  app.setNotFoundHandler((request, reply) => {
    const message = `no route for ${request.method} ${request.url.split('?')[0]}`;
    if (isApi(request.url) || isLanguageTool(request.url)) {
      return sendFailure(request, reply, { status: 404, code: 'NOT_FOUND', message });
    }
    return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
  });

  registerSecurity(app, o.cors);
  registerApiRoutes(app, { pool, apiKey: o.apiKey, withSource: o.index !== undefined, version });
  app.register(languageToolRoutes, { pool, apiKey: o.apiKey, version });
  const doc = openApiDocument(version, o.index !== undefined);
  app.get('/openapi.json', async () => doc);
  registerStatic(app, o.webDir ?? defaultWebDir());
  return app;
}
