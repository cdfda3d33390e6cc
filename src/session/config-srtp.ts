/**
 * Validation of `media.srtp` and `media.srtpSuites` (SRTP with SDES keys, RFC 3711, RFC 4568).
 *
 * @module
 */
import { describe } from './config-checks.js';
import { checkChoice } from './config-choice.js';
import type { SrtpMode, SrtpSuiteName } from './config-types.js';
import { ConfigError } from './errors.js';

/** `media.srtp` values. */
export const SRTP_MODES: readonly SrtpMode[] = Object.freeze(['off', 'optional', 'required'] as const);

/** Suites sipline implements, in the default preference order (the 80-bit tag first). */
export const SRTP_SUITES: readonly SrtpSuiteName[] = Object.freeze(['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const);

/**
 * The resolved SRTP options of a `media` section.
 * @throws ConfigError naming `media.srtp` or `media.srtpSuites[i]`
 */
export function resolveSrtp(media: { readonly srtp?: unknown; readonly srtpSuites?: unknown }): { srtp: SrtpMode; srtpSuites: SrtpSuiteName[] } {
  const srtp = checkChoice(media.srtp, 'media.srtp', SRTP_MODES, 'off');
  const value = media.srtpSuites;
  if (value === undefined) return { srtp, srtpSuites: [...SRTP_SUITES] };
  const path = 'media.srtpSuites';
  if (!Array.isArray(value)) throw new ConfigError(path, `must be an array, got ${describe(value)}`);
  if (value.length === 0) throw new ConfigError(path, 'must not be empty');
  const out: SrtpSuiteName[] = [];
  value.forEach((item: unknown, i) => {
    const p = `${path}[${i}]`;
    const name = typeof item === 'string' ? SRTP_SUITES.find((n) => n === item.toUpperCase()) : undefined;
    if (name === undefined) throw new ConfigError(p, `${describe(item)} is not one of ${SRTP_SUITES.join(', ')}`);
    if (out.includes(name)) throw new ConfigError(p, `${name} is listed twice`);
    out.push(name);
  });
  return { srtp, srtpSuites: out };
}
