/**
 * Identifiers: branch (RFC 3261 §8.1.1.7), tags (§19.3) and Call-IDs (§8.1.1.4), from node:crypto.
 */
import { randomToken } from '../util/index.js';

/** The RFC 3261 magic cookie that starts every branch. */
export const MAGIC_COOKIE = 'z9hG4bK';

/** A new branch: `z9hG4bK` followed by 22 random characters (about 130 bits). */
export function newBranch(): string {
  return MAGIC_COOKIE + randomToken(22);
}

/** A new From/To tag: 16 random characters (about 95 bits; §19.3 asks for at least 32). */
export function newTag(): string {
  return randomToken(16);
}

/** A new Call-ID: 24 random characters, `@host` appended when given. */
export function newCallId(host?: string): string {
  const id = randomToken(24);
  return host === undefined ? id : `${id}@${host}`;
}
