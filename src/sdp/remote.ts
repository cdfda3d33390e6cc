import type { MediaDescription, SessionDescription } from 'sdp-transform';
import { connectionOf, isHoldAddress } from './parse.js';

/** Where a peer wants its RTP and RTCP, as read from its description of one stream. */
export interface RemoteEndpoints {
  /** RTP address (media-level `c=` else session-level). */
  readonly address: string;
  /** RTP port. */
  readonly port: number;
  /** RTCP address. */
  readonly rtcpAddress: string;
  /** RTCP port. */
  readonly rtcpPort: number;
  /** The address is the RFC 2543 hold form `0.0.0.0` (RFC 3264 §8.4). */
  readonly legacyHold: boolean;
}

/**
 * The peer's RTP and RTCP transport addresses for a stream: the media-level `c=` else the
 * session-level one; RTCP on the RTP port when muxed (RFC 5761), else the `a=rtcp` port and
 * address (RFC 3605), else the RTP port + 1 (RFC 3550 §11).
 */
export function remoteEndpoints(
  session: SessionDescription,
  media: MediaDescription,
  rtcpMux: boolean,
): RemoteEndpoints {
  // parseSdp guarantees a connection for every stream whose port is not 0.
  const address = connectionOf(session, media)?.address ?? '0.0.0.0';
  const port = media.port;
  let rtcpAddress = address;
  let rtcpPort = port + 1;
  if (rtcpMux) {
    rtcpPort = port;
  } else if (media.rtcp !== undefined && Number.isInteger(media.rtcp.port) && media.rtcp.port > 0 && media.rtcp.port <= 65_535) {
    rtcpPort = media.rtcp.port;
    if (media.rtcp.address !== undefined && media.rtcp.address !== '') rtcpAddress = media.rtcp.address;
  }
  return { address, port, rtcpAddress, rtcpPort, legacyHold: isHoldAddress(address) };
}

/** A peer's `a=ptime`, when it is a usable number of milliseconds (1-1000). */
export function ptimeOf(media: MediaDescription): number | undefined {
  return millis(media.ptime);
}

/** A peer's `a=maxptime`, when usable. */
export function maxptimeOf(media: MediaDescription): number | undefined {
  return millis(media.maxptime);
}

function millis(value: unknown): number | undefined {
  // sdp-transform leaves forms such as `20.0` as strings.
  const n = typeof value === 'string' ? Math.round(Number(value)) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 1000 ? n : undefined;
}
