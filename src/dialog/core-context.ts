import type { Debugger } from 'debug';
import type { SipRequest } from '../sip/index.js';
import type { TransactionLayer } from '../transaction/index.js';
import type { SipTransportLayer, TransportProtocol, TransportTarget } from '../transport/index.js';
import type { Clock } from '../util/index.js';
import type { Dialog } from './dialog.js';
import type { UacAuthenticator } from './auth-retry.js';
import type { UaCapabilities } from './request-checks.js';
import type { DialogTimers } from './timing.js';

/**
 * What dialogs and call handles need from the {@link UserAgentCore} that owns
 * them (dependency inversion: no import cycle between the core and its parts).
 * @internal
 */
export interface CoreContext {
  readonly transactions: TransactionLayer;
  readonly transport: SipTransportLayer;
  readonly clock: Clock;
  readonly timers: DialogTimers;
  readonly log: Debugger;
  /** User-Agent / Server header value, if any. */
  readonly userAgent: string | undefined;
  readonly capabilities: UaCapabilities;
  /** Credentials for 401/407 challenges (RFC 3261 §22.2), if any. */
  readonly auth?: UacAuthenticator | undefined;
  /** True once the core is closed. */
  readonly closed: boolean;
  /** Contact value (`<sip:user@host:port;transport=..>`) for a transport. */
  contactFor(protocol: TransportProtocol, secure?: boolean): string;
  /** Track a new dialog (early or confirmed) so requests and responses can find it. */
  register(dialog: Dialog): void;
  /** Forget a dialog (terminated). */
  unregister(dialog: Dialog): void;
  /**
   * Send a request outside any transaction (an ACK for 2xx, §13.2.2.4 / §17.1.1.3):
   * next hop from the top Route or the Request-URI, Via prepared by the transport.
   * Resolves with the request as sent and its target (for re-sending).
   */
  sendStateless(request: SipRequest): Promise<{ request: SipRequest; target: TransportTarget }>;
}
