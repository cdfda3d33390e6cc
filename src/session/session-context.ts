/**
 * What a {@link Session} needs from its engine, and the mapping from configured codec names to the
 * SDP layer's codec capabilities.
 *
 * @module
 */
import type { UserAgentCore } from '../dialog/index.js';
import type { PortAllocator } from '../media/index.js';
import { DEFAULT_CODECS, TELEPHONE_EVENT } from '../sdp/index.js';
import type { CodecCapability } from '../sdp/index.js';
import type { Clock } from '../util/index.js';
import type { SipMessageRouter } from './call-trace.js';
import type { CodecName, ResolvedConfig } from './config-types.js';
import type { SessionIdentity } from './session-types.js';
import type { TransferPort } from './session-transfer.js';

/**
 * The engine seen from a session. @internal
 */
export interface SessionContext {
  /** The running configuration. */
  readonly config: ResolvedConfig;
  /** Time source of every session timer. */
  readonly clock: Clock;
  /** The UA core (outgoing INVITEs). */
  readonly core: UserAgentCore;
  /** RTP ports. */
  readonly ports: PortAllocator;
  /** Address written in our SDP (`c=` and `o=`). */
  readonly sdpAddress: string;
  /** Minimum RTCP interval, ms (tests shorten it). */
  readonly rtcpIntervalMs: number | undefined;
  /** A session reached `connected`. */
  onConnected(session: object): void;
  /** A session ended: drop it from the registry, count it. */
  onEnded(session: object, end: { readonly reason: string; readonly connected: boolean }): void;
  /** True for a response that arrived from the network (not one synthesised by the transaction layer). */
  fromWire(response: object): boolean;
  /** An error the application should hear about (a throwing handler, a failed media start). */
  report(error: unknown, session: object): void;
  /** Routes SIP messages to the calls' traces and adds correlation headers (call-trace.ts). */
  readonly sipTap?: SipMessageRouter;
  /** Transfer services (incoming REFER decisions, new calls); absent: REFER gets 501. */
  readonly transfers?: TransferPort;
}

/**
 * SDP capabilities for codec names in preference order, with RFC 4733 telephone-event last.
 *
 * @param names - codec names as resolved from config (upper case)
 */
export function codecCapabilities(names: readonly CodecName[]): readonly CodecCapability[] {
  let caps = capabilityCache.get(names);
  if (caps === undefined) {
    caps = Object.freeze(computeCapabilities(names));
    capabilityCache.set(names, caps);
  }
  return caps;
}

/** Per configured codec list (one per engine configuration), its capabilities: computed once, not per call. */
const capabilityCache = new WeakMap<readonly CodecName[], readonly CodecCapability[]>();

function computeCapabilities(names: readonly CodecName[]): CodecCapability[] {
  const out: CodecCapability[] = [];
  for (const name of names) {
    const cap = DEFAULT_CODECS.find((c) => c.name.toUpperCase() === name.toUpperCase());
    if (cap !== undefined) out.push(cap);
  }
  const te = DEFAULT_CODECS.find((c) => c.name === TELEPHONE_EVENT);
  if (te !== undefined) out.push(te);
  return out;
}

/** The {@link SessionIdentity} of a From or To value. */
export function identityOf(party: { readonly uri: { toString(): string }; readonly displayName: string | undefined }): SessionIdentity {
  return Object.freeze({ uri: party.uri.toString(), displayName: party.displayName });
}
