import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GenerationalCache } from '../src/cache.js';
import { SEMI_SPACE_MB } from '../src/heap.js';
import { BIN } from './helpers/run-cli.js';

describe('the generational cache', () => {
  it('keeps entries in use across generations and drops the rest', () => {
    const c = new GenerationalCache<string, number>(3);
    for (const [k, v] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      c.set(k, v);
    expect(c.size).toBe(3);
    c.set('d', 4); // the young generation was full: a, b, c become the old one
    expect(c.size).toBe(4);
    expect(c.get('a')).toBe(1); // found in the old generation: moved back to the young one
    c.set('e', 5);
    c.set('f', 6); // young (d, a, e) full again: b and c are dropped with the old generation
    expect(c.get('b')).toBeUndefined();
    expect(c.get('c')).toBeUndefined();
    expect(c.get('a')).toBe(1);
    expect(c.get('d')).toBe(4);
    expect(c.get('f')).toBe(6);
    c.clear();
    expect(c.size).toBe(0);
    expect(c.get('a')).toBeUndefined();
  });

  it('counts a budget in the cost of its values when given one', () => {
    const c = new GenerationalCache<string, string[]>(4, (v) => v.length);
    c.set('x', ['1', '2', '3']);
    c.set('y', ['4', '5']); // 5 >= 4: the next entry starts a new generation
    c.set('z', []);
    c.set('w', ['6']);
    expect(c.get('x')).toEqual(['1', '2', '3']);
    expect(c.size).toBe(5); // x is now in both generations until the old one goes
  });
});

describe('limitHeapGrowth', () => {
  const run = (nodeArgs: string[]) =>
    spawnSync(
      process.execPath,
      [
        ...nodeArgs,
        '--input-type=module',
        '-e',
        "import('./dist/heap.js').then((m) => console.log(m.limitHeapGrowth()))",
      ],
      { encoding: 'utf8' },
    );

  it('sets the cap, unless the node command line already chose one', () => {
    expect(run([]).stdout.trim()).toBe('true');
    expect(run(['--heap-growing-percent=30']).stdout.trim()).toBe('false');
  });
});

describe('the young generation of the CLI', () => {
  const shebang = `#!/usr/bin/env -S node --max-semi-space-size=${SEMI_SPACE_MB}`;

  it('is set by the #! line, in the source and the built binary, to SEMI_SPACE_MB', () => {
    expect(readFileSync('src/cli/main.ts', 'utf8').split('\n')[0]).toBe(shebang);
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe(shebang);
  });

  it('starts the binary through that line', () => {
    const r = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
