/**
 * `resolveConfig`: validate the object given to `SessionManager.new(config)` and fill in every
 * default. Every problem is a {@link ConfigError} whose `option` names the key path
 * (`media.portRange.min`, `sip.transports[1]`), thrown before anything starts.
 *
 * @module
 */
import { isIPv6 } from 'node:net';
import { resolveAuthenticate, resolveCredentials, resolveOutboundProxy } from './config-auth.js';
import {
  checkHeaderText,
  checkHost,
  checkInteger,
  checkSection,
  deepFreeze,
  describe,
  isUnspecifiedAddress,
} from './config-checks.js';
import {
  DEFAULT_RETRY_AFTER_SECONDS,
  SUPPORTED_CODECS,
  SUPPORTED_TRANSPORTS,
} from './config-types.js';
import type {
  CodecName,
  OverloadResponse,
  PortRange,
  PublicAddress,
  ResolvedConfig,
  TransportName,
} from './config-types.js';
import { ConfigError } from './errors.js';
import { DTMF_METHODS, RELIABLE_PROVISIONAL_MODES, checkChoice } from './config-choice.js';
import type { DtmfMethod, ReliableProvisionalMode } from './config-types.js';
import { resolveCorrelation, resolveQuality, resolveRtpTimeout, resolveTrace } from './config-observability.js';
import { checkTransportsHaveTls, resolveTlsConfig, resolveWsConfig } from './config-transports.js';
import { resolveIdentity } from './identity.js';
import { resolveSrtp } from './config-srtp.js';
import { resolveSessionTimers } from './session-timer-config.js';
import { DEFAULT_USER_AGENT } from './version.js';

/** Default values of every option except `identity` (which depends on the advertised host). */
export const CONFIG_DEFAULTS = deepFreeze({
  sip: {
    host: '0.0.0.0',
    port: 5060,
    transports: ['UDP', 'TCP'] as readonly TransportName[],
    limits: { maxMessageSize: 65535, maxHeaders: 256, maxHeaderLineLength: 8192 },
    reliableProvisional: 'supported' as ReliableProvisionalMode,
  },
  media: {
    portRange: { min: 10000, max: 20000 } as PortRange,
    codecs: ['PCMU', 'PCMA', 'G722'] as readonly CodecName[],
    ptime: 20,
    dtmfMethod: 'auto' as DtmfMethod,
  },
  limits: {
    maxSessions: 1000,
    overloadResponse: { status: 486 } as OverloadResponse,
    maxTransactions: 10000,
    maxOutgoingSetups: 100,
  },
  timers: { T1: 500, T2: 4000, T4: 5000 },
  userAgent: DEFAULT_USER_AGENT,
  close: { timeoutMs: 5000 },
});

const TOP_KEYS = ['sip', 'media', 'limits', 'timers', 'userAgent', 'identity', 'close', 'sessionTimers', 'quality', 'trace', 'correlation', 'credentials', 'authenticate'] as const;

/**
 * Validate a `SessionManager.new` configuration and resolve every default.
 *
 * Unknown keys are rejected at every level (with a "did you mean" hint for near misses), as are
 * wrong types and out-of-range values. `undefined` values mean "use the default".
 *
 * @param input - a {@link SessionManagerConfig}, or `undefined` for all defaults
 * @returns the resolved configuration, deeply frozen
 * @throws ConfigError naming the first offending option
 */
export function resolveConfig(input: unknown): ResolvedConfig {
  const top = input === undefined ? {} : checkSection(input, '', TOP_KEYS);
  const sip = resolveSip(top.sip);
  const advertised = sip.publicAddress?.address ?? (isUnspecifiedAddress(sip.host) ? 'localhost' : sip.host);
  const resolved: ResolvedConfig = {
    sip,
    media: resolveMedia(top.media),
    limits: resolveLimits(top.limits),
    timers: resolveTimers(top.timers),
    userAgent: top.userAgent === undefined ? CONFIG_DEFAULTS.userAgent : checkHeaderText(top.userAgent, 'userAgent', 256),
    identity: resolveIdentity(top.identity, advertised),
    close: resolveClose(top.close),
    quality: resolveQuality(top.quality),
    trace: resolveTrace(top.trace),
    correlation: resolveCorrelation(top.correlation),
    sessionTimers: resolveSessionTimers(top.sessionTimers),
    ...(top.credentials !== undefined ? { credentials: resolveCredentials(top.credentials) } : {}),
    ...(top.authenticate !== undefined ? { authenticate: resolveAuthenticate(top.authenticate) } : {}),
  };
  return deepFreeze(resolved);
}

function section(value: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  return value === undefined ? {} : checkSection(value, path, keys);
}

function resolveSip(value: unknown): ResolvedConfig['sip'] {
  const s = section(value, 'sip', ['host', 'port', 'transports', 'publicAddress', 'limits', 'reliableProvisional', 'outboundProxy', 'tls', 'ws', 'wss']);
  const d = CONFIG_DEFAULTS.sip;
  const l = section(s.limits, 'sip.limits', ['maxMessageSize', 'maxHeaders', 'maxHeaderLineLength']);
  const transports = s.transports === undefined ? [...d.transports] : resolveTransports(s.transports);
  const tls = resolveTlsConfig(s.tls);
  checkTransportsHaveTls(transports, tls);
  return {
    host: s.host === undefined ? d.host : checkHost(s.host, 'sip.host'),
    port: s.port === undefined ? d.port : checkInteger(s.port, 'sip.port', 0, 65535),
    transports,
    publicAddress: s.publicAddress === undefined ? undefined : resolvePublicAddress(s.publicAddress),
    limits: {
      maxMessageSize: opt(l.maxMessageSize, 'sip.limits.maxMessageSize', 1024, 16 * 1024 * 1024, d.limits.maxMessageSize),
      maxHeaders: opt(l.maxHeaders, 'sip.limits.maxHeaders', 16, 10000, d.limits.maxHeaders),
      maxHeaderLineLength: opt(l.maxHeaderLineLength, 'sip.limits.maxHeaderLineLength', 256, 1024 * 1024, d.limits.maxHeaderLineLength),
    },
    reliableProvisional: checkChoice(s.reliableProvisional, 'sip.reliableProvisional', RELIABLE_PROVISIONAL_MODES, d.reliableProvisional),
    tls,
    ws: resolveWsConfig(s.ws, 'sip.ws'),
    wss: resolveWsConfig(s.wss, 'sip.wss'),
    ...(s.outboundProxy !== undefined ? { outboundProxy: resolveOutboundProxy(s.outboundProxy) } : {}),
  };
}

function opt(value: unknown, path: string, min: number, max: number, fallback: number): number {
  return value === undefined ? fallback : checkInteger(value, path, min, max);
}

/** Pick names from `supported` case-insensitively, rejecting unknown names and duplicates. */
function resolveNames<T extends string>(
  value: unknown,
  path: string,
  supported: readonly T[],
  explain: (name: string) => string | undefined,
): T[] {
  if (!Array.isArray(value)) throw new ConfigError(path, `must be an array, got ${describe(value)}`);
  if (value.length === 0) throw new ConfigError(path, 'must not be empty');
  const out: T[] = [];
  value.forEach((item: unknown, i) => {
    const p = `${path}[${i}]`;
    if (typeof item !== 'string') throw new ConfigError(p, `must be a string, got ${describe(item)}`);
    const name = supported.find((n) => n.toLowerCase() === item.toLowerCase());
    if (name === undefined) {
      throw new ConfigError(p, explain(item) ?? `${describe(item)} is not one of ${supported.join(', ')}`);
    }
    if (out.includes(name)) throw new ConfigError(p, `${name} is listed twice`);
    out.push(name);
  });
  return out;
}

function resolveTransports(value: unknown): TransportName[] {
  return resolveNames(value, 'sip.transports', SUPPORTED_TRANSPORTS, () => undefined);
}

function resolvePublicAddress(value: unknown): PublicAddress {
  const path = 'sip.publicAddress';
  let host: unknown;
  let port: unknown;
  let hostPath = path;
  let portPath = path;
  if (typeof value === 'string') {
    const text = value.trim();
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
    if (bracketed !== null) [, host, port] = bracketed;
    else if (isIPv6(text) || !text.includes(':')) host = text;
    else {
      const at = text.lastIndexOf(':');
      host = text.slice(0, at);
      port = text.slice(at + 1);
    }
    if (typeof port === 'string') {
      if (!/^\d{1,5}$/.test(port)) throw new ConfigError(path, `${describe(value)} has an invalid port`);
      port = Number(port);
    }
  } else {
    const o = checkSection(value, path, ['address', 'port']);
    host = o.address;
    port = o.port;
    hostPath = `${path}.address`;
    portPath = `${path}.port`;
  }
  const address = checkHost(host, hostPath);
  if (isUnspecifiedAddress(address)) throw new ConfigError(hostPath, `${address} cannot be advertised`);
  return { address, port: port === undefined ? undefined : checkInteger(port, portPath, 1, 65535) };
}

function resolveMedia(value: unknown): ResolvedConfig['media'] {
  const m = section(value, 'media', ['portRange', 'codecs', 'ptime', 'dtmfMethod', 'rtpTimeoutMs', 'rtpTimeoutAction', 'srtp', 'srtpSuites']);
  const d = CONFIG_DEFAULTS.media;
  let ptime = d.ptime;
  if (m.ptime !== undefined) {
    ptime = checkInteger(m.ptime, 'media.ptime', 10, 120);
    if (ptime % 10 !== 0) throw new ConfigError('media.ptime', `must be a multiple of 10, got ${ptime}`);
  }
  return {
    portRange: m.portRange === undefined ? { ...d.portRange } : resolvePortRange(m.portRange),
    codecs: m.codecs === undefined ? [...d.codecs] : resolveNames(m.codecs, 'media.codecs', SUPPORTED_CODECS, (name) =>
      /^telephone-event$/i.test(name) ? 'telephone-event is always offered; list audio codecs only' : undefined,
    ),
    ptime,
    dtmfMethod: checkChoice(m.dtmfMethod, 'media.dtmfMethod', DTMF_METHODS, d.dtmfMethod),
    ...resolveRtpTimeout(m),
    ...resolveSrtp(m),
  };
}

function resolvePortRange(value: unknown): PortRange {
  const path = 'media.portRange';
  let min: number;
  let max: number;
  if (Array.isArray(value)) {
    if (value.length !== 2) throw new ConfigError(path, `must be [min, max], got ${value.length} elements`);
    min = checkInteger(value[0], `${path}[0]`, 1024, 65535);
    max = checkInteger(value[1], `${path}[1]`, 1024, 65535);
  } else {
    const o = checkSection(value, path, ['min', 'max']);
    if (o.min === undefined) throw new ConfigError(`${path}.min`, 'is required');
    if (o.max === undefined) throw new ConfigError(`${path}.max`, 'is required');
    min = checkInteger(o.min, `${path}.min`, 1024, 65535);
    max = checkInteger(o.max, `${path}.max`, 1024, 65535);
  }
  if (min > max) throw new ConfigError(path, `min (${min}) is greater than max (${max})`);
  const firstEven = min % 2 === 0 ? min : min + 1;
  if (firstEven + 1 > max) {
    throw new ConfigError(path, `${min}-${max} holds no even RTP port with its odd RTCP port`);
  }
  return { min, max };
}

function resolveLimits(value: unknown): ResolvedConfig['limits'] {
  const l = section(value, 'limits', ['maxSessions', 'overloadResponse', 'maxTransactions', 'maxOutgoingSetups']);
  const d = CONFIG_DEFAULTS.limits;
  return {
    maxSessions: opt(l.maxSessions, 'limits.maxSessions', 1, 1_000_000, d.maxSessions),
    overloadResponse: l.overloadResponse === undefined ? { ...d.overloadResponse } : resolveOverload(l.overloadResponse),
    maxTransactions: opt(l.maxTransactions, 'limits.maxTransactions', 1, 1_000_000, d.maxTransactions),
    maxOutgoingSetups: opt(l.maxOutgoingSetups, 'limits.maxOutgoingSetups', 1, 100_000, d.maxOutgoingSetups),
  };
}

function resolveOverload(value: unknown): OverloadResponse {
  const path = 'limits.overloadResponse';
  let status: unknown = value;
  let retryAfter: unknown;
  let statusPath = path;
  if (typeof value === 'object') {
    const o = checkSection(value, path, ['status', 'retryAfter']);
    status = o.status;
    retryAfter = o.retryAfter;
    statusPath = `${path}.status`;
  }
  if (status === 486) {
    if (retryAfter !== undefined) throw new ConfigError(`${path}.retryAfter`, 'only applies to status 503');
    return { status: 486 };
  }
  if (status === 503) {
    return {
      status: 503,
      retryAfter: opt(retryAfter, `${path}.retryAfter`, 1, 86400, DEFAULT_RETRY_AFTER_SECONDS),
    };
  }
  throw new ConfigError(statusPath, `must be 486 or 503, got ${describe(status)}`);
}

function resolveTimers(value: unknown): ResolvedConfig['timers'] {
  const t = section(value, 'timers', ['T1', 'T2', 'T4']);
  const d = CONFIG_DEFAULTS.timers;
  const T1 = opt(t.T1, 'timers.T1', 1, 60_000, d.T1);
  const T2 = opt(t.T2, 'timers.T2', 1, 600_000, d.T2);
  const T4 = opt(t.T4, 'timers.T4', 1, 600_000, d.T4);
  if (T2 < T1) {
    const which = t.T2 === undefined ? 'timers.T1' : 'timers.T2';
    throw new ConfigError(which, `T2 (${T2}) must not be smaller than T1 (${T1})`);
  }
  return { T1, T2, T4 };
}

function resolveClose(value: unknown): ResolvedConfig['close'] {
  const c = section(value, 'close', ['timeoutMs']);
  return { timeoutMs: opt(c.timeoutMs, 'close.timeoutMs', 0, 300_000, CONFIG_DEFAULTS.close.timeoutMs) };
}
