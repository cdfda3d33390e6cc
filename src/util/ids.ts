import { randomFillSync, randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Bytes at or above this are rejected so `byte % 62` stays uniform (248 = 4 * 62). */
const UNBIASED_LIMIT = 248;
/** Size of the pooled random buffer, refilled from `node:crypto` in one call when drained. */
const POOL_SIZE = 4096;

/**
 * Random bytes from `node:crypto`, drawn in bulk: one `randomFillSync` call per
 * {@link POOL_SIZE} bytes instead of one `randomBytes` allocation per token.
 * Every byte is handed out once and never reused.
 */
class RandomPool {
  readonly #buf = Buffer.allocUnsafeSlow(POOL_SIZE);
  #pos = POOL_SIZE;

  /** The next random byte (0-255). */
  byte(): number {
    if (this.#pos >= POOL_SIZE) this.#refill();
    return this.#buf[this.#pos++]!;
  }

  /** The next 4 random bytes as an unsigned 32-bit integer. */
  uint32(): number {
    if (this.#pos + 4 > POOL_SIZE) this.#refill();
    const v = this.#buf.readUInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }

  #refill(): void {
    randomFillSync(this.#buf);
    this.#pos = 0;
  }
}

const pool = new RandomPool();

/**
 * A random token of `length` characters from [A-Za-z0-9], drawn from
 * `node:crypto` (uniform over the 62 characters: log2(62) ≈ 5.95 bits of
 * entropy per character). Bytes come from a pooled buffer refilled in bulk.
 */
export function randomToken(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    let b = pool.byte();
    while (b >= UNBIASED_LIMIT) b = pool.byte();
    out += ALPHABET[b % 62];
  }
  return out;
}

/** A uniformly random unsigned 32-bit integer from `node:crypto` (pooled bytes). */
export function randomUint32(): number {
  return pool.uint32();
}

/** A uniformly random integer in [min, max) from `node:crypto`. */
export function randomIntBetween(min: number, max: number): number {
  return randomInt(min, max);
}
