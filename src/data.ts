import { fileURLToPath } from 'node:url';

/**
 * Absolute path of a shipped data file. `data/` sits beside `src/` and `dist/`, so the same
 * relative URL works when running from source (tsx) and from the build.
 */
export function dataPath(name: string): string {
  return fileURLToPath(new URL(`../data/${name}`, import.meta.url));
}
