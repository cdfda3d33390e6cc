import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, resolveConfig } from '../../../src/session/config.js';
import { ConfigError } from '../../../src/session/errors.js';
import type { SessionManagerConfig } from '../../../src/session/config-types.js';
import { SiplineError } from '../../../src/util/index.js';

const pkgVersion = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function configError(input: unknown): ConfigError {
  try {
    resolveConfig(input);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('resolveConfig accepted the input');
}

describe('resolveConfig defaults', () => {
  it('fills in every option when given nothing', () => {
    const c = resolveConfig(undefined);
    expect(c).toEqual({
      sip: {
        host: '0.0.0.0',
        port: 5060,
        transports: ['UDP', 'TCP'],
        publicAddress: undefined,
        limits: { maxMessageSize: 65535, maxHeaders: 256, maxHeaderLineLength: 8192 },
        reliableProvisional: 'supported',
      },
      media: { portRange: { min: 10000, max: 20000 }, codecs: ['PCMU', 'PCMA', 'G722'], ptime: 20, dtmfMethod: 'auto', rtpTimeoutMs: 30000, rtpTimeoutAction: 'event', srtp: 'off', srtpSuites: ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] },
      limits: { maxSessions: 1000, overloadResponse: { status: 486 }, maxTransactions: 10000, maxOutgoingSetups: 100 },
      timers: { T1: 500, T2: 4000, T4: 5000 },
      userAgent: `sipline/${pkgVersion}`,
      identity: { uri: 'sip:sipline@localhost', displayName: undefined, isDefault: true },
      close: { timeoutMs: 5000 },
      sessionTimers: { enabled: true, expires: 1800, minSE: 90 },
      quality: { intervalMs: 5000, mosBelow: 3.5, lossAbove: 0.05, jitterAboveMs: 60, rttAboveMs: 400 },
      trace: { maxMessages: 200, maxBytes: 262144 },
      correlation: { generate: expect.any(Function), header: false },
    });
  });

  it('gives the same result for {} as for undefined', () => {
    expect(resolveConfig({})).toEqual(resolveConfig(undefined));
  });

  it('treats undefined values as absent', () => {
    expect(resolveConfig({ sip: { port: undefined }, media: undefined })).toEqual(resolveConfig({}));
  });

  it('returns a deeply frozen value', () => {
    const c = resolveConfig({ sip: { host: '127.0.0.1' } });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.sip)).toBe(true);
    expect(Object.isFrozen(c.sip.transports)).toBe(true);
    expect(Object.isFrozen(c.media.portRange)).toBe(true);
    expect(Object.isFrozen(c.limits.overloadResponse)).toBe(true);
    expect(Object.isFrozen(c.identity)).toBe(true);
    expect(() => { (c.sip.transports as string[]).push('TCP'); }).toThrow(TypeError);
  });

  it('does not share or mutate the defaults', () => {
    const a = resolveConfig({});
    expect(a.sip.transports).not.toBe(CONFIG_DEFAULTS.sip.transports);
    expect(CONFIG_DEFAULTS.media.portRange).toEqual({ min: 10000, max: 20000 });
  });

  it('does not mutate the caller\'s object', () => {
    const input = { sip: { transports: ['udp'] }, media: { portRange: [20000, 20100] } };
    const copy = structuredClone(input);
    resolveConfig(input);
    expect(input).toEqual(copy);
    expect(Object.isFrozen(input.sip)).toBe(false);
  });
});

describe('resolveConfig accepted shapes', () => {
  it('takes the DESIGN.md example', () => {
    expect(resolveConfig({ sip: { port: 5060 } }).sip.port).toBe(5060);
  });

  it.each<[string, SessionManagerConfig, (c: ReturnType<typeof resolveConfig>) => unknown, unknown]>([
    ['a loopback host', { sip: { host: '127.0.0.1' } }, (c) => c.sip.host, '127.0.0.1'],
    ['a bracketed IPv6 host without its brackets', { sip: { host: '[::1]' } }, (c) => c.sip.host, '::1'],
    ['a host name in lower case', { sip: { host: 'PBX.Example.com' } }, (c) => c.sip.host, 'pbx.example.com'],
    ['port 0 for an ephemeral port', { sip: { port: 0 } }, (c) => c.sip.port, 0],
    ['lower-case transports', { sip: { transports: ['tcp', 'udp'] } }, (c) => c.sip.transports, ['TCP', 'UDP']],
    ['a single transport', { sip: { transports: ['UDP'] } }, (c) => c.sip.transports, ['UDP']],
    ['a public IPv4 address', { sip: { publicAddress: '203.0.113.7' } }, (c) => c.sip.publicAddress, { address: '203.0.113.7', port: undefined }],
    ['a public address with a port', { sip: { publicAddress: '203.0.113.7:5080' } }, (c) => c.sip.publicAddress, { address: '203.0.113.7', port: 5080 }],
    ['a public IPv6 address with a port', { sip: { publicAddress: '[2001:db8::1]:5080' } }, (c) => c.sip.publicAddress, { address: '2001:db8::1', port: 5080 }],
    ['a bare public IPv6 address', { sip: { publicAddress: '2001:db8::1' } }, (c) => c.sip.publicAddress, { address: '2001:db8::1', port: undefined }],
    ['a public host name with a port', { sip: { publicAddress: 'sip.example.com:5070' } }, (c) => c.sip.publicAddress, { address: 'sip.example.com', port: 5070 }],
    ['a public address object', { sip: { publicAddress: { address: '198.51.100.1', port: 6000 } } }, (c) => c.sip.publicAddress, { address: '198.51.100.1', port: 6000 }],
    ['a partial sip.limits', { sip: { limits: { maxHeaders: 64 } } }, (c) => c.sip.limits, { maxMessageSize: 65535, maxHeaders: 64, maxHeaderLineLength: 8192 }],
    ['a port range object', { media: { portRange: { min: 30000, max: 30100 } } }, (c) => c.media.portRange, { min: 30000, max: 30100 }],
    ['a port range pair', { media: { portRange: [30000, 30100] } }, (c) => c.media.portRange, { min: 30000, max: 30100 }],
    ['a two-port range starting even', { media: { portRange: [40000, 40001] } }, (c) => c.media.portRange, { min: 40000, max: 40001 }],
    ['codecs in any case and order', { media: { codecs: ['pcma', 'PCMU'] } }, (c) => c.media.codecs, ['PCMA', 'PCMU']],
    ['a ptime of 30', { media: { ptime: 30 } }, (c) => c.media.ptime, 30],
    ['overload 503 with the default Retry-After', { limits: { overloadResponse: 503 } }, (c) => c.limits.overloadResponse, { status: 503, retryAfter: 5 }],
    ['overload 503 with a Retry-After', { limits: { overloadResponse: { status: 503, retryAfter: 30 } } }, (c) => c.limits.overloadResponse, { status: 503, retryAfter: 30 }],
    ['overload 486 as an object', { limits: { overloadResponse: { status: 486 } } }, (c) => c.limits.overloadResponse, { status: 486 }],
    ['a max sessions of 2', { limits: { maxSessions: 2 } }, (c) => c.limits.maxSessions, 2],
    ['partial timers', { timers: { T1: 100 } }, (c) => c.timers, { T1: 100, T2: 4000, T4: 5000 }],
    ['T2 equal to T1', { timers: { T1: 4000, T2: 4000 } }, (c) => c.timers, { T1: 4000, T2: 4000, T4: 5000 }],
    ['a custom user agent, trimmed', { userAgent: ' MyApp/1.0 ' }, (c) => c.userAgent, 'MyApp/1.0'],
    ['a close timeout of 0', { close: { timeoutMs: 0 } }, (c) => c.close.timeoutMs, 0],
  ])('accepts %s', (_name, input, pick, expected) => {
    expect(pick(resolveConfig(input))).toEqual(expected);
  });
});

describe('resolveConfig identity', () => {
  it.each<[string, SessionManagerConfig['identity'], object]>([
    ['a SIP URI', 'sip:alice@example.com', { uri: 'sip:alice@example.com', displayName: undefined }],
    ['a SIPS URI with port and params', 'SIPS:bob@example.com:5061;transport=tcp', { uri: 'sips:bob@example.com:5061;transport=tcp' }],
    ['a URI with an IPv6 host', 'sip:alice@[2001:db8::1]', { uri: 'sip:alice@[2001:db8::1]' }],
    ['a quoted name-addr', '"Alice \\"A\\" Smith" <sip:alice@example.com>', { uri: 'sip:alice@example.com', displayName: 'Alice "A" Smith' }],
    ['an unquoted name-addr', 'Alice <sip:alice@example.com>', { uri: 'sip:alice@example.com', displayName: 'Alice' }],
    ['a bare name-addr', '<sip:alice@example.com>', { uri: 'sip:alice@example.com', displayName: undefined }],
    ['an object', { uri: 'sip:alice@example.com', displayName: 'Alice' }, { uri: 'sip:alice@example.com', displayName: 'Alice' }],
  ])('accepts %s', (_name, identity, expected) => {
    expect(resolveConfig({ identity }).identity).toMatchObject({ ...expected, isDefault: false });
  });

  it('defaults to sipline at the public address, then at a specific bind address', () => {
    expect(resolveConfig({ sip: { host: '127.0.0.1', publicAddress: '203.0.113.7:5080' } }).identity.uri).toBe('sip:sipline@203.0.113.7');
    expect(resolveConfig({ sip: { host: '127.0.0.1' } }).identity.uri).toBe('sip:sipline@127.0.0.1');
    expect(resolveConfig({ sip: { host: '::1' } }).identity.uri).toBe('sip:sipline@[::1]');
    expect(resolveConfig({ sip: { host: '::' } }).identity).toMatchObject({ uri: 'sip:sipline@localhost', isDefault: true });
  });
});

describe('resolveConfig errors', () => {
  it.each<[string, unknown, string, RegExp?]>([
    ['a non-object config', 42, 'config'],
    ['a null config', null, 'config'],
    ['an array config', [], 'config'],
    ['an unknown top-level key', { sipp: {} }, 'sipp', /did you mean sip\?/],
    ['a typo of userAgent', { useragent: 'x' }, 'useragent', /did you mean userAgent\?/],
    ['an unknown key far from any', { frobnicate: 1 }, 'frobnicate', /known options: sip, media/],
    ['an unknown nested key', { sip: { prot: 5060 } }, 'sip.prot', /did you mean sip\.port\?/],
    ['a non-object section', { sip: 'udp' }, 'sip', /must be an object/],
    ['a class instance as a section', { sip: new Date() }, 'sip', /plain object/],
    ['a port as a string', { sip: { port: '5060' } }, 'sip.port', /integer/],
    ['a negative port', { sip: { port: -1 } }, 'sip.port', /0 to 65535/],
    ['a port above 65535', { sip: { port: 65536 } }, 'sip.port'],
    ['a fractional port', { sip: { port: 5060.5 } }, 'sip.port'],
    ['a bad IPv4 host', { sip: { host: '300.1.1.1' } }, 'sip.host', /IPv4/],
    ['a host with spaces', { sip: { host: 'my host' } }, 'sip.host'],
    ['an empty host', { sip: { host: '' } }, 'sip.host'],
    ['a host as a number', { sip: { host: 127 } }, 'sip.host', /string/],
    ['bad brackets', { sip: { host: '[127.0.0.1]' } }, 'sip.host', /IPv6/],
    ['transports not an array', { sip: { transports: 'udp' } }, 'sip.transports', /array/],
    ['an empty transports list', { sip: { transports: [] } }, 'sip.transports', /empty/],
    ['an unknown transport', { sip: { transports: ['UDP', 'SCTP'] } }, 'sip.transports[1]'],
    ['TLS without a certificate', { sip: { transports: ['tls'] } }, 'sip.tls', /certificate and key/],
    ['a duplicate transport', { sip: { transports: ['udp', 'UDP'] } }, 'sip.transports[1]', /twice/],
    ['a non-string transport', { sip: { transports: [17] } }, 'sip.transports[0]'],
    ['a wildcard public address', { sip: { publicAddress: '0.0.0.0' } }, 'sip.publicAddress', /cannot be advertised/],
    ['a public address with a bad port', { sip: { publicAddress: '203.0.113.7:99999' } }, 'sip.publicAddress', /1 to 65535/],
    ['a public address with a text port', { sip: { publicAddress: '203.0.113.7:http' } }, 'sip.publicAddress', /invalid port/],
    ['a public address object with a bad address', { sip: { publicAddress: { address: 'a b' } } }, 'sip.publicAddress.address'],
    ['a public address object with port 0', { sip: { publicAddress: { address: '203.0.113.7', port: 0 } } }, 'sip.publicAddress.port'],
    ['a tiny message size limit', { sip: { limits: { maxMessageSize: 100 } } }, 'sip.limits.maxMessageSize'],
    ['an unknown sip.limits key', { sip: { limits: { maxBody: 1 } } }, 'sip.limits.maxBody'],
    ['a port range min above max', { media: { portRange: { min: 20000, max: 10000 } } }, 'media.portRange', /greater than max/],
    ['a one-port range', { media: { portRange: [10000, 10000] } }, 'media.portRange', /no even RTP port/],
    ['a range with no even-odd pair', { media: { portRange: [10001, 10002] } }, 'media.portRange', /no even RTP port/],
    ['a privileged port range', { media: { portRange: { min: 80, max: 2000 } } }, 'media.portRange.min', /1024 to 65535/],
    ['a range max above 65535', { media: { portRange: { min: 10000, max: 70000 } } }, 'media.portRange.max'],
    ['a range pair with a bad element', { media: { portRange: [10000, 'x'] } }, 'media.portRange[1]'],
    ['a range pair of three', { media: { portRange: [1, 2, 3] } }, 'media.portRange', /\[min, max\]/],
    ['a range object missing max', { media: { portRange: { min: 10000 } } }, 'media.portRange.max', /required/],
    ['a range object with a typo', { media: { portRange: { min: 10000, mx: 20000 } } }, 'media.portRange.mx', /did you mean media\.portRange\.max\?/],
    ['an unknown codec', { media: { codecs: ['PCMU', 'OPUS'] } }, 'media.codecs[1]', /PCMU, PCMA, G722/],
    ['telephone-event listed as a codec', { media: { codecs: ['telephone-event'] } }, 'media.codecs[0]', /always offered/],
    ['an empty codec list', { media: { codecs: [] } }, 'media.codecs', /empty/],
    ['a duplicate codec', { media: { codecs: ['PCMU', 'pcmu'] } }, 'media.codecs[1]', /twice/],
    ['a ptime of 25', { media: { ptime: 25 } }, 'media.ptime', /multiple of 10/],
    ['a ptime of 0', { media: { ptime: 0 } }, 'media.ptime'],
    ['zero max sessions', { limits: { maxSessions: 0 } }, 'limits.maxSessions'],
    ['infinite max sessions', { limits: { maxSessions: Infinity } }, 'limits.maxSessions', /integer/],
    ['an overload status of 500', { limits: { overloadResponse: 500 } }, 'limits.overloadResponse', /486 or 503/],
    ['an overload object with a bad status', { limits: { overloadResponse: { status: 480 } } }, 'limits.overloadResponse.status'],
    ['a Retry-After with 486', { limits: { overloadResponse: { status: 486, retryAfter: 5 } } }, 'limits.overloadResponse.retryAfter', /only applies to status 503/],
    ['a zero Retry-After', { limits: { overloadResponse: { status: 503, retryAfter: 0 } } }, 'limits.overloadResponse.retryAfter'],
    ['zero max transactions', { limits: { maxTransactions: 0 } }, 'limits.maxTransactions'],
    ['zero outgoing set-ups', { limits: { maxOutgoingSetups: 0 } }, 'limits.maxOutgoingSetups'],
    ['a zero T1', { timers: { T1: 0 } }, 'timers.T1'],
    ['a lower-case timer name', { timers: { t1: 500 } }, 'timers.t1', /did you mean timers\.T1\?/],
    ['T2 below T1', { timers: { T1: 1000, T2: 900 } }, 'timers.T2', /must not be smaller than T1/],
    ['T1 above the default T2', { timers: { T1: 5000 } }, 'timers.T1', /must not be smaller than T1/],
    ['a negative T4', { timers: { T4: -5 } }, 'timers.T4'],
    ['an empty user agent', { userAgent: '   ' }, 'userAgent', /empty/],
    ['a user agent with a line break', { userAgent: 'a\r\nVia: evil' }, 'userAgent', /control characters/],
    ['a user agent too long', { userAgent: 'x'.repeat(257) }, 'userAgent', /at most 256/],
    ['an identity that is not a URI', { identity: 'alice' }, 'identity', /neither a SIP URI/],
    ['an identity with a tel: URI', { identity: 'tel:+15551234' }, 'identity'],
    ['an identity with a bad host', { identity: 'sip:alice@300.1.1.1' }, 'identity'],
    ['an identity with a bad port', { identity: 'sip:alice@example.com:70000' }, 'identity', /out of range/],
    ['an identity object without uri', { identity: { displayName: 'A' } }, 'identity.uri'],
    ['an identity object with a bad uri', { identity: { uri: 'http://example.com' } }, 'identity.uri'],
    ['an identity display name with a line break', { identity: { uri: 'sip:a@b.c', displayName: 'A\nB' } }, 'identity.displayName'],
    ['an unknown identity key', { identity: { uri: 'sip:a@b.c', name: 'A' } }, 'identity.name'],
    ['a negative close timeout', { close: { timeoutMs: -1 } }, 'close.timeoutMs'],
  ])('rejects %s, naming the option', (_name, input, option, message) => {
    const err = configError(input);
    expect(err).toBeInstanceOf(SiplineError);
    expect(err.code).toBe('ERR_INVALID_CONFIG');
    expect(err.name).toBe('ConfigError');
    expect(err.option).toBe(option);
    expect(err.message).toContain(option === 'config' ? 'config' : option);
    if (message !== undefined) expect(err.message).toMatch(message);
  });
});
