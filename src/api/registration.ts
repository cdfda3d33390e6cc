/**
 * `manager.register(...)`: the application's handle on one registration (RFC 3261 §10.2).
 *
 * @module
 */
import type {
  RegisteredInfo, RegistrationAgent, RegistrationFailure, RegistrationOptions, RegistrationState, UnregisteredInfo,
} from '../session/index.js';
import { TypedEmitter } from '../util/index.js';

/** Options of `manager.register(options)`. */
export type RegisterOptions = RegistrationOptions;

/** Events of a {@link Registration}. Listener exceptions are caught and never break the registration. */
export type RegistrationEventMap = {
  /** Registered (or refreshed): `expires` granted, every contact bound to the AOR. */
  registered: [info: RegisteredInfo];
  /** A REGISTER failed (`status`, `error` for authentication failures); a retry follows after `retryInMs`. */
  failed: [failure: RegistrationFailure];
  /** The binding was removed by `unregister()` (or `manager.close()`). */
  unregistered: [info: UnregisteredInfo];
};

/**
 * One registration of this manager to a registrar: registers at once, answers digest
 * challenges, refreshes before expiry (at 50-90% of the granted time), handles 423 Interval
 * Too Brief, retries with capped exponential back-off after failures, and removes its binding
 * with {@link Registration.unregister}.
 *
 * @example
 * ```ts
 * const reg = manager.register({ registrar: 'sip:pbx.example.com', aor: 'sip:alice@example.com', username: 'alice', password: 's3cret' });
 * reg.on('registered', ({ expires }) => console.log(`registered for ${expires} s`));
 * reg.on('failed', ({ status }) => console.log(`registration failed: ${status}`));
 * ```
 */
export class Registration extends TypedEmitter<RegistrationEventMap> {
  readonly #agent: RegistrationAgent;

  /** @internal */
  constructor(agent: RegistrationAgent) {
    super();
    this.#agent = agent;
    agent.on('registered', (info) => this.safeEmit('registered', info));
    agent.on('failed', (failure) => this.safeEmit('failed', failure));
    agent.on('unregistered', (info) => this.safeEmit('unregistered', info));
  }

  /** The address-of-record (`sip:alice@example.com`). */
  get aor(): string {
    return this.#agent.aor;
  }

  /** The Contact URI registered (this manager's address). */
  get contact(): string {
    return this.#agent.contact;
  }

  /** registering, registered, retrying, unregistering or unregistered. */
  get state(): RegistrationState {
    return this.#agent.state;
  }

  /** Seconds granted by the last successful REGISTER (0 when not registered). */
  get expires(): number {
    return this.#agent.expires;
  }

  /** Resolves with the next `registered` event (at once when registered already). */
  registered(): Promise<RegisteredInfo | undefined> {
    if (this.#agent.state === 'registered') return Promise.resolve(undefined);
    return new Promise((resolve) => this.once('registered', resolve));
  }

  /**
   * Remove the binding (REGISTER with `Expires: 0`) and stop refreshing. Resolves with the
   * registrar's status.
   * @throws InvalidStateError when already unregistered
   */
  unregister(): Promise<number> {
    return this.#agent.unregister();
  }
}
