import { describe, expect, it } from 'vitest';
import { NameAddr, SipParseError, Via, parseContact, parseVia } from '../../../src/sip/index.js';

describe('NameAddr', () => {
  it('reads a quoted display name with escapes, the URI and the tag', () => {
    const n = NameAddr.parse('"Alice \\"Al\\" Smith" <sip:alice@atlanta.com;transport=tcp>;tag=1928301774;x');
    expect(n.displayName).toBe('Alice "Al" Smith');
    expect(n.uri.transport).toBe('tcp');
    expect(n.tag).toBe('1928301774');
    expect(n.params.get('x')).toBeNull();
    expect(n.toString()).toBe('"Alice \\"Al\\" Smith" <sip:alice@atlanta.com;transport=tcp>;tag=1928301774;x');
  });

  it('treats parameters after an addr-spec as header parameters', () => {
    const n = NameAddr.parse('sip:bob@biloxi.com;tag=a6c85cf');
    expect(n.displayName).toBeUndefined();
    expect(n.uri.params.size).toBe(0);
    expect(n.tag).toBe('a6c85cf');
  });

  it('withTag and withParam return copies', () => {
    const n = NameAddr.parse('<sip:bob@biloxi.com>');
    const t = n.withTag('xyz');
    expect(t.tag).toBe('xyz');
    expect(n.tag).toBeUndefined();
    expect(t.withParam('tag', undefined).params.size).toBe(0);
  });

  it('reads Contact expires and q, and the * value', () => {
    const c = parseContact('<sip:a@b.example>;expires=3600;q=0.7');
    expect(c.star).toBe(false);
    expect((c as NameAddr).expires).toBe(3600);
    expect((c as NameAddr).q).toBe(0.7);
    expect(parseContact(' * ')).toEqual({ star: true });
  });

  it.each([
    ['unbalanced quote', '"Bob <sip:bob@biloxi.com>'],
    ['missing >', '<sip:bob@biloxi.com'],
    ['empty parameter', '<sip:bob@biloxi.com>;;tag=1'],
    ['empty value', ''],
  ])('rejects %s', (_what, text) => {
    expect(() => NameAddr.parse(text, 'To')).toThrow(SipParseError);
  });
});

describe('Via', () => {
  it('parses transport, sent-by, branch, received, rport, maddr and ttl', () => {
    const v = Via.parse('SIP/2.0/udp pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5067;maddr=224.2.0.1;ttl=16;x=y');
    expect(v.protocol).toBe('SIP/2.0');
    expect(v.transport).toBe('UDP');
    expect(v.host).toBe('pc33.atlanta.com');
    expect(v.port).toBe(5066);
    expect(v.branch).toBe('z9hG4bK776asdhds');
    expect(v.hasMagicCookie).toBe(true);
    expect(v.received).toBe('192.0.2.1');
    expect(v.rport).toBe(5067);
    expect(v.maddr).toBe('224.2.0.1');
    expect(v.ttl).toBe(16);
    expect([...v.params.keys()]).toEqual(['branch', 'received', 'rport', 'maddr', 'ttl', 'x']);
  });

  it('distinguishes rport without value (null) from absent (undefined)', () => {
    expect(Via.parse('SIP/2.0/UDP h;rport;branch=z9hG4bK1').rport).toBeNull();
    expect(Via.parse('SIP/2.0/UDP h;branch=z9hG4bK1').rport).toBeUndefined();
  });

  it('parses an IPv6 sent-by with and without port', () => {
    const v = Via.parse('SIP/2.0/TCP [2001:db8::9:1]:5070;branch=z9hG4bKas');
    expect(v.host).toBe('2001:db8::9:1');
    expect(v.port).toBe(5070);
    expect(v.sentBy()).toBe('[2001:db8::9:1]:5070');
    expect(Via.parse('SIP/2.0/TCP [2001:db8::9:1];branch=z9hG4bKas').port).toBeUndefined();
  });

  it('allows LWS around separators', () => {
    const v = Via.parse('SIP / 2.0 / TLS  host.example.com : 5061 ; branch = z9hG4bKx');
    expect([v.transport, v.host, v.port, v.branch]).toEqual(['TLS', 'host.example.com', 5061, 'z9hG4bKx']);
  });

  it('splits several vias in one header value', () => {
    expect(parseVia('SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/TCP b:5060;branch=z9hG4bK2').map((v) => v.host)).toEqual(['a', 'b']);
  });

  it('with() sets received and rport for the response path (RFC 3581)', () => {
    const v = Via.parse('SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bKx').with({ received: '192.0.2.7', rport: 40000 });
    expect(v.toString()).toBe('SIP/2.0/UDP 10.0.0.1:5060;rport=40000;branch=z9hG4bKx;received=192.0.2.7');
  });

  it.each([
    ['no transport', 'SIP/2.0 host'],
    ['no sent-by', 'SIP/2.0/UDP'],
    ['empty params', 'SIP/2.0/UDP host;;'],
    ['bad port', 'SIP/2.0/UDP host:70000'],
    ['bad rport', 'SIP/2.0/UDP host;rport=abc'],
    ['bad ttl', 'SIP/2.0/UDP host;ttl=300'],
    ['bad host', 'SIP/2.0/UDP ho st'],
  ])('rejects %s', (_what, text) => {
    expect(() => Via.parse(text)).toThrow(SipParseError);
  });
});

describe('Via spellings', () => {
  it('reads a tab after the transport and lower-case protocol names', () => {
    expect(Via.parse('SIP/2.0/UDP\thost.example.com;branch=z9hG4bK1').host).toBe('host.example.com');
    const v = Via.parse('sip/2.0/tcp h:5061');
    expect([v.protocol, v.transport, v.port]).toEqual(['sip/2.0', 'TCP', 5061]);
  });
});
