/**
 * Server nonces bound to a secret and a time (RFC 7616 §3.3 and §5.5 suggest
 * `time-stamp H(time-stamp ":" ETag ":" secret-data)`), and nonce-count replay
 * tracking (RFC 7616 §3.4 `nc`, §5.5).
 *
 * Wire form (base64url, 43 characters): 8 bytes issue time in milliseconds,
 * 8 random bytes, 16 bytes of HMAC-SHA-256(secret, realm, time, random).
 *
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const RAW_LENGTH = 32;

/** What {@link NonceIssuer.check} found. */
export type NonceCheck =
  | { readonly valid: false }
  | { readonly valid: true; readonly expired: boolean; readonly issuedAt: number };

/** Issues and checks HMAC-bound nonces for one realm. */
export class NonceIssuer {
  readonly #secret: Buffer;
  readonly #realm: string;
  readonly #ttlMs: number;
  readonly #now: () => number;

  /**
   * @param secret - server secret (keep it across restarts to keep nonces valid)
   * @param realm - realm the nonces are for (bound into the HMAC)
   * @param ttlMs - lifetime of a nonce
   * @param now - wall-clock milliseconds
   */
  constructor(secret: Uint8Array, realm: string, ttlMs: number, now: () => number) {
    this.#secret = Buffer.from(secret);
    this.#realm = realm;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** A new nonce stamped with the current time. */
  issue(): string {
    const raw = Buffer.alloc(RAW_LENGTH);
    raw.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(this.#now()))), 0);
    randomBytes(8).copy(raw, 8);
    this.#mac(raw.subarray(0, 16)).copy(raw, 16);
    return raw.toString('base64url');
  }

  /** Checks the HMAC (in constant time) and the age of a nonce. */
  check(nonce: string): NonceCheck {
    if (nonce.length !== 43 || !/^[A-Za-z0-9_-]+$/.test(nonce)) return { valid: false };
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== RAW_LENGTH) return { valid: false };
    if (!timingSafeEqual(this.#mac(raw.subarray(0, 16)), raw.subarray(16))) return { valid: false };
    const issuedAt = Number(raw.readBigUInt64BE(0));
    const now = this.#now();
    if (issuedAt > now + 60_000) return { valid: false }; // from the future: not ours
    return { valid: true, expired: now - issuedAt > this.#ttlMs, issuedAt };
  }

  #mac(data: Buffer): Buffer {
    return createHmac('sha256', this.#secret).update('sipline-digest-nonce\u0000').update(this.#realm).update('\u0000').update(data).digest().subarray(0, 16);
  }
}

/**
 * Highest nonce-count seen per nonce: a count that is not higher than the last
 * accepted one is a replay. Entries leave when their nonce expires; when the table is
 * full the oldest entry is dropped and every nonce issued up to it is treated as
 * expired, so forgetting never lets a replay through.
 */
export class NonceCountTracker {
  readonly #seen = new Map<string, { nc: number; issuedAt: number }>();
  readonly #ttlMs: number;
  readonly #max: number;
  #floor = -Infinity;

  /**
   * @param ttlMs - nonce lifetime
   * @param max - most nonces tracked at once
   */
  constructor(ttlMs: number, max: number) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  /** True when nonces issued at `issuedAt` can no longer be tracked (treat as stale). */
  forgotten(issuedAt: number): boolean {
    return issuedAt <= this.#floor;
  }

  /** True when `nc` is higher than every count accepted for this nonce. Records nothing. */
  fresh(nonce: string, nc: number): boolean {
    const prev = this.#seen.get(nonce);
    return prev === undefined || nc > prev.nc;
  }

  /** Records an accepted count. */
  accept(nonce: string, nc: number, issuedAt: number, now: number): void {
    const prev = this.#seen.get(nonce);
    if (prev !== undefined) {
      prev.nc = Math.max(prev.nc, nc);
      return;
    }
    this.#seen.set(nonce, { nc, issuedAt });
    if (this.#seen.size <= this.#max) return;
    for (const [key, v] of this.#seen) if (now - v.issuedAt > this.#ttlMs) this.#seen.delete(key);
    while (this.#seen.size > this.#max) {
      const [key, v] = this.#seen.entries().next().value as [string, { issuedAt: number }];
      this.#seen.delete(key);
      this.#floor = Math.max(this.#floor, v.issuedAt);
    }
  }

  /** Number of nonces tracked. */
  get size(): number {
    return this.#seen.size;
  }
}
