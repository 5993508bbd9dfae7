/**
 * A one-line progress report on stderr ("unspin: 12 inputs, 48,210 words, 95,000 words/s") for runs that
 * take longer than about 2 seconds, and only when stderr is a terminal. Updated between inputs (the
 * engine is synchronous), at most 5 times a second; erased when the run ends.
 */
export class Progress {
  private readonly startedAt = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: { isTTY?: boolean; write(s: string): boolean },
    private readonly enabled: boolean = stream.isTTY === true,
    private readonly delayMs = 2000,
  ) {}

  update(inputs: number, words: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    const elapsed = now - this.startedAt;
    if (elapsed < this.delayMs || now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const rate = Math.round((words * 1000) / Math.max(elapsed, 1));
    const line =
      `unspin: ${inputs.toLocaleString('en-US')} input${inputs === 1 ? '' : 's'} done, ` +
      `${words.toLocaleString('en-US')} words, ${rate.toLocaleString('en-US')} words/s`;
    this.stream.write(`\r\u001b[K${line}`);
    this.drawn = true;
  }

  /** Erase the line (before other stderr output, and at the end). */
  clear(): void {
    if (this.drawn) {
      this.stream.write('\r\u001b[K');
      this.drawn = false;
    }
  }
}
