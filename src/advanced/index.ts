/**
 * `sipline/advanced`: building blocks for call-engine authors (bridges,
 * conferences, B2BUA, session primitives). They land in later releases; the
 * error classes are shared with the root entry point.
 *
 * @packageDocumentation
 */
export { SiplineError, InvalidArgumentError, InvalidStateError } from '../util/index.js';
