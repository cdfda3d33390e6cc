/**
 * A registrar with a location service on top of a `SessionManager` (RFC 3261 §10.3): phones
 * REGISTER to the manager, and `manager.makeCall('sip:alice@domain')` reaches the contact
 * alice registered (the manager's call-target hook, RFC 3261 §16.5-style: Request-URI the
 * contact, To the address-of-record).
 *
 * @module
 */
import createDebug from 'debug';
import { engineOf } from '../../api/index.js';
import type { SessionManager } from '../../api/index.js';
import type { IncomingRequest } from '../../dialog/index.js';
import { SipUri } from '../../sip/index.js';
import type { DigestServer } from '../../sip/index.js';
import { authenticatedUserOf, digestRequestOf, digestServerFor, refusalOf } from '../../session/index.js';
import type { AuthenticateConfig, HookRegistration } from '../../session/index.js';
import { InvalidArgumentError, InvalidStateError, NotSupportedError, TypedEmitter } from './deps.js';
import { UserNotRegisteredError } from './errors.js';
import { LocationService, type Binding, type LocationStore } from './location-store.js';
import { normalizeAorUri, processRegister, type ExpiryPolicy } from './register-handler.js';

const debug = createDebug('sipline:advanced');

/** Digest authentication of REGISTER by a registrar (the manager's `authenticate` shape, realm optional). */
export interface RegistrarAuthenticate extends Omit<AuthenticateConfig, 'realm' | 'methods'> {
  /** Realm challenged with (default the first domain). */
  readonly realm?: string;
}

/** Options of {@link createRegistrar}. */
export interface RegistrarOptions {
  /** Domain(s) served: the host of the AORs accepted in To (others get 404, §10.3 step 3). */
  readonly domain: string | readonly string[];
  /**
   * Digest authentication of REGISTER (realm defaults to the first domain). Without it, the
   * manager's own `authenticate` configuration applies, and without that anyone may register.
   */
  readonly authenticate?: RegistrarAuthenticate;
  /**
   * May `username` (authenticated) change the bindings of `aor`? Default: only its own AOR
   * (the user part equals the user name, §10.3 step 6).
   */
  readonly authorize?: (username: string, aor: string) => boolean;
  /** Where bindings are kept (default an in-memory {@link LocationService}). */
  readonly store?: LocationStore;
  /** Shortest non-zero expiry accepted, seconds (default 60; shorter asks get 423). */
  readonly minExpires?: number;
  /** Longest expiry granted, seconds (default 7200). */
  readonly maxExpires?: number;
  /** Expiry when the REGISTER names none, seconds (default 3600). */
  readonly defaultExpires?: number;
  /** Resolve the manager's outgoing calls to the domain through the bindings (default true). */
  readonly routeCalls?: boolean;
  /** Wall clock, ms (default `Date.now`). */
  readonly now?: () => number;
}

/** Events of a {@link Registrar}. */
export type RegistrarEvents = {
  /** A contact was bound (or refreshed) to an AOR. */
  registered: [binding: Binding];
  /** A contact was removed from an AOR (Expires 0 or `*`). */
  unregistered: [aor: string, contact: string];
};

/**
 * The registrar of one manager. Created by {@link createRegistrar}; {@link Registrar.close}
 * stops it (bindings stay in the store).
 */
export class Registrar extends TypedEmitter<RegistrarEvents> {
  /** The location store. */
  readonly store: LocationStore;
  readonly #domains: readonly string[];
  readonly #auth: DigestServer | undefined;
  readonly #authorize: (username: string, aor: string) => boolean;
  readonly #policy: ExpiryPolicy;
  readonly #now: () => number;
  readonly #hooks: HookRegistration[] = [];
  #closed = false;

  /** @internal */
  constructor(manager: SessionManager, options: RegistrarOptions) {
    super();
    this.setListenerErrorHandler((err, event) => debug('registrar %s listener threw: %O', event, err));
    const engine = engineOf(manager);
    if (engine === undefined) throw new NotSupportedError('registrar', 'createRegistrar needs a manager with the SIP engine');
    const domains = (typeof options.domain === 'string' ? [options.domain] : [...options.domain]).map((d) => d.toLowerCase());
    if (domains.length === 0 || domains.some((d) => d === '')) throw new InvalidArgumentError('domain', 'must name at least one domain');
    this.#domains = domains;
    this.#now = options.now ?? Date.now;
    this.store = options.store ?? new LocationService(this.#now);
    this.#policy = {
      minExpires: checkSeconds(options.minExpires, 'minExpires', 60),
      maxExpires: checkSeconds(options.maxExpires, 'maxExpires', 7200),
      defaultExpires: checkSeconds(options.defaultExpires, 'defaultExpires', 3600),
    };
    const a = options.authenticate;
    this.#auth = a === undefined ? undefined : digestServerFor({ ...a, realm: a.realm ?? domains[0]! });
    this.#authorize = options.authorize ?? ((username, aor) => SipUri.parse(aor).user === username);
    this.#hooks.push(engine.hooks.handle('REGISTER', (req) => { void this.#onRegister(req); }, this.#auth !== undefined));
    if (options.routeCalls ?? true) this.#hooks.push(engine.hooks.setTargetResolver((target) => this.#resolve(target)));
  }

  /** The live bindings of an AOR (`sip:alice@example.com`), highest q first. */
  async lookup(aor: string): Promise<Binding[]> {
    const key = normalizeAorUri(SipUri.parse(aor.trim().replace(/^<(.*)>$/, '$1')));
    const now = this.#now();
    const live = (await this.store.get(key)).filter((b) => b.expiresAt > now);
    return live.sort((x, y) => y.q - x.q || y.updatedAt - x.updatedAt);
  }

  /** Stop answering REGISTER and resolving calls. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const h of this.#hooks) h.dispose();
  }

  async #resolve(target: SipUri): Promise<SipUri | undefined> {
    if (this.#closed || !this.#domains.includes(target.host.toLowerCase()) || target.user === undefined) return undefined;
    const aor = normalizeAorUri(target);
    const best = (await this.lookup(aor))[0];
    if (best === undefined) throw new UserNotRegisteredError(aor);
    return SipUri.parse(best.contact);
  }

  async #onRegister(req: IncomingRequest): Promise<void> {
    try {
      const out = await this.#handle(req);
      if (!req.responded) req.respond(out.status, { ...(out.reason !== undefined ? { reason: out.reason } : {}), headers: [...out.headers] });
    } catch (err) {
      debug('REGISTER failed: %O', err);
      if (!req.responded) req.respond(500);
    }
  }

  async #handle(req: IncomingRequest): Promise<{ status: number; reason?: string; headers: readonly { name: string; value: string }[] }> {
    if (this.#closed) return { status: 503, headers: [] };
    const request = req.request;
    const via = request.topVia;
    const source = `${via.received ?? via.host}:${typeof via.rport === 'number' ? via.rport : (via.port ?? 5060)}`;
    let username: string | undefined;
    if (this.#auth !== undefined) {
      const v = await this.#auth.verify(digestRequestOf(this.#auth, request, via.received ?? via.host));
      if (!v.ok) {
        const r = refusalOf(v);
        return r.ok ? { status: 500, headers: [] } : { status: r.status, ...(r.reason !== undefined ? { reason: r.reason } : {}), headers: r.headers };
      }
      username = v.username;
    } else {
      username = authenticatedUserOf(request); // checked by the manager's own `authenticate`, if any
    }
    const to = request.to.uri;
    if (!this.#domains.includes(to.host.toLowerCase()) || to.user === undefined) return { status: 404, reason: 'Not Found - Not Our Domain', headers: [] };
    const aor = normalizeAorUri(to);
    if (username !== undefined && !this.#authorize(username, aor)) return { status: 403, reason: 'Forbidden - Not Your Address', headers: [] };
    const out = await processRegister(request, aor, this.store, this.#policy, this.#now(), source);
    for (const b of out.changed.added) this.safeEmit('registered', b);
    for (const c of out.changed.removed) this.safeEmit('unregistered', aor, c);
    debug('REGISTER %s from %s: %d', aor, source, out.status);
    return out;
  }
}

function checkSeconds(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(name, 'must be a positive integer of seconds');
  return value;
}

/**
 * Make `manager` a registrar for `options.domain`: it answers REGISTER (RFC 3261 §10.3) and
 * its `makeCall('sip:user@domain')` reaches the registered contact.
 *
 * @example
 * ```ts
 * const pbx = await SessionManager.new({ sip: { host: '127.0.0.1', port: 5060 } });
 * const registrar = createRegistrar(pbx, { domain: 'pbx.example', authenticate: { lookup: (user) => passwords.get(user) } });
 * await pbx.makeCall('sip:alice@pbx.example');   // rings alice's phone
 * ```
 * @throws InvalidArgumentError for a bad option
 * @throws InvalidStateError when the manager is closed
 */
export function createRegistrar(manager: SessionManager, options: RegistrarOptions): Registrar {
  if (manager.closed) throw new InvalidStateError('createRegistrar: the manager is closed');
  return new Registrar(manager, options);
}
