import { describe, expect, it } from 'vitest';
import { SipParseError, SipUri } from '../../../src/sip/index.js';

describe('SipUri', () => {
  it('parses every part of a SIP URI', () => {
    const u = SipUri.parse('sips:alice:secret@atlanta.com:5061;transport=tcp;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent');
    expect(u.scheme).toBe('sips');
    expect(u.user).toBe('alice');
    expect(u.password).toBe('secret');
    expect(u.host).toBe('atlanta.com');
    expect(u.port).toBe(5061);
    expect(u.transport).toBe('tcp');
    expect(u.param('LR')).toBeNull();
    expect(u.param('maddr')).toBe('239.255.255.1');
    expect([...u.headers]).toEqual([
      ['subject', 'project x'],
      ['priority', 'urgent'],
    ]);
  });

  it('stores IPv6 references without brackets and writes them back with brackets', () => {
    const u = SipUri.parse('sip:bob@[2001:db8::10]:5070;transport=udp');
    expect(u.host).toBe('2001:db8::10');
    expect(u.isIPv6).toBe(true);
    expect(u.port).toBe(5070);
    expect(u.hostport()).toBe('[2001:db8::10]:5070');
    expect(u.toString()).toBe('sip:bob@[2001:db8::10]:5070;transport=udp');
  });

  it('parses a tel URI with its number in user and parameters', () => {
    const u = SipUri.parse('tel:+1-201-555-0123;phone-context=example.com');
    expect(u.scheme).toBe('tel');
    expect(u.user).toBe('+1-201-555-0123');
    expect(u.host).toBe('');
    expect(u.param('phone-context')).toBe('example.com');
    expect(u.equals(SipUri.parse('tel:+12015550123;phone-context=example.com'))).toBe(true);
    expect(u.toString()).toBe('tel:+1-201-555-0123;phone-context=example.com');
  });

  it('unescapes on parse and re-escapes on serialize (§19.1.2)', () => {
    const u = SipUri.parse('sip:%61lice%20b@example.com;na%6De=v%3Bx?h%20n=v%26w');
    expect(u.user).toBe('alice b');
    expect(u.param('name')).toBe('v;x');
    expect(u.headers.get('h n')).toBe('v&w');
    expect(u.toString()).toBe('sip:alice%20b@example.com;name=v%3Bx?h%20n=v%26w');
    expect(SipUri.parse(u.toString()).equals(u)).toBe(true);
  });

  it('escapes non-ASCII characters as UTF-8 octets', () => {
    const u = SipUri.create({ scheme: 'sip', user: 'jürgen', host: 'example.de' });
    expect(u.toString()).toBe('sip:j%C3%BCrgen@example.de');
    expect(SipUri.parse(u.toString()).user).toBe('jürgen');
  });

  describe('§19.1.4 equivalent URIs', () => {
    it.each([
      ['sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp'],
      ['sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5'],
      ['sip:carol@chicago.com', 'sip:carol@chicago.com;security=on'],
      ['sip:carol@chicago.com;newparam=5', 'sip:carol@chicago.com;security=on'],
      [
        'sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com',
        'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com',
      ],
      ['sip:alice@atlanta.com?subject=project%20x&priority=urgent', 'sip:alice@atlanta.com?priority=urgent&subject=project%20x'],
    ])('%s equals %s', (a, b) => {
      expect(SipUri.parse(a).equals(SipUri.parse(b))).toBe(true);
      expect(SipUri.parse(b).equals(SipUri.parse(a))).toBe(true);
    });
  });

  describe('§19.1.4 different URIs', () => {
    it.each([
      ['SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP'],
      ['sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060'],
      ['sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp'],
      ['sip:bob@biloxi.com', 'sip:bob@biloxi.com:6000;transport=tcp'],
      ['sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting'],
      ['sip:bob@phone21.boxesbybob.com', 'sip:bob@192.0.2.4'],
      ['sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;security=off'],
      ['sip:alice@atlanta.com', 'sips:alice@atlanta.com'],
    ])('%s differs from %s', (a, b) => {
      expect(SipUri.parse(a).equals(SipUri.parse(b))).toBe(false);
      expect(SipUri.parse(b).equals(SipUri.parse(a))).toBe(false);
    });
  });

  it('with() returns a changed copy and leaves the original alone', () => {
    const u = SipUri.parse('sip:alice@atlanta.com');
    const v = u.with({ port: 5080, params: new Map([['transport', 'tcp']]) });
    expect(v.toString()).toBe('sip:alice@atlanta.com:5080;transport=tcp');
    expect(u.toString()).toBe('sip:alice@atlanta.com');
  });

  it.each([
    ['no scheme', 'alice@atlanta.com', 'bad-uri'],
    ['angle brackets', '<sip:alice@atlanta.com>', 'bad-uri'],
    ['whitespace', 'sip:alice@atlanta.com; lr', 'bad-uri'],
    ['bad port', 'sip:alice@atlanta.com:99999', 'bad-uri'],
    ['empty host', 'sip:alice@', 'bad-uri'],
    ['bad escape', 'sip:%zzalice@atlanta.com', 'bad-uri'],
    ['unterminated IPv6', 'sip:[2001:db8::1', 'bad-uri'],
    ['unknown scheme', 'http://example.com/', 'unsupported-uri-scheme'],
  ])('rejects a URI with %s', (_what, text, reason) => {
    expect(() => SipUri.parse(text)).toThrow(SipParseError);
    try {
      SipUri.parse(text);
    } catch (err) {
      expect((err as SipParseError).reason).toBe(reason);
    }
  });
});
