/**
 * The LanguageTool-compatible API: POST and GET /v2/check, GET /v2/languages. Bodies are read as form
 * data whatever their Content-Type (LTeX labels its form body application/json); errors are plain text.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { looksEnglish } from '../text/input.js';
import type { CheckResult } from '../types.js';
import { clientGone } from './api-routes.js';
import { HttpError } from './http-errors.js';
import {
  activeRules,
  LANGUAGES,
  levelMinConfidence,
  ltParams,
  PlainText,
  resolveLanguage,
  toMatches,
} from './languagetool.js';
import type { WorkerPool } from './pool.js';
import type { SentenceBounds } from './protocol.js';
import { requireApiKey } from './security.js';

export interface LtRouteOptions {
  pool: WorkerPool;
  apiKey?: string;
  version: string;
}

/** Registered inside its own plugin so the catch-all body parser applies to /v2 only. */
export async function languageToolRoutes(app: FastifyInstance, o: LtRouteOptions): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.get('/v2/languages', async () => LANGUAGES);

  const check = async (request: FastifyRequest, reply: FastifyReply) => {
    const p = ltParams(request.query, request.body);
    requireApiKey(request, o.apiKey, p.apiKey);
    const language = resolveLanguage(p.language, p.preferredVariants);
    if (p.text !== undefined && p.data !== undefined) {
      throw new HttpError(400, 'BAD_REQUEST', "Set either 'text' or 'data', not both");
    }
    if (p.text === undefined && p.data === undefined) {
      throw new HttpError(400, 'BAD_REQUEST', "Missing 'text' or 'data' parameter");
    }
    const plain = p.data !== undefined ? PlainText.fromData(p.data) : PlainText.fromText(p.text ?? '');
    const rules = activeRules(p);
    const minConfidence = levelMinConfidence(p.level);
    const auto = p.language?.trim().toLowerCase() === 'auto';
    const english = looksEnglish(plain.text);
    let matches: ReturnType<typeof toMatches> = [];
    // Nothing to check, every rule off, or `auto` on text that is not English: no engine run.
    if (/\S/.test(plain.text) && rules.size > 0 && (english || !auto)) {
      const { result, sentences } = (await o.pool.run(
        'check',
        { text: plain.text, options: { minConfidence }, sentences: true },
        clientGone(request, reply),
      )) as { result: CheckResult; sentences: SentenceBounds };
      matches = toMatches(result, sentences, plain, rules);
    }
    const detected = auto && !english ? { name: 'Unknown', code: 'zz', confidence: 0 } : undefined;
    return {
      software: {
        name: 'unspin',
        version: o.version,
        buildDate: '',
        apiVersion: 1,
        premium: false,
        status: '',
      },
      warnings: { incompleteResults: false },
      language: {
        name: language.name,
        code: language.longCode,
        detectedLanguage: detected ?? {
          name: language.name,
          code: language.longCode,
          confidence: english ? 0.9 : 0.1,
        },
      },
      matches,
    };
  };

  app.get('/v2/check', check);
  app.post('/v2/check', check);
}
