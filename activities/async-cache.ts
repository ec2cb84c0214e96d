/**
 * A small LRU of promises: concurrent callers asking for the same key share one load, and a failed load is
 * forgotten so the next call tries again. Used for per-worker caches (judge contexts, row chunks).
 */
export class AsyncCache<K, V> {
  private readonly entries = new Map<K, Promise<V>>();

  constructor(
    private readonly maxEntries: number,
    private readonly load: (key: K) => Promise<V>,
  ) {}

  get(key: K): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) {
      // Re-insert to mark it most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const loading = this.load(key);
    this.entries.set(key, loading);
    loading.catch(() => {
      if (this.entries.get(key) === loading) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as K;
      this.entries.delete(oldest);
    }
    return loading;
  }
}
