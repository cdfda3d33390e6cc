export { SiplineError, InvalidArgumentError, InvalidStateError, withErrorContext } from './errors.js';
export type { ErrorContext, SiplineErrorOptions } from './errors.js';
export { ERROR_HINTS, GENERIC_HINT, errorHint } from './error-hints.js';
export { systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { randomToken, randomUint32, randomIntBetween } from './ids.js';
export { seqDiff16, seqNewer16, seqAdd16, tsDiff32, tsAdd32 } from './serial.js';
export { TypedEmitter } from './typed-emitter.js';
export type { EventMap } from './typed-emitter.js';
