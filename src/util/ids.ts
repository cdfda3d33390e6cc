import { randomBytes, randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * A random token of `length` characters from [A-Za-z0-9], drawn from
 * `node:crypto` (at least 5.9 bits of entropy per character).
 */
export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % 62];
  return out;
}

/** A uniformly random unsigned 32-bit integer from `node:crypto`. */
export function randomUint32(): number {
  return randomBytes(4).readUInt32BE(0);
}

/** A uniformly random integer in [min, max) from `node:crypto`. */
export function randomIntBetween(min: number, max: number): number {
  return randomInt(min, max);
}
