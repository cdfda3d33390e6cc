/**
 * The SDES `a=crypto` attribute (RFC 4568 §4, §6 for SRTP): build and parse
 * `a=crypto:<tag> <crypto-suite> inline:<base64 key||salt>[|lifetime][|MKI:length] [<session-params>]`.
 *
 * This file knows the wire form only; the `media` layer owns SRTP itself and the
 * `session` layer joins the two.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, SiplineError } from '../util/index.js';

/** Which rule of RFC 4568 §9.1 a crypto attribute broke. */
export type CryptoAttributeFailure = 'bad-tag' | 'bad-suite' | 'bad-key-params' | 'bad-key' | 'bad-lifetime' | 'bad-mki' | 'bad-session-param';

/** An `a=crypto` value does not follow RFC 4568 §9.1 (the offer or answer line is ignored or refused). */
export class CryptoAttributeError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_SDP_CRYPTO';
  /** Which rule was broken. */
  readonly reason: CryptoAttributeFailure;

  /**
   * @param reason - which rule was broken
   * @param message - details for people (never contains key material)
   */
  constructor(reason: CryptoAttributeFailure, message: string) {
    super('ERR_SDP_CRYPTO', `a=crypto: ${message}`);
    this.reason = reason;
  }
}

/** Bytes of `key || salt` per SRTP crypto suite (RFC 4568 §6.2: 128-bit key, 112-bit salt). */
export const SDES_KEY_SALT_LENGTHS: Readonly<Record<string, number>> = Object.freeze({
  AES_CM_128_HMAC_SHA1_80: 30,
  AES_CM_128_HMAC_SHA1_32: 30,
});

/** One `inline:` key parameter (RFC 4568 §6.1). */
export interface SdesKeyParam {
  /** Master key followed by master salt. */
  readonly keySalt: Uint8Array;
  /** Master key lifetime in packets, when given (`2^31` is written as a power of two). */
  readonly lifetime?: number;
  /** Master Key Identifier value and its length in bytes on the wire, when given. */
  readonly mki?: { readonly value: number; readonly length: number };
}

/** A parsed or to-be-written `a=crypto` attribute. Immutable. */
export interface CryptoAttribute {
  /** Tag (1-9 digits) that the answer echoes (RFC 4568 §4.1). */
  readonly tag: number;
  /** Crypto suite, e.g. `AES_CM_128_HMAC_SHA1_80`. Unknown suites parse too; the caller skips them. */
  readonly suite: string;
  /** One or more key parameters (several only with MKIs). */
  readonly keys: readonly SdesKeyParam[];
  /** Session parameters as written, e.g. `UNENCRYPTED_SRTCP`, `KDR=0`. */
  readonly sessionParams: readonly string[];
}

const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Reads an `a=crypto` value (with or without the leading `a=crypto:` / `crypto:`).
 *
 * @throws CryptoAttributeError for any grammar violation or a key of the wrong length for a known suite
 */
export function parseCryptoAttribute(value: string): CryptoAttribute {
  if (value.length > 4096) throw new CryptoAttributeError('bad-key-params', 'attribute too long');
  const text = value.trim().replace(/^a=/, '').replace(/^crypto:/, '');
  const fields = text.split(/[ \t]+/);
  const [tagText, suite, keyParams, ...sessionParams] = fields;
  if (tagText === undefined || !/^[0-9]{1,9}$/.test(tagText)) throw new CryptoAttributeError('bad-tag', 'tag must be 1-9 digits');
  if (suite === undefined || !TOKEN.test(suite)) throw new CryptoAttributeError('bad-suite', 'missing or malformed crypto-suite');
  if (keyParams === undefined || keyParams === '') throw new CryptoAttributeError('bad-key-params', 'missing key-params');
  const expected = SDES_KEY_SALT_LENGTHS[suite];
  const keys = keyParams.split(';').map((kp) => parseKeyParam(kp, expected));
  for (const p of sessionParams) if (!/^[\x21-\x7e]+$/.test(p)) throw new CryptoAttributeError('bad-session-param', 'malformed session parameter');
  return Object.freeze({ tag: Number(tagText), suite, keys: Object.freeze(keys), sessionParams: Object.freeze([...sessionParams]) });
}

function parseKeyParam(kp: string, expected: number | undefined): SdesKeyParam {
  if (!kp.startsWith('inline:')) throw new CryptoAttributeError('bad-key-params', 'key method must be inline');
  const [b64, ...rest] = kp.slice(7).split('|');
  if (b64 === undefined || !BASE64.test(b64) || b64.length % 4 !== 0) throw new CryptoAttributeError('bad-key', 'key||salt is not base64');
  const keySalt = new Uint8Array(Buffer.from(b64, 'base64'));
  if (expected !== undefined && keySalt.length !== expected) {
    throw new CryptoAttributeError('bad-key', `key||salt must be ${expected} bytes, got ${keySalt.length}`);
  }
  let lifetime: number | undefined;
  let mki: { value: number; length: number } | undefined;
  for (const part of rest) {
    if (part.includes(':')) {
      const m = /^([0-9]{1,10}):([0-9]{1,3})$/.exec(part);
      if (m === null || mki !== undefined) throw new CryptoAttributeError('bad-mki', 'MKI must be value:length once');
      const length = Number(m[2]);
      if (length < 1 || length > 128) throw new CryptoAttributeError('bad-mki', 'MKI length must be 1..128');
      mki = { value: Number(m[1]), length };
    } else {
      const m = /^(2\^)?([0-9]{1,16})$/.exec(part);
      if (m === null || lifetime !== undefined || mki !== undefined) throw new CryptoAttributeError('bad-lifetime', 'lifetime must be digits or 2^digits, before the MKI');
      lifetime = m[1] !== undefined ? 2 ** Number(m[2]) : Number(m[2]);
      if (!Number.isSafeInteger(lifetime) || lifetime < 1) throw new CryptoAttributeError('bad-lifetime', 'lifetime out of range');
    }
  }
  return Object.freeze({ keySalt, ...(lifetime !== undefined ? { lifetime } : {}), ...(mki !== undefined ? { mki: Object.freeze(mki) } : {}) });
}

/**
 * Writes the value of an `a=crypto` attribute (the part after `a=crypto:`). A lifetime
 * that is a power of two is written as `2^n`. Never mutates its input.
 *
 * @throws InvalidArgumentError for a bad tag, suite, key length or session parameter
 */
export function serializeCryptoAttribute(attr: CryptoAttribute): string {
  if (!Number.isInteger(attr.tag) || attr.tag < 0 || attr.tag > 999_999_999) throw new InvalidArgumentError('tag', 'must be 0..999999999');
  if (!TOKEN.test(attr.suite)) throw new InvalidArgumentError('suite', 'must be a token');
  if (attr.keys.length === 0) throw new InvalidArgumentError('keys', 'at least one key is needed');
  const expected = SDES_KEY_SALT_LENGTHS[attr.suite];
  const keyParams = attr.keys.map((k) => {
    if (expected !== undefined && k.keySalt.length !== expected) throw new InvalidArgumentError('keySalt', `must be ${expected} bytes for ${attr.suite}`);
    let s = `inline:${Buffer.from(k.keySalt).toString('base64')}`;
    if (k.lifetime !== undefined) {
      const exp = Math.log2(k.lifetime);
      s += `|${Number.isInteger(exp) ? `2^${exp}` : String(k.lifetime)}`;
    }
    if (k.mki !== undefined) s += `|${k.mki.value}:${k.mki.length}`;
    return s;
  });
  for (const p of attr.sessionParams) if (!/^[\x21-\x7e]+$/.test(p)) throw new InvalidArgumentError('sessionParams', 'must be visible characters');
  return [String(attr.tag), attr.suite, keyParams.join(';'), ...attr.sessionParams].join(' ');
}

/**
 * A new attribute with a fresh random key and salt from `node:crypto` (RFC 4568 §6.1:
 * keys must be random and used for one direction only), no lifetime and no MKI.
 *
 * @param tag - tag to offer (e.g. 1)
 * @param suite - a suite listed in {@link SDES_KEY_SALT_LENGTHS}
 */
export function createCryptoAttribute(tag: number, suite: 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32'): CryptoAttribute {
  const length = SDES_KEY_SALT_LENGTHS[suite];
  if (length === undefined) throw new InvalidArgumentError('suite', `unsupported suite ${String(suite)}`);
  return Object.freeze({ tag, suite, keys: Object.freeze([Object.freeze({ keySalt: new Uint8Array(randomBytes(length)) })]), sessionParams: Object.freeze([]) });
}
