export { SiplineError, InvalidArgumentError, InvalidStateError } from './errors.js';
export { systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { randomToken, randomUint32, randomIntBetween } from './ids.js';
export { seqDiff16, seqNewer16, seqAdd16, tsDiff32, tsAdd32 } from './serial.js';
export { TypedEmitter } from './typed-emitter.js';
export type { EventMap } from './typed-emitter.js';
