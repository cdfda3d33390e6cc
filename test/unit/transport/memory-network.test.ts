import { afterEach, describe, expect, it, vi } from 'vitest';
import { createResponse, SipUri } from '../../../src/sip/index.js';
import { createMemoryNetwork, LossyTransport } from '../../../src/transport/index.js';
import type { InboundMessage, SipTransportLayer } from '../../../src/transport/index.js';
import { rawRequest, req } from './helpers.js';

function collect(t: SipTransportLayer): InboundMessage[] {
  const got: InboundMessage[] = [];
  t.on('message', (m) => got.push(m));
  return got;
}

const A = { address: '10.0.0.1', port: 5060 };
const B = { address: '10.0.0.2', port: 5070 };

afterEach(() => {
  vi.useRealTimers();
});

describe('in-memory network', () => {
  it('delivers a serialised and re-parsed request with received/rport stamped, asynchronously', async () => {
    const net = createMemoryNetwork();
    const a = net.endpoint(A);
    const b = net.endpoint(B);
    const got = collect(b);
    const { request, target } = a.prepareRequest(req(rawRequest()), { protocol: 'UDP', address: B.address, port: B.port });
    const sent = a.send(request, target);
    expect(got).toHaveLength(0); // never delivered synchronously
    await sent;
    await net.settle();
    expect(got).toHaveLength(1);
    const m = got[0]!;
    expect(m.message).not.toBe(request);
    expect(m.protocol).toBe('UDP');
    expect(m.source).toEqual(A);
    expect(m.local).toEqual(B);
    expect(m.message.topVia.host).toBe('10.0.0.1');
    expect(m.message.topVia.rport).toBe(5060);
    expect(m.message.topVia.received).toBe('10.0.0.1');
    expect(a.counters.messagesOut).toBe(1);
    expect(b.counters.messagesIn).toBe(1);
    expect(b.counters.bytesIn).toBe(request.serialize().byteLength);
  });

  it('delivers under vitest fake timers without advancing time', async () => {
    vi.useFakeTimers();
    const net = createMemoryNetwork();
    const a = net.endpoint(A);
    const got = collect(net.endpoint(B));
    const { request, target } = a.prepareRequest(req(rawRequest()), { protocol: 'UDP', ...B });
    await a.send(request, target);
    await net.settle();
    expect(got).toHaveLength(1);
  });

  it('routes a response back to the sender, which accepts it because its Via is ours', async () => {
    const net = createMemoryNetwork();
    const a = net.endpoint(A);
    const b = net.endpoint(B);
    const atA = collect(a);
    b.on('message', (m) => {
      if ('method' in m.message) void b.send(createResponse(m.message, 200), b.responseTarget(m));
    });
    const { request, target } = a.prepareRequest(req(rawRequest()), { protocol: 'UDP', ...B });
    await a.send(request, target);
    await net.settle();
    expect(atA).toHaveLength(1);
    expect(atA[0]!.message).toMatchObject({ status: 200 });
  });

  it('drops a response whose top Via is not ours and counts it', async () => {
    const net = createMemoryNetwork();
    const a = net.endpoint(A);
    const got = collect(a);
    net.inject('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.9.9.9:5060;branch=z9hG4bKq\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\n'
      + 'Call-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n', { from: B, to: A });
    await net.settle();
    expect(got).toHaveLength(0);
    expect(a.counters.droppedResponses).toBe(1);
  });

  it('loses UDP to an unknown address silently and rejects TCP to it', async () => {
    const net = createMemoryNetwork();
    const a = net.endpoint(A);
    const r = req(rawRequest());
    await expect(a.send(r, { protocol: 'UDP', address: '10.0.0.99', port: 5060 })).resolves.toBeUndefined();
    expect(a.counters.droppedMessages).toBe(1);
    expect(net.history.at(-1)?.fate).toBe('lost');
    await expect(a.send(r, { protocol: 'TCP', address: '10.0.0.99', port: 5060 })).rejects.toMatchObject({ code: 'ERR_TRANSPORT_CONNECT' });
    expect(a.counters.sendErrors).toBe(1);
  });

  it('drops packets the filter rejects and records them', async () => {
    const net = createMemoryNetwork();
    const a = net.endpoint(A);
    const got = collect(net.endpoint(B));
    net.filter = (m) => (m !== undefined && 'method' in m && m.cseq.seq === 2 ? 'drop' : 'deliver');
    for (const cseq of [1, 2, 3]) {
      const { request, target } = a.prepareRequest(req(rawRequest({ cseq })), { protocol: 'UDP', ...B });
      await a.send(request, target);
    }
    await net.settle();
    expect(got.map((g) => g.message.cseq.seq)).toEqual([1, 3]);
    expect(net.history.map((h) => h.fate)).toEqual(['delivered', 'dropped', 'delivered']);
  });

  it('delays packets on the network clock (fake timers)', async () => {
    vi.useFakeTimers();
    const net = createMemoryNetwork({ filter: () => ({ delayMs: 200 }) });
    const a = net.endpoint(A);
    const got = collect(net.endpoint(B));
    const { request, target } = a.prepareRequest(req(rawRequest()), { protocol: 'UDP', ...B });
    await a.send(request, target);
    await net.settle();
    await vi.advanceTimersByTimeAsync(199);
    expect(got).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(got).toHaveLength(1);
  });

  it('keeps one TCP connection per pair and answers on it', async () => {
    const net = createMemoryNetwork();
    const a = net.endpoint(A);
    const b = net.endpoint(B);
    const atB = collect(b);
    const atA = collect(a);
    for (const cseq of [1, 2]) {
      const { request, target } = a.prepareRequest(req(rawRequest({ cseq })), { protocol: 'TCP', ...B });
      await a.send(request, target);
    }
    await net.settle();
    expect(atB).toHaveLength(2);
    expect(atB[0]!.connectionId).toBeDefined();
    expect(atB[0]!.connectionId).toBe(atB[1]!.connectionId);
    expect(a.counters.tcpConnections).toBe(1);
    const t = b.responseTarget(atB[0]!);
    expect(t.connectionId).toBe(atB[0]!.connectionId);
    await b.send(createResponse(atB[0]!.message as never, 180), t);
    await net.settle();
    expect(atA).toHaveLength(1);
    expect(atA[0]!.connectionId).toBe(atB[0]!.connectionId);
  });

  it('moves a request over 1300 bytes from UDP to TCP (§18.1.1)', () => {
    const net = createMemoryNetwork();
    const a = net.endpoint(A);
    const big = req(rawRequest({ body: 'x'.repeat(1400), extra: ['Content-Type: text/plain'] }));
    const { request, target } = a.prepareRequest(big, { protocol: 'UDP', ...B });
    expect(target).toEqual({ protocol: 'TCP', ...B });
    expect(request.topVia.transport).toBe('TCP');
    expect(a.counters.udpToTcpSwitches).toBe(1);
    const udpOnly = net.endpoint({ ...B, protocols: ['UDP'] });
    expect(udpOnly.prepareRequest(big, { protocol: 'UDP', ...A }).target.protocol).toBe('UDP');
  });

  it('answers an unparsable request with 400 and a precise reason', async () => {
    const net = createMemoryNetwork();
    const a = net.endpoint(A);
    const b = net.endpoint(B);
    const atB = collect(b);
    const atA = collect(a);
    // A's own Via, so the 400 is accepted by A; the request line's version is bad -> 505.
    const bad = rawRequest({ via: 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKbad' }).replace('SIP/2.0\r\n', 'SIP/7.0\r\n');
    net.inject(bad, { from: A, to: B });
    await net.settle();
    expect(atB).toHaveLength(0);
    expect(b.counters.parseFailures).toBe(1);
    expect(b.counters.badRequestsAnswered).toBe(1);
    expect(atA).toHaveLength(1);
    expect(atA[0]!.message).toMatchObject({ status: 505 });
  });

  it('refuses to send after close and no longer receives', async () => {
    const net = createMemoryNetwork();
    const a = net.endpoint(A);
    const b = net.endpoint(B);
    await b.close();
    await b.close();
    await expect(b.send(req(rawRequest()), { protocol: 'UDP', ...A })).rejects.toMatchObject({ code: 'ERR_TRANSPORT_CLOSED' });
    await a.send(req(rawRequest()), { protocol: 'UDP', ...B });
    expect(net.history.at(-1)?.fate).toBe('lost');
    expect(() => net.endpoint(A)).toThrow(/already attached/);
  });

  it('resolves numeric URIs and rejects names without a resolver', async () => {
    const net = createMemoryNetwork();
    const a = net.endpoint(A);
    expect(await a.resolve(SipUri.parse('sip:bob@10.0.0.2:5070;transport=tcp'))).toEqual([{ protocol: 'TCP', address: '10.0.0.2', port: 5070 }]);
    await expect(a.resolve(SipUri.parse('sip:bob@example.com'))).rejects.toMatchObject({ code: 'ERR_TRANSPORT_RESOLVE' });
    expect(a.contactAddress('UDP')).toEqual(A);
    expect(net.endpoint({ address: '10.0.0.3', port: 5060, publicAddress: '203.0.113.5' }).contactAddress('UDP'))
      .toEqual({ address: '203.0.113.5', port: 5060 });
  });
});

describe('LossyTransport', () => {
  it('loses outbound and inbound messages chosen by its predicates', async () => {
    const net = createMemoryNetwork();
    const a = new LossyTransport(net.endpoint(A), { dropOutbound: (m) => 'method' in m && m.cseq.seq === 1 });
    const b = new LossyTransport(net.endpoint(B), { dropInbound: (m) => m.message.cseq.seq === 2 });
    const got = collect(b);
    for (const cseq of [1, 2, 3]) {
      const { request, target } = a.prepareRequest(req(rawRequest({ cseq })), { protocol: 'UDP', ...B });
      await a.send(request, target);
    }
    await net.settle();
    expect(got.map((g) => g.message.cseq.seq)).toEqual([3]);
    expect(a.droppedOutbound).toBe(1);
    expect(b.droppedInbound).toBe(1);
    await a.close();
    await expect(a.send(req(rawRequest({ cseq: 5 })), { protocol: 'UDP', ...B })).rejects.toMatchObject({ code: 'ERR_TRANSPORT_CLOSED' });
  });
});
