/**
 * The OpenAPI 3.1 description served at /openapi.json. The request schemas here are also the ones
 * Fastify validates /api bodies against, so the description cannot drift from what the server accepts.
 */

const checkOptions = {
  type: 'object',
  additionalProperties: false,
  description: "The library's CheckOptions.",
  properties: {
    minConfidence: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      description: 'Hide findings below this (default 0.5).',
    },
    extraPairs: {
      type: 'array',
      maxItems: 10_000,
      description: 'Your own known substitutions, e.g. a tortured-phrase list.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['observed', 'original'],
        properties: {
          observed: { type: 'string', minLength: 1 },
          original: { type: 'string', minLength: 1 },
        },
      },
    },
    protect: {
      type: 'array',
      maxItems: 10_000,
      items: { type: 'string' },
      description: 'Words or phrases never flagged (case-insensitive).',
    },
  },
} as const;

export const checkBody = {
  type: 'object',
  additionalProperties: false,
  required: ['text'],
  properties: { text: { type: 'string', description: 'The text to check.' }, options: checkOptions },
} as const;

export const sourceBody = {
  type: 'object',
  additionalProperties: false,
  required: ['text'],
  properties: {
    text: { type: 'string' },
    options: checkOptions,
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: 50,
      description: 'Candidate sources to return (default 5).',
    },
  },
} as const;

const suggestion = {
  type: 'object',
  required: ['text', 'probability'],
  properties: { text: { type: 'string' }, probability: { type: 'number' } },
};

const finding = {
  type: 'object',
  required: ['start', 'end', 'text', 'suggestions', 'confidence'],
  properties: {
    start: { type: 'integer', description: 'UTF-16 offset, inclusive.' },
    end: { type: 'integer', description: 'UTF-16 offset, exclusive.' },
    text: { type: 'string' },
    suggestions: { type: 'array', items: { $ref: '#/components/schemas/Suggestion' } },
    confidence: { type: 'number' },
    kind: { type: 'string', description: 'thesaurus, number, filler, spelling, user or source.' },
    origin: { type: 'string', enum: ['decoder', 'source'], description: 'Absent means the decoder.' },
    sourceId: { type: 'string', description: 'The indexed document the finding was aligned with.' },
  },
};

const checkResult = {
  type: 'object',
  required: ['score', 'verdict', 'words', 'findings'],
  properties: {
    score: { type: 'number', description: 'Calibrated probability that the text was spun.' },
    verdict: { type: 'string', enum: ['clean', 'suspicious', 'spun'] },
    words: { type: 'integer' },
    findings: { type: 'array', items: { $ref: '#/components/schemas/Finding' } },
  },
};

const restoreResult = {
  type: 'object',
  required: ['text', 'edits'],
  properties: {
    text: { type: 'string' },
    edits: {
      type: 'array',
      items: {
        type: 'object',
        required: ['start', 'end', 'text', 'replacement', 'confidence'],
        properties: {
          start: { type: 'integer' },
          end: { type: 'integer' },
          text: { type: 'string' },
          replacement: { type: 'string' },
          confidence: { type: 'number' },
        },
      },
    },
  },
};

const error = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
};

const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errors = {
  '400': { description: 'Malformed request.', ...json(ref('Error')) },
  '401': { description: 'Missing or wrong API key.', ...json(ref('Error')) },
  '413': { description: 'Body over the size limit.', ...json(ref('Error')) },
  '503': { description: 'Overloaded (with Retry-After) or over the time limit.', ...json(ref('Error')) },
};

const ltParams = [
  'language',
  'text',
  'data',
  'enabledRules',
  'disabledRules',
  'enabledCategories',
  'disabledCategories',
  'enabledOnly',
  'level',
  'motherTongue',
  'preferredVariants',
  'username',
  'apiKey',
];

export function openApiDocument(version: string, withSource: boolean): Record<string, unknown> {
  const paths: Record<string, unknown> = {
    '/api/check': {
      post: {
        summary: 'Find likely spinner substitutions in a text.',
        requestBody: { required: true, ...json(checkBody) },
        responses: {
          '200': { description: "The library's CheckResult.", ...json(ref('CheckResult')) },
          ...errors,
        },
      },
    },
    '/api/restore': {
      post: {
        summary: 'The text with each finding replaced by its most probable original.',
        requestBody: { required: true, ...json(checkBody) },
        responses: {
          '200': { description: "The library's RestoreResult.", ...json(ref('RestoreResult')) },
          ...errors,
        },
      },
    },
    '/healthz': {
      get: {
        summary: 'Liveness and worker pool state.',
        security: [],
        responses: { '200': { description: 'Ready.' }, '503': { description: 'Workers still loading.' } },
      },
    },
    '/v2/check': {
      post: {
        summary: 'LanguageTool-compatible check (form parameters, whatever the Content-Type says).',
        requestBody: {
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                properties: Object.fromEntries(ltParams.map((p) => [p, { type: 'string' }])),
              },
            },
          },
        },
        responses: {
          '200': { description: 'LanguageTool response with one match per finding.' },
          '400': { description: 'Plain-text error.' },
        },
      },
      get: {
        summary: 'LanguageTool-compatible check with query parameters.',
        parameters: ltParams.map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
        responses: {
          '200': { description: 'LanguageTool response.' },
          '400': { description: 'Plain-text error.' },
        },
      },
    },
    '/v2/languages': {
      get: {
        summary: 'Languages accepted by /v2/check.',
        security: [],
        responses: { '200': { description: '[{name, code, longCode}]' } },
      },
    },
  };
  if (withSource) {
    paths['/api/source'] = {
      post: {
        summary: 'Check against the configured source index: findings aligned with a known original.',
        requestBody: { required: true, ...json(sourceBody) },
        responses: {
          '200': {
            description:
              'CheckResult plus the matched source (null when none matched) and the ranked candidates.',
            ...json({
              allOf: [
                ref('CheckResult'),
                {
                  type: 'object',
                  required: ['source', 'candidates'],
                  properties: {
                    source: { oneOf: [{ type: 'null' }, ref('SourceMatch')] },
                    candidates: { type: 'array', items: ref('SourceMatch') },
                  },
                },
              ],
            }),
          },
          ...errors,
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'unspin',
      version,
      description:
        'Find text rewritten by article spinners and restore the likely original wording. Offsets are UTF-16 code units, half-open.',
    },
    components: {
      schemas: {
        Suggestion: suggestion,
        Finding: finding,
        CheckResult: checkResult,
        RestoreResult: restoreResult,
        Error: error,
        SourceMatch: {
          type: 'object',
          required: ['id', 'similarity', 'coverage'],
          properties: {
            id: { type: 'string' },
            similarity: {
              type: 'number',
              description: "Share of words equal to or synonyms of the source's.",
            },
            coverage: {
              type: 'number',
              description: 'Share of words inside passages aligned with the source.',
            },
          },
        },
      },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Only when the server runs with --api-key.' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
    security: [{}, { bearer: [] }, { apiKeyHeader: [] }],
    paths,
  };
}
