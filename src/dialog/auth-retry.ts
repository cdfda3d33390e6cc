/**
 * UAC authentication (RFC 3261 §22.2, §22.3, §8.1.3.5): a request answered 401 or 407 is sent
 * again once with `Authorization` / `Proxy-Authorization`, a new CSeq and the same Call-ID
 * (and From tag); a second challenge for the same realm is answered only when it says
 * `stale=true`. Credentials are chosen per realm, never offered to a realm they were not
 * configured for.
 *
 * The digest arithmetic and per-nonce counts live in the `sip` layer's `DigestClient`; this
 * file only decides when to retry and rebuilds the request.
 *
 * @module
 */
import { AuthCredentialsError, AuthRejectedError, DigestClient, DigestParseError, newBranch } from '../sip/index.js';
import type { DigestAnswer, DigestAttempt, SipRequest, SipResponse } from '../sip/index.js';
import { SiplineError } from '../util/index.js';

/** One set of credentials; without `realm`, it answers whatever realm the server names. */
export interface UacCredentials {
  /** Realm these credentials are for; absent: any realm (use it only towards one trusted server). */
  readonly realm?: string;
  /** User name. */
  readonly username: string;
  /** Password. */
  readonly password: string;
}

/** Why an authenticated retry did not happen: the challenge could not be answered. */
export type AuthFailureReason = 'no-credentials' | 'rejected' | 'bad-challenge';

/**
 * A 401/407 that was not (or no longer) answered: no credentials for the realm, the
 * credentials were refused, or the challenge was unusable. `status` is the response's.
 */
export class AuthenticationFailedError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_AUTHENTICATION_FAILED';
  /** 401 or 407 (or 403 when the server refused outright). */
  readonly status: number;
  /** What went wrong. */
  readonly reason: AuthFailureReason;

  /**
   * @param status - the final status received
   * @param reason - why no retry was made
   * @param cause - the digest error, if any
   */
  constructor(status: number, reason: AuthFailureReason, cause?: unknown) {
    super('ERR_AUTHENTICATION_FAILED', `authentication failed with ${status} (${reason})`, cause === undefined ? undefined : { cause });
    this.status = status;
    this.reason = reason;
  }
}

/**
 * Credentials of a user agent, a call or a registration, with the nonce-counts of the nonces
 * they answered (RFC 7616 §3.4). Realm-less credentials answer any realm, bound to the first
 * realm they are used for in each request.
 */
export class UacAuthenticator {
  readonly #client = new DigestClient();
  readonly #wildcard: UacCredentials | undefined;

  readonly #preemptive: boolean;

  /**
   * @param credentials - the credentials; at most one without a realm
   * @param options - `preemptive`: reuse the last challenge of each realm on the next request
   *   (RFC 3261 §22.3 caching; only for credentials that talk to one server, a registrar)
   */
  constructor(credentials: readonly UacCredentials[], options: { readonly preemptive?: boolean } = {}) {
    this.#preemptive = options.preemptive ?? false;
    let wildcard: UacCredentials | undefined;
    for (const c of credentials) {
      if (c.realm === undefined) wildcard ??= c;
      else this.#client.setCredentials({ realm: c.realm, username: c.username, password: c.password });
    }
    this.#wildcard = wildcard;
  }

  /** True when some credentials are configured. */
  get empty(): boolean {
    return this.#wildcard === undefined && this.#client.realms().length === 0;
  }

  /**
   * `request` with credentials for the realms challenged before (next nonce-count), when this
   * authenticator is preemptive; otherwise `request` itself.
   */
  prepare(request: SipRequest): SipRequest {
    if (!this.#preemptive) return request;
    const answers = this.#client.preemptive({ method: request.method, uri: request.uri.toString(), body: new Uint8Array(request.body) });
    let out = request;
    for (const a of answers) out = out.withHeader(a.header, a.value);
    return out;
  }

  /** Start the retry bookkeeping of one request (see {@link RequestAuthState}). */
  begin(): RequestAuthState {
    return new RequestAuthState(this.#client, this.#wildcard);
  }
}

/** The authentication state of one request across its retries. @internal */
export class RequestAuthState {
  readonly #client: DigestClient;
  readonly #wildcard: UacCredentials | undefined;
  readonly #attempt: DigestAttempt;
  /** Header per realm, kept for the next retry (a 407 then a 401 needs both). */
  readonly #headers = new Map<string, DigestAnswer>();

  /** @internal */
  constructor(client: DigestClient, wildcard: UacCredentials | undefined) {
    this.#client = client;
    this.#wildcard = wildcard;
    this.#attempt = client.attempt();
  }

  /**
   * The request to send after `response` (401/407) to `request`, or the reason not to.
   * The retry has the next CSeq number, a new branch, the same Call-ID and From tag.
   */
  next(request: SipRequest, response: SipResponse, cseq = request.cseq.seq + 1): SipRequest | AuthenticationFailedError {
    const status = response.status;
    if (status !== 401 && status !== 407) return new AuthenticationFailedError(status, 'rejected');
    const challenges = response.getAll(status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate');
    if (this.#wildcard !== undefined) this.#bindWildcard(challenges);
    let answers: DigestAnswer[];
    try {
      answers = this.#attempt.respond(status, challenges, {
        method: request.method, uri: request.uri.toString(), body: new Uint8Array(request.body),
      });
    } catch (err) {
      if (err instanceof AuthCredentialsError) return new AuthenticationFailedError(status, 'no-credentials', err);
      if (err instanceof AuthRejectedError) return new AuthenticationFailedError(status, 'rejected', err);
      if (err instanceof DigestParseError) return new AuthenticationFailedError(status, 'bad-challenge', err);
      return new AuthenticationFailedError(status, 'bad-challenge', err);
    }
    for (const a of answers) this.#headers.set(`${a.header}\u0000${a.realm}`, a);
    return authenticatedRetry(request, [...this.#headers.values()], cseq);
  }

  #bindWildcard(challenges: readonly string[]): void {
    const w = this.#wildcard;
    if (w === undefined) return;
    for (const raw of challenges) {
      const m = /realm\s*=\s*"([^"]*)"/i.exec(raw);
      const realm = m?.[1];
      if (realm !== undefined && !this.#client.hasCredentials(realm)) {
        this.#client.setCredentials({ realm, username: w.username, password: w.password });
      }
    }
  }
}

/**
 * `request` again with the next CSeq, a new Via branch, and exactly these credentials
 * (RFC 3261 §22.2: "the same Call-ID, To, From ... CSeq incremented"). @internal
 */
export function authenticatedRetry(request: SipRequest, answers: readonly DigestAnswer[], cseq = request.cseq.seq + 1): SipRequest {
  const via = request.topVia;
  const sentBy = `SIP/2.0/${via.transport} 127.0.0.1`;
  let next = request
    .withReplacedHeader('Via', [`${sentBy};branch=${newBranch()};rport`])
    .withReplacedHeader('CSeq', [`${cseq} ${request.cseq.method}`])
    .withoutHeader('Authorization')
    .withoutHeader('Proxy-Authorization');
  for (const a of answers) next = next.withHeader(a.header, a.value);
  return next;
}

/** True for a status that asks for credentials. */
export function isChallenge(status: number): boolean {
  return status === 401 || status === 407;
}

const failures = new WeakMap<SipResponse, AuthenticationFailedError>();
const dialogAuth = new WeakMap<object, UacAuthenticator>();

/** Remember why the challenge `response` was not answered (see {@link authFailureOf}). @internal */
export function recordAuthFailure(response: SipResponse, error: AuthenticationFailedError): void {
  failures.set(response, error);
}

/**
 * Why a 401/407 final response returned by the core was not answered with credentials
 * (no credentials for the realm, credentials refused), or undefined for other responses.
 */
export function authFailureOf(response: SipResponse): AuthenticationFailedError | undefined {
  return failures.get(response);
}

/** Credentials a dialog (or other owner) uses instead of the core's. @internal */
export function setAuthenticatorOf(owner: object, auth: UacAuthenticator | undefined): void {
  if (auth === undefined) dialogAuth.delete(owner);
  else dialogAuth.set(owner, auth);
}

/** The credentials set with {@link setAuthenticatorOf}. @internal */
export function authenticatorOf(owner: object): UacAuthenticator | undefined {
  return dialogAuth.get(owner);
}

/**
 * Send `first`, and while the answer is a challenge that can be answered, send the
 * authenticated retry (at most three retries: a 407, a 401, one stale). `nextSeq` gives the
 * CSeq number of each retry. Resolves with the last final response; an unanswered challenge
 * carries its {@link authFailureOf} reason.
 * @internal
 */
export async function sendWithAuth(
  auth: UacAuthenticator | undefined,
  first: SipRequest,
  send: (request: SipRequest) => Promise<SipResponse>,
  nextSeq: (request: SipRequest) => number = (r) => r.cseq.seq + 1,
): Promise<SipResponse> {
  let request = auth === undefined ? first : auth.prepare(first);
  let state: RequestAuthState | undefined;
  for (let i = 0; ; i++) {
    const res = await send(request);
    if (!isChallenge(res.status)) return res;
    if (auth === undefined || auth.empty) {
      recordAuthFailure(res, new AuthenticationFailedError(res.status, 'no-credentials'));
      return res;
    }
    if (i >= 3) {
      recordAuthFailure(res, new AuthenticationFailedError(res.status, 'rejected'));
      return res;
    }
    state ??= auth.begin();
    const next = state.next(request, res, nextSeq(request));
    if (next instanceof AuthenticationFailedError) {
      recordAuthFailure(res, next);
      return res;
    }
    request = next;
  }
}
