/**
 * Bounded-memory n-gram counting: an open-addressing hash table of (key, count) that, when full, is
 * sorted and spilled to disk as a run; the runs (and what is still in memory) are then merged k-way into
 * one sorted table.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { sortKeys } from './keys.js';

/** Sorted unique n-gram keys ((lo, hi) pairs) with their counts. */
export interface SortedCounts {
  keys: Uint32Array;
  counts: Uint32Array;
  size: number;
}

function hash(lo: number, hi: number): number {
  let h = Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi ^ (lo >>> 15), 0x85ebca77);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Open-addressing (linear probing) table of 64-bit keys with 32-bit counts; a zero count marks a free slot.
 * Each slot is three consecutive uint32 (lo, hi, count), so a probe touches one cache line, not two. The
 * table starts small and doubles (up to room for `entries` keys), so small corpora never pay for a big one.
 */
export class CountTable {
  private slots: Uint32Array;
  private mask: number;
  /** Entries the current capacity takes before it doubles (70% load). */
  private growAt: number;
  /** Entries allowed before the table reports itself full. */
  readonly limit: number;
  size = 0;

  /** A table for up to `entries` distinct keys. */
  constructor(entries: number) {
    this.limit = Math.max(1, entries);
    const cap = Math.min(1 << 18, CountTable.capacityFor(this.limit));
    this.slots = new Uint32Array(3 * cap);
    this.mask = cap - 1;
    this.growAt = Math.floor(cap * 0.7);
  }

  private static capacityFor(entries: number): number {
    let cap = 1024;
    while (cap * 0.7 < entries) cap *= 2;
    return cap;
  }

  /** Add `c` to the count of key (lo, hi). */
  add(lo: number, hi: number, c: number): void {
    const slots = this.slots;
    let j = 3 * (hash(lo, hi) & this.mask);
    while (slots[j + 2] !== 0) {
      if (slots[j] === lo && slots[j + 1] === hi) {
        slots[j + 2] += c;
        return;
      }
      j = j + 3 > 3 * this.mask ? 0 : j + 3;
    }
    slots[j] = lo;
    slots[j + 1] = hi;
    slots[j + 2] = c;
    if (++this.size >= this.growAt && this.size < this.limit) this.grow();
  }

  private grow(): void {
    const old = this.slots;
    const cap = (2 * old.length) / 3;
    this.slots = new Uint32Array(3 * cap);
    this.mask = cap - 1;
    this.growAt = Math.floor(cap * 0.7);
    const slots = this.slots;
    for (let k = 0; k < old.length; k += 3) {
      if (old[k + 2] === 0) continue;
      let j = 3 * (hash(old[k], old[k + 1]) & this.mask);
      while (slots[j + 2] !== 0) j = j + 3 > 3 * this.mask ? 0 : j + 3;
      slots[j] = old[k];
      slots[j + 1] = old[k + 1];
      slots[j + 2] = old[k + 2];
    }
  }

  get full(): boolean {
    return this.size >= this.limit;
  }

  private get(lo: number, hi: number): number {
    const slots = this.slots;
    let j = 3 * (hash(lo, hi) & this.mask);
    while (slots[j + 2] !== 0) {
      if (slots[j] === lo && slots[j + 1] === hi) return slots[j + 2];
      j = j + 3 > 3 * this.mask ? 0 : j + 3;
    }
    return 0;
  }

  /** The entries sorted by key; the table is emptied. */
  drain(): SortedCounts {
    const n = this.size;
    const keys = new Uint32Array(2 * n);
    const slots = this.slots;
    let k = 0;
    for (let j = 0; j < slots.length; j += 3) {
      if (slots[j + 2] !== 0) {
        keys[2 * k] = slots[j];
        keys[2 * k + 1] = slots[j + 1];
        k++;
      }
    }
    sortKeys(keys, n);
    const counts = new Uint32Array(n);
    for (let i = 0; i < n; i++) counts[i] = this.get(keys[2 * i], keys[2 * i + 1]);
    slots.fill(0);
    this.size = 0;
    return { keys, counts, size: n };
  }
}

const RECORD_WORDS = 3;
const BLOCK_RECORDS = 1 << 16;

/** Write sorted counts as a run file of (lo, hi, count) uint32 records. */
export function writeRun(path: string, sorted: SortedCounts): void {
  const fd = openSync(path, 'w');
  try {
    const block = new Uint32Array(BLOCK_RECORDS * RECORD_WORDS);
    for (let start = 0; start < sorted.size; start += BLOCK_RECORDS) {
      const end = Math.min(sorted.size, start + BLOCK_RECORDS);
      for (let i = start, j = 0; i < end; i++, j += 3) {
        block[j] = sorted.keys[2 * i];
        block[j + 1] = sorted.keys[2 * i + 1];
        block[j + 2] = sorted.counts[i];
      }
      const bytes = (end - start) * RECORD_WORDS * 4;
      writeSync(fd, new Uint8Array(block.buffer, 0, bytes));
    }
  } finally {
    closeSync(fd);
  }
}

/** A cursor over a sorted source: a run file read in blocks, or sorted counts in memory. */
interface Cursor {
  lo: number;
  hi: number;
  count: number;
  /** Advance; false at the end. */
  next(): boolean;
}

function memoryCursor(s: SortedCounts): Cursor {
  let i = -1;
  const c: Cursor = {
    lo: 0,
    hi: 0,
    count: 0,
    next() {
      if (++i >= s.size) return false;
      c.lo = s.keys[2 * i];
      c.hi = s.keys[2 * i + 1];
      c.count = s.counts[i];
      return true;
    },
  };
  return c;
}

function fileCursor(path: string): Cursor & { close(): void } {
  const fd = openSync(path, 'r');
  const block = new Uint32Array(BLOCK_RECORDS * RECORD_WORDS);
  const bytes = new Uint8Array(block.buffer);
  let have = 0;
  let at = 0;
  const c = {
    lo: 0,
    hi: 0,
    count: 0,
    next(): boolean {
      if (at >= have) {
        let got = 0;
        for (;;) {
          const r = readSync(fd, bytes, got, bytes.length - got, null);
          if (r === 0) break;
          got += r;
          if (got === bytes.length) break;
        }
        have = Math.floor(got / (RECORD_WORDS * 4));
        at = 0;
        if (have === 0) return false;
      }
      const j = at * RECORD_WORDS;
      c.lo = block[j];
      c.hi = block[j + 1];
      c.count = block[j + 2];
      at++;
      return true;
    },
    close(): void {
      closeSync(fd);
    },
  };
  return c;
}

const before = (a: Cursor, b: Cursor): boolean => a.hi < b.hi || (a.hi === b.hi && a.lo < b.lo);

/** Merge run files and in-memory sorted counts into one sorted table, summing the counts of equal keys. */
export function mergeSorted(runFiles: readonly string[], inMemory: readonly SortedCounts[]): SortedCounts {
  if (runFiles.length === 0 && inMemory.length === 1) return inMemory[0];
  const files = runFiles.map(fileCursor);
  const heap: Cursor[] = [];
  for (const c of [...files, ...inMemory.map(memoryCursor)]) if (c.next()) heap.push(c);
  const down = (i: number): void => {
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const m = r < n && before(heap[r], heap[l]) ? r : l;
      if (!before(heap[m], heap[i])) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let i = (heap.length >>> 1) - 1; i >= 0; i--) down(i);
  let cap = Math.max(
    1024,
    inMemory.reduce((s, m) => s + m.size, 0),
  );
  let keys = new Uint32Array(2 * cap);
  let counts = new Uint32Array(cap);
  let n = 0;
  try {
    while (heap.length > 0) {
      const top = heap[0];
      if (n > 0 && keys[2 * n - 2] === top.lo && keys[2 * n - 1] === top.hi) {
        counts[n - 1] += top.count;
      } else {
        if (n === cap) {
          cap *= 2;
          const k2 = new Uint32Array(2 * cap);
          k2.set(keys);
          keys = k2;
          const c2 = new Uint32Array(cap);
          c2.set(counts);
          counts = c2;
        }
        keys[2 * n] = top.lo;
        keys[2 * n + 1] = top.hi;
        counts[n] = top.count;
        n++;
      }
      if (!top.next()) {
        const last = heap.pop() as Cursor;
        if (heap.length > 0) heap[0] = last;
      }
      if (heap.length > 0) down(0);
    }
  } finally {
    for (const f of files) f.close();
  }
  return { keys: keys.subarray(0, 2 * n), counts: counts.subarray(0, n), size: n };
}

/**
 * Counts for one order: a hash table that spills sorted runs into `dir` whenever it fills, so memory
 * stays bounded by the table whatever the corpus size.
 */
export class SpillingCounter {
  private readonly table: CountTable;
  readonly runs: string[] = [];

  constructor(
    entries: number,
    private readonly dir: string,
    private readonly name: string,
  ) {
    this.table = new CountTable(entries);
  }

  add(lo: number, hi: number, c = 1): void {
    this.table.add(lo, hi, c);
    if (this.table.full) this.spill();
  }

  /** Write what the table holds as a new run. */
  spill(): void {
    if (this.table.size === 0) return;
    const path = join(this.dir, `${this.name}-${this.runs.length}.run`);
    writeRun(path, this.table.drain());
    this.runs.push(path);
  }

  /** What the table holds now, sorted (the table is emptied). */
  drain(): SortedCounts {
    return this.table.drain();
  }
}
