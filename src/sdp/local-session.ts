import { randomBytes } from 'node:crypto';
import { createAnswer } from './answer.js';
import type { AnswerOptions, SdpAnswer } from './answer.js';
import { createOffer, DEFAULT_SESSION_NAME } from './offer.js';
import type { OfferOptions } from './offer.js';
import { resolveOrigin, withoutVersion } from './origin.js';
import type { SdpOrigin } from './origin.js';
import { SDES_SUITES } from './sdes.js';
import type { SdesAnswerPolicy, SdesOffer, SdesSuite, SrtpPolicy } from './sdes.js';
import type { CodecCapability } from './types.js';

/** SDES settings of a {@link LocalSdpSession} (`media.srtp`, `media.srtpSuites`). */
export interface LocalSdesOptions {
  /** Whether our descriptions use SRTP (see `SrtpPolicy`). */
  readonly policy: SrtpPolicy;
  /** Suites in order of preference; default both, the 80-bit tag first. */
  readonly suites?: readonly SdesSuite[];
}

/** Options of {@link LocalSdpSession}. */
export interface LocalSdpSessionOptions {
  /** `o=` user name; default `-`. */
  readonly username?: string;
  /** `o=` session id; random (node:crypto) when absent. */
  readonly sessionId?: string;
  /** Version of the first description; default 1. */
  readonly initialVersion?: number;
  /** `s=` line; default `sipline`. */
  readonly sessionName?: string;
  /** SDES (RFC 4568); SRTP off when absent. */
  readonly srtp?: LocalSdesOptions;
}

/**
 * Our side of one SDP session across a dialog (RFC 3264 §8): every offer or answer we write keeps
 * the origin's user name and session id; the session version goes up by one when a description
 * differs from the previous one in anything but that version, and stays put when it is unchanged
 * (e.g. a session-timer refresh re-INVITE).
 *
 * With `srtp` (RFC 4568), it also owns our SDES keys: one fresh random key per suite for the
 * session, repeated by every later offer and answer (a re-INVITE keeps the keys, §7.1.4), so the
 * far end's SRTP state carries on.
 *
 * @example
 * ```ts
 * const local = new LocalSdpSession();
 * const first = local.createOffer({ address: '127.0.0.1', port: 10000, codecs: DEFAULT_CODECS });
 * const hold = local.createOffer({ address: '127.0.0.1', port: 10000, codecs: DEFAULT_CODECS,
 *   direction: holdDirection(false) });   // same session id, version + 1
 * ```
 */
export class LocalSdpSession {
  readonly #username: string;
  readonly #sessionId: string;
  readonly #sessionName: string;
  #version: number;
  #last: string | undefined;
  #lastBody: string | undefined;
  readonly #srtp: Required<LocalSdesOptions>;
  /** Our SDES master key || salt per suite: fresh per session, kept by every later offer or answer. */
  readonly #keys = new Map<SdesSuite, Uint8Array>();

  /** @param opts - origin fields; all optional */
  constructor(opts: LocalSdpSessionOptions = {}) {
    const origin = resolveOrigin({
      ...(opts.username !== undefined ? { username: opts.username } : {}),
      ...(opts.sessionId !== undefined ? { sessionId: opts.sessionId } : {}),
      ...(opts.initialVersion !== undefined ? { sessionVersion: opts.initialVersion } : {}),
    });
    this.#username = origin.username;
    this.#sessionId = origin.sessionId;
    this.#version = origin.sessionVersion;
    this.#sessionName = opts.sessionName ?? DEFAULT_SESSION_NAME;
    this.#srtp = { policy: opts.srtp?.policy ?? 'off', suites: opts.srtp?.suites ?? SDES_SUITES };
  }

  /** Our key || salt for `suite` (30 random bytes from node:crypto, RFC 4568 §6.1), made once. */
  #key(suite: SdesSuite): Uint8Array {
    let key = this.#keys.get(suite);
    if (key === undefined) {
      key = new Uint8Array(randomBytes(30));
      this.#keys.set(suite, key);
    }
    return key;
  }

  /** The SDES part of our offers: none with SRTP off, else one `a=crypto` per suite (tags 1, 2, ...). */
  #sdesOffer(): SdesOffer | undefined {
    const { policy, suites } = this.#srtp;
    if (policy === 'off') return undefined;
    return {
      protocol: policy === 'required' ? 'RTP/SAVP' : 'RTP/AVP',
      crypto: suites.map((suite, i) => ({ tag: i + 1, suite, keys: [{ keySalt: this.#key(suite) }], sessionParams: [] })),
    };
  }

  /** The origin our next unchanged description would carry. */
  get origin(): SdpOrigin {
    return { username: this.#username, sessionId: this.#sessionId, sessionVersion: this.#version };
  }

  /** The last description written, if any. */
  get current(): string | undefined {
    return this.#last;
  }

  /**
   * An offer (see `createOffer`) in this session: same session id, version bumped only when the
   * description changed.
   */
  createOffer(opts: Omit<OfferOptions, 'origin' | 'sessionName'>): string {
    const srtp = opts.srtp ?? this.#sdesOffer();
    return this.#stamp(createOffer({ ...opts, ...(srtp !== undefined ? { srtp } : {}), origin: this.origin, sessionName: this.#sessionName }));
  }

  /**
   * An answer (see `createAnswer`) in this session: same session id, version bumped only when the
   * description changed.
   *
   * @throws the errors of `createAnswer`; the session is left as it was.
   */
  createAnswer(
    offer: string,
    localCaps: readonly CodecCapability[],
    opts: Omit<AnswerOptions, 'origin' | 'sessionName'>,
  ): SdpAnswer {
    const srtp: SdesAnswerPolicy = opts.srtp ?? { ...this.#srtp, keyFor: (suite) => this.#key(suite) };
    const answer = createAnswer(offer, localCaps, { ...opts, srtp, origin: this.origin, sessionName: this.#sessionName });
    return { ...answer, sdp: this.#stamp(answer.sdp) };
  }

  /** Takes a description written with the current origin and gives it the right version. */
  #stamp(text: string): string {
    const body = withoutVersion(text);
    let out = text;
    if (this.#lastBody !== undefined && body !== this.#lastBody) {
      this.#version += 1;
      out = text.replace(/^(o=\S+ \S+ )\d+/m, `$1${this.#version}`);
    }
    this.#lastBody = body;
    this.#last = out;
    return out;
  }
}
