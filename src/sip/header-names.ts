/**
 * Header names: compact forms (RFC 3261 §7.3.3 and the extensions that define one), canonical
 * spelling, and which headers hold comma-separated lists (§7.3.1).
 */

const COMPACT: Record<string, string> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  n: 'identity-info',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

const CANONICAL: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'min-se': 'Min-SE',
  rseq: 'RSeq',
  rack: 'RAck',
  'mime-version': 'MIME-Version',
  'sip-etag': 'SIP-ETag',
  'sip-if-match': 'SIP-If-Match',
};

/**
 * The lookup key of a header name: lower-cased, compact forms expanded (`v` -> `via`).
 */
export function headerKey(name: string): string {
  if (name.length === 1) {
    const lower = name.toLowerCase();
    return COMPACT[lower] ?? lower;
  }
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) return name.toLowerCase();
  }
  return name;
}

/**
 * Lookup key of the most common header spellings, without allocating (a fast path of headerKey).
 * Returns undefined for other spellings (then use {@link headerKey}).
 */
export function commonKey(name: string): string | undefined {
  switch (name) {
    case 'Via':
      return 'via';
    case 'From':
      return 'from';
    case 'To':
      return 'to';
    case 'Call-ID':
      return 'call-id';
    case 'CSeq':
      return 'cseq';
    case 'Contact':
      return 'contact';
    case 'Max-Forwards':
      return 'max-forwards';
    case 'Content-Length':
      return 'content-length';
    case 'Content-Type':
      return 'content-type';
    case 'Route':
      return 'route';
    case 'Record-Route':
      return 'record-route';
    case 'Allow':
      return 'allow';
    case 'Supported':
      return 'supported';
    case 'User-Agent':
      return 'user-agent';
    case 'Server':
      return 'server';
    case 'Expires':
      return 'expires';
    case 'Authorization':
      return 'authorization';
    case 'WWW-Authenticate':
      return 'www-authenticate';
    default:
      return undefined;
  }
}

/** Canonical spelling of a header name: `call-id` -> `Call-ID`, `v` -> `Via`. */
export function canonicalHeaderName(name: string): string {
  const key = headerKey(name);
  const special = CANONICAL[key];
  if (special !== undefined) return special;
  return key.replace(/(^|-)([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase());
}

/** Headers whose value is a comma-separated list (split by `getAll`). */
export const LIST_HEADERS: ReadonlySet<string> = new Set([
  'via',
  'contact',
  'route',
  'record-route',
  'path',
  'service-route',
  'allow',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'accept',
  'accept-encoding',
  'accept-language',
  'content-encoding',
  'content-language',
  'allow-events',
  'warning',
  'reason',
  'alert-info',
  'call-info',
  'error-info',
  'in-reply-to',
  'p-asserted-identity',
  'p-preferred-identity',
  'history-info',
  'security-client',
  'security-server',
  'security-verify',
  'accept-contact',
  'reject-contact',
  'request-disposition',
]);

/** Headers that may appear at most once in a message (RFC 3261 §7.3.1 / §20). */
export const SINGLETON_HEADERS: ReadonlySet<string> = new Set([
  'to',
  'from',
  'call-id',
  'cseq',
  'max-forwards',
  'content-length',
  'content-type',
  'expires',
  'min-expires',
  'mime-version',
  'rseq',
  'rack',
  'session-expires',
  'min-se',
  'event',
  'refer-to',
  'referred-by',
  'replaces',
  'subscription-state',
  'date',
  'timestamp',
  'retry-after',
]);
