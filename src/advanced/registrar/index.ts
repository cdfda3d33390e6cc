/**
 * Registrar and location service (RFC 3261 §10.3) for `sipline/advanced`.
 *
 * @module
 */
export { Registrar, createRegistrar } from './registrar.js';
export type { RegistrarAuthenticate, RegistrarEvents, RegistrarOptions } from './registrar.js';
export { LocationService } from './location-store.js';
export type { Binding, LocationStore } from './location-store.js';
export { normalizeAor } from './register-handler.js';
export { UserNotRegisteredError } from './errors.js';
