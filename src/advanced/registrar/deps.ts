/**
 * What the registrar takes from the lower layers' shared helpers (one import point).
 *
 * @module
 * @internal
 */
export { InvalidArgumentError, InvalidStateError, TypedEmitter } from '../../util/index.js';
export { NotSupportedError } from '../../api/index.js';
