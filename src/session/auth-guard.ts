/**
 * Server-side digest authentication of incoming requests (RFC 3261 §22.1, §22.3): the
 * `authenticate` configuration turned into a UA-core request guard over the `sip` layer's
 * `DigestServer` (HMAC-bound nonces, replay refusal, per-source failure limiting; an unknown
 * user gets exactly the answer a wrong password gets).
 *
 * @module
 */
import createDebug from 'debug';
import { DigestServer } from '../sip/index.js';
import type { DigestSecret, DigestServerRequest, DigestVerdict, SipRequest } from '../sip/index.js';
import type { RequestGuard, RequestGuardVerdict } from '../dialog/index.js';
import { UNCHALLENGED_METHODS, type AuthenticateConfig, type AuthLookupResult } from './config-auth.js';

const debug = createDebug('sipline:session');

const authenticated = new WeakMap<SipRequest, string>();

/** The user name a request was authenticated as by the manager's `authenticate` guard, if any. */
export function authenticatedUserOf(request: SipRequest): string | undefined {
  return authenticated.get(request);
}

/** Turn what an `authenticate.lookup` returned into a digest secret. */
export function toDigestSecret(found: AuthLookupResult): DigestSecret | undefined {
  if (found === undefined || found === null) return undefined;
  if (typeof found === 'string') return { password: found };
  if ('ha1' in found && typeof found.ha1 === 'string') return { ha1: found.ha1 };
  if ('password' in found && typeof found.password === 'string') return { password: found.password };
  return undefined;
}

/** A `DigestServer` for an `authenticate` configuration. */
export function digestServerFor(config: AuthenticateConfig): DigestServer {
  return new DigestServer({
    realm: config.realm,
    lookup: async (username, _realm, algorithm) => toDigestSecret(await config.lookup(username, algorithm)),
    ...(config.proxy !== undefined ? { proxy: config.proxy } : {}),
    ...(config.algorithms !== undefined ? { algorithms: config.algorithms } : {}),
    ...(config.nonceTtlMs !== undefined ? { nonceTtlMs: config.nonceTtlMs } : {}),
    ...(config.rateLimit !== undefined ? { rateLimit: config.rateLimit } : {}),
    ...(config.secret !== undefined ? { secret: config.secret } : {}),
  });
}

/** What a {@link DigestServer} needs to know about a request. */
export function digestRequestOf(server: DigestServer, request: SipRequest, source: string): DigestServerRequest {
  return {
    method: request.method,
    uri: request.uri.toString(),
    ...(request.body.length > 0 ? { body: new Uint8Array(request.body) } : {}),
    authorization: request.getAll(server.credentialsHeader),
    source,
  };
}

/** The response a refusal asks for (401/407 with challenges, or 503 with Retry-After). */
export function refusalOf(verdict: Exclude<DigestVerdict, { ok: true }>): RequestGuardVerdict {
  if (verdict.status === 503) {
    return { ok: false, status: 503, reason: 'Service Unavailable', headers: [{ name: 'Retry-After', value: String(verdict.retryAfterSeconds ?? 5) }] };
  }
  return { ok: false, status: verdict.status, headers: verdict.challenges.map((value) => ({ name: verdict.header, value })) };
}

/**
 * The UA-core guard of an `authenticate` configuration: out-of-dialog requests of the
 * challenged methods need valid credentials. `skip` lets a method through unchecked (the
 * registrar authenticates REGISTER itself when it has its own `authenticate`).
 */
export function createAuthGuard(config: AuthenticateConfig, skip: (method: string) => boolean = () => false): RequestGuard {
  const server = digestServerFor(config);
  const methods = config.methods;
  return async (request, inbound) => {
    const m = request.method;
    if (methods !== undefined ? !methods.includes(m) : UNCHALLENGED_METHODS.includes(m)) return undefined;
    if (skip(m)) return undefined;
    const verdict = await server.verify(digestRequestOf(server, request, inbound.source.address));
    if (verdict.ok) {
      authenticated.set(request, verdict.username);
      return { ok: true };
    }
    debug('%s from %s refused: %s', m, inbound.source.address, verdict.reason);
    return refusalOf(verdict);
  };
}
