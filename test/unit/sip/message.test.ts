import { describe, expect, it } from 'vitest';
import {
  NameAddr,
  SipParseError,
  SipUri,
  Via,
  createRequest,
  createResponse,
  newBranch,
  newCallId,
  newTag,
  parseMessage,
  reasonPhrase,
} from '../../../src/sip/index.js';

const INVITE = [
  'INVITE sip:bob@biloxi.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds, SIP/2.0/TCP proxy.example.com;branch=z9hG4bKp1',
  'v: SIP/2.0/UDP first.example.com;branch=z9hG4bKf',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.com>',
  'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
  'i: a84b4c76e66710@pc33.atlanta.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.com>',
  'Timestamp: 54',
  'Supported: 100rel, timer',
  'Allow: INVITE, ACK, CANCEL, BYE',
  'Session-Expires: 1800;refresher=uac',
  'X-Custom: one, two',
  'WWW-Authenticate: Digest realm="atlanta.com", nonce="ea9c8e88df84f1cec4341ae6cbe5a359", qop="auth,auth-int", algorithm=MD5',
  'Reason: SIP;cause=200;text="Call completed elsewhere", Q.850;cause=16',
  'Warning: 307 isi.edu "Session parameter \'foo\' not understood"',
  'Replaces: 98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff;early-only',
  'RAck: 776656 1 INVITE',
  'RSeq: 988789',
  'Event: Presence;id=7',
  'Subscription-State: active;expires=600',
  'Retry-After: 18000;duration=3600',
  'Refer-To: <sip:carol@cleveland.example.org?Replaces=abc%40x>',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\r\n',
].join('\r\n');

describe('SipMessage', () => {
  const m = parseMessage(INVITE);

  it('looks headers up case-insensitively and by compact form', () => {
    expect(m.get('CALL-ID')).toBe('a84b4c76e66710@pc33.atlanta.com');
    expect(m.get('call-id')).toBe(m.get('i'));
    expect(m.has('V')).toBe(true);
    expect(m.getAll('via')).toHaveLength(3);
    expect(m.getAll('X-Custom')).toEqual(['one, two']); // unknown headers are not split
    expect(m.getAll('Supported')).toEqual(['100rel', 'timer']);
  });

  it('keeps Via order across lines and compact forms', () => {
    expect(m.via.map((v) => v.host)).toEqual(['pc33.atlanta.com', 'proxy.example.com', 'first.example.com']);
    expect(m.topVia.branch).toBe('z9hG4bK776asdhds');
  });

  it('exposes every typed accessor', () => {
    expect(m.from.displayName).toBe('Alice');
    expect(m.to.tag).toBeUndefined();
    expect(m.cseq).toEqual({ seq: 314159, method: 'INVITE' });
    expect(m.maxForwards).toBe(70);
    expect(m.supported).toEqual(['100rel', 'timer']);
    expect(m.allow).toEqual(['INVITE', 'ACK', 'CANCEL', 'BYE']);
    expect(m.sessionExpires).toMatchObject({ delta: 1800, refresher: 'uac' });
    const ch = m.wwwAuthenticate[0]!;
    expect(ch.scheme).toBe('Digest');
    expect(ch.params.get('qop')).toBe('auth,auth-int');
    expect(ch.params.get('algorithm')).toBe('MD5');
    expect(m.reasons.map((r) => [r.protocol, r.cause, r.text])).toEqual([
      ['SIP', 200, 'Call completed elsewhere'],
      ['Q.850', 16, undefined],
    ]);
    expect(m.warnings[0]).toEqual({ code: 307, agent: 'isi.edu', text: "Session parameter 'foo' not understood" });
    expect(m.replaces).toMatchObject({ callId: '98732@sip.example.com', toTag: 'ff87ff', fromTag: 'r33th4x0r', earlyOnly: true });
    expect(m.rack).toEqual({ rseq: 776656, cseq: 1, method: 'INVITE' });
    expect(m.rseq).toBe(988789);
    expect(m.event?.value).toBe('presence');
    expect(m.event?.params.get('id')).toBe('7');
    expect(m.subscriptionState?.params.get('expires')).toBe('600');
    expect(m.retryAfter).toMatchObject({ delta: 18000, duration: 3600 });
    expect(m.referTo?.uri.headers.get('Replaces')).toBe('abc@x');
    expect(m.contentType?.mime).toBe('application/sdp');
    expect(m.body.toString()).toBe('v=0\r'); // Content-Length 4 cuts the datagram
    expect(m.expires).toBeUndefined();
  });

  it('throws SipParseError from an accessor whose header is malformed', () => {
    const bad = parseMessage(INVITE.replace('RSeq: 988789', 'RSeq: x'));
    expect(() => bad.rseq).toThrow(SipParseError);
  });

  it('serializes with a correct Content-Length and round-trips', () => {
    const wire = m.serialize();
    expect(wire.toString()).toContain('Content-Length: 4\r\n\r\nv=0\r');
    expect(parseMessage(wire).serialize().equals(wire)).toBe(true);
  });

  it('modifications return new messages and leave the original unchanged', () => {
    const before = m.serialize().toString();
    const a = m.withHeader('X-A', '1');
    const b = a.withHeaderPrepended('Via', 'SIP/2.0/UDP new.example.com;branch=z9hG4bKn');
    const c = b.withoutHeader('x-custom').withReplacedHeader('Supported', ['timer']);
    const d = c.withTopVia(c.topVia.with({ received: '192.0.2.1' })).withBody('hello', 'text/plain');
    expect(a.get('x-a')).toBe('1');
    expect(b.topVia.host).toBe('new.example.com');
    expect(c.has('X-Custom')).toBe(false);
    expect(c.supported).toEqual(['timer']);
    expect(d.topVia.received).toBe('192.0.2.1');
    expect(d.via).toHaveLength(4);
    expect(d.contentType?.mime).toBe('text/plain');
    expect(d.contentLength).toBe(5);
    expect(parseMessage(d.serialize()).body.toString()).toBe('hello');
    expect(m.serialize().toString()).toBe(before);
    expect(m.via).toHaveLength(3);
  });

  it('withTopVia replaces only the first value of a comma-joined Via line', () => {
    const d = m.withTopVia(Via.parse('SIP/2.0/UDP x.example.com;branch=z9hG4bKx'));
    expect(d.via.map((v) => v.host)).toEqual(['x.example.com', 'proxy.example.com', 'first.example.com']);
  });

  it('withUri changes the Request-URI of a request', () => {
    if (!m.isRequest()) throw new Error('request expected');
    const r = m.withUri(SipUri.parse('sip:carol@chicago.com'));
    expect(r.startLine()).toBe('INVITE sip:carol@chicago.com SIP/2.0');
    expect(m.startLine()).toBe('INVITE sip:bob@biloxi.com SIP/2.0');
  });
});

describe('builders', () => {
  const request = createRequest({
    method: 'INVITE',
    uri: 'sip:bob@biloxi.com',
    from: NameAddr.parse('Alice <sip:alice@atlanta.com>').withTag('abc'),
    to: 'Bob <sip:bob@biloxi.com>',
    callId: 'call-1@atlanta.com',
    cseq: 1,
    via: [new Via({ transport: 'UDP', host: '192.0.2.1', port: 5060, params: new Map([['branch', 'z9hG4bK1']])}), 'SIP/2.0/TCP p.example.com;branch=z9hG4bK2'],
    contact: '<sip:alice@192.0.2.1>',
    headers: [['Timestamp', '54'], ['Subject', 'hi']],
    body: 'v=0\r\n',
    contentType: 'application/sdp',
  });

  it('createRequest writes the standard headers and a Content-Length', () => {
    const text = request.toString();
    expect(text.startsWith('INVITE sip:bob@biloxi.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n')).toBe(true);
    expect(request.maxForwards).toBe(70);
    expect(request.cseq).toEqual({ seq: 1, method: 'INVITE' });
    expect(text.endsWith('Content-Length: 5\r\n\r\nv=0\r\n')).toBe(true);
    expect(parseMessage(request.serialize()).serialize().equals(request.serialize())).toBe(true);
  });

  it('createResponse copies Via, From, To, Call-ID, CSeq and adds a To tag (§8.2.6)', () => {
    const r = createResponse(request, 180, undefined, { toTag: 'totag' });
    expect(r.reason).toBe('Ringing');
    expect(r.getAll('Via')).toEqual(request.getAll('Via'));
    expect(r.get('From')).toBe(request.get('From'));
    expect(r.to.tag).toBe('totag');
    expect(r.to.uri.equals(request.to.uri)).toBe(true);
    expect(r.callId).toBe(request.callId);
    expect(r.cseq).toEqual(request.cseq);
    expect(r.has('Timestamp')).toBe(false);
    expect(r.has('Contact')).toBe(false);
  });

  it('createResponse adds no tag to a 100 and copies Timestamp into it (§8.2.6.1)', () => {
    const r = createResponse(request, 100);
    expect(r.to.tag).toBeUndefined();
    expect(r.get('Timestamp')).toBe('54');
    expect(r.reason).toBe('Trying');
  });

  it('createResponse keeps an existing To tag', () => {
    const inDialog = request.withReplacedHeader('To', ['<sip:bob@biloxi.com>;tag=existing']);
    expect(createResponse(inDialog, 200).to.tag).toBe('existing');
  });

  it('createResponse generates a random tag when none is given', () => {
    const a = createResponse(request, 486).to.tag;
    const b = createResponse(request, 486).to.tag;
    expect(a).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(a).not.toBe(b);
  });

  it('generates branches with the magic cookie, tags and Call-IDs', () => {
    expect(newBranch()).toMatch(/^z9hG4bK[A-Za-z0-9]{22}$/);
    expect(newTag()).not.toBe(newTag());
    expect(newCallId('example.com')).toMatch(/^[A-Za-z0-9]{24}@example\.com$/);
  });

  it('knows default reason phrases', () => {
    expect(reasonPhrase(200)).toBe('OK');
    expect(reasonPhrase(481)).toBe('Call/Transaction Does Not Exist');
    expect(reasonPhrase(499)).toBe('Client Error');
  });
});

describe('parse errors and limits', () => {
  const base = 'OPTIONS sip:a@b.example SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b.example>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n';

  it('enforces the message size limit with 513', () => {
    const e = catchErr(() => parseMessage(base + 'Content-Length: 0\r\n\r\n', { limits: { maxMessageSize: 50 } }));
    expect([e.reason, e.status]).toEqual(['too-large', 513]);
  });

  it('enforces the header count limit', () => {
    const e = catchErr(() => parseMessage(base + 'X: 1\r\n'.repeat(20) + '\r\n', { limits: { maxHeaders: 10 } }));
    expect(e.reason).toBe('too-large');
    expect(e.status).toBe(400);
  });

  it('enforces the header line length limit', () => {
    const e = catchErr(() => parseMessage(base + 'X: ' + 'a'.repeat(200) + '\r\n\r\n', { limits: { maxHeaderLineLength: 100 } }));
    expect(e.reason).toBe('too-large');
  });

  it('requires Content-Length on stream input', () => {
    const e = catchErr(() => parseMessage(base + '\r\n', { datagram: false }));
    expect([e.reason, e.header, e.fatal]).toEqual(['missing-header', 'Content-Length', true]);
  });

  it('takes the rest of a datagram as body when Content-Length is absent', () => {
    expect(parseMessage(base + '\r\nabc').body.toString()).toBe('abc');
  });

  it('accepts bare LF line ends', () => {
    expect(parseMessage(base.replaceAll('\r\n', '\n') + 'l: 2\n\nhi').body.toString()).toBe('hi');
  });

  it('ignores CRLFs before the start line', () => {
    expect(parseMessage('\r\n\r\n' + base + '\r\n').isRequest()).toBe(true);
  });

  it('rejects a message without an empty line after the headers', () => {
    expect(catchErr(() => parseMessage(base)).reason).toBe('incomplete');
  });

  it('rejects a status code outside 100-699 silently', () => {
    const e = catchErr(() => parseMessage('SIP/2.0 700 Odd\r\n\r\n'));
    expect([e.reason, e.silent]).toEqual(['bad-status-code', true]);
  });

  it('drops a response with another SIP version silently', () => {
    expect(catchErr(() => parseMessage('SIP/3.0 200 OK\r\n\r\n')).silent).toBe(true);
  });
});

function catchErr(fn: () => unknown): SipParseError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SipParseError) return err;
    throw err;
  }
  throw new Error('no error');
}
