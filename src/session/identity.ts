/**
 * The `identity` option: the default From of outgoing calls, given as a SIP URI, a name-addr, or
 * `{ uri, displayName }` (RFC 3261 §20.20 and §25.1 `name-addr` / `addr-spec`). A light syntactic
 * check only: the SIP message layer parses the URI for real when the manager starts.
 *
 * @module
 */
import { checkHeaderText, checkHost, checkSection, describe, uriHost } from './config-checks.js';
import type { Identity } from './config-types.js';
import { ConfigError } from './errors.js';

/** The user part of the default identity. */
export const DEFAULT_IDENTITY_USER = 'sipline';

/** The default identity URI for an advertised host: `sip:sipline@<host>` (IPv6 in brackets). */
export function defaultIdentityUri(host: string): string {
  return `sip:${DEFAULT_IDENTITY_USER}@${uriHost(host)}`;
}

const ADDR_SPEC = /^(sips?):(?:([^@\s<>"]+)@)?(\[[0-9A-Fa-f:.]+\]|[^:;?@\s<>"[\]]+)(?::(\d{1,5}))?((?:;[^;?\s<>"]*)*)(\?[^\s<>"]*)?$/i;
const NAME_ADDR = /^\s*(?:"((?:[^"\\]|\\[\s\S])*)"|([^<"]*?))\s*<([^<>]+)>\s*$/;

/** Check a `sip:` / `sips:` URI; returns it with a lower-case scheme. */
function checkSipUri(value: string, path: string): string {
  const m = ADDR_SPEC.exec(value);
  if (m === null) throw new ConfigError(path, `${describe(value)} is not a sip: or sips: URI`);
  const [, scheme, , host, port] = m;
  checkHost(host, path);
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    throw new ConfigError(path, `port ${port} in ${describe(value)} is out of range`);
  }
  return `${scheme.toLowerCase()}${value.slice(scheme.length)}`;
}

/**
 * Resolve the `identity` option.
 *
 * @param value - the option as given (`undefined` for the default)
 * @param advertisedHost - host for the default URI
 * @throws ConfigError naming `identity`, `identity.uri` or `identity.displayName`
 */
export function resolveIdentity(value: unknown, advertisedHost: string): Identity {
  if (value === undefined) {
    return { uri: defaultIdentityUri(advertisedHost), displayName: undefined, isDefault: true };
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^sips?:/i.test(text)) return { uri: checkSipUri(text, 'identity'), displayName: undefined, isDefault: false };
    const m = NAME_ADDR.exec(text);
    if (m === null) throw new ConfigError('identity', `${describe(value)} is neither a SIP URI nor "Name" <sip:...>`);
    const [, quoted, plain, uri] = m;
    const name = quoted !== undefined ? quoted.replace(/\\([\s\S])/g, '$1') : plain.trim();
    return {
      uri: checkSipUri(uri.trim(), 'identity'),
      displayName: name === '' ? undefined : checkHeaderText(name, 'identity', 256),
      isDefault: false,
    };
  }
  const obj = checkSection(value, 'identity', ['uri', 'displayName']);
  if (typeof obj.uri !== 'string') throw new ConfigError('identity.uri', `must be a string, got ${describe(obj.uri)}`);
  return {
    uri: checkSipUri(obj.uri.trim(), 'identity.uri'),
    displayName: obj.displayName === undefined ? undefined : checkHeaderText(obj.displayName, 'identity.displayName', 256),
    isDefault: false,
  };
}
