/**
 * UPDATE inside a dialog (RFC 3311): the UAC side with the §5.1 glare rule (a 491 is retried after
 * the RFC 3261 §14.1 random delay) and the option-tag / Allow checks that tell whether a peer
 * accepts UPDATE at all.
 *
 * @module
 */
import type { SipMessage, SipResponse } from '../sip/index.js';
import type { Clock } from '../util/index.js';
import type { Dialog } from './dialog.js';
import { DialogStateError, DialogTerminatedError } from './errors.js';
import { glareRetryDelay } from './timing.js';
import type { MessageContent } from './types.js';

/** Options of {@link sendUpdate}. */
export interface UpdateOptions extends MessageContent {
  /** Clock for the §14.1 wait after a 491. */
  readonly clock: Clock;
  /** Retry after 491 Request Pending (RFC 3311 §5.1); default true. */
  readonly retryOnGlare?: boolean;
  /** Most retries after 491; default 5. */
  readonly maxGlareRetries?: number;
  /** Builds the content of each attempt (a retried offer may differ); overrides body/headers. */
  readonly prepare?: (attempt: number) => MessageContent;
}

/**
 * Send an UPDATE (RFC 3311 §5.1) in a confirmed dialog and resolve with its final response. An
 * UPDATE carrying an offer that meets a 491 (the peer had an offer of its own pending, §5.2) is
 * retried after the random delay of RFC 3261 §14.1 (2.1-4 s when we own the Call-ID, else 0-2 s);
 * a 2xx refreshes the remote target (done by the dialog).
 *
 * @throws DialogStateError unless the dialog is confirmed (early UPDATEs need PRACK, not done here)
 * @throws DialogTerminatedError when the dialog has ended
 */
export async function sendUpdate(dialog: Dialog, options: UpdateOptions): Promise<SipResponse> {
  if (dialog.state === 'terminated') throw new DialogTerminatedError('UPDATE: the dialog is terminated');
  if (dialog.state !== 'confirmed') throw new DialogStateError('UPDATE: the dialog is not confirmed');
  const maxRetries = options.maxGlareRetries ?? 5;
  for (let attempt = 0; ; attempt++) {
    const content: MessageContent = options.prepare?.(attempt) ?? options;
    const res = await dialog.request('UPDATE', content);
    if (res.status !== 491 || options.retryOnGlare === false || attempt >= maxRetries) return res;
    const delay = glareRetryDelay(dialog.ownsCallId);
    await new Promise<void>((resolve) => options.clock.setTimeout(resolve, delay));
    if (dialog.terminationReason !== undefined) return res;
  }
}

/**
 * True when a message from the peer (its INVITE, a 2xx, an OPTIONS answer) lists UPDATE in Allow
 * (RFC 3311 §5.1: a UA should only send UPDATE to a peer that allows it).
 */
export function allowsUpdate(message: SipMessage): boolean {
  return message.getAll('Allow').some((v) => v.split(',').some((m) => m.trim().toUpperCase() === 'UPDATE'));
}

/** True when the peer's message lists `tag` in Supported (or Require), e.g. `timer` (RFC 4028). */
export function supportsOption(message: SipMessage, tag: string): boolean {
  const want = tag.toLowerCase();
  for (const name of ['Supported', 'Require']) {
    for (const v of message.getAll(name)) {
      if (v.split(',').some((t) => t.trim().toLowerCase() === want)) return true;
    }
  }
  return false;
}
