/**
 * DTMF of one session in both directions: RFC 4733 telephone-events when they were negotiated,
 * SIP INFO (`application/dtmf-relay`) otherwise or when asked; digits received either way become
 * one kind of event, tagged with the method that carried them.
 *
 * @module
 */
import type { Dialog } from '../dialog/index.js';
import type { DtmfDigitEvent } from '../media/index.js';
import type { NegotiatedMedia } from '../sdp/index.js';
import { InvalidArgumentError, InvalidStateError } from '../util/index.js';
import type { Clock } from '../util/index.js';
import type { DtmfMethod } from './config-types.js';
import { answerInfo, sendDtmfInfo } from './dtmf-info.js';
import type { MediaPipeline } from './media-pipeline.js';
import type { SessionDtmfEvent, SessionDtmfOptions } from './session-types.js';

const DEFAULT_DURATION_MS = 100;
const DEFAULT_GAP_MS = 60;

/** @throws InvalidArgumentError for an unknown method or a duration / gap out of range */
function checkOptions(o: SessionDtmfOptions): void {
  if (o.method !== undefined && o.method !== 'auto' && o.method !== 'rfc4733' && o.method !== 'info') {
    throw new InvalidArgumentError('method', `must be 'auto', 'rfc4733' or 'info', got ${String(o.method)}`);
  }
  if (o.durationMs !== undefined && !(Number.isFinite(o.durationMs) && o.durationMs >= 40 && o.durationMs <= 5000)) {
    throw new InvalidArgumentError('durationMs', 'must be 40-5000 ms');
  }
  if (o.gapMs !== undefined && !(Number.isFinite(o.gapMs) && o.gapMs >= 0 && o.gapMs <= 10000)) {
    throw new InvalidArgumentError('gapMs', 'must be 0-10000 ms');
  }
}

/** The DTMF half of a `Session`. @internal */
export class SessionDtmf {
  readonly #clock: Clock;
  readonly #defaultMethod: DtmfMethod;
  readonly #emit: (event: SessionDtmfEvent) => void;
  #telephoneEvent = false;
  #sending: Promise<void> = Promise.resolve();

  /**
   * @param clock - for the pause between INFO digits
   * @param defaultMethod - `media.dtmfMethod`
   * @param emit - delivers a received digit as the session's `dtmf` event
   */
  constructor(clock: Clock, defaultMethod: DtmfMethod, emit: (event: SessionDtmfEvent) => void) {
    this.#clock = clock;
    this.#defaultMethod = defaultMethod;
    this.#emit = emit;
  }

  /** True when the last offer/answer negotiated telephone-event (RFC 4733 §7). */
  get telephoneEvent(): boolean {
    return this.#telephoneEvent;
  }

  /** Remember whether offer/answer negotiated telephone-event. */
  negotiated(media: NegotiatedMedia): void {
    this.#telephoneEvent = media.telephoneEvent !== undefined;
  }

  /** Answer INFO requests of `dialog`: DTMF bodies become `dtmf` events (method `info`). */
  attach(dialog: Dialog): void {
    dialog.setMethodHandler('INFO', (request) => {
      answerInfo(request, (d) => this.#emit(Object.freeze({ digit: d.digit, duration: d.durationMs, method: 'info' })));
    });
  }

  /** A digit from the RTP side (RFC 4733). */
  fromRtp(event: DtmfDigitEvent): void {
    this.#emit(Object.freeze({ digit: event.digit, duration: event.durationMs, method: 'rfc4733' }));
  }

  /** The method `sendDtmf` uses with `options`: `auto` picks RFC 4733 when negotiated, else INFO. */
  methodFor(options: SessionDtmfOptions = {}): 'rfc4733' | 'info' {
    const asked = options.method ?? this.#defaultMethod;
    if (asked !== 'auto') return asked;
    return this.#telephoneEvent ? 'rfc4733' : 'info';
  }

  /**
   * Send digits by the chosen method. Calls are serialised: a second `send` starts after the first
   * finished, so digits never interleave.
   * @throws InvalidStateError when RFC 4733 is asked but not negotiated, or no dialog / media runs
   * @throws DtmfSendError when an INFO is refused
   */
  send(digits: string, options: SessionDtmfOptions, media: MediaPipeline | undefined, dialog: Dialog | undefined): Promise<void> {
    try {
      checkOptions(options);
    } catch (err) {
      return Promise.reject(err);
    }
    const run = async (): Promise<void> => {
      const method = this.methodFor(options);
      const durationMs = options.durationMs ?? DEFAULT_DURATION_MS;
      const gapMs = options.gapMs ?? DEFAULT_GAP_MS;
      if (method === 'info') {
        if (dialog === undefined || dialog.state !== 'confirmed') throw new InvalidStateError('sendDtmf: the call is not connected');
        await sendDtmfInfo(dialog, digits, { durationMs, gapMs }, this.#clock);
        return;
      }
      if (!this.#telephoneEvent) throw new InvalidStateError('sendDtmf: telephone-event (RFC 4733) was not negotiated with the far end');
      if (media === undefined || !media.running) throw new InvalidStateError('sendDtmf: media is not running yet');
      await media.sendDtmf(digits, {
        durationMs,
        gapMs,
        ...(options.volume === undefined ? {} : { volume: options.volume }),
      });
    };
    const next = this.#sending.then(run, run);
    this.#sending = next.catch(() => undefined);
    return next;
  }
}
