/**
 * sipline: SIP voice calls in pure Node.js, as easy as an HTTP server.
 *
 * The session API (`SessionManager`, `CallSession`) lands in a later release;
 * this entry point already exports the error classes every part of sipline
 * throws, so applications can write their error handling against stable codes.
 *
 * @packageDocumentation
 */
export { SiplineError, InvalidArgumentError, InvalidStateError } from './util/index.js';
