/**
 * Offset → line/column conversion. Lines and columns are 1-based, columns count UTF-16 code units (the
 * same unit as offsets, SARIF's `utf16CodeUnits` and LSP's default). Line breaks are \n, \r\n and \r.
 */
export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column in UTF-16 code units. */
  column: number;
}

export class LineIndex {
  /** Offset of the first code unit of each line. */
  private readonly starts: number[];
  readonly length: number;

  constructor(text: string) {
    const starts = [0];
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) starts.push(i + 1);
      else if (c === 0x0d) {
        if (text.charCodeAt(i + 1) === 0x0a) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
    this.length = n;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Offset of the start of a 1-based line. */
  lineStart(line: number): number {
    return this.starts[Math.min(Math.max(line, 1), this.starts.length) - 1];
  }

  /** Line and column of an offset (clamped to [0, text length]); binary search over line starts. */
  position(offset: number): Position {
    const o = Math.min(Math.max(offset, 0), this.length);
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - starts[lo] + 1 };
  }
}
