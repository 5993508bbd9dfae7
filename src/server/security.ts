/** API key, CORS and the security headers every response carries. */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './http-errors.js';

/** CSP for the page and everything else: nothing but this server, no inline code, no framing. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function sameKey(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The key a request presents: `Authorization: Bearer K`, `X-API-Key: K`, or LanguageTool's `apiKey`. */
function presentedKey(request: FastifyRequest, paramKey: string | undefined): string | undefined {
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1];
  }
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  return paramKey;
}

/** Throws 401 unless the request carries the configured key (no key configured: always passes). */
export function requireApiKey(request: FastifyRequest, apiKey: string | undefined, paramKey?: string): void {
  if (apiKey === undefined) return;
  const given = presentedKey(request, paramKey);
  if (given === undefined) {
    throw new HttpError(
      401,
      'UNAUTHORIZED',
      'an API key is required (Authorization: Bearer KEY or X-API-Key)',
      {
        'www-authenticate': 'Bearer',
      },
    );
  }
  if (!sameKey(given, apiKey)) {
    throw new HttpError(401, 'UNAUTHORIZED', 'wrong API key', { 'www-authenticate': 'Bearer' });
  }
}

/** Security headers on every response; CORS headers only for the configured origin. */
export function registerSecurity(app: FastifyInstance, cors: string | undefined): void {
  app.addHook('onSend', async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    return payload;
  });
  if (cors === undefined) return;
  const allowed = (origin: string | undefined) => origin !== undefined && (cors === '*' || origin === cors);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (cors !== '*') reply.header('vary', 'Origin');
    if (allowed(origin)) reply.header('access-control-allow-origin', cors === '*' ? '*' : origin);
  });
  // Preflight for browsers calling the API from the allowed origin.
  app.options('/*', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!allowed(request.headers.origin)) throw new HttpError(403, 'FORBIDDEN', 'origin not allowed');
    reply
      .header('access-control-allow-methods', 'GET, POST, OPTIONS')
      .header('access-control-allow-headers', 'Content-Type, Authorization, X-API-Key')
      .header('access-control-max-age', '600')
      .code(204)
      .send();
  });
}
