import { parseMessage } from '../../../src/sip/index.js';
import type { SipRequest, SipResponse } from '../../../src/sip/index.js';

/** Raw text of an OPTIONS request with the given top Via (CRLF line ends). */
export function rawRequest(opts: {
  via?: string;
  method?: string;
  callId?: string;
  cseq?: number;
  uri?: string;
  body?: string;
  extra?: string[];
} = {}): string {
  const method = opts.method ?? 'OPTIONS';
  const body = opts.body ?? '';
  const lines = [
    `${method} ${opts.uri ?? 'sip:bob@127.0.0.1'} SIP/2.0`,
    `Via: ${opts.via ?? 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKtest1'}`,
    'Max-Forwards: 70',
    'From: <sip:alice@example.com>;tag=a1',
    'To: <sip:bob@example.com>',
    `Call-ID: ${opts.callId ?? 'call-1@test'}`,
    `CSeq: ${opts.cseq ?? 1} ${method}`,
    ...(opts.extra ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join('\r\n');
}

/** Raw text of a 200 response with the given top Via. */
export function rawResponse(via: string, status = 200, callId = 'call-1@test'): string {
  return [
    `SIP/2.0 ${status} OK`,
    `Via: ${via}`,
    'From: <sip:alice@example.com>;tag=a1',
    'To: <sip:bob@example.com>;tag=b1',
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** Parse a raw request. */
export function req(text: string): SipRequest {
  const m = parseMessage(Buffer.from(text), { datagram: true });
  if (!('method' in m)) throw new Error('not a request');
  return m;
}

/** Parse a raw response. */
export function res(text: string): SipResponse {
  const m = parseMessage(Buffer.from(text), { datagram: true });
  if ('method' in m) throw new Error('not a response');
  return m;
}
