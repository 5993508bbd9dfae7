/**
 * The web page: the files of web/ (flat, a fixed set of types) read once at start and served from memory
 * with an ETag. No directory walking, so no path can reach outside web/.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
}

/** web/ next to the compiled code (dist/web, copied by the build) or at the package root. */
export function defaultWebDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [join(here, '..', 'web'), join(here, '..', '..', 'web')]) {
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

function loadFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    const path = join(dir, name);
    if (!type || !statSync(path).isFile()) continue;
    const body = readFileSync(path);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    files.set(name, { body, type, etag });
  }
  return files;
}

export function registerStatic(app: FastifyInstance, webDir: string | undefined): void {
  const files = webDir ? loadFiles(webDir) : new Map<string, StaticFile>();
  app.get<{ Params: { file?: string } }>('/:file?', async (request, reply) => {
    const name = request.params.file || 'index.html';
    const file = files.get(name);
    if (!file) {
      reply.code(404).type('text/plain; charset=utf-8');
      return files.size === 0 ? 'Not found (the web page is not installed)' : 'Not found';
    }
    reply.header('etag', file.etag).header('cache-control', 'no-cache').type(file.type);
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    return file.body;
  });
}
