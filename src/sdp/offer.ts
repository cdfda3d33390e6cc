import { write } from 'sdp-transform';
import type { MediaDescription } from 'sdp-transform';
import { InvalidArgumentError } from '../util/index.js';
import {
  DEFAULT_TELEPHONE_EVENT_FMTP,
  DEFAULT_TELEPHONE_EVENT_PT,
  isTelephoneEvent,
  sameFormat,
  staticPayloadTypeOf,
} from './codecs.js';
import { assembleDescription, checkPort, resolveOrigin } from './origin.js';
import type { SdpOrigin } from './origin.js';
import { cryptoAttributes } from './sdes.js';
import type { SdesOffer } from './sdes.js';
import type { CodecCapability, MediaDirection, NegotiatedCodec } from './types.js';

/** Default packetization time, ms (RFC 3551 §4.5: 20 ms frames for G.711 and G.722). */
export const DEFAULT_PTIME = 20;

/** Default `s=` line of the descriptions we write. */
export const DEFAULT_SESSION_NAME = 'sipline';

/** Options of {@link createOffer}. */
export interface OfferOptions {
  /** IPv4 or IPv6 literal advertised in `o=` and `c=` (`IN IP4` / `IN IP6`). */
  readonly address: string;
  /** Local RTP port. */
  readonly port: number;
  /** Our formats in order of preference; telephone-event included as a format. */
  readonly codecs: readonly CodecCapability[];
  /** Local RTCP port; written as `a=rtcp` (RFC 3605) only when it is not `port + 1`. */
  readonly rtcpPort?: number;
  /** Offer RTP/RTCP multiplexing (`a=rtcp-mux`, RFC 5761). Default false. */
  readonly rtcpMux?: boolean;
  /** Packetization time in ms (`a=ptime`); default 20. */
  readonly ptime?: number;
  /** Direction of the stream; default `sendrecv` (see `holdDirection`). */
  readonly direction?: MediaDirection;
  /** `o=` fields; a random session id and version 1 when absent. */
  readonly origin?: Partial<SdpOrigin>;
  /** `s=` line; default `sipline`. */
  readonly sessionName?: string;
  /** SDES (RFC 4568): the protocol (`RTP/SAVP` or `RTP/AVP`) and our `a=crypto` lines; plain RTP/AVP when absent. */
  readonly srtp?: SdesOffer;
}

/** Checks a ptime option (ms). */
export function checkPtime(ptime: number, argument: string): void {
  if (!Number.isInteger(ptime) || ptime < 1 || ptime > 1000) {
    throw new InvalidArgumentError(argument, `${ptime} is not a packetization time in ms`);
  }
}

function checkCodec(c: CodecCapability, i: number): void {
  const arg = `codecs[${i}]`;
  if (typeof c.name !== 'string' || !/^[\w.-]+$/.test(c.name)) {
    throw new InvalidArgumentError(`${arg}.name`, 'must be an RTP encoding name');
  }
  if (!Number.isInteger(c.clockRate) || c.clockRate <= 0) {
    throw new InvalidArgumentError(`${arg}.clockRate`, 'must be a positive integer');
  }
  if (c.channels !== undefined && (!Number.isInteger(c.channels) || c.channels < 1)) {
    throw new InvalidArgumentError(`${arg}.channels`, 'must be a positive integer');
  }
  if (c.payloadType !== undefined && (!Number.isInteger(c.payloadType) || c.payloadType < 0 || c.payloadType > 127)) {
    throw new InvalidArgumentError(`${arg}.payloadType`, 'must be an integer in 0-127');
  }
  if (c.fmtp !== undefined && /[\r\n]/.test(c.fmtp)) {
    throw new InvalidArgumentError(`${arg}.fmtp`, 'must be one line');
  }
}

/**
 * Gives every format a payload type (RFC 3551 §3): the static number where RFC 3551 defines one
 * (or where the capability names a number below 96), then the capability's preferred dynamic
 * number when free (101 for telephone-event by default), then the lowest free number in 96-127.
 * Duplicate formats are dropped. Deterministic: the same list always gets the same numbers.
 *
 * @throws InvalidArgumentError on a bad capability, two formats claiming one static number, or
 *   more than 32 dynamic formats.
 */
export function assignPayloadTypes(codecs: readonly CodecCapability[]): NegotiatedCodec[] {
  const unique: CodecCapability[] = [];
  codecs.forEach((c, i) => {
    checkCodec(c, i);
    if (!unique.some((u) => sameFormat(u, c))) unique.push(c);
  });
  const pts: (number | undefined)[] = unique.map((c) => {
    const fixed = staticPayloadTypeOf(c);
    if (fixed !== undefined) return fixed;
    return c.payloadType !== undefined && c.payloadType < 96 ? c.payloadType : undefined;
  });
  const used = new Set<number>();
  pts.forEach((pt, i) => {
    if (pt === undefined) return;
    if (used.has(pt)) throw new InvalidArgumentError(`codecs[${i}].payloadType`, `${pt} is used twice`);
    used.add(pt);
  });
  unique.forEach((c, i) => {
    if (pts[i] !== undefined) return;
    const preferred = c.payloadType ?? (isTelephoneEvent(c) ? DEFAULT_TELEPHONE_EVENT_PT : undefined);
    if (preferred !== undefined && preferred >= 96 && !used.has(preferred)) {
      pts[i] = preferred;
      used.add(preferred);
    }
  });
  let next = 96;
  unique.forEach((c, i) => {
    if (pts[i] !== undefined) return;
    while (used.has(next)) next++;
    if (next > 127) throw new InvalidArgumentError('codecs', 'more than 32 dynamic payload types');
    pts[i] = next;
    used.add(next);
  });
  return unique.map((c, i) => {
    const fmtp = c.fmtp ?? (isTelephoneEvent(c) ? DEFAULT_TELEPHONE_EVENT_FMTP : undefined);
    const codec = { name: c.name, clockRate: c.clockRate, channels: c.channels ?? 1, payloadType: pts[i]! };
    return fmtp === undefined ? codec : { ...codec, fmtp };
  });
}

/** The `a=rtpmap` / `a=fmtp` parts of an audio m-line for these formats. */
export function formatAttributes(
  codecs: readonly NegotiatedCodec[],
): Pick<MediaDescription, 'payloads' | 'rtp' | 'fmtp'> {
  return {
    payloads: codecs.map((c) => c.payloadType).join(' '),
    rtp: codecs.map((c) => ({
      payload: c.payloadType,
      codec: c.name,
      rate: c.clockRate,
      ...(c.channels !== 1 ? { encoding: c.channels } : {}),
    })),
    fmtp: codecs.flatMap((c) => (c.fmtp === undefined ? [] : [{ payload: c.payloadType, config: c.fmtp }])),
  };
}

/**
 * Builds an SDP offer for one audio stream (RFC 3264 §5, RFC 4566, RFC 3551): `o=` with the given
 * or a random session id, `c=IN IP4|IP6`, `m=audio <port> RTP/AVP` with our formats in preference
 * order, an `a=rtpmap` for every format (static ones too, as most stacks write them),
 * `a=fmtp:<pt> 0-16` for telephone-event, `a=ptime`, the direction, `a=rtcp` when RTCP is not on
 * port + 1 and `a=rtcp-mux` when asked.
 *
 * @returns the SDP text, CRLF line ends.
 * @throws InvalidArgumentError on bad options (address not an IP literal, port out of range, no
 *   audio codec besides telephone-event, ...).
 */
export function createOffer(opts: OfferOptions): string {
  checkPort(opts.port, 'port');
  if (opts.rtcpPort !== undefined) checkPort(opts.rtcpPort, 'rtcpPort');
  const ptime = opts.ptime ?? DEFAULT_PTIME;
  checkPtime(ptime, 'ptime');
  const codecs = assignPayloadTypes(opts.codecs);
  if (!codecs.some((c) => !isTelephoneEvent(c))) {
    throw new InvalidArgumentError('codecs', 'must contain at least one audio codec');
  }
  const media: MediaDescription = {
    type: 'audio',
    port: opts.port,
    protocol: opts.srtp?.protocol ?? 'RTP/AVP',
    ...formatAttributes(codecs),
    ptime,
    direction: opts.direction ?? 'sendrecv',
    ...cryptoAttributes(opts.srtp?.crypto ?? []),
    ...(opts.rtcpPort !== undefined && opts.rtcpPort !== opts.port + 1 ? { rtcp: { port: opts.rtcpPort } } : {}),
    ...(opts.rtcpMux === true ? { rtcpMux: 'rtcp-mux' as const } : {}),
  };
  return write(
    assembleDescription({
      origin: resolveOrigin(opts.origin),
      address: opts.address,
      sessionName: opts.sessionName ?? DEFAULT_SESSION_NAME,
      media: [media],
    }),
  );
}
