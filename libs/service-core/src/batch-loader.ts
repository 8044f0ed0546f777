/**
 * Gathers the keys asked for while one GraphQL answer is being built and loads them in one call.
 *
 * The gateway sends a subgraph one `_entities` request with every representation of a fetch, and
 * graphql-js calls a field's resolver once per object of a list, all before any I/O: the keys asked
 * in that burst are loaded together at the next turn of the event loop, so N cells cost one query,
 * not N. Nothing is kept between bursts (no cache: every answer is read fresh), and equal keys in
 * one burst share one load.
 */
export class BatchLoader<K, V> {
  private pending: Map<string, { key: K; waiting: { resolve: (v: V) => void; reject: (e: unknown) => void }[] }> | null = null;

  /**
   * @param loadMany loads every key given and answers a map keyed by `keyOf` (a missing key is `missing`).
   * @param keyOf the identity of a key, e.g. `sheet|row|col`.
   */
  constructor(
    private readonly loadMany: (keys: K[]) => Promise<Map<string, V>>,
    private readonly keyOf: (key: K) => string,
    private readonly missing: V,
  ) {}

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      if (!this.pending) {
        this.pending = new Map();
        setImmediate(() => void this.flush());
      }
      const id = this.keyOf(key);
      const entry = this.pending.get(id);
      if (entry) entry.waiting.push({ resolve, reject });
      else this.pending.set(id, { key, waiting: [{ resolve, reject }] });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending as NonNullable<typeof this.pending>;
    this.pending = null;
    try {
      const found = await this.loadMany([...batch.values()].map((e) => e.key));
      for (const [id, entry] of batch) {
        const value = found.has(id) ? (found.get(id) as V) : this.missing;
        for (const w of entry.waiting) w.resolve(value);
      }
    } catch (e) {
      for (const entry of batch.values()) for (const w of entry.waiting) w.reject(e);
    }
  }
}
