import { describe, expect, it } from 'vitest';
import { buildRawErrorResponse, scanSurvivingHeaders, survivorsFromPartial } from '../../../src/transport/raw-error-response.js';

const damaged = [
  'INVITE sip:bob@example.com SIP/2.0',
  'v: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx',
  'Via: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bKy',
  'f: <sip:a@example.com>;tag=1',
  'To: <sip:b@example.com>',
  'i: abc@x',
  'CSeq: 1',
  '  INVITE',
  'Content-Length: 99999999999999999999',
  '',
  '',
].join('\r\n');

describe('error responses for unparsable requests (RFC 3261 §8.2.6, §21.4.1)', () => {
  it('recovers Via, From, To, Call-ID and CSeq including compact forms and folded lines', () => {
    const s = scanSurvivingHeaders(Buffer.from(damaged));
    expect(s?.method).toBe('INVITE');
    expect(s?.headers).toEqual([
      ['Via', 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx'],
      ['Via', 'SIP/2.0/UDP 192.0.2.2;branch=z9hG4bKy'],
      ['From', '<sip:a@example.com>;tag=1'],
      ['To', '<sip:b@example.com>'],
      ['Call-ID', 'abc@x'],
      ['CSeq', '1 INVITE'],
    ]);
  });

  it('builds a response with the precise reason phrase and a To tag', () => {
    const s = scanSurvivingHeaders(Buffer.from(damaged))!;
    const text = buildRawErrorResponse(s, 400, 'Bad Request - Invalid Content-Length')!.toString();
    expect(text.startsWith('SIP/2.0 400 Bad Request - Invalid Content-Length\r\n')).toBe(true);
    expect(text).toMatch(/\r\nTo: <sip:b@example.com>;tag=[A-Za-z0-9]{10}\r\n/);
    expect(text).toContain('\r\nCall-ID: abc@x\r\n');
    expect(text.endsWith('Content-Length: 0\r\n\r\n')).toBe(true);
  });

  it('gives up without Via or CSeq, which routing and matching need', () => {
    expect(scanSurvivingHeaders(Buffer.from(damaged.replace(/^(v|Via): .*\r\n/gm, '')))).toBeUndefined();
    expect(scanSurvivingHeaders(Buffer.from(damaged.replace('CSeq: 1\r\n  INVITE\r\n', '')))).toBeUndefined();
  });

  it('still answers when From, To or Call-ID are missing (RFC 4475 §3.3.1)', () => {
    const s = scanSurvivingHeaders(Buffer.from(damaged.replace('i: abc@x\r\n', '').replace('To: <sip:b@example.com>\r\n', '')))!;
    expect(s.headers.map(([n]) => n)).toEqual(['Via', 'Via', 'From', 'CSeq']);
    expect(buildRawErrorResponse(s, 400, 'Bad Request - Missing Call-ID')!.toString()).not.toContain('\r\nCall-ID:');
  });

  it('never answers a response or an ACK', () => {
    expect(scanSurvivingHeaders(Buffer.from('SIP/2.0 200 OK\r\nVia: x\r\n\r\n'))).toBeUndefined();
    const ack = scanSurvivingHeaders(Buffer.from(damaged.replace('INVITE sip', 'ACK sip')))!;
    expect(buildRawErrorResponse(ack, 400, 'Bad Request')).toBeUndefined();
  });

  it('uses the message layer partial parse when there is one', () => {
    const s = survivorsFromPartial({
      isRequest: true, method: 'OPTIONS', via: ['SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1'],
      from: '<sip:a@x>;tag=1', to: '<sip:b@x>;tag=2', callId: 'c', cseq: '5 OPTIONS',
    })!;
    const text = buildRawErrorResponse(s, 505, 'Version Not Supported')!.toString();
    expect(text).toContain('SIP/2.0 505 Version Not Supported\r\n');
    expect(text).toContain('\r\nTo: <sip:b@x>;tag=2\r\n');
    expect(survivorsFromPartial({ isRequest: false, via: [] })).toBeUndefined();
  });

  it('strips control characters from the reason phrase', () => {
    const s = scanSurvivingHeaders(Buffer.from(damaged))!;
    expect(buildRawErrorResponse(s, 400, 'Bad\r\nInjected: yes')!.toString()).toContain('SIP/2.0 400 Bad Injected: yes\r\n');
  });
});
