/**
 * Validation of the enumerated call-control options (`sip.reliableProvisional`,
 * `media.dtmfMethod`).
 *
 * @module
 */
import { describe } from './config-checks.js';
import { ConfigError } from './errors.js';

/** `sip.reliableProvisional` values (RFC 3262). */
export const RELIABLE_PROVISIONAL_MODES = Object.freeze(['supported', 'required', 'off'] as const);

/** `media.dtmfMethod` values: how `sendDtmf` sends digits by default. */
export const DTMF_METHODS = Object.freeze(['auto', 'rfc4733', 'info'] as const);

/**
 * `value` when it is one of `choices`, `fallback` when undefined.
 * @throws ConfigError naming `path` otherwise
 */
export function checkChoice<T extends string>(value: unknown, path: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(path, `must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}`);
}
