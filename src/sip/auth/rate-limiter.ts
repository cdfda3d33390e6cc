/**
 * A token bucket per source, used to slow down password guessing (RFC 7616 §5.8 /
 * RFC 3261 §26.3.2.4: limit the rate of failed attempts): every failed attempt takes one
 * token; a source whose bucket is empty is refused until a token grows back.
 *
 * @module
 */
import { InvalidArgumentError } from '../../util/index.js';

/** Options of {@link FailureRateLimiter}. */
export interface RateLimitOptions {
  /** Failed attempts a source may make in a burst (default 5). */
  readonly burst?: number;
  /** Tokens regained per second (default 0.2: one more attempt every 5 s). */
  readonly refillPerSecond?: number;
  /** Sources tracked at once; the least recently seen is forgotten first (default 10000). */
  readonly maxSources?: number;
}

/** Verdict of {@link FailureRateLimiter.check}. */
export type RateLimitVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/** Failed-attempt token buckets keyed by source (an IP address, say). */
export class FailureRateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #burst: number;
  readonly #rate: number;
  readonly #max: number;
  readonly #now: () => number;

  /**
   * @param options - bucket size and refill rate
   * @param now - milliseconds clock (fake time in tests)
   */
  constructor(options: RateLimitOptions, now: () => number) {
    this.#burst = options.burst ?? 5;
    this.#rate = options.refillPerSecond ?? 0.2;
    this.#max = options.maxSources ?? 10_000;
    if (!(this.#burst >= 1)) throw new InvalidArgumentError('rateLimit.burst', 'must be at least 1');
    if (!(this.#rate > 0)) throw new InvalidArgumentError('rateLimit.refillPerSecond', 'must be positive');
    if (!Number.isInteger(this.#max) || this.#max < 1) throw new InvalidArgumentError('rateLimit.maxSources', 'must be a positive integer');
    this.#now = now;
  }

  /** Whether `source` may make an attempt now; when not, how long until it may. */
  check(source: string): RateLimitVerdict {
    const tokens = this.#tokens(source);
    if (tokens >= 1) return { allowed: true };
    return { allowed: false, retryAfterMs: Math.ceil(((1 - tokens) / this.#rate) * 1000) };
  }

  /** Takes one token from `source` after a failed attempt. */
  recordFailure(source: string): void {
    const tokens = this.#tokens(source);
    this.#buckets.delete(source);
    this.#buckets.set(source, { tokens: Math.max(0, tokens - 1), at: this.#now() });
    if (this.#buckets.size > this.#max) this.#buckets.delete(this.#buckets.keys().next().value as string);
  }

  /** Number of sources currently tracked. */
  get size(): number {
    return this.#buckets.size;
  }

  #tokens(source: string): number {
    const b = this.#buckets.get(source);
    if (b === undefined) return this.#burst;
    const t = Math.min(this.#burst, b.tokens + ((this.#now() - b.at) / 1000) * this.#rate);
    if (t >= this.#burst) this.#buckets.delete(source);
    return t;
  }
}
