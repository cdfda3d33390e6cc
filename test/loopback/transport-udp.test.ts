import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createResponse, parseMessage, SipUri } from '../../src/sip/index.js';
import type { SipRequest } from '../../src/sip/index.js';
import { LossyTransport, TransportLayer } from '../../src/transport/index.js';
import type { InboundMessage } from '../../src/transport/index.js';
import { rawRequest, rawResponse, req } from '../unit/transport/helpers.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function layer(host = '127.0.0.1', opts: Parameters<typeof TransportLayer.create>[0] = {}): Promise<TransportLayer> {
  const tl = await TransportLayer.create({ host, port: 0, ...opts });
  open.push(tl);
  return tl;
}

/** A raw UDP socket on 127.0.0.1 that queues what it receives. */
async function rawUdp(host = '127.0.0.1'): Promise<{ socket: Socket; port: number; next(ms?: number): Promise<Buffer | undefined> }> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const queue: Buffer[] = [];
  const waiters: ((b: Buffer) => void)[] = [];
  socket.on('message', (b) => {
    const w = waiters.shift();
    if (w) w(b); else queue.push(b);
  });
  await new Promise<void>((r) => socket.bind(0, host, () => r()));
  open.push({ close: () => new Promise<void>((r) => socket.close(() => r())) });
  return {
    socket,
    port: socket.address().port,
    next: (ms = 2000) => {
      const q = queue.shift();
      if (q) return Promise.resolve(q);
      return new Promise((resolve) => {
        const t = setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); resolve(undefined); }, ms);
        const w = (b: Buffer): void => { clearTimeout(t); resolve(b); };
        waiters.push(w);
      });
    },
  };
}

function nextMessage(tl: TransportLayer, ms = 2000): Promise<InboundMessage | undefined> {
  return new Promise((resolve) => {
    const t = setTimeout(() => { tl.off('message', on); resolve(undefined); }, ms);
    const on = (m: InboundMessage): void => { clearTimeout(t); tl.off('message', on); resolve(m); };
    tl.on('message', on);
  });
}

function send(s: Socket, text: string, port: number, host = '127.0.0.1'): void {
  s.send(Buffer.from(text), port, host);
}

describe('UDP transport over loopback', () => {
  it('shares one ephemeral port between UDP and TCP', async () => {
    const tl = await layer();
    expect(tl.port).toBeGreaterThan(0);
    expect(tl.contactAddress('UDP')).toEqual({ address: '127.0.0.1', port: tl.port });
    expect(tl.contactAddress('TCP')).toEqual({ address: '127.0.0.1', port: tl.port });
  });

  it('stamps received and rport on a request whose Via names another address, and answers to the source', async () => {
    const tl = await layer();
    const raw = await rawUdp();
    const got = nextMessage(tl);
    send(raw.socket, rawRequest({ via: 'SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bKr1;rport' }), tl.port);
    const inbound = (await got)!;
    expect(inbound.source).toEqual({ address: '127.0.0.1', port: raw.port });
    expect(inbound.local).toEqual({ address: '127.0.0.1', port: tl.port });
    expect(inbound.message.topVia.received).toBe('127.0.0.1');
    expect(inbound.message.topVia.rport).toBe(raw.port);
    const target = tl.responseTarget(inbound);
    expect(target).toEqual({ protocol: 'UDP', address: '127.0.0.1', port: raw.port });
    await tl.send(createResponse(inbound.message as SipRequest, 200), target);
    const answer = parseMessage((await raw.next())!);
    expect(answer).toMatchObject({ status: 200 });
    expect(answer.topVia.received).toBe('127.0.0.1');
    expect(answer.topVia.rport).toBe(raw.port);
  });

  it('answers without rport to received at the sent-by port', async () => {
    const tl = await layer();
    const raw = await rawUdp();
    const got = nextMessage(tl);
    send(raw.socket, rawRequest({ via: `SIP/2.0/UDP 192.0.2.1:${raw.port};branch=z9hG4bKr2` }), tl.port);
    const inbound = (await got)!;
    expect(inbound.message.topVia.received).toBe('127.0.0.1');
    expect(inbound.message.topVia.rport).toBeUndefined();
    await tl.send(createResponse(inbound.message as SipRequest, 486), tl.responseTarget(inbound));
    expect(parseMessage((await raw.next())!)).toMatchObject({ status: 486 });
  });

  it('answers an unparsable request with 400 and the precise reason, and 505 for a bad version', async () => {
    const tl = await layer();
    const raw = await rawUdp();
    const errors: unknown[] = [];
    tl.on('message', (m) => errors.push(m));
    send(raw.socket, rawRequest({ via: `SIP/2.0/UDP 127.0.0.1:${raw.port};branch=z9hG4bKp1` }).replace('CSeq: 1 OPTIONS', 'CSeq: one OPTIONS'), tl.port);
    const first = (await raw.next())!.toString();
    expect(first).toMatch(/^SIP\/2\.0 400 Bad Request - [^\r]*CSeq/);
    expect(first).toContain('Call-ID: call-1@test');
    send(raw.socket, rawRequest({ via: `SIP/2.0/UDP 127.0.0.1:${raw.port};branch=z9hG4bKp2` }).replace(' SIP/2.0\r\n', ' SIP/3.0\r\n'), tl.port);
    expect((await raw.next())!.toString()).toMatch(/^SIP\/2\.0 505 /);
    expect(errors).toHaveLength(0);
    expect(tl.counters.parseFailures).toBe(2);
    expect(tl.counters.badRequestsAnswered).toBe(2);
  });

  it('drops garbage, broken responses and CRLF keep-alives without answering', async () => {
    const tl = await layer();
    const raw = await rawUdp();
    send(raw.socket, 'hello there\r\n\r\n', tl.port);
    send(raw.socket, 'SIP/2.0 2000 OK\r\nVia: SIP/2.0/UDP 127.0.0.1\r\n\r\n', tl.port);
    send(raw.socket, '\r\n\r\n', tl.port);
    expect(await raw.next(300)).toBeUndefined();
    expect(tl.counters.parseFailures).toBe(2);
    expect(tl.counters.badRequestsAnswered).toBe(0);
  });

  it('drops a response whose top Via is not ours (§18.1.2) and accepts one that is', async () => {
    const tl = await layer();
    const raw = await rawUdp();
    const got = nextMessage(tl, 1000);
    send(raw.socket, rawResponse('SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKf1'), tl.port);
    send(raw.socket, rawResponse(`SIP/2.0/UDP 127.0.0.1:${tl.port};branch=z9hG4bKok;rport=5`, 202), tl.port);
    const m = (await got)!;
    expect(m.message).toMatchObject({ status: 202 });
    expect(tl.counters.droppedResponses).toBe(1);
    expect(tl.counters.messagesIn).toBe(2);
  });

  it('carries a request and its response between two of our endpoints', async () => {
    const a = await layer();
    const b = await layer();
    b.on('message', (m) => {
      if ('method' in m.message) void b.send(createResponse(m.message, 200), b.responseTarget(m));
    });
    const { request, target } = a.prepareRequest(req(rawRequest({ via: 'SIP/2.0/UDP placeholder;branch=z9hG4bKab' })), {
      protocol: 'UDP', address: '127.0.0.1', port: b.port,
    });
    expect(request.topVia.sentBy()).toBe(`127.0.0.1:${a.port}`);
    expect(request.topVia.rport).toBeNull();
    const got = nextMessage(a);
    await a.send(request, target);
    const resp = (await got)!;
    expect(resp.message).toMatchObject({ status: 200 });
    expect(resp.message.topVia.rport).toBe(a.port);
    expect(a.counters.messagesOut).toBe(1);
    expect(b.counters.messagesOut).toBe(1);
  });

  it('works over IPv6 ::1', async (ctx) => {
    let v6: TransportLayer;
    try {
      v6 = await layer('::1');
    } catch (err) {
      console.warn(`SKIPPED: IPv6 loopback ::1 is not available here (${(err as Error).message})`);
      ctx.skip();
      return;
    }
    const peer = await layer('::1');
    const got = nextMessage(peer);
    const { request, target } = v6.prepareRequest(req(rawRequest()), { protocol: 'UDP', address: '::1', port: peer.port });
    expect(request.serialize().toString()).toContain(`Via: SIP/2.0/UDP [::1]:${v6.port};branch=`);
    await v6.send(request, target);
    const m = (await got)!;
    expect(m.source).toEqual({ address: '::1', port: v6.port });
    expect(m.message.topVia.rport).toBe(v6.port);
    const back = nextMessage(v6);
    await peer.send(createResponse(m.message as SipRequest, 200), peer.responseTarget(m));
    expect((await back)!.message).toMatchObject({ status: 200 });
    await expect(v6.send(request, { protocol: 'UDP', address: '127.0.0.1', port: 5060 })).rejects.toMatchObject({ code: 'ERR_TRANSPORT_SEND' });
  });

  it('releases every socket on close, is idempotent, and refuses to send afterwards', async () => {
    const kinds = (): string[] => process.getActiveResourcesInfo().filter((k) => /UDP|TCP/.test(k)).sort();
    const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
    await tick(); await tick(); // raw sockets closed by earlier tests leave the list a turn later
    const before = kinds();
    const tl = await TransportLayer.create({ host: '127.0.0.1', port: 0 });
    const peer = await TransportLayer.create({ host: '127.0.0.1', port: 0 });
    // open a TCP connection too
    const got = nextMessage(peer);
    const { request, target } = tl.prepareRequest(req(rawRequest()), { protocol: 'TCP', address: '127.0.0.1', port: peer.port });
    await tl.send(request, target);
    await got;
    expect(kinds().length).toBeGreaterThan(before.length);
    await Promise.all([tl.close(), tl.close(), peer.close()]);
    await tl.close();
    expect(kinds()).toEqual(before); // close() resolves only once the handles are gone
    await expect(tl.send(request, target)).rejects.toMatchObject({ code: 'ERR_TRANSPORT_CLOSED' });
    // the port is free again
    const again = await TransportLayer.create({ host: '127.0.0.1', port: tl.port });
    await again.close();
  });

  it('rejects a wildcard-free non-numeric host and unsupported transports', async () => {
    await expect(TransportLayer.create({ host: 'localhost', port: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(TransportLayer.create({ host: '127.0.0.1', port: 0, transports: ['TLS'] })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('fails to bind a port already taken', async () => {
    const tl = await layer();
    await expect(TransportLayer.create({ host: '127.0.0.1', port: tl.port })).rejects.toMatchObject({ code: 'ERR_TRANSPORT_BIND' });
  });

  it('completes close() under vitest fake timers', async () => {
    vi.useFakeTimers();
    try {
      const tl = await TransportLayer.create({ host: '127.0.0.1', port: 0 });
      await tl.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('advertises the public address in Via and Contact and accepts responses naming it', async () => {
    const tl = await layer('127.0.0.1', { publicAddress: { address: '203.0.113.7', port: 5062 } });
    expect(tl.contactAddress('UDP')).toEqual({ address: '203.0.113.7', port: 5062 });
    const { request } = tl.prepareRequest(req(rawRequest()), { protocol: 'UDP', address: '127.0.0.1', port: 9 });
    expect(request.topVia.sentBy()).toBe('203.0.113.7:5062');
    const raw = await rawUdp();
    const got = nextMessage(tl, 1000);
    send(raw.socket, rawResponse('SIP/2.0/UDP 203.0.113.7:5062;branch=z9hG4bKpub'), tl.port);
    expect((await got)?.message).toMatchObject({ status: 200 });
  });

  it('resolves numeric URIs itself and names through the injected resolver', async () => {
    const queried: string[] = [];
    const tl = await layer('127.0.0.1', {
      resolver: {
        resolveNaptr: () => Promise.resolve([]),
        resolveSrv: () => Promise.resolve([]),
        resolve4: (n) => { queried.push(n); return Promise.resolve(['127.0.0.1']); },
        resolve6: () => Promise.resolve(['::1']),
      },
    });
    expect(await tl.resolve(SipUri.parse('sip:bob@127.0.0.1:5080;transport=tcp'))).toEqual([{ protocol: 'TCP', address: '127.0.0.1', port: 5080 }]);
    expect(await tl.resolve(SipUri.parse('sip:bob@pbx.test:5090'))).toEqual([{ protocol: 'UDP', address: '127.0.0.1', port: 5090 }]);
    expect(queried).toEqual(['pbx.test']);
  });

  it('loses chosen messages over real sockets through LossyTransport', async () => {
    const a = await layer();
    const b = new LossyTransport(await layer(), { dropInbound: (m) => m.message.cseq.seq === 1 });
    const got: number[] = [];
    b.on('message', (m) => got.push(m.message.cseq.seq));
    for (const cseq of [1, 2]) {
      const { request, target } = a.prepareRequest(req(rawRequest({ cseq })), { protocol: 'UDP', address: '127.0.0.1', port: (b.inner as TransportLayer).port });
      await a.send(request, target);
    }
    for (let i = 0; i < 200 && got.length < 1; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual([2]);
    expect(b.droppedInbound).toBe(1);
  });
});
