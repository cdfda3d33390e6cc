/**
 * SIP methods known to this stack (RFC 3261 §7.1 and extensions).
 */

/** Methods defined by RFC 3261 and the extensions sipline implements or recognises. */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'PRACK',
  'SUBSCRIBE',
  'NOTIFY',
  'PUBLISH',
  'INFO',
  'REFER',
  'MESSAGE',
  'UPDATE',
]);

/** True when `method` is one of {@link KNOWN_METHODS} (case-sensitive, §7.1). */
export function isKnownMethod(method: string): boolean {
  return KNOWN_METHODS.has(method);
}
