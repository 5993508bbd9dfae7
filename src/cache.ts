/**
 * A bounded cache in two generations, for the engine's per-word and per-span caches.
 *
 * New entries go to the young generation; when it reaches its budget it becomes the old one (the previous
 * old generation is dropped) and entries found there are moved back, so entries in steady use survive
 * while memory stays bounded by two generations whatever the length of the text or batch. Word and phrase
 * frequencies are Zipfian, so a budget of a few thousand entries serves most look-ups.
 */
export class GenerationalCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  /** Cost of the young generation's entries (entry count unless a cost function is given). */
  private youngCost = 0;

  /**
   * @param budget most cost per generation
   * @param cost cost of one entry (default 1: the budget counts entries)
   */
  constructor(
    private readonly budget: number,
    private readonly cost: (value: V) => number = () => 1,
  ) {}

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }

  set(key: K, value: V): void {
    if (this.youngCost >= this.budget) {
      this.old = this.young;
      this.young = new Map();
      this.youngCost = 0;
    }
    this.young.set(key, value);
    this.youngCost += this.cost(value);
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
    this.youngCost = 0;
  }

  /** Entries held in both generations (an entry moved back may be counted twice). */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
