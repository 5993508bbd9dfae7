/** Run the built `unspin` binary as a user would: a real process, stdin, stdout, stderr and exit code. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'dist', 'cli', 'main.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin, which is closed either way. */
  input?: string | Buffer;
  /** Added over a colour-free environment (FORCE_COLOR, NO_COLOR and UNSPIN_DEBUG removed). */
  env?: Record<string, string>;
  /** Working directory (default: the repository root). */
  cwd?: string;
}

export function runCli(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.FORCE_COLOR;
    delete env.NO_COLOR;
    delete env.UNSPIN_DEBUG;
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...env, ...options.env },
      cwd: options.cwd ?? ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {}); // the CLI may stop reading early (input too large, or not needed)
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}
