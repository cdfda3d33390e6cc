import { parse as transformParse } from 'sdp-transform';
import type { MediaDescription, SessionDescription } from 'sdp-transform';
import { SdpParseError } from './errors.js';
import type { MediaDirection } from './types.js';

/** Largest SDP body we read, in characters (real audio offers are well under 2 KiB). */
export const MAX_SDP_LENGTH = 65_536;

const LINE = /^([a-z])=(.*)$/;
const ORIGIN = /^(\S+) (\d{1,20}) (\d{1,20}) (\S+) (\S+) (\S+)$/;
const CONNECTION = /^IN (IP4|IP6) (\S+)$/;
const MEDIA = /^([\w-]+) (\d{1,5})(?:\/(\d{1,5}))? (\S+)((?: \S+)+)$/;

/**
 * Reads an SDP body (RFC 4566 §5) into sdp-transform's object model, after checking what
 * sdp-transform does not: `v=0` first, one well-formed `o=`, an `s=`, at least one well-formed
 * `m=` (port 0-65535, a protocol and at least one format), and a `c=` of network type `IN` with
 * address type `IP4` or `IP6` at session level or in every stream that is not rejected.
 * Accepts CRLF or bare LF line ends and ignores blank lines.
 *
 * @throws {@link SdpParseError} naming the faulty line type.
 */
export function parseSdp(text: string): SessionDescription {
  if (typeof text !== 'string' || text.trim() === '') throw new SdpParseError('body', 'empty');
  if (text.length > MAX_SDP_LENGTH) {
    throw new SdpParseError('body', `longer than ${MAX_SDP_LENGTH} characters`);
  }
  const lines = text.split(/\r?\n/).map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  let origin = 0;
  let name = false;
  let sessionConnection = false;
  let media = 0;
  let mediaPort = -1;
  let mediaConnection = false;
  const closeMedia = (): void => {
    if (media > 0 && mediaPort !== 0 && !sessionConnection && !mediaConnection) {
      throw new SdpParseError('c', `no connection address for m-line ${media}`);
    }
  };
  lines.forEach((line, index) => {
    const m = LINE.exec(line);
    if (m === null) throw new SdpParseError('body', `line ${index + 1} is not <type>=<value>`);
    const type = m[1]!;
    const value = m[2]!.trim().replace(/[ \t]+/g, ' ');
    if (index === 0) {
      if (type !== 'v' || value !== '0') throw new SdpParseError('v', 'the first line must be v=0');
      return;
    }
    switch (type) {
      case 'v':
        throw new SdpParseError('v', 'v= may appear only once, first');
      case 'o':
        if (media > 0 || ++origin > 1) throw new SdpParseError('o', 'o= must appear once, before m=');
        if (!ORIGIN.test(value)) throw new SdpParseError('o', `malformed origin "${value}"`);
        break;
      case 's':
        if (media === 0) name = true;
        break;
      case 'c': {
        const c = CONNECTION.exec(value);
        if (c === null) throw new SdpParseError('c', `malformed or unsupported connection "${value}"`);
        if (media === 0) sessionConnection = true;
        else mediaConnection = true;
        break;
      }
      case 'm': {
        closeMedia();
        const mm = MEDIA.exec(value);
        if (mm === null) throw new SdpParseError('m', `malformed media line "${value}"`);
        const port = Number(mm[2]);
        if (port > 65_535) throw new SdpParseError('m', `port ${port} out of range`);
        media++;
        mediaPort = port;
        mediaConnection = false;
        break;
      }
      default:
        break;
    }
  });
  if (origin === 0) throw new SdpParseError('o', 'missing origin');
  if (!name) throw new SdpParseError('s', 'missing session name');
  if (media === 0) throw new SdpParseError('m', 'no media description');
  closeMedia();
  try {
    return transformParse(lines.join('\r\n') + '\r\n');
  } catch (err) {
    throw new SdpParseError('body', `unreadable: ${String(err)}`);
  }
}

/**
 * The connection address of a stream: the media-level `c=` wins over the session-level one
 * (RFC 4566 §5.7). `ipVersion` is 4 or 6.
 */
export function connectionOf(
  session: SessionDescription,
  media: MediaDescription,
): { readonly address: string; readonly ipVersion: 4 | 6 } | undefined {
  const c = media.connection ?? session.connection;
  if (c === undefined) return undefined;
  // sdp-transform keeps a multicast /ttl suffix in `ip`; unicast RTP never has one.
  return { address: c.ip.split('/')[0]!, ipVersion: c.version === 6 ? 6 : 4 };
}

/**
 * The direction attribute of a stream: media level, else session level, else `sendrecv`
 * (RFC 3264 §5.1).
 */
export function directionOf(session: SessionDescription, media: MediaDescription): MediaDirection {
  return media.direction ?? session.direction ?? 'sendrecv';
}

/**
 * True for the unspecified address that RFC 2543 used to put a stream on hold (`c=IN IP4 0.0.0.0`,
 * RFC 3264 §8.4); the IPv6 form `::` is treated the same way.
 */
export function isHoldAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '0:0:0:0:0:0:0:0';
}
