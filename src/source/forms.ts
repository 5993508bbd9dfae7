/**
 * Word form → number, open addressing over an Int32Array. Faster than a Map<string, number> for the
 * fingerprint pass: a span of the text is hashed and compared against the stored forms' code units
 * (`getSpan`) without a string for it, and a fresh string from the tokenizer is hashed without interning.
 * The same design as the word table of `lm build` (src/lm/build/encode.ts).
 */

/** FNV-1a over UTF-16 code units (only used inside the table: nothing derived from it is stored). */
function hashForm(w: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193);
  return h;
}

export class FormTable {
  private forms: string[] = [];
  private values = new Int32Array(1 << 12);
  private table = new Int32Array(1 << 13).fill(-1);
  private mask = (1 << 13) - 1;
  /** Code units of every form, form `id` at `starts[id] .. starts[id + 1]`. */
  private chars = new Uint16Array(1 << 16);
  private starts = new Int32Array(1 << 12);

  get size(): number {
    return this.forms.length;
  }

  /** The value stored for `w`, or -1. */
  get(w: string): number {
    let i = hashForm(w) & this.mask;
    for (;;) {
      const id = this.table[i];
      if (id < 0) return -1;
      if (this.forms[id] === w) return this.values[id];
      i = (i + 1) & this.mask;
    }
  }

  /**
   * The value stored for the form `text[start, end)`, or for its lower case when `lower`; -1 when absent.
   * Only ASCII capitals are folded here: a span with other characters goes through `toLowerCase` and `get`.
   */
  getSpan(text: string, start: number, end: number, lower: boolean): number {
    let h = 0x811c9dc5;
    if (lower) {
      for (let k = start; k < end; k++) {
        let c = text.charCodeAt(k);
        if (c >= 128) return this.get(text.slice(start, end).toLowerCase());
        if (c >= 65 && c <= 90) c += 32;
        h = Math.imul(h ^ c, 0x01000193);
      }
    } else {
      for (let k = start; k < end; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
    }
    const len = end - start;
    const { chars, starts, table } = this;
    let i = h & this.mask;
    for (;;) {
      const id = table[i];
      if (id < 0) return -1;
      const at = starts[id];
      if (starts[id + 1] - at === len) {
        let k = 0;
        if (lower) {
          for (; k < len; k++) {
            let c = text.charCodeAt(start + k);
            if (c >= 65 && c <= 90) c += 32;
            if (c !== chars[at + k]) break;
          }
        } else {
          while (k < len && text.charCodeAt(start + k) === chars[at + k]) k++;
        }
        if (k === len) return this.values[id];
      }
      i = (i + 1) & this.mask;
    }
  }

  /** Stores `value` for `w` (which must not be in the table yet). */
  add(w: string, value: number): void {
    let i = hashForm(w) & this.mask;
    while (this.table[i] >= 0) i = (i + 1) & this.mask;
    const id = this.forms.length;
    this.forms.push(w);
    this.table[i] = id;
    if (id + 2 > this.starts.length) {
      this.starts = grow(this.starts, new Int32Array(this.starts.length * 2));
      this.values = grow(this.values, new Int32Array(this.values.length * 2));
    }
    this.values[id] = value;
    let at = this.starts[id];
    if (at + w.length > this.chars.length) {
      this.chars = grow(this.chars, new Uint16Array(Math.max(this.chars.length * 2, at + w.length)));
    }
    const chars = this.chars;
    for (let k = 0; k < w.length; k++) chars[at++] = w.charCodeAt(k);
    this.starts[id + 1] = at;
    if (this.forms.length * 2 > this.table.length) this.rehash();
  }

  clear(): void {
    this.forms = [];
    this.table.fill(-1);
  }

  private rehash(): void {
    const cap = this.table.length * 2;
    this.table = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let id = 0; id < this.forms.length; id++) {
      let i = hashForm(this.forms[id]) & this.mask;
      while (this.table[i] >= 0) i = (i + 1) & this.mask;
      this.table[i] = id;
    }
  }
}

function grow<T extends Int32Array | Uint16Array>(a: T, b: T): T {
  b.set(a);
  return b;
}
