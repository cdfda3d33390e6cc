/**
 * REFER inside a dialog (RFC 3515) and the Replaces header it may carry (RFC 3891): building the
 * REFER and its NOTIFYs, reading an incoming REFER, and the `?Replaces=` of an attended transfer.
 * The implicit subscription of a REFER uses the dialog of the REFER (RFC 3515 §2.4.4); no
 * SUBSCRIBE is involved.
 *
 * @module
 */
import { NameAddr, SipUri, parseReplaces } from '../sip/index.js';
import type { ReplacesValue, SipRequest, SipResponse } from '../sip/index.js';
import { InvalidArgumentError } from '../util/index.js';
import type { Dialog } from './dialog.js';
import { SIPFRAG_CONTENT_TYPE, formatSipfrag, parseSipfrag } from './sipfrag.js';
import type { SipfragStatus } from './sipfrag.js';

/** How long a REFER subscription is announced to last, seconds (RFC 3515 §2.4.4 leaves it to the notifier). */
export const REFER_SUBSCRIPTION_SECONDS = 60;

/** The dialog to replace, as written in a Replaces header (RFC 3891 §6.1), from the recipient's side. */
export interface ReplacesTarget {
  /** Call-ID of the dialog to replace. */
  readonly callId: string;
  /** The recipient's tag of that dialog. */
  readonly toTag: string;
  /** The other party's tag of that dialog. */
  readonly fromTag: string;
  /** Only an early dialog may be replaced (`early-only`). */
  readonly earlyOnly?: boolean;
}

/** A REFER as received: where to send the new INVITE and what to put in it. */
export interface ReferDetails {
  /** Request-URI of the new INVITE: the Refer-To URI without its headers. */
  readonly target: SipUri;
  /** The Replaces of the Refer-To URI (attended transfer), undefined for a blind transfer. */
  readonly replaces: ReplacesValue | undefined;
  /** The raw Replaces value to copy into the INVITE, when present. */
  readonly replacesHeader: string | undefined;
  /** Referred-By (RFC 3892), copied into the INVITE when present. */
  readonly referredBy: NameAddr | undefined;
}

/**
 * The Replaces value of a dialog, for the party at the other end of it: our remote tag is its
 * `to-tag`, our local tag its `from-tag` (RFC 3891 §3).
 */
export function replacesForPeer(dialog: Dialog): ReplacesTarget {
  return { callId: dialog.id.callId, toTag: dialog.id.remoteTag, fromTag: dialog.id.localTag };
}

/** The text of a Replaces header: `callid;to-tag=x;from-tag=y[;early-only]` (RFC 3891 §6.1). */
export function formatReplaces(r: ReplacesTarget): string {
  return `${r.callId};to-tag=${r.toTag};from-tag=${r.fromTag}${r.earlyOnly === true ? ';early-only' : ''}`;
}

/**
 * A Refer-To value for an attended transfer: `<target?Replaces=...>` with the Replaces value
 * escaped as a URI header (RFC 3891 §6.1 example, RFC 3261 §19.1.1: `;`, `=`, `@` become `%3B`,
 * `%3D`, `%40`).
 */
export function referToWithReplaces(target: SipUri | string, replaces: ReplacesTarget): string {
  const uri = typeof target === 'string' ? SipUri.parse(target) : target;
  const withHeaders = uri.with({ headers: new Map([['Replaces', formatReplaces(replaces)]]) });
  return `<${withHeaders.toString()}>`;
}

/** A Refer-To value for a blind transfer: `<sip:...>`. @throws InvalidArgumentError for a non-SIP URI */
export function referToFor(target: string): string {
  let uri: SipUri;
  try {
    uri = /^\s*</.test(target) ? NameAddr.parse(target, 'Refer-To').uri : SipUri.parse(target.trim());
  } catch (err) {
    throw new InvalidArgumentError('target', (err as Error).message);
  }
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') throw new InvalidArgumentError('target', 'must be a sip: or sips: URI');
  return `<${uri.toString()}>`;
}

/**
 * Send a REFER in `dialog` (RFC 3515 §2.4.1) and resolve with its final response (202 when the
 * peer accepted it). `referredBy` becomes Referred-By (RFC 3892).
 * @throws DialogTerminatedError when the dialog has ended
 */
export function sendRefer(dialog: Dialog, referTo: string, referredBy?: string): Promise<SipResponse> {
  const headers: Record<string, string> = { 'Refer-To': referTo };
  if (referredBy !== undefined) headers['Referred-By'] = referredBy;
  return dialog.request('REFER', { headers });
}

/**
 * Read an incoming REFER (RFC 3515 §2.4.2): exactly one Refer-To holding a sip/sips URI; the
 * Replaces URI header, if any, must parse (RFC 3891 §6.1).
 * @throws InvalidArgumentError with what is wrong (the REFER deserves 400)
 */
export function readRefer(request: SipRequest): ReferDetails {
  const values = request.getAll('Refer-To');
  if (values.length !== 1) throw new InvalidArgumentError('Refer-To', values.length === 0 ? 'missing' : 'more than one');
  let uri: SipUri;
  let referredBy: NameAddr | undefined;
  try {
    uri = NameAddr.parse(values[0]!, 'Refer-To').uri;
    referredBy = request.referredBy;
  } catch (err) {
    throw new InvalidArgumentError('Refer-To', (err as Error).message);
  }
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') throw new InvalidArgumentError('Refer-To', `unsupported scheme ${uri.scheme}`);
  let replacesHeader: string | undefined;
  for (const [k, v] of uri.headers) if (k.toLowerCase() === 'replaces') replacesHeader = v;
  let replaces: ReplacesValue | undefined;
  if (replacesHeader !== undefined) {
    try {
      replaces = parseReplaces(replacesHeader);
    } catch (err) {
      throw new InvalidArgumentError('Refer-To', `bad Replaces: ${(err as Error).message}`);
    }
  }
  return { target: uri.with({ headers: new Map() }), replaces, replacesHeader, referredBy };
}

/** A progress report of a REFER subscription to send (RFC 3515 §2.4.5). */
export interface ReferNotifyOptions {
  /** CSeq number of the REFER: the `id` of the Event header (RFC 3515 §2.4.6). */
  readonly referCSeq: number;
  /** Status of the referred request (100 Trying, 180, 200, 486...). */
  readonly status: number;
  /** Its reason phrase. */
  readonly reason: string;
  /** True for the last NOTIFY: `Subscription-State: terminated;reason=noresource`. */
  readonly final: boolean;
}

/**
 * Send a NOTIFY of the implicit REFER subscription in `dialog` (RFC 3515 §2.4.5): Event
 * `refer;id=<REFER CSeq>`, Subscription-State `active;expires=60` or `terminated;reason=noresource`,
 * a `message/sipfrag` body with the status line. Resolves with the NOTIFY's final response.
 * @throws DialogTerminatedError when the dialog has ended
 */
export function sendReferNotify(dialog: Dialog, o: ReferNotifyOptions): Promise<SipResponse> {
  return dialog.request('NOTIFY', {
    headers: {
      Event: `refer;id=${o.referCSeq}`,
      'Subscription-State': o.final ? 'terminated;reason=noresource' : `active;expires=${REFER_SUBSCRIPTION_SECONDS}`,
    },
    body: formatSipfrag(o.status, o.reason),
    contentType: SIPFRAG_CONTENT_TYPE,
  });
}

/** A NOTIFY of a REFER subscription, as the referrer reads it. */
export interface ReferNotification {
  /** `id` of the Event header (the REFER's CSeq), when given. */
  readonly id: string | undefined;
  /** The sipfrag status line, when the body had one. */
  readonly fragment: SipfragStatus | undefined;
  /** True when Subscription-State is `terminated`. */
  readonly terminated: boolean;
}

/**
 * Read a NOTIFY (RFC 3515 §2.4.5, RFC 6665 §8.2): undefined when it is not for the `refer`
 * package (the caller answers 489 Bad Event).
 * @throws InvalidArgumentError when Event or Subscription-State is malformed or missing
 */
export function readReferNotify(request: SipRequest): ReferNotification | undefined {
  let event;
  let state;
  try {
    event = request.event;
    state = request.subscriptionState;
  } catch (err) {
    throw new InvalidArgumentError('NOTIFY', (err as Error).message);
  }
  if (event === undefined || event.value !== 'refer') return undefined;
  if (state === undefined) throw new InvalidArgumentError('Subscription-State', 'missing');
  let fragment: SipfragStatus | undefined;
  if (request.body.length > 0) {
    const mime = request.contentType?.mime;
    if (mime !== undefined && mime !== 'message/sipfrag') throw new InvalidArgumentError('Content-Type', `${mime} is not message/sipfrag`);
    fragment = parseSipfrag(request.body);
  }
  return { id: event.params.get('id') ?? undefined, fragment, terminated: state.value === 'terminated' };
}
