/**
 * The server side of Digest authentication (RFC 3261 §22.1, §22.4, §26.3.2.4;
 * RFC 7616 §3.3-§3.5, §5; RFC 8760): challenges, verification, HMAC-bound expiring
 * nonces, nonce-count replay refusal, `stale=true`, per-source failure rate limiting,
 * constant-time comparison, and identical answers for unknown users and wrong passwords.
 *
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import createDebug from 'debug';
import { InvalidArgumentError } from '../../util/index.js';
import { serializeDigestChallenge } from './digest-challenge.js';
import { parseDigestCredentials, type DigestCredentials } from './digest-credentials.js';
import { computeDigestResponse, digestHash, digestHexLength, type DigestAlgorithm, type DigestQop } from './digest-hash.js';
import { NonceCountTracker, NonceIssuer } from './nonce.js';
import { FailureRateLimiter, type RateLimitOptions } from './rate-limiter.js';
import { checkText } from './wire.js';

const debug = createDebug('sipline:sip');

/** What a credential lookup returns: the password, or HA1 = H(username:realm:password) for the asked algorithm. */
export type DigestSecret = { readonly password: string } | { readonly ha1: string };

/**
 * Looks up a user's secret. Return undefined for an unknown user; the server then
 * answers exactly as for a wrong password.
 *
 * @param username - the user name from the credentials
 * @param realm - the server's realm
 * @param algorithm - the base algorithm (`MD5` or `SHA-256`) an `ha1` must be computed with
 */
export type DigestCredentialLookup = (
  username: string,
  realm: string,
  algorithm: 'MD5' | 'SHA-256',
) => DigestSecret | undefined | Promise<DigestSecret | undefined>;

/** Options of {@link DigestServer}. */
export interface DigestServerOptions {
  /** Realm to challenge with (RFC 3261 §22.1: typically the host or domain). */
  readonly realm: string;
  /** Credential lookup hook. */
  readonly lookup: DigestCredentialLookup;
  /** Challenge as a proxy (407, `Proxy-Authenticate` / `Proxy-Authorization`) instead of 401 (default false). */
  readonly proxy?: boolean;
  /** Algorithms to offer, one challenge each, strongest first (default SHA-256 then MD5, RFC 8760 §2.4). */
  readonly algorithms?: readonly DigestAlgorithm[];
  /** qop values to offer (default `auth`). Credentials without qop are refused. */
  readonly qop?: readonly DigestQop[];
  /** Secret the nonces are bound to (default: 32 random bytes per server; keep one to survive restarts). */
  readonly secret?: Uint8Array;
  /** Nonce lifetime in milliseconds (default 300 000). An older nonce with a correct response gets `stale=true`. */
  readonly nonceTtlMs?: number;
  /** Most nonces whose counts are tracked (default 10 000). */
  readonly maxTrackedNonces?: number;
  /** Failed-attempt limiting per source, or false to disable (default: {@link RateLimitOptions} defaults). */
  readonly rateLimit?: RateLimitOptions | false;
  /** Check that the credentials' `uri` equals the request's Request-URI (default true, RFC 7616 §3.4.6). */
  readonly checkUri?: boolean;
  /** Wall-clock milliseconds (default `Date.now`), for nonce stamps and rate limiting. */
  readonly now?: () => number;
}

/** A request to verify. */
export interface DigestServerRequest {
  /** Method; for ACK and CANCEL, the INVITE's. */
  readonly method: string;
  /** Request-URI as received. */
  readonly uri: string;
  /** Body, for `auth-int`. */
  readonly body?: string | Uint8Array;
  /** The `Authorization` (or `Proxy-Authorization`) values; the one for our realm is used. */
  readonly authorization?: string | readonly string[];
  /** Who is asking, for rate limiting (e.g. `"203.0.113.7"`). */
  readonly source: string;
}

/**
 * Why a request was refused:
 * - `missing`: no credentials for our realm (the normal first request);
 * - `invalid`: wrong response, unknown user, bad nonce or malformed credentials, all alike;
 * - `stale`: a correct response with an expired nonce;
 * - `replayed`: a correct response whose nonce-count is not higher than one already accepted;
 * - `rate-limited`: too many failures from this source; nothing was checked.
 */
export type DigestRefusalReason = 'missing' | 'invalid' | 'stale' | 'replayed' | 'rate-limited';

/** A refusal: send `status` with one `header` per entry of `challenges` (and Retry-After when set). */
export interface DigestRefusal {
  /** Always false. */
  readonly ok: false;
  /** Why (for logs and counters; the response itself does not tell unknown user from wrong password). */
  readonly reason: DigestRefusalReason;
  /** 401 or 407; 503 when rate limited (RFC 3261 §21.5.4 allows Retry-After there). */
  readonly status: 401 | 407 | 503;
  /** `WWW-Authenticate` or `Proxy-Authenticate`. */
  readonly header: 'WWW-Authenticate' | 'Proxy-Authenticate';
  /** Challenge values to send (empty when rate limited). */
  readonly challenges: readonly string[];
  /** Seconds to put in Retry-After when rate limited. */
  readonly retryAfterSeconds?: number;
}

/** An accepted request. */
export interface DigestAcceptance {
  /** Always true. */
  readonly ok: true;
  /** The authenticated user name. */
  readonly username: string;
  /** The realm. */
  readonly realm: string;
  /** Algorithm the client used. */
  readonly algorithm: DigestAlgorithm;
}

/** Result of {@link DigestServer.verify}. */
export type DigestVerdict = DigestAcceptance | DigestRefusal;

/**
 * Challenges requests and verifies Digest credentials for one realm.
 *
 * @example
 * ```ts
 * const auth = new DigestServer({ realm: 'pbx.example', lookup: (user) => users.get(user) });
 * const v = await auth.verify({ method: req.method, uri: req.uri.toString(), authorization: req.headerValues('Authorization'), source: remote.address });
 * if (!v.ok) return reply(v.status, v.challenges.map((c) => [v.header, c]));
 * ```
 */
export class DigestServer {
  readonly #realm: string;
  readonly #lookup: DigestCredentialLookup;
  readonly #proxy: boolean;
  readonly #algorithms: readonly DigestAlgorithm[];
  readonly #qop: readonly DigestQop[];
  readonly #nonces: NonceIssuer;
  readonly #counts: NonceCountTracker;
  readonly #limiter: FailureRateLimiter | undefined;
  readonly #checkUri: boolean;
  readonly #now: () => number;
  readonly #dummyPassword = randomBytes(24).toString('base64');

  /** @param options - realm, lookup hook and policy; see {@link DigestServerOptions} */
  constructor(options: DigestServerOptions) {
    checkText('realm', options.realm);
    if (typeof options.lookup !== 'function') throw new InvalidArgumentError('lookup', 'must be a function');
    this.#realm = options.realm;
    this.#lookup = options.lookup;
    this.#proxy = options.proxy ?? false;
    this.#algorithms = Object.freeze([...(options.algorithms ?? ['SHA-256', 'MD5'])]);
    if (this.#algorithms.length === 0) throw new InvalidArgumentError('algorithms', 'must not be empty');
    this.#qop = Object.freeze([...(options.qop ?? ['auth'])]);
    if (this.#qop.length === 0) throw new InvalidArgumentError('qop', 'must not be empty');
    const ttl = options.nonceTtlMs ?? 300_000;
    if (!(ttl > 0)) throw new InvalidArgumentError('nonceTtlMs', 'must be positive');
    this.#now = options.now ?? Date.now;
    const secret = options.secret ?? randomBytes(32);
    if (secret.length < 16) throw new InvalidArgumentError('secret', 'must be at least 16 bytes');
    this.#nonces = new NonceIssuer(secret, this.#realm, ttl, this.#now);
    this.#counts = new NonceCountTracker(ttl, options.maxTrackedNonces ?? 10_000);
    this.#limiter = options.rateLimit === false ? undefined : new FailureRateLimiter(options.rateLimit ?? {}, this.#now);
    this.#checkUri = options.checkUri ?? true;
  }

  /** The realm challenged with. */
  get realm(): string {
    return this.#realm;
  }

  /** The header carrying challenges: `WWW-Authenticate`, or `Proxy-Authenticate` for a proxy. */
  get challengeHeader(): 'WWW-Authenticate' | 'Proxy-Authenticate' {
    return this.#proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate';
  }

  /** The header carrying credentials: `Authorization`, or `Proxy-Authorization` for a proxy. */
  get credentialsHeader(): 'Authorization' | 'Proxy-Authorization' {
    return this.#proxy ? 'Proxy-Authorization' : 'Authorization';
  }

  /** Fresh challenge values, one per offered algorithm, sharing one new nonce. */
  challenges(stale = false): string[] {
    const nonce = this.#nonces.issue();
    return this.#algorithms.map((algorithm) => serializeDigestChallenge({ realm: this.#realm, nonce, algorithm, qop: this.#qop, stale, userhash: false }));
  }

  /**
   * Verifies a request's credentials. Never throws for bad input: malformed credentials
   * are refused as `invalid`. Failures (`invalid`, `replayed`) cost the source one token.
   */
  async verify(request: DigestServerRequest): Promise<DigestVerdict> {
    const values = request.authorization === undefined ? [] : typeof request.authorization === 'string' ? [request.authorization] : request.authorization;
    let creds: DigestCredentials | undefined;
    let malformed = false;
    for (const v of values) {
      try {
        const c = parseDigestCredentials(v, this.credentialsHeader);
        if (c.realm === this.#realm) {
          creds = c;
          break;
        }
      } catch {
        malformed = true;
      }
    }
    if (creds === undefined && !malformed) return this.#refuse('missing');
    const limit = this.#limiter?.check(request.source);
    if (limit !== undefined && !limit.allowed) {
      debug('digest: source %s rate limited', request.source);
      return Object.freeze({ ok: false, reason: 'rate-limited', status: 503, header: this.challengeHeader, challenges: Object.freeze([]), retryAfterSeconds: Math.max(1, Math.ceil(limit.retryAfterMs / 1000)) });
    }
    if (creds === undefined) return this.#fail(request.source, 'invalid');
    const verdict = await this.#check(creds, request);
    if (verdict === 'ok') return Object.freeze({ ok: true, username: creds.username, realm: this.#realm, algorithm: creds.algorithm });
    if (verdict === 'stale') return this.#refuse('stale');
    return this.#fail(request.source, verdict);
  }

  async #check(c: DigestCredentials, request: DigestServerRequest): Promise<'ok' | 'stale' | 'invalid' | 'replayed'> {
    // Every path computes a response and compares it, so timing says little about why.
    const algorithmOffered = this.#algorithms.includes(c.algorithm);
    const qopOffered = c.qop !== undefined && this.#qop.includes(c.qop);
    const base = c.algorithm.startsWith('SHA-256') ? 'SHA-256' : 'MD5';
    const nonce = this.#nonces.check(c.nonce);
    let secret: DigestSecret | undefined;
    if (!c.userhash) {
      try {
        secret = await this.#lookup(c.username, this.#realm, base);
      } catch (err) {
        debug('digest: credential lookup failed: %O', err);
        secret = undefined;
      }
    }
    // Exactly one H(username:realm:secret) per request whatever the lookup said, so the
    // time taken does not tell a known user from an unknown one.
    const hashed = digestHash(base, `${c.username}:${this.#realm}:${secret !== undefined && 'password' in secret ? secret.password : this.#dummyPassword}`);
    let ha1 = hashed;
    let known = secret !== undefined && 'password' in secret;
    if (secret !== undefined && 'ha1' in secret) {
      const given = String(secret.ha1).toLowerCase();
      known = /^[0-9a-f]+$/.test(given) && given.length === digestHexLength(base);
      if (known) ha1 = given;
    }
    let expected: string;
    try {
      expected = computeDigestResponse({
        algorithm: c.algorithm,
        qop: c.qop,
        username: c.username,
        realm: this.#realm,
        ha1,
        method: request.method,
        uri: c.uri,
        nonce: c.nonce,
        ...(c.cnonce !== undefined ? { cnonce: c.cnonce } : {}),
        ...(c.nc !== undefined ? { nc: c.nc } : {}),
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
    } catch {
      return 'invalid';
    }
    const match = constantTimeEqual(expected, c.response);
    const uriOk = !this.#checkUri || c.uri === request.uri;
    if (!match || !known || !algorithmOffered || !qopOffered || !uriOk || !nonce.valid) return 'invalid';
    if (nonce.expired || this.#counts.forgotten(nonce.issuedAt)) return 'stale';
    const nc = Number.parseInt(c.nc ?? '0', 16);
    if (!this.#counts.fresh(c.nonce, nc)) return 'replayed';
    this.#counts.accept(c.nonce, nc, nonce.issuedAt, this.#now());
    return 'ok';
  }

  #fail(source: string, reason: 'invalid' | 'replayed'): DigestRefusal {
    this.#limiter?.recordFailure(source);
    debug('digest: refused %s (%s)', source, reason);
    return this.#refuse(reason);
  }

  #refuse(reason: 'missing' | 'invalid' | 'stale' | 'replayed'): DigestRefusal {
    return Object.freeze({
      ok: false,
      reason,
      status: this.#proxy ? 407 : 401,
      header: this.challengeHeader,
      challenges: Object.freeze(this.challenges(reason === 'stale')),
    });
  }
}

/** Compares two strings without an early exit on the first difference. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  if (x.length !== y.length) {
    timingSafeEqual(x, x);
    return false;
  }
  return timingSafeEqual(x, y);
}
