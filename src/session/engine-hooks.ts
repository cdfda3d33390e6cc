/**
 * Extension points of the session engine for `sipline/advanced` services (a registrar, a
 * presence server...): claim out-of-dialog requests of one method, and resolve call targets
 * (a location service turns an address-of-record into a registered contact, RFC 3261 §10.3,
 * §16.5).
 *
 * @module
 */
import type { IncomingRequest } from '../dialog/index.js';
import type { SipUri } from '../sip/index.js';

/** Handles an out-of-dialog request of one method; must respond (now or later). */
export type OutOfDialogHandler = (request: IncomingRequest) => void;

/** Where a call to `target` should go instead (its Request-URI), or undefined to call it as is. */
export type TargetResolver = (target: SipUri) => SipUri | undefined | Promise<SipUri | undefined>;

/** A registered hook; `dispose()` removes it. */
export interface HookRegistration {
  /** Remove the hook (only if it is still the one in place). */
  dispose(): void;
}

/** The hooks of one engine. */
export class EngineHooks {
  readonly #routes = new Map<string, OutOfDialogHandler>();
  readonly #selfAuthenticated = new Set<string>();
  #resolver: TargetResolver | undefined;

  /**
   * Send out-of-dialog requests of `method` to `handler`. With `authenticatesItself`, the
   * manager's `authenticate` guard lets them through unchecked.
   */
  handle(method: string, handler: OutOfDialogHandler, authenticatesItself = false): HookRegistration {
    const m = method.toUpperCase();
    this.#routes.set(m, handler);
    if (authenticatesItself) this.#selfAuthenticated.add(m);
    return {
      dispose: () => {
        if (this.#routes.get(m) !== handler) return;
        this.#routes.delete(m);
        this.#selfAuthenticated.delete(m);
      },
    };
  }

  /** True when the handler of `method` authenticates requests itself. */
  authenticatesItself(method: string): boolean {
    return this.#selfAuthenticated.has(method);
  }

  /** Hand `request` to its handler; false when no handler claims its method. */
  dispatch(request: IncomingRequest): boolean {
    const handler = this.#routes.get(request.method);
    if (handler === undefined) return false;
    handler(request);
    return true;
  }

  /** Set the target resolver of outgoing calls (one at a time). */
  setTargetResolver(resolver: TargetResolver): HookRegistration {
    this.#resolver = resolver;
    return { dispose: () => { if (this.#resolver === resolver) this.#resolver = undefined; } };
  }

  /** The Request-URI a call to `target` should use, or undefined to keep `target`. */
  async resolveTarget(target: SipUri): Promise<SipUri | undefined> {
    return this.#resolver === undefined ? undefined : await this.#resolver(target);
  }
}
