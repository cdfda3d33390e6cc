import { describe, expect, it } from 'vitest';
import {
  formatReplaces, readRefer, readReferNotify, referToFor, referToWithReplaces,
} from '../../../src/dialog/refer.js';
import { formatSipfrag, parseSipfrag } from '../../../src/dialog/sipfrag.js';
import { NameAddr, parseMessage, parseReplaces, type SipRequest } from '../../../src/sip/index.js';
import { SiplineError } from '../../../src/util/index.js';

function request(method: string, headers: string[], body = ''): SipRequest {
  const text = [
    `${method} sip:bob@127.0.0.1 SIP/2.0`,
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKrefer1',
    'Max-Forwards: 70',
    'From: <sip:alice@127.0.0.1>;tag=a1',
    'To: <sip:bob@127.0.0.1>;tag=b1',
    'Call-ID: refer-unit@127.0.0.1',
    `CSeq: 7 ${method}`,
    ...headers,
    `Content-Length: ${Buffer.byteLength(body, 'latin1')}`, '', body,
  ].join('\r\n');
  return parseMessage(Buffer.from(text, 'latin1')) as SipRequest;
}

describe('message/sipfrag bodies of REFER progress (RFC 3420, RFC 3515 §2.4.5)', () => {
  it('reads the status line and ignores the header lines after it', () => {
    expect(parseSipfrag('SIP/2.0 180 Ringing\r\nContent-Length: 0\r\n')).toEqual({ status: 180, reason: 'Ringing' });
    expect(parseSipfrag(Buffer.from('SIP/2.0 486 Busy Here'))).toEqual({ status: 486, reason: 'Busy Here' });
    expect(parseSipfrag('SIP/2.0 200\r\n')).toEqual({ status: 200, reason: '' });
  });

  it('refuses a body that is not a SIP/2.0 status line with a typed error', () => {
    for (const bad of ['INVITE sip:x SIP/2.0\r\n', 'SIP/2.0 99 Low', 'SIP/2.0 700 High', '', `SIP/2.0 200 ${'x'.repeat(2000)}`]) {
      expect(() => parseSipfrag(bad)).toThrow(SiplineError);
    }
  });

  it('writes a status line that reads back the same', () => {
    const body = formatSipfrag(503, 'Service\r\nUnavailable');
    expect(body).toBe('SIP/2.0 503 Service  Unavailable\r\n');
    expect(parseSipfrag(body).status).toBe(503);
  });
});

describe('Refer-To with Replaces for an attended transfer (RFC 3891 §6.1)', () => {
  const replaces = { callId: 'abc@10.0.0.1', toTag: 't=1', fromTag: 'f;2' };

  it('escapes the Replaces value as a URI header and reads it back unescaped', () => {
    const referTo = referToWithReplaces('sip:carol@127.0.0.1:5080', replaces);
    expect(referTo).toBe('<sip:carol@127.0.0.1:5080?Replaces=abc%4010.0.0.1%3Bto-tag%3Dt%3D1%3Bfrom-tag%3Df%3B2>');
    const uri = NameAddr.parse(referTo, 'Refer-To').uri;
    expect(uri.headers.get('Replaces')).toBe(formatReplaces(replaces));
  });

  it('lets an incoming REFER yield the INVITE target without headers and the Replaces to copy', () => {
    const referTo = referToWithReplaces('sip:carol@127.0.0.1:5080', { callId: 'c1', toTag: 'tt', fromTag: 'ff' });
    const d = readRefer(request('REFER', [`Refer-To: ${referTo}`, 'Referred-By: <sip:bob@127.0.0.1>']));
    expect(d.target.toString()).toBe('sip:carol@127.0.0.1:5080');
    expect(d.replacesHeader).toBe('c1;to-tag=tt;from-tag=ff');
    expect(d.replaces).toMatchObject({ callId: 'c1', toTag: 'tt', fromTag: 'ff', earlyOnly: false });
    expect(parseReplaces(d.replacesHeader!).callId).toBe('c1');
    expect(d.referredBy?.uri.toString()).toBe('sip:bob@127.0.0.1');
  });

  it('accepts a blind Refer-To without angle brackets, as baresip sends it', () => {
    const d = readRefer(request('REFER', ['Refer-To: sip:carol@127.0.0.1:43878']));
    expect(d.target.toString()).toBe('sip:carol@127.0.0.1:43878');
    expect(d.replaces).toBeUndefined();
    expect(d.referredBy).toBeUndefined();
  });

  it('refuses a REFER without exactly one usable Refer-To', () => {
    expect(() => readRefer(request('REFER', []))).toThrow(/missing/);
    expect(() => readRefer(request('REFER', ['Refer-To: <sip:a@x>', 'Refer-To: <sip:b@x>']))).toThrow(/more than one/);
    expect(() => readRefer(request('REFER', ['Refer-To: <tel:+15551234>']))).toThrow(/scheme/);
    expect(() => readRefer(request('REFER', ['Refer-To: <sip:c@x?Replaces=only-a-call-id>']))).toThrow(/Replaces/);
  });

  it('builds a blind Refer-To only from a SIP URI', () => {
    expect(referToFor('sip:carol@example.com')).toBe('<sip:carol@example.com>');
    expect(() => referToFor('mailto:carol@example.com')).toThrow(SiplineError);
  });
});

describe('NOTIFYs of a REFER subscription as the referrer reads them', () => {
  it('reads the id, the sipfrag status and whether the subscription ended', () => {
    const n = readReferNotify(request('NOTIFY', [
      'Event: refer;id=42', 'Subscription-State: terminated;reason=noresource', 'Content-Type: message/sipfrag;version=2.0',
    ], 'SIP/2.0 200 OK\r\n'));
    expect(n).toEqual({ id: '42', fragment: { status: 200, reason: 'OK' }, terminated: true });
  });

  it('leaves NOTIFYs of other event packages to the caller (489) and refuses broken ones', () => {
    expect(readReferNotify(request('NOTIFY', ['Event: presence', 'Subscription-State: active']))).toBeUndefined();
    expect(() => readReferNotify(request('NOTIFY', ['Event: refer']))).toThrow(/Subscription-State/);
    expect(() => readReferNotify(request('NOTIFY', ['Event: refer', 'Subscription-State: active', 'Content-Type: text/plain'], 'hi'))).toThrow(/sipfrag/);
  });
});
