/**
 * POST /api/source against a real SQLite source index: the findings come from the alignment with the
 * indexed original (origin 'source'), and the index's best candidates are listed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server/index.js';
import { openIndex } from '../src/source/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SPUN = readFileSync(join(ROOT, 'examples', 'spun-news.txt'), 'utf8');
const ORIGINAL =
  'The city council approved a plan on Monday to build three new schools in the northern suburbs. Officials said ' +
  'construction would begin next spring and take about two years.\n\nParents have long complained that classrooms ' +
  'are crowded, and several teachers told reporters that the decision was overdue. The mayor said the project ' +
  'would be paid for with a bond that voters approved last year.\n';
const OTHER =
  'The library will close for two weeks in August while workers replace the roof and repair the heating system. ' +
  'Books can be returned at the town hall during that time.';

let dir: string;
let app: FastifyInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'unspin-source-'));
  const target = join(dir, 'sources.db');
  const index = await openIndex(target, { create: true });
  await index.add([
    { id: 'news-1', text: ORIGINAL },
    { id: 'other', text: OTHER },
  ]);
  await index.close();
  app = buildServer({ workers: 1, index: target });
  await app.unspinPool.ready();
}, 120_000);

afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('POST /api/source', () => {
  it('aligns a spun text with its indexed original', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/source', payload: { text: SPUN, limit: 3 } });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(Object.keys(body)).toEqual(['score', 'verdict', 'words', 'findings', 'source', 'candidates']);
    expect(body.source.id).toBe('news-1');
    expect(body.candidates[0].id).toBe('news-1');
    expect(body.candidates.length).toBeLessThanOrEqual(3);
    const fromSource = body.findings.filter((f: { origin?: string }) => f.origin === 'source');
    expect(fromSource.length).toBeGreaterThan(0);
    for (const f of fromSource) {
      expect(SPUN.slice(f.start, f.end)).toBe(f.text);
      expect(f.sourceId).toBe('news-1');
      expect(ORIGINAL).toContain(f.suggestions[0].text);
    }
  });

  it('falls back to the decoder when no indexed text matches', async () => {
    const text =
      'Quarterly revenue rose by a modest amount as the company opened shops in three more countries.';
    const body = (await app.inject({ method: 'POST', url: '/api/source', payload: { text } })).json();
    expect(body.source).toBeNull();
    expect(body.findings.every((f: { origin?: string }) => f.origin !== 'source')).toBe(true);
  });

  it('is described in the OpenAPI document and validates its body', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.paths['/api/source']).toBeDefined();
    const bad = await app.inject({ method: 'POST', url: '/api/source', payload: { text: 'a', limit: 0 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('BAD_REQUEST');
  });
});
