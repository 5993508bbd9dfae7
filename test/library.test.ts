import { describe, expect, it } from 'vitest';
import * as unspin from '../src/index.js';

describe('library entry', () => {
  it('exposes check and restore through a shared default engine', () => {
    const text = 'The city authorities stated on Monday that the bridge would reopen.';
    const result = unspin.check(text);
    expect(result.words).toBe(11);
    expect(['clean', 'suspicious', 'spun']).toContain(result.verdict);
    for (const f of result.findings) expect(text.slice(f.start, f.end)).toBe(f.text);
    const restored = unspin.restore(text);
    expect(restored.text).toBe(unspin.applyEdits(text, restored.edits));
    expect(unspin.getDefaultEngine()).toBe(unspin.getDefaultEngine());
  });

  it('exports the surfaces a caller needs without reaching into src/', () => {
    expect(typeof unspin.createEngine).toBe('function');
    expect(typeof unspin.tokenize).toBe('function');
    expect(unspin.FORMATS).toEqual(['stylish', 'json', 'sarif']);
    expect(new unspin.UnspinError('USAGE', 'x').code).toBe('USAGE');
  });
});
