import { createAnswer } from './answer.js';
import type { AnswerOptions, SdpAnswer } from './answer.js';
import { createOffer, DEFAULT_SESSION_NAME } from './offer.js';
import type { OfferOptions } from './offer.js';
import { resolveOrigin, withoutVersion } from './origin.js';
import type { SdpOrigin } from './origin.js';
import type { CodecCapability } from './types.js';

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
}

/**
 * Our side of one SDP session across a dialog (RFC 3264 §8): every offer or answer we write keeps
 * the origin's user name and session id; the session version goes up by one when a description
 * differs from the previous one in anything but that version, and stays put when it is unchanged
 * (e.g. a session-timer refresh re-INVITE).
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
    return this.#stamp(createOffer({ ...opts, origin: this.origin, sessionName: this.#sessionName }));
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
    const answer = createAnswer(offer, localCaps, { ...opts, origin: this.origin, sessionName: this.#sessionName });
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
