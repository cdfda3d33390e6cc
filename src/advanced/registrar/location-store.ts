/**
 * The location service of a registrar (RFC 3261 §10.3, §16.5): bindings of an
 * address-of-record to contact addresses, each with an expiry, a q-value, and the Call-ID and
 * CSeq of the REGISTER that last wrote it. {@link LocationStore} is the interface; the
 * in-memory {@link LocationService} is the default, and an application can keep bindings
 * elsewhere (a database, a shared cache) by implementing the interface.
 *
 * @module
 */

/** One binding of an address-of-record to a contact (RFC 3261 §10.3 step 8). */
export interface Binding {
  /** Normalised address-of-record (`sip:alice@example.com`). */
  readonly aor: string;
  /** Contact URI (`sip:alice@192.0.2.4:5060`). */
  readonly contact: string;
  /** The Contact header's parameters other than `expires` and `q` (`+sip.instance`, `reg-id`...). */
  readonly params: Readonly<Record<string, string | null>>;
  /** Preference 0-1 (`q`, default 1); calls go to the highest first. */
  readonly q: number;
  /** Expiry, milliseconds since the epoch. */
  readonly expiresAt: number;
  /** Call-ID of the REGISTER that wrote the binding (§10.3 step 7 ordering). */
  readonly callId: string;
  /** CSeq number of that REGISTER. */
  readonly cseq: number;
  /** Where that REGISTER came from (`address:port`), for diagnostics and NAT handling. */
  readonly source: string;
  /** When the binding was written, milliseconds since the epoch. */
  readonly updatedAt: number;
}

/**
 * Where a registrar keeps bindings. Every method may be synchronous or return a promise.
 * Expired bindings may be returned; the registrar filters them out.
 */
export interface LocationStore {
  /** Every binding of an AOR (any order). */
  get(aor: string): readonly Binding[] | Promise<readonly Binding[]>;
  /** Add or replace the binding of `binding.aor` to `binding.contact`. */
  put(binding: Binding): void | Promise<void>;
  /** Remove the binding of `aor` to `contact` (no error when absent). */
  remove(aor: string, contact: string): void | Promise<void>;
}

/**
 * In-memory {@link LocationStore}: a map per AOR, expired bindings dropped as they are read.
 * Bindings are lost when the process stops (phones re-register within their refresh time).
 */
export class LocationService implements LocationStore {
  readonly #byAor = new Map<string, Map<string, Binding>>();
  readonly #now: () => number;

  /** @param now - wall clock in ms (default `Date.now`) */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** @inheritDoc */
  get(aor: string): readonly Binding[] {
    const m = this.#byAor.get(aor);
    if (m === undefined) return [];
    const now = this.#now();
    for (const [k, b] of m) if (b.expiresAt <= now) m.delete(k);
    if (m.size === 0) this.#byAor.delete(aor);
    return [...m.values()];
  }

  /** @inheritDoc */
  put(binding: Binding): void {
    let m = this.#byAor.get(binding.aor);
    if (m === undefined) this.#byAor.set(binding.aor, (m = new Map()));
    m.set(binding.contact, Object.freeze({ ...binding, params: Object.freeze({ ...binding.params }) }));
  }

  /** @inheritDoc */
  remove(aor: string, contact: string): void {
    const m = this.#byAor.get(aor);
    if (m === undefined) return;
    m.delete(contact);
    if (m.size === 0) this.#byAor.delete(aor);
  }

  /** Every AOR with at least one live binding. */
  aors(): string[] {
    return [...this.#byAor.keys()].filter((aor) => this.get(aor).length > 0);
  }
}
