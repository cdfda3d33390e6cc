/**
 * The client side of Digest authentication (RFC 3261 §22.2-§22.4, RFC 7616 §3.4,
 * RFC 8760): credentials per realm, algorithm and qop choice, cnonce and nonce-count,
 * the `stale=true` retry, and the `Authorization` / `Proxy-Authorization` values.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import createDebug from 'debug';
import { InvalidArgumentError } from '../../util/index.js';
import { AuthCredentialsError, AuthRejectedError, DigestParseError } from './errors.js';
import { parseDigestChallenge, type DigestChallenge } from './digest-challenge.js';
import { serializeDigestCredentials } from './digest-credentials.js';
import { DIGEST_ALGORITHMS, computeDigestResponse, digestHash, formatNonceCount, type DigestQop } from './digest-hash.js';
import { checkText } from './wire.js';

const debug = createDebug('sipline:sip');

/** Credentials for one realm. They are only ever offered to that exact realm. */
export interface DigestClientCredentials {
  /** The realm the credentials belong to, compared exactly. */
  readonly realm: string;
  /** User name. */
  readonly username: string;
  /** Password. Kept in memory only; never logged. */
  readonly password: string;
}

/** The parts of a request that go into a digest. */
export interface DigestRequest {
  /** Method; for ACK and CANCEL, the INVITE's (RFC 3261 §22.1). */
  readonly method: string;
  /** Request-URI as it will be sent. */
  readonly uri: string;
  /** Body, needed for `auth-int`. */
  readonly body?: string | Uint8Array;
}

/** One credentials header to add to the retried request. */
export interface DigestAnswer {
  /** `Authorization` for a 401, `Proxy-Authorization` for a 407 (RFC 3261 §22.2, §22.3). */
  readonly header: 'Authorization' | 'Proxy-Authorization';
  /** The header value. */
  readonly value: string;
  /** Realm answered. */
  readonly realm: string;
  /** Nonce answered. */
  readonly nonce: string;
  /** Nonce-count used (1 for the first use of a nonce). */
  readonly nc: number;
}

/** Options of {@link DigestClient}. */
export interface DigestClientOptions {
  /** Credentials, one entry per realm. */
  readonly credentials?: readonly DigestClientCredentials[];
  /** Use `auth-int` when a challenge offers both `auth` and `auth-int` (default false: `auth`). */
  readonly preferAuthInt?: boolean;
  /** Send H(username:realm) with `userhash=true` when the server allows it (default false). */
  readonly userhash?: boolean;
  /** Nonces whose count is remembered (least recently used are forgotten; default 64). */
  readonly maxNonces?: number;
  /** Client-nonce source (default: 16 random bytes from `node:crypto`, hex). For tests. */
  readonly cnonce?: () => string;
}

/**
 * Answers Digest challenges with credentials configured per realm.
 *
 * Keeps one nonce-count per nonce (incremented on every use, RFC 7616 §3.4) and the
 * last challenge per realm, so later requests can carry credentials up front.
 * Start one {@link DigestAttempt} per request to get the RFC 3261 §22 retry rules.
 *
 * @example
 * ```ts
 * const client = new DigestClient({ credentials: [{ realm: 'pbx', username: 'alice', password: 's3cret' }] });
 * const attempt = client.attempt();
 * for (const a of attempt.respond(401, response.headerValues('WWW-Authenticate'), { method: 'REGISTER', uri }))
 *   retry.addHeader(a.header, a.value);
 * ```
 */
export class DigestClient {
  readonly #credentials = new Map<string, DigestClientCredentials>();
  readonly #counts = new Map<string, number>();
  readonly #lastChallenge = new Map<string, { challenge: DigestChallenge; proxy: boolean }>();
  readonly #preferAuthInt: boolean;
  readonly #userhash: boolean;
  readonly #maxNonces: number;
  readonly #cnonce: () => string;

  /** @param options - credentials and behaviour; see {@link DigestClientOptions} */
  constructor(options: DigestClientOptions = {}) {
    for (const c of options.credentials ?? []) this.setCredentials(c);
    this.#preferAuthInt = options.preferAuthInt ?? false;
    this.#userhash = options.userhash ?? false;
    this.#maxNonces = options.maxNonces ?? 64;
    if (!Number.isInteger(this.#maxNonces) || this.#maxNonces < 1) throw new InvalidArgumentError('maxNonces', 'must be a positive integer');
    this.#cnonce = options.cnonce ?? (() => randomBytes(16).toString('hex'));
  }

  /** Adds or replaces the credentials of `credentials.realm`. Returns this client. */
  setCredentials(credentials: DigestClientCredentials): this {
    checkText('realm', credentials.realm);
    checkText('username', credentials.username);
    if (typeof credentials.password !== 'string') throw new InvalidArgumentError('password', 'must be a string');
    this.#credentials.set(credentials.realm, Object.freeze({ ...credentials }));
    return this;
  }

  /** Forgets the credentials of a realm; true when there were some. */
  removeCredentials(realm: string): boolean {
    this.#lastChallenge.delete(realm);
    return this.#credentials.delete(realm);
  }

  /** True when credentials are configured for exactly this realm. */
  hasCredentials(realm: string): boolean {
    return this.#credentials.has(realm);
  }

  /** The realms with configured credentials. */
  realms(): string[] {
    return [...this.#credentials.keys()];
  }

  /** Starts the retry bookkeeping of one request (see {@link DigestAttempt}). */
  attempt(): DigestAttempt {
    return new DigestAttempt(this);
  }

  /**
   * Answers one parsed challenge: picks the qop, draws a cnonce, increments the
   * nonce-count and computes the response.
   *
   * @param challenge - the challenge
   * @param request - method, Request-URI and body of the request being retried
   * @param proxy - true for a 407 / `Proxy-Authenticate` challenge
   * @throws AuthCredentialsError when no credentials are configured for the challenge's realm
   */
  authorize(challenge: DigestChallenge, request: DigestRequest, proxy = false): DigestAnswer {
    const cred = this.#credentials.get(challenge.realm);
    if (cred === undefined) throw new AuthCredentialsError([challenge.realm]);
    const qop = this.#chooseQop(challenge.qop);
    const nc = this.#nextCount(challenge.realm, challenge.nonce);
    const cnonce = qop !== undefined || challenge.algorithm.endsWith('-sess') ? this.#cnonce() : undefined;
    checkText('cnonce', cnonce ?? '');
    const response = computeDigestResponse({
      algorithm: challenge.algorithm,
      qop,
      username: cred.username,
      realm: cred.realm,
      password: cred.password,
      method: request.method,
      uri: request.uri,
      nonce: challenge.nonce,
      ...(cnonce !== undefined ? { cnonce } : {}),
      nc,
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    const userhash = challenge.userhash && this.#userhash;
    const value = serializeDigestCredentials({
      username: userhash ? digestHash(challenge.algorithm, `${cred.username}:${cred.realm}`) : cred.username,
      realm: challenge.realm,
      nonce: challenge.nonce,
      uri: request.uri,
      response,
      algorithm: challenge.algorithm,
      ...(qop !== undefined ? { qop, nc: formatNonceCount(nc) } : {}),
      ...(cnonce !== undefined ? { cnonce } : {}),
      ...(challenge.opaque !== undefined ? { opaque: challenge.opaque } : {}),
      userhash,
    });
    this.#lastChallenge.set(challenge.realm, { challenge, proxy });
    debug('digest answer for realm %s (%s, qop %s, nc %d)', challenge.realm, challenge.algorithm, qop ?? 'none', nc);
    return Object.freeze({ header: proxy ? 'Proxy-Authorization' : 'Authorization', value, realm: challenge.realm, nonce: challenge.nonce, nc });
  }

  /**
   * Credentials for a new request before any challenge, reusing the last challenge
   * seen per realm with the next nonce-count (RFC 7616 §3.4 nonce reuse; RFC 3261 §22.3
   * lets a UAC cache credentials per realm). Empty when no challenge was seen yet.
   */
  preemptive(request: DigestRequest): DigestAnswer[] {
    const out: DigestAnswer[] = [];
    for (const { challenge, proxy } of this.#lastChallenge.values()) {
      if (challenge.qop.length === 0) continue; // without nc a reused nonce looks like a replay
      if (this.#credentials.has(challenge.realm)) out.push(this.authorize(challenge, request, proxy));
    }
    return out;
  }

  /** Forgets the cached challenge of a realm (after the server refused it, say). */
  forgetChallenge(realm: string): void {
    this.#lastChallenge.delete(realm);
  }

  #chooseQop(offered: readonly DigestQop[]): DigestQop | undefined {
    if (offered.length === 0) return undefined;
    if (offered.includes('auth-int') && (this.#preferAuthInt || !offered.includes('auth'))) return 'auth-int';
    return 'auth';
  }

  #nextCount(realm: string, nonce: string): number {
    const key = `${realm}\u0000${nonce}`;
    const nc = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.delete(key);
    this.#counts.set(key, nc);
    if (this.#counts.size > this.#maxNonces) this.#counts.delete(this.#counts.keys().next().value as string);
    return nc;
  }
}

/**
 * The authentication retries of one request (RFC 3261 §22.2, §22.3): the first
 * challenge per realm is answered; a second challenge for a realm already answered
 * is answered once more only when it says `stale=true`; otherwise the credentials
 * were wrong and {@link AuthRejectedError} is thrown instead of looping.
 */
export class DigestAttempt {
  readonly #client: DigestClient;
  readonly #answered = new Map<string, { staleRetried: boolean }>();

  /** @param client - the client holding credentials and nonce-counts */
  constructor(client: DigestClient) {
    this.#client = client;
  }

  /**
   * Answers the challenges of a 401 or 407 response. When a realm is challenged
   * with several algorithms, the strongest supported one is used (RFC 8760 §2.4).
   * Realms without credentials are left alone as long as one realm can be answered.
   *
   * @param status - 401 or 407
   * @param challenges - the `WWW-Authenticate` (401) or `Proxy-Authenticate` (407) values
   * @param request - the request being retried
   * @returns one header per answered realm
   * @throws DigestParseError when no challenge is a usable Digest challenge
   * @throws AuthCredentialsError when no challenged realm has credentials
   * @throws AuthRejectedError when a realm answered before is challenged again without stale
   */
  respond(status: 401 | 407, challenges: readonly (string | DigestChallenge)[], request: DigestRequest): DigestAnswer[] {
    const header = status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate';
    const best = new Map<string, DigestChallenge>();
    let firstError: unknown;
    for (const raw of challenges) {
      let ch: DigestChallenge;
      try {
        ch = typeof raw === 'string' ? parseDigestChallenge(raw, header) : raw;
      } catch (err) {
        firstError ??= err;
        continue;
      }
      const prev = best.get(ch.realm);
      if (prev === undefined || DIGEST_ALGORITHMS.indexOf(ch.algorithm) < DIGEST_ALGORITHMS.indexOf(prev.algorithm)) best.set(ch.realm, ch);
    }
    if (best.size === 0) {
      if (firstError !== undefined) throw firstError;
      throw new DigestParseError('missing-param', 'no challenge in the response', header);
    }
    const usable = [...best.values()].filter((ch) => this.#client.hasCredentials(ch.realm));
    if (usable.length === 0) throw new AuthCredentialsError([...best.keys()]);
    for (const ch of usable) {
      const state = this.#answered.get(ch.realm);
      if (state === undefined) continue;
      if (!ch.stale || state.staleRetried) {
        this.#client.forgetChallenge(ch.realm);
        throw new AuthRejectedError(ch.realm);
      }
    }
    return usable.map((ch) => {
      const state = this.#answered.get(ch.realm);
      this.#answered.set(ch.realm, { staleRetried: state !== undefined });
      return this.#client.authorize(ch, request, status === 407);
    });
  }
}
