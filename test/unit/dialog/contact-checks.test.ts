import { describe, expect, it } from 'vitest';
import { checkRequest } from '../../../src/dialog/request-checks.js';
import { parseMessage, type SipRequest } from '../../../src/sip/index.js';

const caps = { allowed: ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'UPDATE'], supported: [], accept: ['application/sdp'] };

function request(method: string, contacts: string[]): SipRequest {
  const text = [
    `${method} sip:bob@127.0.0.1 SIP/2.0`,
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKcontact1',
    'Max-Forwards: 70',
    'From: <sip:alice@127.0.0.1>;tag=a1',
    `To: <sip:bob@127.0.0.1>${method === 'UPDATE' ? ';tag=b1' : ''}`,
    'Call-ID: contact-check@127.0.0.1',
    `CSeq: 1 ${method}`,
    ...contacts.map((c) => `Contact: ${c}`),
    'Content-Length: 0', '', '',
  ].join('\r\n');
  return parseMessage(Buffer.from(text, 'latin1')) as SipRequest;
}

describe('the Contact checks a UAS applies before a session sees the request', () => {
  it('answers 400 to an INVITE whose Contact does not parse, instead of failing when the call is answered', () => {
    const rejection = checkRequest(request('INVITE', ['sip:\xff', '<sip:alice@127.0.0.1:5070>']), caps);
    expect(rejection?.status).toBe(400);
    expect(rejection?.reason).toMatch(/Contact/);
  });

  it('answers 400 to an INVITE naming two remote targets', () => {
    const rejection = checkRequest(request('INVITE', ['<sip:a@127.0.0.1>', '<sip:b@127.0.0.1>']), caps);
    expect(rejection).toMatchObject({ status: 400, reason: 'Bad Request - More Than One Contact' });
  });

  it('answers 400 to an UPDATE whose Contact does not parse', () => {
    expect(checkRequest(request('UPDATE', ['<sip:@>;;']), caps)?.status).toBe(400);
  });

  it('lets through one Contact, no Contact (RFC 2543 peers) and a Contact it does not look at (OPTIONS)', () => {
    expect(checkRequest(request('INVITE', ['<sip:alice@127.0.0.1:5070>']), caps)).toBeUndefined();
    expect(checkRequest(request('INVITE', []), caps)).toBeUndefined();
    expect(checkRequest(request('OPTIONS', ['sip:\xff']), caps)).toBeUndefined();
  });
});
