/**
 * LanguageTool API contract: the requests real clients send, replayed exactly, and the response fields
 * they read. LTeX (ltex-ls) posts a form body labelled `Content-Type: application/json` with `data`
 * annotations; the VS Code LanguageTool Linter posts a form whose `data` comes from annotatedtext-remark
 * or annotatedtext-rehype (generated here with those packages). Match offsets must point into the
 * original document, markup included.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/engine.js';
import { buildServer } from '../src/server/index.js';
import { activeRules, matchContext, PlainText, resolveLanguage } from '../src/server/languagetool.js';
import type { CheckResult } from '../src/types.js';

const require = createRequire(import.meta.url);
interface Annotation {
  text?: string;
  markup?: string;
  interpretAs?: string;
  offset?: { start: number; end: number };
}
interface Builder {
  build(text: string, options?: unknown): { annotation: Annotation[] };
  defaults: Record<string, unknown>;
}
const remark = require('annotatedtext-remark') as Builder;
const rehype = require('annotatedtext-rehype') as Builder;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const [P1, P2] = readFileSync(join(ROOT, 'examples', 'spun-news.txt'), 'utf8')
  .trim()
  .split('\n\n');

/**
 * A request body as LTeX 15/16 sends it for this LaTeX document (its annotation of `\section`, `\emph` and
 * paragraph breaks), form-encoded by Java's URLEncoder, while the header claims application/json.
 */
const LTEX_DOCUMENT = `\\section{Schools}\n${P1.replace('residential areas', '\\emph{residential areas}')}\n\n${P2}\n`;
const LTEX_BODY =
  'data=%7B%22annotation%22%3A%5B%7B%22markup%22%3A%22%5C%5Csection%7B%22%7D%2C%7B%22text%22%3A%22Schools%22%7D%2C%7B%22markup%22%3A%22%7D%5Cn%22%2C%22interpretAs%22%3A%22%5Cn%5Cn%22%7D%2C%7B%22text%22%3A%22The+city+council+authorized+a+strategy+on+Monday+to+construct+3+brand-new+schools+in+the+northern+%22%7D%2C%7B%22markup%22%3A%22%5C%5Cemph%7B%22%7D%2C%7B%22text%22%3A%22residential+areas%22%7D%2C%7B%22markup%22%3A%22%7D%22%7D%2C%7B%22text%22%3A%22.+Authorities+stated+building+and+construction+would+start+following+spring+and+take+approximately+2+years.%22%7D%2C%7B%22markup%22%3A%22%5Cn%5Cn%22%2C%22interpretAs%22%3A%22%5Cn%5Cn%22%7D%2C%7B%22text%22%3A%22Moms+and+dads+have+actually+long+grumbled+that+class+are+congested%2C+and+a+number+of+instructors+informed+press+reporters+that+the+choice+was+past+due.+The+mayor+specified+the+task+would+be+spent+for+with+a+bond+that+citizens+authorized+last+year.%5Cn%22%7D%5D%7D&language=en-US';
const LTEX_HEADERS = {
  'content-type': 'application/json',
  'user-agent': 'Java-http-client/17.0.9',
};

/** The VS Code LanguageTool Linter's markdown interpretation of markup (keeps line breaks, headers, bullets). */
function linterInterpretMarkup(text = ''): string {
  let interpretation = '\n'.repeat((text.match(/\n/g) || []).length);
  if (/^(?!\s*`{3})\s*`{1,2}/.test(text)) interpretation = `\`${'#'.repeat(text.length - 2)}\``;
  else if (/#\s+$/.test(text)) interpretation += '# ';
  else if (/\*\s+$/.test(text)) interpretation += '* ';
  else if (/\d+\.\s+$/.test(text)) interpretation += '** ';
  return interpretation;
}

const MARKDOWN = `# Schools\n\n${P1.replace('residential areas', '*residential areas*')}\n\n- ${P2.replace('press reporters', '[press reporters](https://example.com/press)')}\n`;
const HTML = `<article><h1>Schools</h1><p>${P1.replace('residential areas', '<em>residential areas</em>')}</p><p>${P2}</p></article>`;

interface LtMatch {
  message: string;
  shortMessage: string;
  replacements: Array<{ value: string }>;
  offset: number;
  length: number;
  context: { text: string; offset: number; length: number };
  sentence: string;
  type: { typeName: string };
  rule: { id: string; description: string; issueType: string; category: { id: string; name: string } };
}

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

/** The plain text an annotation stands for, the way LanguageTool reads it. */
function plainOf(annotation: Annotation[]): string {
  return annotation.map((a) => a.text ?? a.interpretAs ?? '').join('');
}

/** The document an annotation was made from. */
function documentOf(annotation: Annotation[]): string {
  return annotation.map((a) => a.text ?? a.markup ?? '').join('');
}

/** The text parts of the document inside [start, end): what a match covers once markup is dropped. */
function textIn(annotation: Annotation[], start: number, end: number): string {
  let out = '';
  let at = 0;
  for (const a of annotation) {
    const len = (a.text ?? a.markup ?? '').length;
    if (a.text !== undefined) out += a.text.slice(Math.max(0, start - at), Math.max(0, end - at));
    at += len;
  }
  return out;
}

/** Every field the clients read, with the right types. */
function expectWellFormed(m: LtMatch): void {
  expect(typeof m.message).toBe('string');
  expect(m.shortMessage).toBe('Spun text');
  expect(Number.isInteger(m.offset) && Number.isInteger(m.length)).toBe(true);
  expect(typeof m.sentence).toBe('string');
  expect(m.sentence.length).toBeGreaterThan(0);
  expect(m.type).toEqual({ typeName: 'Hint' });
  expect(['SPUN_SUBSTITUTION', 'TORTURED_PHRASE']).toContain(m.rule.id);
  expect(m.rule.id).not.toMatch(/MORFOLOGIK|SPELLER|HUNSPELL/);
  expect(m.rule.issueType).toBe('terminology');
  expect(m.rule.category).toEqual({ id: 'SPUN_TEXT', name: 'Spun text' });
  expect(typeof m.rule.description).toBe('string');
  for (const r of m.replacements) expect(typeof r.value).toBe('string');
  expect(m.context.text.slice(m.context.offset, m.context.offset + m.context.length)).not.toMatch(/\n/);
}

/** The response's matches against the engine's own findings on the plain text, mapped into the document. */
function expectMatchesFor(matches: LtMatch[], annotation: Annotation[], expected: CheckResult): void {
  expect(matches.length).toBe(expected.findings.length);
  expect(matches.length).toBeGreaterThan(0);
  const findings = [...expected.findings].sort((a, b) => a.start - b.start);
  matches.forEach((m, i) => {
    const f = findings[i];
    expectWellFormed(m);
    expect(textIn(annotation, m.offset, m.offset + m.length)).toBe(f.text);
    expect(m.replacements.map((r) => r.value)).toEqual(f.suggestions.map((s) => s.text));
    expect(m.context.text.slice(m.context.offset, m.context.offset + m.context.length)).toBe(f.text);
    expect(m.sentence).toContain(f.text);
  });
}

describe('LTeX', () => {
  it('gets matches for its literal request (form body labelled application/json)', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/v2/check',
      headers: LTEX_HEADERS,
      payload: LTEX_BODY,
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const body = r.json();
    expect(body.software).toMatchObject({ name: 'unspin', apiVersion: 1 });
    expect(body.language.code).toBe('en-US');
    const annotation = JSON.parse(new URLSearchParams(LTEX_BODY).get('data')!).annotation as Annotation[];
    expect(documentOf(annotation)).toBe(LTEX_DOCUMENT);
    expectMatchesFor(body.matches, annotation, engine.check(plainOf(annotation)));
    // The \emph{} phrase is reported at its place in the LaTeX source, without the braces.
    const emph = (body.matches as LtMatch[]).find((m) => m.replacements.some((x) => x.value === 'suburbs'));
    if (emph) expect(LTEX_DOCUMENT.slice(emph.offset, emph.offset + emph.length)).toBe('residential areas');
  });

  it('honours level=picky and enabledRules as LTeX sends them', async () => {
    const params = new URLSearchParams(LTEX_BODY);
    const plain = plainOf(JSON.parse(params.get('data')!).annotation);
    params.set('level', 'picky');
    const r = await app.inject({
      method: 'POST',
      url: '/v2/check',
      headers: LTEX_HEADERS,
      payload: params.toString(),
    });
    expect(r.json().matches.length).toBe(engine.check(plain, { minConfidence: 0.3 }).findings.length);
  });
});

describe('VS Code LanguageTool Linter', () => {
  const form = (data: string, extra: Record<string, string> = {}) =>
    new URLSearchParams({
      language: 'auto',
      motherTongue: '',
      preferredVariants: 'en-US',
      disabledCategories: '',
      disabledRules: '',
      ...extra,
      data,
    }).toString();
  const post = (payload: string) =>
    app.inject({
      method: 'POST',
      url: '/v2/check',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      payload,
    });

  it('maps matches back into a markdown document annotated by annotatedtext-remark', async () => {
    const annotated = remark.build(MARKDOWN, { ...remark.defaults, interpretmarkup: linterInterpretMarkup });
    expect(documentOf(annotated.annotation)).toBe(MARKDOWN);
    const r = await post(form(JSON.stringify(annotated)));
    expect(r.statusCode).toBe(200);
    expect(r.json().language.code).toBe('en-US');
    expectMatchesFor(r.json().matches, annotated.annotation, engine.check(plainOf(annotated.annotation)));
  });

  it('maps matches back into an HTML document annotated by annotatedtext-rehype', async () => {
    const annotated = rehype.build(HTML);
    const r = await post(form(JSON.stringify(annotated), { preferredVariants: 'en-GB' }));
    expect(r.statusCode).toBe(200);
    expect(r.json().language.code).toBe('en-GB');
    expectMatchesFor(r.json().matches, annotated.annotation, engine.check(plainOf(annotated.annotation)));
  });

  it('turns off rules and categories the user disabled', async () => {
    const data = JSON.stringify({ annotation: [{ text: `${P1}\n\n${P2}` }] });
    const off = await post(form(data, { disabledCategories: 'SPUN_TEXT' }));
    expect(off.json().matches).toEqual([]);
    const both = await post(form(data, { disabledRules: 'SPUN_SUBSTITUTION,TORTURED_PHRASE' }));
    expect(both.json().matches).toEqual([]);
    const onlyPhrases = await post(form(data, { enabledOnly: 'true', enabledRules: 'TORTURED_PHRASE' }));
    const ids = (onlyPhrases.json().matches as LtMatch[]).map((m) => m.rule.id);
    expect(ids.every((id) => id === 'TORTURED_PHRASE')).toBe(true);
    const all = (await post(form(data))).json().matches as LtMatch[];
    expect(ids.length).toBe(all.filter((m) => m.rule.id === 'TORTURED_PHRASE').length);
  });
});

describe('plain requests and errors', () => {
  const text = `${P1}\n\n${P2}`;

  it('GET with query parameters gives the same matches as POST', async () => {
    const query = new URLSearchParams({ language: 'en-US', text }).toString();
    const get = await app.inject({ method: 'GET', url: `/v2/check?${query}` });
    const post = await app.inject({
      method: 'POST',
      url: '/v2/check',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: query,
    });
    expect(get.statusCode).toBe(200);
    expect(get.json().matches).toEqual(post.json().matches);
    expectMatchesFor(get.json().matches, [{ text }], engine.check(text));
  });

  it('GET /v2/languages lists the English variants', async () => {
    const langs = (await app.inject({ method: 'GET', url: '/v2/languages' })).json();
    expect(langs).toContainEqual({ name: 'English (US)', code: 'en', longCode: 'en-US' });
    expect(langs.every((l: { code: string }) => l.code === 'en')).toBe(true);
  });

  it('reports no matches for language=auto on text that is not English', async () => {
    const german =
      'Der Stadtrat hat am Montag beschlossen, drei neue Schulen im Norden der Stadt zu bauen. Die Arbeiten sollen im nächsten Frühjahr beginnen und etwa zwei Jahre dauern, sagte die Bürgermeisterin.';
    const r = await app.inject({
      method: 'GET',
      url: `/v2/check?language=auto&text=${encodeURIComponent(german)}`,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().matches).toEqual([]);
    expect(r.json().language.detectedLanguage.code).toBe('zz');
  });

  it.each([
    ['no language', 'text=Hello', "Error: Missing 'language' parameter"],
    [
      'a language other than English',
      'language=de-DE&text=Hallo',
      "Error: unspin checks English only: 'de-DE'",
    ],
    ['neither text nor data', 'language=en-US', "Error: Missing 'text' or 'data' parameter"],
    ['both text and data', 'language=en-US&text=a&data=%7B%7D', "Error: Set either 'text' or 'data'"],
    ['data that is not JSON', 'language=en-US&data=%7Bannotation', "Error: Invalid JSON in 'data' parameter"],
    [
      'data without an annotation array',
      'language=en-US&data=%7B%22annotation%22%3A3%7D',
      "Error: 'data' must be",
    ],
    [
      'an annotation with text and markup',
      `language=en-US&data=${encodeURIComponent('{"annotation":[{"text":"a","markup":"<b>"}]}')}`,
      'Error: Invalid \'data\' parameter: annotation[0] has both "text" and "markup"',
    ],
    [
      'an unknown level',
      'language=en-US&text=a&level=extreme',
      "Error: 'level' must be 'default' or 'picky'",
    ],
    ['enabledOnly without rules', 'language=en-US&text=a&enabledOnly=true', 'Error: enabledOnly=true needs'],
  ])('answers 400 in plain text for %s', async (_name, payload, message) => {
    const r = await app.inject({
      method: 'POST',
      url: '/v2/check',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload,
    });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    expect(r.body.startsWith(message)).toBe(true);
    expect(r.body).not.toMatch(/\n\s+at /);
  });
});

describe('annotation offsets and helpers', () => {
  it('maps every text part of remark and rehype annotations back to its own offsets', () => {
    for (const annotated of [
      remark.build(MARKDOWN, { ...remark.defaults, interpretmarkup: linterInterpretMarkup }),
      rehype.build(HTML),
    ]) {
      const plain = PlainText.fromData(JSON.stringify(annotated));
      expect(plain.text).toBe(plainOf(annotated.annotation));
      let at = 0;
      for (const a of annotated.annotation) {
        const len = (a.text ?? a.interpretAs ?? '').length;
        if (a.text !== undefined && len > 0 && a.offset) {
          expect(plain.toDocument(at, false)).toBe(a.offset.start);
          expect(plain.toDocument(at + len, true)).toBe(a.offset.end);
        }
        at += len;
      }
    }
  });

  it('maps a span that crosses markup to the whole stretch of the document', () => {
    const plain = PlainText.fromData(
      JSON.stringify({
        annotation: [
          { text: 'a ' },
          { markup: '<b>' },
          { text: 'big' },
          { markup: '</b>' },
          { text: ' cat' },
        ],
      }),
    );
    expect(plain.text).toBe('a big cat');
    // "big cat" starts after <b> and ends in the last text part.
    expect(plain.toDocument(2, false)).toBe(5);
    expect(plain.toDocument(9, true)).toBe(16);
    // "big" ends before </b>.
    expect(plain.toDocument(5, true)).toBe(8);
  });

  it('resolves languages and rules like LanguageTool', () => {
    expect(resolveLanguage('en-gb').longCode).toBe('en-GB');
    expect(resolveLanguage('auto', 'de-DE,en-AU').longCode).toBe('en-AU');
    expect(resolveLanguage('auto').longCode).toBe('en-US');
    expect(() => resolveLanguage('fr')).toThrow(/English only/);
    expect([...activeRules({})].sort()).toEqual(['SPUN_SUBSTITUTION', 'TORTURED_PHRASE']);
    expect([...activeRules({ enabledOnly: 'true', enabledCategories: 'SPUN_TEXT' })]).toHaveLength(2);
  });

  it('cuts the context at 40 characters with ellipses and keeps the match offset', () => {
    const text = `${'x'.repeat(60)} target ${'y'.repeat(60)}`;
    const start = text.indexOf('target');
    const c = matchContext(text, start, start + 6);
    expect(c.text.startsWith('...')).toBe(true);
    expect(c.text.endsWith('...')).toBe(true);
    expect(c.text.slice(c.offset, c.offset + c.length)).toBe('target');
    expect(c.text.length).toBe(3 + 40 + 6 + 40 + 3);
  });
});
