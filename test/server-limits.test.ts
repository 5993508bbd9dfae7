/**
 * The server's limits and guards: body size (413), a full queue (503 with Retry-After, not an endless
 * wait), the per-check time limit (503, and the stuck worker is replaced so later checks still run),
 * the API key, and CORS for the configured origin (none by default: see server.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SPUN = readFileSync(join(ROOT, 'examples', 'spun-news.txt'), 'utf8');
/** Keeps a worker busy for a second or more (~6,000 words). */
const MEDIUM = `${SPUN}\n\n`.repeat(80);
/**
 * ~40,000 words: far past a 300 ms limit on any machine, even with every candidate cached after the first
 * paragraph (the text repeats one); it is cut off, never run to the end.
 */
const LONG = `${SPUN}\n\n`.repeat(550);

const apps: FastifyInstance[] = [];
function server(options: Parameters<typeof buildServer>[0]): FastifyInstance {
  const app = buildServer(options);
  apps.push(app);
  return app;
}

afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

describe('API key, CORS and body limit', () => {
  const app = server({ workers: 1, apiKey: 's3cret', cors: 'https://editor.example', maxBody: 4096 });
  beforeAll(() => app.unspinPool.ready(), 120_000);
  const check = (
    headers: Record<string, string>,
    payload: unknown = { text: 'The committee met on Tuesday.' },
  ) => app.inject({ method: 'POST', url: '/api/check', payload: payload as string, headers });

  it('refuses /api without the key, accepts Bearer and X-API-Key', async () => {
    const none = await check({});
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.json().error.code).toBe('UNAUTHORIZED');
    expect((await check({ authorization: 'Bearer wrong' })).statusCode).toBe(401);
    expect((await check({ authorization: 'Bearer s3cret' })).statusCode).toBe(200);
    expect((await check({ 'x-api-key': 's3cret' })).statusCode).toBe(200);
  }, 120_000);

  it("takes LanguageTool's apiKey parameter on /v2/check; the page and /healthz stay open", async () => {
    const v2 = (apiKey: string) =>
      app.inject({
        method: 'POST',
        url: '/v2/check',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ language: 'en-US', text: 'Hello there.', apiKey }).toString(),
      });
    const wrong = await v2('nope');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/^text\/plain/);
    expect(wrong.body).toBe('Error: wrong API key');
    expect((await v2('s3cret')).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v2/languages' })).statusCode).toBe(200);
  });

  it('allows the configured origin only, with a preflight', async () => {
    const ok = await check({ origin: 'https://editor.example', 'x-api-key': 's3cret' });
    expect(ok.headers['access-control-allow-origin']).toBe('https://editor.example');
    const other = await check({ origin: 'https://evil.example', 'x-api-key': 's3cret' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/check',
      headers: { origin: 'https://editor.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/X-API-Key/);
    const refused = await app.inject({
      method: 'OPTIONS',
      url: '/api/check',
      headers: { origin: 'https://evil.example' },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('queues concurrent checks on real connections until a worker is free', async () => {
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const texts = SPUN.trim().split('\n\n');
    const answers = await Promise.all(
      [...texts, ...texts].map((text) =>
        fetch(`${url}/api/check`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': 's3cret' },
          body: JSON.stringify({ text }),
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
  }, 120_000);

  it('answers 413 to a body over the limit: JSON on /api, plain text on /v2', async () => {
    const big = 'word '.repeat(2000);
    const api = await check({ 'x-api-key': 's3cret' }, { text: big });
    expect(api.statusCode).toBe(413);
    expect(api.json().error.code).toBe('TOO_LARGE');
    const v2 = await app.inject({
      method: 'POST',
      url: '/v2/check',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `language=en-US&apiKey=s3cret&text=${encodeURIComponent(big)}`,
    });
    expect(v2.statusCode).toBe(413);
    expect(v2.body).toBe('Error: request body too large');
  });
});

describe('overload and time limit', () => {
  it('answers 503 with Retry-After when the queue is full instead of queueing', async () => {
    const app = server({ workers: 1, maxQueue: 1 });
    await app.unspinPool.ready();
    const send = () => app.inject({ method: 'POST', url: '/api/check', payload: { text: MEDIUM } });
    // One runs, one waits, the third finds the queue full.
    const running = send();
    const waiting = send();
    await new Promise((r) => setTimeout(r, 50));
    const refused = await send();
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json().error.code).toBe('OVERLOADED');
    expect((await running).statusCode).toBe(200);
    expect((await waiting).statusCode).toBe(200);
  }, 120_000);

  it('answers 503 when a check runs past the time limit, replaces the worker, and keeps serving', async () => {
    const app = server({ workers: 1, timeoutMs: 300 });
    await app.unspinPool.ready();
    const slow = await app.inject({ method: 'POST', url: '/api/check', payload: { text: LONG } });
    expect(slow.statusCode).toBe(503);
    expect(slow.json().error).toEqual({
      code: 'TIMEOUT',
      message: 'the check took longer than the 300 ms limit',
    });
    expect(app.unspinPool.stats().restarts).toBe(1);
    // The replacement worker loads its engine, then short checks go through again.
    await app.unspinPool.ready();
    const health = (await app.inject({ method: 'GET', url: '/healthz' })).json();
    expect(health.pool).toMatchObject({ workers: 1, ready: 1, busy: 0 });
    const quick = await app.inject({
      method: 'POST',
      url: '/api/check',
      payload: { text: 'The committee met.' },
    });
    expect(quick.statusCode).toBe(200);
  }, 120_000);

  it('reports a worker that cannot load its models, and answers checks with 500 without details', async () => {
    const app = server({ workers: 1, engine: { lm: ['/nonexistent/model.lm.bin'] } });
    await expect(app.unspinPool.ready()).rejects.toThrow(/nonexistent\/model\.lm\.bin/);
    const r = await app.inject({
      method: 'POST',
      url: '/api/check',
      payload: { text: 'The committee met.' },
    });
    expect(r.statusCode).toBe(500);
    expect(r.json().error).toEqual({ code: 'INTERNAL', message: 'internal error: the check failed' });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(503);
  }, 120_000);
});
