import { SiplineError } from '../util/index.js';

/** Stable codes of the dialog layer's errors. */
export type DialogErrorCode =
  | 'ERR_DIALOG_TERMINATED'
  | 'ERR_DIALOG_REQUEST_PENDING'
  | 'ERR_DIALOG_STATE'
  | 'ERR_DIALOG_METHOD'
  | 'ERR_DIALOG_CORE_CLOSED'
  | 'ERR_DIALOG_ALREADY_RESPONDED';

/**
 * Base class of the errors of the dialog layer (RFC 3261 §12-14). Each
 * subclass stands for one condition and has a literal {@link DialogError.code}.
 */
export class DialogError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: DialogErrorCode;

  /**
   * @param code - stable code of the condition
   * @param message - human-readable description
   * @param options - the underlying cause, if any
   */
  constructor(code: DialogErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A request was asked of a dialog that has ended (RFC 3261 §12.3). */
export class DialogTerminatedError extends DialogError {
  /** @inheritDoc */
  declare readonly code: 'ERR_DIALOG_TERMINATED';
  /** @param message - which operation was refused */
  constructor(message = 'the dialog is terminated') {
    super('ERR_DIALOG_TERMINATED', message);
  }
}

/**
 * A new INVITE was asked while another INVITE transaction is in progress on
 * the dialog, in either direction (RFC 3261 §14.1).
 */
export class RequestPendingError extends DialogError {
  /** @inheritDoc */
  declare readonly code: 'ERR_DIALOG_REQUEST_PENDING';
  /** @param message - details */
  constructor(message = 'another INVITE transaction is in progress on this dialog (RFC 3261 §14.1)') {
    super('ERR_DIALOG_REQUEST_PENDING', message);
  }
}

/** An operation that the dialog's or the handle's current state forbids. Nothing changed. */
export class DialogStateError extends DialogError {
  /** @inheritDoc */
  declare readonly code: 'ERR_DIALOG_STATE';
  /** @param message - which operation in which state */
  constructor(message: string) {
    super('ERR_DIALOG_STATE', message);
  }
}

/** A method that cannot be sent this way (ACK and CANCEL are built by the core). */
export class DialogMethodError extends DialogError {
  /** @inheritDoc */
  declare readonly code: 'ERR_DIALOG_METHOD';
  /** Offending method. */
  readonly method: string;
  /**
   * @param method - the method
   * @param message - why it was refused
   */
  constructor(method: string, message: string) {
    super('ERR_DIALOG_METHOD', `${method}: ${message}`);
    this.method = method;
  }
}

/** The user agent core was closed; no new requests are sent. */
export class CoreClosedError extends DialogError {
  /** @inheritDoc */
  declare readonly code: 'ERR_DIALOG_CORE_CLOSED';
  constructor() {
    super('ERR_DIALOG_CORE_CLOSED', 'the user agent core is closed');
  }
}

/** A final response was already sent for this request. */
export class AlreadyRespondedError extends DialogError {
  /** @inheritDoc */
  declare readonly code: 'ERR_DIALOG_ALREADY_RESPONDED';
  /** @param message - details */
  constructor(message = 'a final response was already sent for this request') {
    super('ERR_DIALOG_ALREADY_RESPONDED', message);
  }
}
