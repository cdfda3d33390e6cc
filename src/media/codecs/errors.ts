import { SiplineError } from '../../util/index.js';

/** Why a {@link CodecError} was thrown. */
export type CodecErrorReason = 'unknown-codec' | 'bad-frame' | 'bad-ptime';

/**
 * A codec could not be created or could not process a frame: an unknown codec
 * name or payload type, a PCM frame whose length the codec cannot encode (G.722
 * needs an even number of 16 kHz samples), or an impossible packetisation time.
 */
export class CodecError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_CODEC';
  /** The condition, stable for programs to switch on. */
  readonly reason: CodecErrorReason;

  /**
   * @param reason - the condition
   * @param message - human-readable detail
   */
  constructor(reason: CodecErrorReason, message: string) {
    super('ERR_CODEC', message);
    this.reason = reason;
  }
}
