/**
 * The part of a `Map` that {@link MemoryTokenStore} uses, for one entry: two fields where an empty `Map` alone takes
 * about 200 bytes. Every provider that makes its own store holds one (`maxEntries: 1`), so it is per identity.
 */
export class SingleSlot<V> {
  #key: string | undefined;
  #value: V | undefined;

  get size(): number {
    return this.#key === undefined ? 0 : 1;
  }

  get(key: string): V | undefined {
    return key === this.#key ? this.#value : undefined;
  }

  set(key: string, value: V): void {
    this.#key = key;
    this.#value = value;
  }

  delete(key: string): void {
    if (key === this.#key) this.clear();
  }

  clear(): void {
    this.#key = undefined;
    this.#value = undefined;
  }

  *keys(): IterableIterator<string> {
    if (this.#key !== undefined) yield this.#key;
  }
}
