import { describe, expect, it } from 'vitest';
import {
  isSentByUs, responseTargetFor, rewriteTopVia, sameHost, stampReceived,
} from '../../../src/transport/via-rules.js';
import type { InboundMessage } from '../../../src/transport/index.js';
import { rawRequest, rawResponse, req, res } from './helpers.js';

const src = { address: '127.0.0.1', port: 40000 };
const local = { address: '127.0.0.1', port: 5060 };

function inbound(via: string, protocol: 'UDP' | 'TCP' = 'UDP', connectionId?: string): InboundMessage {
  const message = stampReceived(req(rawRequest({ via })), src);
  return connectionId === undefined ? { message, protocol, source: src, local } : { message, protocol, source: src, local, connectionId };
}

describe('received and rport stamping (RFC 3261 §18.2.1, RFC 3581 §4)', () => {
  it('adds received when the sent-by host differs from the source address', () => {
    const m = stampReceived(req(rawRequest({ via: 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa' })), src);
    expect(m.topVia.received).toBe('127.0.0.1');
    expect(m.topVia.rport).toBeUndefined();
  });

  it('adds received when the sent-by is a host name', () => {
    const m = stampReceived(req(rawRequest({ via: 'SIP/2.0/UDP pc33.example.com;branch=z9hG4bKa' })), src);
    expect(m.topVia.received).toBe('127.0.0.1');
  });

  it('leaves the Via alone when the sent-by matches the source and no rport is asked', () => {
    const original = req(rawRequest({ via: 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKa' }));
    const m = stampReceived(original, src);
    expect(m.topVia.received).toBeUndefined();
    expect(m.serialize().toString()).toBe(original.serialize().toString());
  });

  it('fills an empty rport with the source port and always adds received', () => {
    const m = stampReceived(req(rawRequest({ via: 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKa;rport' })), src);
    expect(m.topVia.rport).toBe(40000);
    expect(m.topVia.received).toBe('127.0.0.1');
    expect(m.topVia.branch).toBe('z9hG4bKa');
  });

  it('only touches the top Via', () => {
    const text = rawRequest({ via: 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa;rport, SIP/2.0/UDP 192.0.2.2;branch=z9hG4bKb;rport' });
    const m = stampReceived(req(text), src);
    expect(m.via[1]!.rport).toBeNull();
    expect(m.via[1]!.received).toBeUndefined();
  });
});

describe('response routing (RFC 3261 §18.2.2, RFC 3581 §4)', () => {
  it('sends a UDP response to received at rport when rport was asked', () => {
    expect(responseTargetFor(inbound('SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bKa;rport'))).toEqual({
      protocol: 'UDP', address: '127.0.0.1', port: 40000,
    });
  });

  it('sends a UDP response to received at the sent-by port without rport', () => {
    expect(responseTargetFor(inbound('SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bKa'))).toEqual({
      protocol: 'UDP', address: '127.0.0.1', port: 5070,
    });
  });

  it('defaults to port 5060 when the sent-by has no port', () => {
    expect(responseTargetFor(inbound('SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKa'))).toEqual({
      protocol: 'UDP', address: '127.0.0.1', port: 5060,
    });
  });

  it('honours maddr over UDP', () => {
    expect(responseTargetFor(inbound('SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKa;maddr=127.0.0.9'))).toEqual({
      protocol: 'UDP', address: '127.0.0.9', port: 5080,
    });
  });

  it('uses the connection the request came on over TCP, falling back to received and the sent-by port', () => {
    expect(responseTargetFor(inbound('SIP/2.0/TCP 192.0.2.1:5070;branch=z9hG4bKa;rport', 'TCP', 'tcp-7'))).toEqual({
      protocol: 'TCP', address: '127.0.0.1', port: 5070, connectionId: 'tcp-7',
    });
  });
});

describe('response sent-by check (RFC 3261 §18.1.2)', () => {
  it('accepts a response whose top Via names our address and port', () => {
    expect(isSentByUs(res(rawResponse('SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKa')), ['127.0.0.1'], [5060])).toBe(true);
  });

  it('takes the default port when the sent-by has none', () => {
    expect(isSentByUs(res(rawResponse('SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKa')), ['127.0.0.1'], [5060])).toBe(true);
  });

  it('rejects another host or another port', () => {
    expect(isSentByUs(res(rawResponse('SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bKa')), ['127.0.0.1'], [5060])).toBe(false);
    expect(isSentByUs(res(rawResponse('SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bKa')), ['127.0.0.1'], [5060])).toBe(false);
  });

  it('compares IPv6 hosts with or without brackets', () => {
    expect(sameHost('[::1]', '::1')).toBe(true);
    expect(isSentByUs(res(rawResponse('SIP/2.0/UDP [::1]:5060;branch=z9hG4bKa')), ['::1'], [5060])).toBe(true);
  });
});

describe('Via preparation for sending (RFC 3261 §18.1.1, RFC 3581 §3)', () => {
  it('writes transport and sent-by and asks for rport, keeping the branch', () => {
    const r = rewriteTopVia(req(rawRequest({ via: 'SIP/2.0/UDP placeholder;branch=z9hG4bKkeep' })), 'TCP', { address: '127.0.0.1', port: 5999 });
    expect(r.topVia.transport).toBe('TCP');
    expect(r.topVia.host).toBe('127.0.0.1');
    expect(r.topVia.port).toBe(5999);
    expect(r.topVia.rport).toBeNull();
    expect(r.topVia.branch).toBe('z9hG4bKkeep');
  });

  it('adds a Via with a fresh magic-cookie branch when the request has none', () => {
    const text = rawRequest().replace(/^Via: .*\r\n/m, '');
    const r = rewriteTopVia(req(text), 'UDP', { address: '::1', port: 5062 });
    expect(r.topVia.host).toBe('::1');
    expect(r.topVia.port).toBe(5062);
    expect(r.topVia.hasMagicCookie).toBe(true);
    expect(r.serialize().toString()).toContain('Via: SIP/2.0/UDP [::1]:5062;branch=z9hG4bK');
  });
});
