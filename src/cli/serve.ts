/**
 * `unspin serve`: the web page, the JSON API and the LanguageTool-compatible API over HTTP. The server
 * module (and Fastify) is imported only when this command runs.
 */
import { type Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { UnspinError } from '../errors.js';
import type { CliIO } from './io.js';
import { parseBytes } from './io.js';
import { lmFileOption } from './lm.js';

const SERVE_HELP = `
The page is at http://HOST:PORT/. APIs: POST /api/check and /api/restore ({"text", "options"}), with --index
also POST /api/source ({"text", "options", "limit"}), GET /healthz,
GET /openapi.json, and LanguageTool's POST|GET /v2/check and GET /v2/languages (point LTeX's
ltex.languageToolHttpServerUri or the VS Code LanguageTool Linter's external URL at http://HOST:PORT/).

Binds 127.0.0.1 unless --host says otherwise; give an API key (--api-key or UNSPIN_API_KEY) before
serving other machines.

Examples:
  $ unspin serve                                   http://127.0.0.1:8080/
  $ unspin serve --port 8081 --workers 2
  $ unspin serve --index sources.db                also POST /api/source against an index
  $ UNSPIN_API_KEY=s3cret unspin serve --host 0.0.0.0 --cors https://editor.example.com

Exit codes: 0 stopped by SIGINT or SIGTERM, 2 usage error or the server could not start.
`;

function parseCount(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected a whole number of at least ${min}.`);
    }
    return n;
  };
}

/** Seconds (fractions allowed) to milliseconds. */
function parseSeconds(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || x <= 0)
    throw new InvalidArgumentError('expected seconds, e.g. 60 or 0.5.');
  return Math.max(1, Math.round(x * 1000));
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export function registerServeCommand(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description('serve the web page, the JSON API and the LanguageTool-compatible API')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .addOption(
      new Option('--port <port>', 'port to listen on (0: any free port)')
        .argParser(parseCount(0))
        .default(8080),
    )
    .addOption(
      new Option('--workers <n>', 'engine worker threads (default: min(CPUs, 4))').argParser(parseCount(1)),
    )
    .addOption(
      new Option('--max-body <size>', 'largest request body (bytes, or with K/M/G)')
        .argParser(parseBytes)
        .default(2 * 1024 * 1024, '2M'),
    )
    .addOption(
      new Option('--timeout <seconds>', 'time limit per check, waiting included')
        .argParser(parseSeconds)
        .default(60_000, '60'),
    )
    .addOption(
      new Option('--max-queue <n>', 'checks that may wait for a worker before 503')
        .argParser(parseCount(0))
        .default(64),
    )
    .addOption(new Option('--api-key <key>', 'require this key on /api and /v2').env('UNSPIN_API_KEY'))
    .option('--cors <origin>', 'allow browser calls from this origin ("*" for any)')
    .option('--index <target>', 'source index (SQLite file or postgres:// URL) for POST /api/source')
    .addOption(lmFileOption())
    .option('--no-technical', 'do not use the shipped technical-English model')
    .addHelpText('after', SERVE_HELP)
    .action(async (opts) => {
      const { buildServer } = await import('../server/app.js');
      const app = buildServer({
        workers: opts.workers,
        maxBody: opts.maxBody,
        timeoutMs: opts.timeout,
        maxQueue: opts.maxQueue,
        apiKey: opts.apiKey,
        cors: opts.cors,
        index: opts.index,
        engine: { lm: opts.lm.length > 0 ? opts.lm : undefined, technical: opts.technical },
      });
      try {
        await app.unspinPool.ready();
      } catch (err) {
        await app.close();
        throw new UnspinError('BAD_MODEL', `cannot start the engine workers: ${(err as Error).message}`);
      }
      let address: string;
      try {
        address = await app.listen({ host: opts.host, port: opts.port });
      } catch (err) {
        await app.close();
        const e = err as NodeJS.ErrnoException;
        const why = e.code === 'EADDRINUSE' ? 'address already in use' : (e.code ?? e.message);
        throw new UnspinError('IO', `cannot listen on ${opts.host}:${opts.port}: ${why}`);
      }
      const workers = app.unspinOptions.workers;
      io.stderr.write(
        `unspin: serving on ${address}/ (${workers} worker${workers === 1 ? '' : 's'}); Ctrl-C stops\n`,
      );
      if (!isLoopback(opts.host) && !opts.apiKey) {
        io.stderr.write(
          'unspin: warning: listening beyond this machine without an API key (see --api-key)\n',
        );
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void app.close().then(() => resolve());
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      setExit(0);
    });
}
