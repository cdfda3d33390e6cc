/**
 * The authentication part of the configuration: client `credentials` (answering 401/407,
 * RFC 3261 §22.2), the server-side `authenticate` hook (challenging requests, §22.1) and
 * `sip.outboundProxy` (§8.1.2).
 *
 * @module
 */
import { SipUri } from '../sip/index.js';
import { checkInteger, checkSection, checkString, describe } from './config-checks.js';
import { ConfigError } from './errors.js';

/** One set of client credentials (`credentials: [...]`). */
export interface CredentialsConfig {
  /** Realm they answer; absent: any realm (use it only with one trusted server). */
  readonly realm?: string;
  /** User name. */
  readonly username: string;
  /** Password. */
  readonly password: string;
}

/** A password given as an object. */
export interface AuthPassword {
  /** The password. */
  readonly password: string;
}

/** HA1 = H(username:realm:password), hex, with the algorithm asked for (`MD5` or `SHA-256`). */
export interface AuthHa1 {
  /** The HA1 digest, lower-case hex. */
  readonly ha1: string;
}

/** What an `authenticate.lookup` returns for a user: a password, an HA1 or nothing (unknown user). */
export type AuthLookupResult = string | AuthPassword | AuthHa1 | undefined;

/** Digest algorithms a server may offer (RFC 7616 §3.3, RFC 8760). */
export type AuthAlgorithm = 'SHA-256' | 'SHA-256-sess' | 'MD5' | 'MD5-sess';

/** Per-source limiting of failed authentication attempts (a token bucket per address). */
export interface AuthRateLimit {
  /** Failed attempts a source may make in a burst (default 5). */
  readonly burst?: number;
  /** Attempts regained per second (default 0.2: one more every 5 s). */
  readonly refillPerSecond?: number;
  /** Sources tracked at once (default 10 000). */
  readonly maxSources?: number;
}

/** Server-side digest authentication of incoming requests (`authenticate: {...}`). */
export interface AuthenticateConfig {
  /** Realm challenged with (RFC 3261 §22.1: typically the domain). */
  readonly realm: string;
  /**
   * The secret of a user: the password (a string or `{ password }`), `{ ha1 }` computed with
   * `algorithm` (`MD5` or `SHA-256`), or `undefined` for an unknown user (answered exactly like a
   * wrong password). May be async.
   */
  readonly lookup: (username: string, algorithm: 'MD5' | 'SHA-256') => AuthLookupResult | Promise<AuthLookupResult>;
  /** Challenge with 407 / Proxy-Authenticate, as a proxy does (default false: 401). */
  readonly proxy?: boolean;
  /** Methods challenged outside dialogs (default every method but ACK, CANCEL and OPTIONS). */
  readonly methods?: readonly string[];
  /** Algorithms offered, strongest first (default SHA-256 then MD5). */
  readonly algorithms?: readonly AuthAlgorithm[];
  /** Nonce lifetime, ms (default 300 000). */
  readonly nonceTtlMs?: number;
  /** Failed-attempt limiting per source address, or false to disable. */
  readonly rateLimit?: AuthRateLimit | false;
  /** Nonce secret (keep the same bytes to survive restarts; default random per manager). */
  readonly secret?: Uint8Array;
}

/** Resolved `credentials`. */
export type ResolvedCredentials = readonly CredentialsConfig[];

/** Methods never challenged by default: OPTIONS keep-alives, and ACK/CANCEL which cannot be. */
export const UNCHALLENGED_METHODS: readonly string[] = Object.freeze(['ACK', 'CANCEL', 'OPTIONS']);

/** Check `credentials`. @throws ConfigError */
export function resolveCredentials(value: unknown): ResolvedCredentials {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError('credentials', `must be an array, got ${describe(value)}`);
  let wildcards = 0;
  return value.map((item: unknown, i) => {
    const path = `credentials[${i}]`;
    const c = checkSection(item, path, ['realm', 'username', 'password']);
    const username = checkString(c.username, `${path}.username`);
    if (typeof c.password !== 'string') throw new ConfigError(`${path}.password`, `must be a string, got ${describe(c.password)}`);
    if (c.realm === undefined && ++wildcards > 1) throw new ConfigError(`${path}.realm`, 'only one entry may omit the realm');
    return { ...(c.realm === undefined ? {} : { realm: checkString(c.realm, `${path}.realm`) }), username, password: c.password };
  });
}

/** Check `authenticate`. @throws ConfigError */
export function resolveAuthenticate(value: unknown): AuthenticateConfig | undefined {
  if (value === undefined) return undefined;
  const a = checkSection(value, 'authenticate', ['realm', 'lookup', 'proxy', 'methods', 'algorithms', 'nonceTtlMs', 'rateLimit', 'secret']);
  const realm = checkString(a.realm, 'authenticate.realm');
  if (typeof a.lookup !== 'function') throw new ConfigError('authenticate.lookup', `must be a function, got ${describe(a.lookup)}`);
  if (a.proxy !== undefined && typeof a.proxy !== 'boolean') throw new ConfigError('authenticate.proxy', `must be a boolean, got ${describe(a.proxy)}`);
  if (a.methods !== undefined && (!Array.isArray(a.methods) || a.methods.some((m) => typeof m !== 'string'))) {
    throw new ConfigError('authenticate.methods', 'must be an array of method names');
  }
  if (a.secret !== undefined && !(a.secret instanceof Uint8Array)) throw new ConfigError('authenticate.secret', 'must be a Uint8Array');
  const resolved: AuthenticateConfig = {
    realm,
    lookup: a.lookup as AuthenticateConfig['lookup'],
    ...(a.proxy !== undefined ? { proxy: a.proxy } : {}),
    ...(a.methods !== undefined ? { methods: (a.methods as string[]).map((m) => m.toUpperCase()) } : {}),
    ...(a.algorithms !== undefined ? { algorithms: a.algorithms as AuthAlgorithm[] } : {}),
    ...(a.nonceTtlMs !== undefined ? { nonceTtlMs: checkInteger(a.nonceTtlMs, 'authenticate.nonceTtlMs', 1000, 86_400_000) } : {}),
    ...(a.rateLimit !== undefined ? { rateLimit: a.rateLimit as AuthRateLimit | false } : {}),
  };
  // Not enumerable: the configuration is deep-frozen, and a typed array cannot be frozen.
  if (a.secret !== undefined) Object.defineProperty(resolved, 'secret', { value: Uint8Array.from(a.secret as Uint8Array), enumerable: false });
  return resolved;
}

/** Check `sip.outboundProxy` (a SIP URI such as `sip:proxy.example.com:5060`). @throws ConfigError */
export function resolveOutboundProxy(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = checkString(value, 'sip.outboundProxy').trim().replace(/^<(.*)>$/, '$1');
  try {
    return SipUri.parse(text).toString();
  } catch (err) {
    throw new ConfigError('sip.outboundProxy', `${describe(value)} is not a SIP URI: ${(err as Error).message}`);
  }
}
