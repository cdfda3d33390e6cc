/**
 * Resolution of the secure and web transport options `sip.tls`, `sip.ws` and `sip.wss`
 * (see docs/secure-transports.md).
 *
 * @module
 */
import { checkInteger, checkSection, describe } from './config-checks.js';
import type { ResolvedTlsConfig, ResolvedWsConfig, TransportName } from './config-types.js';
import { ConfigError } from './errors.js';

const TLS_KEYS = ['port', 'cert', 'key', 'ca', 'rejectUnauthorized', 'requestCert', 'servername', 'handshakeTimeoutMs'] as const;

function pem(value: unknown, path: string): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (Buffer.isBuffer(value) && value.byteLength > 0) return value.toString('utf8');
  throw new ConfigError(path, `must be PEM text (a string or a Buffer), got ${describe(value)}`);
}

function bool(value: unknown, path: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigError(path, `must be true or false, got ${describe(value)}`);
  return value;
}

/**
 * Validate `sip.tls`: PEM certificate and key (required), optional CA (one or a list),
 * verification on by default, optional port, SNI name and handshake timeout.
 * Buffers are turned into strings so the resolved configuration can be frozen.
 *
 * @throws ConfigError naming the offending option
 */
export function resolveTlsConfig(value: unknown): ResolvedTlsConfig | undefined {
  if (value === undefined) return undefined;
  const t = checkSection(value, 'sip.tls', TLS_KEYS);
  let ca: readonly string[] | undefined;
  if (t.ca !== undefined) {
    ca = Array.isArray(t.ca) ? t.ca.map((c: unknown, i) => pem(c, `sip.tls.ca[${i}]`)) : [pem(t.ca, 'sip.tls.ca')];
    if (ca.length === 0) throw new ConfigError('sip.tls.ca', 'must not be empty');
  }
  if (t.servername !== undefined && (typeof t.servername !== 'string' || !/^[A-Za-z0-9.-]{1,253}$/.test(t.servername))) {
    throw new ConfigError('sip.tls.servername', `must be a host name, got ${describe(t.servername)}`);
  }
  return {
    port: t.port === undefined ? undefined : checkInteger(t.port, 'sip.tls.port', 0, 65535),
    cert: pem(t.cert, 'sip.tls.cert'),
    key: pem(t.key, 'sip.tls.key'),
    ca,
    rejectUnauthorized: bool(t.rejectUnauthorized, 'sip.tls.rejectUnauthorized', true),
    requestCert: bool(t.requestCert, 'sip.tls.requestCert', false),
    servername: t.servername as string | undefined,
    handshakeTimeoutMs: t.handshakeTimeoutMs === undefined ? 10_000 : checkInteger(t.handshakeTimeoutMs, 'sip.tls.handshakeTimeoutMs', 100, 600_000),
  };
}

/**
 * Validate `sip.ws` or `sip.wss`: an optional port and an optional upgrade path starting with `/`
 * (`undefined` when not given: defaults apply).
 *
 * @throws ConfigError naming the offending option
 */
export function resolveWsConfig(value: unknown, path: 'sip.ws' | 'sip.wss'): ResolvedWsConfig | undefined {
  if (value === undefined) return undefined;
  const w = checkSection(value, path, ['port', 'path']);
  if (w.path !== undefined && (typeof w.path !== 'string' || !/^\/[\x21-\x7e]*$/.test(w.path))) {
    throw new ConfigError(`${path}.path`, `must be a URL path starting with "/", got ${describe(w.path)}`);
  }
  return {
    port: w.port === undefined ? undefined : checkInteger(w.port, `${path}.port`, 0, 65535),
    path: w.path as string | undefined,
  };
}

/**
 * `TLS` and `WSS` need `sip.tls` (certificate and key).
 * @throws ConfigError on `sip.tls` when it is missing
 */
export function checkTransportsHaveTls(transports: readonly TransportName[], tls: ResolvedTlsConfig | undefined): void {
  const secure = transports.filter((t) => t === 'TLS' || t === 'WSS');
  if (secure.length > 0 && tls === undefined) {
    throw new ConfigError('sip.tls', `${secure.join(' and ')} need a certificate and key: set sip.tls.cert and sip.tls.key`);
  }
}
