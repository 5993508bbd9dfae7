/**
 * The HTTP server through Fastify's inject(): the JSON API returns exactly the library's result shape,
 * the page is served with its security headers, and failures (bad JSON, bad fields, unknown routes,
 * missing routes) answer with a clear message and no stack trace. The engine runs in worker threads.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/engine.js';
import { jsonResult, round4 } from '../src/formats/json.js';
import { buildServer } from '../src/server/index.js';
import { checkBody } from '../src/server/openapi.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SPUN = readFileSync(join(ROOT, 'examples', 'spun-news.txt'), 'utf8');

let app: FastifyInstance;
let engine: Engine;

beforeAll(async () => {
  app = buildServer({ workers: 1 });
  engine = createEngine();
  await app.unspinPool.ready();
}, 120_000);

afterAll(async () => {
  await app?.close();
});

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload: payload as string, headers });

/** No response body may carry a stack trace or a file path. */
function expectNoStack(body: string): void {
  expect(body).not.toMatch(/\n\s+at |\.ts:\d+|\.js:\d+|node_modules/);
}

describe('POST /api/check', () => {
  it('returns the library result shape, equal to the engine run in-process', async () => {
    const r = await post('/api/check', { text: SPUN });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const body = r.json();
    expect(Object.keys(body)).toEqual(['score', 'verdict', 'words', 'findings']);
    expect(body).toEqual(jsonResult(engine.check(SPUN), {}));
    expect(body.findings.length).toBeGreaterThan(0);
    for (const f of body.findings) expect(SPUN.slice(f.start, f.end)).toBe(f.text);
  });

  it('passes the options to the engine', async () => {
    const options = { minConfidence: 0.9, protect: ['residential areas'] };
    const body = (await post('/api/check', { text: SPUN, options })).json();
    expect(body).toEqual(jsonResult(engine.check(SPUN, options), {}));
    expect(body.findings.every((f: { confidence: number }) => f.confidence >= 0.9)).toBe(true);
    expect(body.findings.some((f: { text: string }) => f.text === 'residential areas')).toBe(false);
  });

  it('counts offsets in UTF-16 code units', async () => {
    const text = `😀 ${SPUN}`;
    const body = (await post('/api/check', { text })).json();
    for (const f of body.findings) expect(text.slice(f.start, f.end)).toBe(f.text);
  });

  it.each([
    ['no text', {}, /text/],
    ['text that is not a string', { text: 42 }, /text/],
    ['an unknown field', { text: 'a', extra: true }, /additional/],
    ['an unknown option', { text: 'a', options: { minConfidense: 0.5 } }, /additional/],
    ['minConfidence out of range', { text: 'a', options: { minConfidence: 2 } }, /minConfidence/],
    ['a body that is an array', [1, 2], /object/],
  ])('answers 400 for %s', async (_name, payload, message) => {
    const r = await post('/api/check', payload);
    expect(r.statusCode).toBe(400);
    const body = r.json();
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.message).toMatch(message);
    expectNoStack(r.body);
  });

  it('answers 400 for malformed JSON', async () => {
    const r = await post('/api/check', '{"text": "unfinished', { 'content-type': 'application/json' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('BAD_JSON');
    expectNoStack(r.body);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const r = await post('/api/check', 'text=hello', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(r.statusCode).toBe(415);
    expect(r.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('checks an empty text without failing', async () => {
    const r = await post('/api/check', { text: '' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual(jsonResult(engine.check(''), {}));
  });
});

describe('POST /api/restore', () => {
  it('returns the restored text and edits of the library', async () => {
    const r = await post('/api/restore', { text: SPUN, options: { minConfidence: 0.6 } });
    expect(r.statusCode).toBe(200);
    const expected = engine.restore(SPUN, { minConfidence: 0.6 });
    expect(r.json()).toEqual({
      text: expected.text,
      edits: expected.edits.map((e) => ({ ...e, confidence: round4(e.confidence) })),
    });
    expect(r.json().text).not.toBe(SPUN);
  });
});

describe('other routes', () => {
  it('GET /healthz reports the pool', async () => {
    const r = await app.inject({ method: 'GET', url: '/healthz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ok', pool: { workers: 1, ready: 1, queued: 0 } });
  });

  it('GET /openapi.json describes the API with the schemas the server validates against', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/check', '/api/restore', '/healthz', '/v2/check', '/v2/languages']),
    );
    expect(doc.paths['/api/source']).toBeUndefined(); // no index configured
    expect(doc.paths['/api/check'].post.requestBody.content['application/json'].schema).toEqual(
      JSON.parse(JSON.stringify(checkBody)),
    );
    // Every reference points at a schema the document defines.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map(
      (m) => m[1],
    );
    expect(refs.length).toBeGreaterThan(0);
    for (const name of refs) expect(doc.components.schemas[name]).toBeDefined();
  });

  it('POST /api/source is not there without an index', async () => {
    const r = await post('/api/source', { text: SPUN });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe('NOT_FOUND');
  });

  it('unknown routes: JSON 404 under /api, plain text elsewhere, never a stack', async () => {
    const api = await app.inject({ method: 'GET', url: '/api/nothing' });
    expect(api.statusCode).toBe(404);
    expect(api.json().error).toEqual({ code: 'NOT_FOUND', message: 'no route for GET /api/nothing' });
    const other = await app.inject({ method: 'GET', url: '/../../etc/passwd' });
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toMatch(/root:/);
    expectNoStack(other.body);
  });

  it('GET /api/check (wrong method) is a JSON 404', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/check' });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe('NOT_FOUND');
  });
});

describe('the web page', () => {
  it('serves the page, its script and style with a strict CSP and no CORS', async () => {
    const page = await app.inject({
      method: 'GET',
      url: '/',
      headers: { origin: 'https://elsewhere.example' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'self'/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/check',
      headers: { origin: 'https://a.example' },
    });
    expect(preflight.statusCode).toBe(404);
    // Everything the page loads is relative: no CDN, no other origin.
    expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const [file, type] of [
      ['app.js', 'text/javascript'],
      ['app.css', 'text/css'],
      ['favicon.svg', 'image/svg+xml'],
    ]) {
      const r = await app.inject({ method: 'GET', url: `/${file}` });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toContain(type);
      expect(r.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    }
  });

  it('answers 304 to a matching ETag', async () => {
    const first = await app.inject({ method: 'GET', url: '/app.js' });
    const again = await app.inject({
      method: 'GET',
      url: '/app.js',
      headers: { 'if-none-match': String(first.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });
});

describe('unspin serve', () => {
  it('starts, answers /healthz and stops on SIGTERM with exit code 0', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--workers', '1'],
      {
        cwd: ROOT,
        env: { ...process.env, UNSPIN_API_KEY: '' },
      },
    );
    let stderr = '';
    const address = await new Promise<string>((resolve, reject) => {
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        const m = /serving on (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr);
        if (m) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    const health = await fetch(`${address}/healthz`);
    expect(health.status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^unspin: serving on http:\/\/127\.0\.0\.1:\d+\/ \(1 worker\)/);
  }, 120_000);

  it('rejects a bad option with exit code 2 and a one-line message', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', 'abc'], {
      cwd: ROOT,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^unspin: .*--port.*whole number/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  }, 30_000);
});
