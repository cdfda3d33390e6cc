/**
 * The `sessionTimers` option of `SessionManager.new(config)`: RFC 4028 session timers.
 *
 * @module
 */
import { checkInteger, checkSection, describe } from './config-checks.js';
import { ConfigError } from './errors.js';

/** RFC 4028 session timers as accepted in config. Every field is optional. */
export interface SessionTimersConfig {
  /**
   * Ask for (and accept) session timers: Session-Expires / Min-SE on INVITE and 2xx, refreshes
   * at half the interval, BYE when the far end's refresh does not arrive. Default `true`.
   */
  readonly enabled?: boolean;
  /** Session interval we ask for, in seconds, at least `minSE`, at most 86400. Default `1800`. */
  readonly expires?: number;
  /**
   * Smallest session interval we accept, in seconds (Min-SE; a smaller Session-Expires gets
   * 422). 1 to 86400; RFC 4028 §4 says never below 90 on the public network, smaller values are
   * for tests. Default `90`.
   */
  readonly minSE?: number;
}

/** Resolved {@link SessionTimersConfig}. */
export interface ResolvedSessionTimers {
  /** Session timers are used. */
  readonly enabled: boolean;
  /** Session interval asked for, seconds. */
  readonly expires: number;
  /** Smallest interval accepted, seconds. */
  readonly minSE: number;
}

/** Defaults of `sessionTimers` (RFC 4028 §4: 1800 s recommended, 90 s minimum). */
export const SESSION_TIMER_DEFAULTS: ResolvedSessionTimers = Object.freeze({ enabled: true, expires: 1800, minSE: 90 });

/**
 * Validate `sessionTimers` and fill in the defaults.
 * @throws ConfigError naming the offending option
 */
export function resolveSessionTimers(value: unknown): ResolvedSessionTimers {
  const path = 'sessionTimers';
  const o = value === undefined ? {} : checkSection(value, path, ['enabled', 'expires', 'minSE']);
  const d = SESSION_TIMER_DEFAULTS;
  if (o.enabled !== undefined && typeof o.enabled !== 'boolean') {
    throw new ConfigError(`${path}.enabled`, `must be a boolean, got ${describe(o.enabled)}`);
  }
  const minSE = o.minSE === undefined ? d.minSE : checkInteger(o.minSE, `${path}.minSE`, 1, 86400);
  const expires = o.expires === undefined ? Math.max(d.expires, minSE) : checkInteger(o.expires, `${path}.expires`, 1, 86400);
  if (expires < minSE) throw new ConfigError(`${path}.expires`, `${expires} is smaller than minSE (${minSE})`);
  return { enabled: o.enabled === undefined ? d.enabled : o.enabled, expires, minSE };
}
