import { isIP } from 'node:net';
import type { MediaDescription, SessionDescription } from 'sdp-transform';
import { InvalidArgumentError, randomUint32 } from '../util/index.js';

/** The `o=` line's identity of a description (RFC 4566 §5.2). */
export interface SdpOrigin {
  /** User name, `-` when there is none. */
  readonly username: string;
  /** Numeric session id, as a decimal string (may exceed `Number.MAX_SAFE_INTEGER`). */
  readonly sessionId: string;
  /** Session version, increased each time the description changes (RFC 3264 §8). */
  readonly sessionVersion: number;
}

/**
 * A fresh random session id for `o=` (RFC 4566 §5.2): a non-zero decimal number below 2^63, so
 * stacks that read it as a signed 64-bit integer cope. Drawn from `node:crypto`.
 */
export function newSessionId(): string {
  const high = BigInt(randomUint32() & 0x7fff_ffff);
  const low = BigInt(randomUint32());
  const id = (high << 32n) | low;
  return (id === 0n ? 1n : id).toString();
}

/** Checks an origin we were given and fills its defaults. */
export function resolveOrigin(origin: Partial<SdpOrigin> | undefined): SdpOrigin {
  const username = origin?.username ?? '-';
  if (username === '' || /\s/.test(username)) {
    throw new InvalidArgumentError('origin.username', 'must be a non-empty token without spaces');
  }
  const sessionId = origin?.sessionId ?? newSessionId();
  if (!/^\d{1,19}$/.test(sessionId)) {
    throw new InvalidArgumentError('origin.sessionId', 'must be a decimal number of at most 19 digits');
  }
  const sessionVersion = origin?.sessionVersion ?? 1;
  if (!Number.isSafeInteger(sessionVersion) || sessionVersion < 0) {
    throw new InvalidArgumentError('origin.sessionVersion', 'must be a non-negative safe integer');
  }
  return { username, sessionId, sessionVersion };
}

/** The IP version of an address literal we advertise, or a thrown InvalidArgumentError. */
export function ipVersionOf(address: string, argument: string): 4 | 6 {
  const v = isIP(address);
  if (v !== 4 && v !== 6) throw new InvalidArgumentError(argument, `"${address}" is not an IPv4 or IPv6 address`);
  return v;
}

/** Checks a port number option. */
export function checkPort(port: number, argument: string, allowZero = false): void {
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65_535) {
    throw new InvalidArgumentError(argument, `${port} is not a port number`);
  }
}

/** Fields of a description we write, common to offers and answers. */
export interface DescriptionParts {
  /** `o=` fields. */
  readonly origin: SdpOrigin;
  /** IP literal for `o=` and the session-level `c=`. */
  readonly address: string;
  /** `s=` line. */
  readonly sessionName: string;
  /** The m-sections, in order. */
  readonly media: MediaDescription[];
}

/**
 * Assembles a description: `v=0`, `o=`, `s=`, a session-level `c=` and `t=0 0` (RFC 4566 §5),
 * then the media sections.
 */
export function assembleDescription(parts: DescriptionParts): SessionDescription {
  const ipVer = ipVersionOf(parts.address, 'address');
  if (parts.sessionName === '' || /[\r\n]/.test(parts.sessionName)) {
    throw new InvalidArgumentError('sessionName', 'must be one non-empty line');
  }
  return {
    version: 0,
    origin: {
      username: parts.origin.username,
      sessionId: parts.origin.sessionId,
      sessionVersion: parts.origin.sessionVersion,
      netType: 'IN',
      ipVer,
      address: parts.address,
    },
    name: parts.sessionName,
    connection: { version: ipVer, ip: parts.address },
    timing: { start: 0, stop: 0 },
    media: parts.media,
  };
}

/**
 * The description text with the `o=` session version blanked, for telling whether two versions
 * of a session differ in anything else (RFC 3264 §8).
 */
export function withoutVersion(text: string): string {
  return text.replace(/^(o=\S+ \S+ )\d+/m, '$1*');
}
