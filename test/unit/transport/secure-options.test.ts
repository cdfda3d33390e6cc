import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/session/config.js';
import { ConfigError } from '../../../src/session/errors.js';
import { aliasHostsOf, defaultListenPorts, validateTransportOptions } from '../../../src/transport/secure-options.js';
import { createTlsDialect } from '../../../src/transport/tls-dialect.js';
import { TransportError } from '../../../src/transport/index.js';
import { zeroCounters } from '../../../src/transport/types.js';
import { InvalidArgumentError } from '../../../src/util/index.js';
import { rawRequest, req } from './helpers.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('validateTransportOptions', () => {
  it('accepts every RFC transport name and rejects others', () => {
    expect(() => validateTransportOptions(['UDP', 'TCP', 'WS'], {})).not.toThrow();
    expect(() => validateTransportOptions(['SCTP' as never], {})).toThrow(InvalidArgumentError);
  });

  it('requires a certificate and key for TLS and WSS', () => {
    for (const t of ['TLS', 'WSS'] as const) {
      expect(() => validateTransportOptions([t], {})).toThrow(/tls\.cert/);
    }
    expect(() => validateTransportOptions(['TLS'], { tls: { cert: '', key: PEM } })).toThrow(/tls\.cert/);
    expect(() => validateTransportOptions(['TLS'], { tls: { cert: PEM, key: Buffer.alloc(0) } })).toThrow(/tls\.key/);
    expect(() => validateTransportOptions(['TLS'], { tls: { cert: PEM, key: Buffer.from(PEM) } })).not.toThrow();
  });

  it('rejects non-positive timeouts and limits', () => {
    expect(() => validateTransportOptions(['UDP'], { tcpIdleTimeoutMs: 0 })).toThrow(/tcpIdleTimeoutMs/);
    expect(() => validateTransportOptions(['UDP'], { maxTcpConnections: Number.NaN })).toThrow(/maxTcpConnections/);
  });

  it('checks ports and paths of the listeners', () => {
    const tls = { cert: PEM, key: PEM };
    expect(() => validateTransportOptions(['TLS'], { tls: { ...tls, port: 70000 } })).toThrow(/tls\.port/);
    expect(() => validateTransportOptions(['WS'], { ws: { port: -1 } })).toThrow(/ws\.port/);
    expect(() => validateTransportOptions(['WS'], { ws: { path: 'sip' } })).toThrow(/ws\.path/);
    expect(() => validateTransportOptions(['WSS'], { tls, wss: { path: '/sip', port: 7443 } })).not.toThrow();
  });
});

describe('defaultListenPorts', () => {
  it('puts TLS next to a fixed SIP port and WS/WSS on 5066/7443', () => {
    expect(defaultListenPorts(5060, {})).toEqual({ TLS: 5061, WS: 5066, WSS: 7443 });
  });

  it('uses ephemeral ports when the SIP port is 0, and configured ports always', () => {
    expect(defaultListenPorts(0, {})).toEqual({ TLS: 0, WS: 0, WSS: 0 });
    expect(defaultListenPorts(5060, { tls: { cert: PEM, key: PEM, port: 6000 }, ws: { port: 8080 }, wss: { port: 8443 } }))
      .toEqual({ TLS: 6000, WS: 8080, WSS: 8443 });
  });
});

describe('aliasHostsOf', () => {
  it('collects the .invalid names a browser uses in its Via and Contact', () => {
    const r = req(rawRequest({
      via: 'SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bKx',
      extra: ['Contact: <sip:k2@r4nd0m.invalid;transport=ws>'],
    }));
    expect(aliasHostsOf(r)).toEqual(['df7jal23ls0d.invalid', 'r4nd0m.invalid']);
  });

  it('ignores numeric hosts and duplicates', () => {
    const r = req(rawRequest({
      via: 'SIP/2.0/WS 127.0.0.1:5000;branch=z9hG4bKx',
      extra: ['Contact: <sip:a@127.0.0.1:5000;transport=ws>', 'Contact: <sip:b@phone.invalid>', 'Contact: <sip:c@phone.invalid>'],
    }));
    expect(aliasHostsOf(r)).toEqual(['phone.invalid']);
  });
});

describe('the TLS dialect', () => {
  it('classifies certificate failures as ERR_TRANSPORT_TLS and counts them', () => {
    const counters = zeroCounters();
    const d = createTlsDialect({ cert: PEM, key: PEM }, counters);
    const remote = { address: '127.0.0.1', port: 5061 };
    const cert = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    const e1 = d.connectError(remote, cert, true);
    expect(e1).toBeInstanceOf(TransportError);
    expect(e1.code).toBe('ERR_TRANSPORT_TLS');
    expect(e1.cause).toBe(cert);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(d.connectError(remote, refused, false).code).toBe('ERR_TRANSPORT_CONNECT');
    expect(counters.tlsHandshakeFailures).toBe(1);
  });
});

describe('resolveConfig: sip.tls, sip.ws, sip.wss', () => {
  it('accepts TLS, WS and WSS with a certificate and keeps verification on by default', () => {
    const c = resolveConfig({ sip: { transports: ['udp', 'tls', 'ws', 'wss'], tls: { cert: PEM, key: Buffer.from(PEM) }, ws: { path: '/sip' } } });
    expect(c.sip.transports).toEqual(['UDP', 'TLS', 'WS', 'WSS']);
    expect(c.sip.tls).toMatchObject({ cert: PEM, key: PEM, rejectUnauthorized: true, requestCert: false, ca: undefined });
    expect(c.sip.ws).toEqual({ port: undefined, path: '/sip' });
    expect(c.sip.wss).toBeUndefined();
    expect(Object.isFrozen(c.sip.tls)).toBe(true);
  });

  it('names the offending option', () => {
    const cases: [unknown, string][] = [
      [{ sip: { transports: ['WSS'] } }, 'sip.tls'],
      [{ sip: { tls: { key: PEM } } }, 'sip.tls.cert'],
      [{ sip: { tls: { cert: PEM, key: PEM, rejectUnauthorized: 'no' } } }, 'sip.tls.rejectUnauthorized'],
      [{ sip: { tls: { cert: PEM, key: PEM, ca: [PEM, 3] } } }, 'sip.tls.ca[1]'],
      [{ sip: { tls: { cert: PEM, key: PEM, servername: 'not a name' } } }, 'sip.tls.servername'],
      [{ sip: { tls: { cert: PEM, key: PEM, verify: true } } }, 'sip.tls.verify'],
      [{ sip: { ws: { path: 'sip' } } }, 'sip.ws.path'],
      [{ sip: { wss: { port: 99999 } } }, 'sip.wss.port'],
    ];
    for (const [config, option] of cases) {
      let err: unknown;
      try { resolveConfig(config); } catch (e) { err = e; }
      expect(err, JSON.stringify(config)).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).option, JSON.stringify(config)).toBe(option);
    }
  });
});
