import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createResponse, parseMessage, StreamFramer } from '../../src/sip/index.js';
import type { SipRequest } from '../../src/sip/index.js';
import { TransportLayer } from '../../src/transport/index.js';
import type { InboundMessage, TransportLayerOptions } from '../../src/transport/index.js';
import { rawRequest, req } from '../unit/transport/helpers.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function layer(opts: TransportLayerOptions = {}): Promise<TransportLayer> {
  const tl = await TransportLayer.create({ host: '127.0.0.1', port: 0, ...opts });
  open.push(tl);
  return tl;
}

/** A raw TCP client on 127.0.0.1 that frames what it receives. */
async function rawTcp(port: number): Promise<{
  socket: Socket; next(ms?: number): Promise<Buffer | 'pong' | undefined>; closed: Promise<void>;
}> {
  const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.1' });
  await new Promise<void>((r, j) => { socket.once('connect', r); socket.once('error', j); });
  const framer = new StreamFramer({ eagerPong: true });
  const queue: (Buffer | 'pong')[] = [];
  const waiters: ((b: Buffer | 'pong') => void)[] = [];
  const put = (b: Buffer | 'pong'): void => {
    const w = waiters.shift();
    if (w) w(b); else queue.push(b);
  };
  socket.on('data', (chunk) => {
    for (const ev of framer.push(chunk)) {
      if (ev.type === 'message') put(ev.data);
      else if (ev.type === 'keepalive' && ev.kind === 'pong') put('pong');
    }
  });
  socket.on('error', () => { /* reset by peer in some tests */ });
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  open.push({ close: () => { socket.destroy(); return closed; } });
  return {
    socket,
    closed,
    next: (ms = 2000) => {
      const q = queue.shift();
      if (q) return Promise.resolve(q);
      return new Promise((resolve) => {
        const t = setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); resolve(undefined); }, ms);
        const w = (b: Buffer | 'pong'): void => { clearTimeout(t); resolve(b); };
        waiters.push(w);
      });
    },
  };
}

function collect(tl: TransportLayer): InboundMessage[] {
  const got: InboundMessage[] = [];
  tl.on('message', (m) => got.push(m));
  return got;
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function answerEverything(tl: TransportLayer): void {
  tl.on('message', (m) => {
    if ('method' in m.message) void tl.send(createResponse(m.message, 200), tl.responseTarget(m));
  });
}

describe('TCP transport over loopback', () => {
  it('carries requests and responses on one reused connection', async () => {
    const a = await layer();
    const b = await layer();
    answerEverything(b);
    const atA = collect(a);
    const atB = collect(b);
    for (const cseq of [1, 2, 3]) {
      const { request, target } = a.prepareRequest(req(rawRequest({ cseq })), { protocol: 'TCP', address: '127.0.0.1', port: b.port });
      expect(request.topVia.transport).toBe('TCP');
      await a.send(request, target);
    }
    await until(() => atA.length === 3);
    expect(atA.map((m) => m.message.cseq.seq)).toEqual([1, 2, 3]);
    expect(new Set(atB.map((m) => m.connectionId)).size).toBe(1);
    expect(new Set(atA.map((m) => m.connectionId)).size).toBe(1);
    expect(a.counters.tcpConnectionsTotal).toBe(1);
    expect(b.counters.tcpConnectionsTotal).toBe(1);
    expect(a.counters.tcpConnections).toBe(1);
    // the request's Via got rport filled with the connection's source port
    expect(atB[0]!.message.topVia.rport).toBe(atB[0]!.source.port);
    // b's request to a's listening port opens a second connection (different remote port)
    const back = b.prepareRequest(req(rawRequest({ cseq: 9 })), { protocol: 'TCP', address: '127.0.0.1', port: a.port });
    await b.send(back.request, back.target);
    await until(() => atA.length === 4);
    expect(b.counters.tcpConnectionsTotal).toBe(2);
  });

  it('frames messages split across chunks and several messages in one chunk', async () => {
    const tl = await layer();
    const got = collect(tl);
    const raw = await rawTcp(tl.port);
    const via = (n: number): string => `SIP/2.0/TCP 127.0.0.1:${raw.socket.localPort};branch=z9hG4bKs${n}`;
    const one = Buffer.from(rawRequest({ via: via(1), cseq: 1, body: 'v=0\r\n', extra: ['Content-Type: application/sdp'] }));
    for (let i = 0; i < one.length; i += 7) {
      raw.socket.write(one.subarray(i, i + 7));
      await new Promise((r) => setTimeout(r, 1));
    }
    raw.socket.write(Buffer.concat([Buffer.from(rawRequest({ via: via(2), cseq: 2 })), Buffer.from(rawRequest({ via: via(3), cseq: 3 }))]));
    await until(() => got.length === 3);
    expect(got.map((m) => m.message.cseq.seq)).toEqual([1, 2, 3]);
    expect(got[0]!.message.body.toString()).toBe('v=0\r\n');
    expect(got[0]!.message.topVia.received).toBeUndefined();
  });

  it('answers a response on the connection the request came on', async () => {
    const tl = await layer();
    answerEverything(tl);
    const raw = await rawTcp(tl.port);
    // sent-by names an address we must never contact: the answer has to use the connection
    raw.socket.write(rawRequest({ via: 'SIP/2.0/TCP 192.0.2.1:5999;branch=z9hG4bKc1' }));
    const answer = await raw.next();
    expect(Buffer.isBuffer(answer)).toBe(true);
    const m = parseMessage(answer as Buffer, { datagram: false });
    expect(m).toMatchObject({ status: 200 });
    expect(m.topVia.received).toBe('127.0.0.1');
  });

  it('answers a keep-alive ping with a pong (RFC 5626)', async () => {
    const tl = await layer();
    const raw = await rawTcp(tl.port);
    raw.socket.write('\r\n\r\n');
    expect(await raw.next()).toBe('pong');
    expect(tl.counters.keepalivesAnswered).toBe(1);
  });

  it('answers a message without Content-Length with 400 and closes the connection', async () => {
    const tl = await layer();
    const got = collect(tl);
    const raw = await rawTcp(tl.port);
    const text = rawRequest({ via: `SIP/2.0/TCP 127.0.0.1:${raw.socket.localPort};branch=z9hG4bKn1` }).replace('Content-Length: 0\r\n', '');
    raw.socket.write(text);
    const answer = await raw.next();
    expect(answer?.toString()).toMatch(/^SIP\/2\.0 400 Bad Request - Invalid Content-Length\r\n/);
    await raw.closed;
    expect(got).toHaveLength(0);
    expect(tl.counters.parseFailures).toBe(1);
    await until(() => tl.counters.tcpConnections === 0);
  });

  it('answers a framed but invalid request with 400 and keeps the connection', async () => {
    const tl = await layer();
    const raw = await rawTcp(tl.port);
    raw.socket.write(rawRequest({ via: `SIP/2.0/TCP 127.0.0.1:${raw.socket.localPort};branch=z9hG4bKi1` }).replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE'));
    expect((await raw.next())?.toString()).toMatch(/^SIP\/2\.0 400 /);
    raw.socket.write('\r\n\r\n');
    expect(await raw.next()).toBe('pong');
  });

  it('closes a connection idle for longer than the idle timeout', async () => {
    const tl = await layer({ tcpIdleTimeoutMs: 150 });
    const raw = await rawTcp(tl.port);
    const t0 = Date.now();
    raw.socket.write('\r\n\r\n');
    expect(await raw.next()).toBe('pong');
    await raw.closed;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    expect(tl.counters.tcpIdleClosed).toBe(1);
    expect(tl.counters.tcpConnections).toBe(0);
  });

  it('moves a request over 1300 bytes from UDP to TCP', async () => {
    const a = await layer();
    const b = await layer();
    const atB = collect(b);
    const big = req(rawRequest({ body: 'a=x\r\n'.repeat(300), extra: ['Content-Type: application/sdp'] }));
    const { request, target } = a.prepareRequest(big, { protocol: 'UDP', address: '127.0.0.1', port: b.port });
    expect(target.protocol).toBe('TCP');
    expect(request.topVia.transport).toBe('TCP');
    await a.send(request, target);
    await until(() => atB.length === 1);
    expect(atB[0]!.protocol).toBe('TCP');
    expect(atB[0]!.message.body.length).toBe(1500);
    expect(a.counters.udpToTcpSwitches).toBe(1);
    const small = a.prepareRequest(req(rawRequest()), { protocol: 'UDP', address: '127.0.0.1', port: b.port });
    expect(small.target.protocol).toBe('UDP');
  });

  it('refuses connections beyond the limit', async () => {
    const tl = await layer({ maxTcpConnections: 1 });
    const first = await rawTcp(tl.port);
    await until(() => tl.counters.tcpConnections === 1);
    const second = await rawTcp(tl.port);
    await second.closed;
    expect(tl.counters.tcpConnectionsRefused).toBe(1);
    first.socket.write('\r\n\r\n');
    expect(await first.next()).toBe('pong');
  });

  it('rejects a send to a port nobody listens on with ERR_TRANSPORT_CONNECT', async () => {
    const tl = await layer();
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    await expect(tl.send(req(rawRequest()), { protocol: 'TCP', address: '127.0.0.1', port })).rejects.toMatchObject({ code: 'ERR_TRANSPORT_CONNECT' });
    expect(tl.counters.sendErrors).toBe(1);
  });

  it('falls back to the sent-by port when the request connection has closed', async () => {
    const a = await layer();
    const b = await layer();
    const atA = collect(a);
    const atB = collect(b);
    const { request, target } = a.prepareRequest(req(rawRequest()), { protocol: 'TCP', address: '127.0.0.1', port: b.port });
    await a.send(request, target);
    await until(() => atB.length === 1);
    await a.close(); // the connection dies with a
    const a2 = await layer({ port: a.port }); // same address and port come back
    const atA2 = collect(a2);
    await until(() => b.counters.tcpConnections === 0);
    const t = b.responseTarget(atB[0]!);
    expect(t.connectionId).toBeUndefined();
    expect(t).toMatchObject({ protocol: 'TCP', address: '127.0.0.1', port: a.port });
    await b.send(createResponse(atB[0]!.message as SipRequest, 200), t);
    await until(() => atA2.length === 1);
    expect(atA).toHaveLength(0);
  });

  it('works over IPv6 ::1', async (ctx) => {
    let a: TransportLayer;
    try {
      a = await layer({ host: '::1' });
    } catch (err) {
      console.warn(`SKIPPED: IPv6 loopback ::1 is not available here (${(err as Error).message})`);
      ctx.skip();
      return;
    }
    const b = await layer({ host: '::1' });
    answerEverything(b);
    const atA = collect(a);
    const { request, target } = a.prepareRequest(req(rawRequest()), { protocol: 'TCP', address: '::1', port: b.port });
    expect(request.topVia.sentBy()).toBe(`[::1]:${a.port}`);
    await a.send(request, target);
    await until(() => atA.length === 1);
    expect(atA[0]!.message).toMatchObject({ status: 200 });
    expect(atA[0]!.source).toEqual({ address: '::1', port: b.port });
  });
});

