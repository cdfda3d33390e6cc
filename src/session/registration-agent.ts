/**
 * The UAC side of registration (RFC 3261 §10.2): REGISTER with a stable Call-ID and an
 * incrementing CSeq (§10.2.4), digest challenges answered (§22), refresh before expiry with
 * jitter, 423 Interval Too Brief answered with Min-Expires (§10.2.8), re-registration with
 * capped exponential back-off after failures (RFC 5626 §4.5 style), and removal with
 * `Expires: 0` (§10.2.2). Every timer goes through the engine's clock.
 *
 * @module
 */
import createDebug from 'debug';
import { AuthenticationFailedError, UacAuthenticator, authFailureOf } from '../dialog/index.js';
import type { UserAgentCore } from '../dialog/index.js';
import { NameAddr, SipUri, newCallId } from '../sip/index.js';
import type { SipResponse } from '../sip/index.js';
import { InvalidArgumentError, InvalidStateError, TypedEmitter } from '../util/index.js';
import type { Clock, TimerHandle } from '../util/index.js';

const debug = createDebug('sipline:session');

/** Options of a registration (`manager.register(options)`). */
export interface RegistrationOptions {
  /** Registrar URI, the REGISTER's Request-URI (`sip:pbx.example.com`); default the AOR's domain. */
  readonly registrar?: string;
  /** Address-of-record to bind (`sip:alice@example.com`): From and To of the REGISTER. */
  readonly aor: string;
  /** Digest user name (with `password`); default the manager's `credentials`. */
  readonly username?: string;
  /** Digest password. */
  readonly password?: string;
  /** Realm the credentials are for; default: the realm the registrar challenges with. */
  readonly realm?: string;
  /** Seconds asked for (default 3600). */
  readonly expires?: number;
  /** Parameters of the Contact header (`{ '+sip.instance': '"<urn:uuid:...>"', 'reg-id': '1' }`). */
  readonly contactParams?: Readonly<Record<string, string | null>>;
  /** User part of the registered Contact; default the AOR's user. */
  readonly contactUser?: string;
  /** Outbound proxy for this registration (`null`: none even if `sip.outboundProxy` is set). */
  readonly outboundProxy?: string | null;
  /** Refresh after this share of the granted time, drawn uniformly (default [0.5, 0.9]). */
  readonly refreshWindow?: readonly [min: number, max: number];
  /** Back-off after failures (doubling from `initialMs` up to `maxMs`, with jitter). */
  readonly retry?: RegistrationRetry;
  /** Random source in [0, 1) for the jitter (tests). */
  readonly random?: () => number;
}

/** Back-off of a registration after failures. */
export interface RegistrationRetry {
  /** First delay, ms (default 2000). */
  readonly initialMs?: number;
  /** Longest delay, ms (default 300 000). */
  readonly maxMs?: number;
}

/** A successful registration or refresh. */
export interface RegisteredInfo {
  /** Seconds the registrar granted our contact. */
  readonly expires: number;
  /** Every contact bound to the AOR, as the registrar listed them (§10.3 step 8). */
  readonly contacts: readonly string[];
}

/** The binding was removed. */
export interface UnregisteredInfo {
  /** The registrar's status for the removal (408/503 when it could not be reached). */
  readonly status: number;
}

/** A failed REGISTER (a retry is scheduled unless the registration was stopped). */
export interface RegistrationFailure {
  /** Final status (408 on timeout, 503 on transport failure). */
  readonly status: number;
  /** Reason phrase. */
  readonly reason: string;
  /** Why a 401/407 was not answered, if that was the failure. */
  readonly error?: AuthenticationFailedError;
  /** When the next attempt is made, ms from now (undefined when none). */
  readonly retryInMs?: number;
}

/** Events of a {@link RegistrationAgent}. */
export type RegistrationEvents = {
  /** Registered or refreshed. */
  registered: [info: RegisteredInfo];
  /** A REGISTER failed; another attempt follows after `retryInMs`. */
  failed: [failure: RegistrationFailure];
  /** The binding was removed (`unregister()`), with the registrar's status. */
  unregistered: [info: UnregisteredInfo];
};

/** Where a registration stands. */
export type RegistrationState = 'registering' | 'registered' | 'retrying' | 'unregistering' | 'unregistered';

/** What the agent needs from the engine. @internal */
export interface RegistrationDeps {
  readonly core: UserAgentCore;
  readonly clock: Clock;
  /** Our SIP URI for a user over the transport the registrar is reached with. */
  readonly contactUri: (user: string, protocol: 'UDP' | 'TCP') => string;
}

const DEFAULT_EXPIRES = 3600;

/**
 * One registration of one contact to one address-of-record. Starts registering as soon as it
 * is created; follow it with its events.
 */
export class RegistrationAgent extends TypedEmitter<RegistrationEvents> {
  /** The address-of-record. */
  readonly aor: string;
  /** The Contact URI registered. */
  readonly contact: string;
  readonly #deps: RegistrationDeps;
  readonly #registrar: SipUri;
  readonly #aor: NameAddr;
  readonly #callId = newCallId();
  readonly #auth: UacAuthenticator | undefined;
  readonly #contactParams: string;
  readonly #window: readonly [number, number];
  readonly #retryMin: number;
  readonly #retryMax: number;
  readonly #random: () => number;
  readonly #outboundProxy: string | null | undefined;
  #expires: number;
  #cseq = 1 + Math.floor(Math.random() * 1000);
  #state: RegistrationState = 'registering';
  #timer: TimerHandle | undefined;
  #failures = 0;
  #granted = 0;
  #inflight: Promise<SipResponse | undefined> | undefined;

  /** @throws InvalidArgumentError for an unusable AOR, registrar or option */
  constructor(deps: RegistrationDeps, options: RegistrationOptions) {
    super();
    this.setListenerErrorHandler((err, event) => debug('registration %s listener threw: %O', event, err));
    this.#deps = deps;
    try {
      this.#aor = new NameAddr(SipUri.parse(options.aor.trim().replace(/^<(.*)>$/, '$1')));
    } catch (err) {
      throw new InvalidArgumentError('aor', (err as Error).message);
    }
    const aorUri = this.#aor.uri;
    try {
      this.#registrar = options.registrar !== undefined ? SipUri.parse(options.registrar.trim().replace(/^<(.*)>$/, '$1'))
        : SipUri.create({ scheme: aorUri.scheme, host: aorUri.host, ...(aorUri.port !== undefined ? { port: aorUri.port } : {}) });
    } catch (err) {
      throw new InvalidArgumentError('registrar', (err as Error).message);
    }
    this.aor = aorUri.toString();
    const expires = options.expires ?? DEFAULT_EXPIRES;
    if (!Number.isInteger(expires) || expires < 1) throw new InvalidArgumentError('expires', 'must be a positive integer (use unregister() to remove)');
    this.#expires = expires;
    if ((options.username === undefined) !== (options.password === undefined)) {
      throw new InvalidArgumentError('password', 'username and password go together');
    }
    this.#auth = options.username !== undefined
      ? new UacAuthenticator([{ ...(options.realm !== undefined ? { realm: options.realm } : {}), username: options.username, password: options.password ?? '' }], { preemptive: true })
      : undefined;
    const protocol = this.#registrar.param('transport')?.toLowerCase() === 'tcp' ? 'TCP' : 'UDP';
    this.contact = deps.contactUri(options.contactUser ?? aorUri.user ?? 'sipline', protocol);
    this.#contactParams = Object.entries(options.contactParams ?? {}).map(([k, v]) => (v === null ? `;${k}` : `;${k}=${v}`)).join('');
    const [lo, hi] = options.refreshWindow ?? [0.5, 0.9];
    if (!(lo > 0 && hi >= lo && hi < 1)) throw new InvalidArgumentError('refreshWindow', 'must be 0 < min <= max < 1');
    this.#window = [lo, hi];
    this.#retryMin = options.retry?.initialMs ?? 2000;
    this.#retryMax = options.retry?.maxMs ?? 300_000;
    this.#random = options.random ?? Math.random;
    this.#outboundProxy = options.outboundProxy;
    this.#schedule(0);
  }

  /** registering, registered, retrying (after a failure), unregistering or unregistered. */
  get state(): RegistrationState {
    return this.#state;
  }

  /** Seconds granted by the last successful REGISTER (0 before). */
  get expires(): number {
    return this.#granted;
  }

  /**
   * Remove our binding (REGISTER with `Expires: 0`, §10.2.2) and stop refreshing. Resolves
   * with the registrar's status (408/503 when it could not be reached).
   * @throws InvalidStateError when already unregistered
   */
  async unregister(): Promise<number> {
    if (this.#state === 'unregistered' || this.#state === 'unregistering') throw new InvalidStateError('unregister: already unregistered');
    this.#state = 'unregistering';
    this.#cancelTimer();
    await this.#inflight;
    const res = await this.#send(0);
    this.#state = 'unregistered';
    const status = res?.status ?? 503;
    this.safeEmit('unregistered', { status });
    return status;
  }

  /** Stop every timer without telling the registrar (the binding expires by itself). */
  stop(): void {
    this.#cancelTimer();
    this.#state = 'unregistered';
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) this.#deps.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number): void {
    this.#cancelTimer();
    this.#timer = this.#deps.clock.setTimeout(() => {
      this.#timer = undefined;
      void this.#attempt();
    }, ms);
  }

  #stopped(): boolean {
    return this.#state === 'unregistering' || this.#state === 'unregistered';
  }

  async #attempt(): Promise<void> {
    if (this.#stopped()) return;
    let res = await this.#send(this.#expires);
    // 423 Interval Too Brief (§10.2.8): ask again with at least Min-Expires.
    for (let i = 0; i < 2 && res?.status === 423; i++) {
      const min = Number.parseInt(res.get('Min-Expires') ?? '', 10);
      if (!Number.isInteger(min) || min <= this.#expires) break;
      debug('registration %s: 423, Min-Expires %d', this.aor, min);
      this.#expires = min;
      res = await this.#send(this.#expires);
    }
    if (this.#stopped()) return;
    if (res !== undefined && res.status >= 200 && res.status < 300) this.#registered(res);
    else this.#failed(res);
  }

  #send(expires: number): Promise<SipResponse | undefined> {
    const cseq = this.#cseq++;
    const contact = `<${this.contact}>${this.#contactParams}`;
    const p = this.#deps.core.request('REGISTER', {
      target: this.#registrar,
      from: this.#aor,
      to: this.#aor,
      callId: this.#callId,
      cseq,
      headers: [{ name: 'Contact', value: contact }, { name: 'Expires', value: String(expires) }],
      ...(this.#auth !== undefined ? { auth: this.#auth } : {}),
      ...(this.#outboundProxy !== undefined ? { outboundProxy: this.#outboundProxy } : {}),
    }).then((res) => {
      // Authenticated retries used higher CSeq numbers (§10.2.4: keep incrementing).
      this.#cseq = Math.max(this.#cseq, res.cseq.seq + 1);
      return res;
    }, (err: unknown) => {
      debug('registration %s: REGISTER not sent: %O', this.aor, err);
      return undefined;
    });
    this.#inflight = p;
    return p;
  }

  #registered(res: SipResponse): void {
    const contacts: string[] = [];
    let granted: number | undefined;
    let ours: SipUri | undefined;
    try {
      ours = SipUri.parse(this.contact);
    } catch { /* unreachable: we built it */ }
    try {
      for (const c of res.contact) {
        if (!(c instanceof NameAddr)) continue;
        contacts.push(c.toString());
        if (ours !== undefined && c.uri.equals(ours)) {
          const e = Number.parseInt(c.params.get('expires') ?? '', 10);
          if (Number.isInteger(e)) granted = e;
        }
      }
    } catch (err) {
      debug('registration %s: unreadable Contact in 2xx: %O', this.aor, err);
    }
    if (granted === undefined) {
      const e = Number.parseInt(res.get('Expires') ?? '', 10);
      granted = Number.isInteger(e) ? e : this.#expires;
    }
    this.#granted = granted;
    this.#failures = 0;
    this.#state = 'registered';
    const [lo, hi] = this.#window;
    const refreshMs = Math.max(500, Math.round(granted * 1000 * (lo + (hi - lo) * this.#random())));
    debug('registration %s: registered for %d s, refresh in %d ms', this.aor, granted, refreshMs);
    this.#schedule(refreshMs);
    this.safeEmit('registered', { expires: granted, contacts });
  }

  #failed(res: SipResponse | undefined): void {
    this.#failures++;
    const backoff = Math.min(this.#retryMax, this.#retryMin * 2 ** (this.#failures - 1));
    // Jitter in [50%, 100%] of the back-off, so many clients do not come back together.
    const retryInMs = Math.max(1, Math.round(backoff * (0.5 + 0.5 * this.#random())));
    this.#state = 'retrying';
    this.#granted = 0;
    this.#schedule(retryInMs);
    const status = res?.status ?? 503;
    const error = res === undefined ? undefined : authFailureOf(res);
    debug('registration %s failed with %d, retry in %d ms', this.aor, status, retryInMs);
    this.safeEmit('failed', {
      status,
      reason: res?.reason ?? 'REGISTER could not be sent',
      ...(error !== undefined ? { error } : {}),
      retryInMs,
    });
  }
}
