/**
 * A compact, immutable parameter map (RFC 3261 §25.1 generic-param, uri-parameter, auth-param).
 *
 * Parameter lists are short (one to a dozen entries) and built once per parsed value, so a
 * `Map` per list costs more than the lookups it serves. {@link ParamMap} keeps the entries in one
 * flat array (`name, value, name, value...`) with `Map` semantics: names are unique (a repeated
 * name keeps its first position and takes the last value, as `Map.prototype.set` does), iteration
 * follows insertion order. It is a full `ReadonlyMap`; nothing about the parsed values is deferred.
 */

/** An immutable `ReadonlyMap<string, V>` over a flat `[name, value, ...]` array. */
export class ParamMap<V> implements ReadonlyMap<string, V> {
  /** Names at even indices, values at odd ones; never mutated after construction. */
  readonly #kv: unknown[];

  /**
   * @param kv - flat `name, value` pairs with unique names (see {@link addParam}); owned by the map
   */
  constructor(kv: unknown[]) {
    this.#kv = kv;
  }

  /** Builds a map from entries (later duplicates overwrite earlier values, like `Map`). */
  static from<V>(entries: Iterable<readonly [string, V]>): ParamMap<V> {
    const kv: unknown[] = [];
    for (const [k, v] of entries) addParam(kv, k, v);
    return new ParamMap<V>(kv);
  }

  /** Number of parameters. */
  get size(): number {
    return this.#kv.length >> 1;
  }

  /** The value of `name` (exact, already lower-cased name), or undefined. */
  get(name: string): V | undefined {
    const kv = this.#kv;
    for (let i = 0; i < kv.length; i += 2) if (kv[i] === name) return kv[i + 1] as V;
    return undefined;
  }

  /** True when `name` is present. */
  has(name: string): boolean {
    const kv = this.#kv;
    for (let i = 0; i < kv.length; i += 2) if (kv[i] === name) return true;
    return false;
  }

  /** Calls `fn(value, name, map)` for each entry in order. */
  forEach(fn: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    const kv = this.#kv;
    for (let i = 0; i < kv.length; i += 2) fn.call(thisArg, kv[i + 1] as V, kv[i] as string, this);
  }

  /** Entries in order. */
  *entries(): MapIterator<[string, V]> {
    const kv = this.#kv;
    for (let i = 0; i < kv.length; i += 2) yield [kv[i] as string, kv[i + 1] as V];
  }

  /** Names in order. */
  *keys(): MapIterator<string> {
    const kv = this.#kv;
    for (let i = 0; i < kv.length; i += 2) yield kv[i] as string;
  }

  /** Values in order. */
  *values(): MapIterator<V> {
    const kv = this.#kv;
    for (let i = 0; i < kv.length; i += 2) yield kv[i + 1] as V;
  }

  /** Entries in order. */
  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  /** Shown by `util.inspect` (and so by `debug`'s `%O`) as the equivalent `Map`. */
  [Symbol.for('nodejs.util.inspect.custom')](): Map<string, V> {
    return new Map(this);
  }

  /** `Map`, so that `Object.prototype.toString` and inspection read as a map. */
  get [Symbol.toStringTag](): string {
    return 'Map';
  }
}

/** Appends `name = value` to a flat pair array, overwriting the value of a name already there. */
export function addParam(kv: unknown[], name: string, value: unknown): void {
  for (let i = 0; i < kv.length; i += 2) {
    if (kv[i] === name) {
      kv[i + 1] = value;
      return;
    }
  }
  kv.push(name, value);
}

/** The shared empty parameter map. */
export const EMPTY_PARAM_MAP: ParamMap<never> = new ParamMap<never>([]);
