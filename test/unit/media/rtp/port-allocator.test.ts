import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { PortAllocator, PortRangeExhaustedError } from '../../../../src/media/index.js';

describe('PortAllocator', () => {
  it('hands out an even RTP port with RTCP on the next port, bound on 127.0.0.1', async () => {
    const alloc = new PortAllocator();
    const pair = await alloc.allocate();
    try {
      expect(pair.rtpPort % 2).toBe(0);
      expect(pair.rtcpPort).toBe(pair.rtpPort + 1);
      expect(pair.rtpPort).toBeGreaterThanOrEqual(10000);
      expect(pair.rtcpPort).toBeLessThanOrEqual(20000);
      expect(pair.rtpSocket.address()).toMatchObject({ address: '127.0.0.1', port: pair.rtpPort });
      expect(pair.rtcpSocket!.address().port).toBe(pair.rtcpPort);
    } finally {
      await pair.release();
    }
  });

  it('gives a single port when RTP and RTCP are muxed', async () => {
    const pair = await new PortAllocator().allocate(true);
    expect(pair.rtcpPort).toBe(pair.rtpPort);
    expect(pair.rtcpSocket).toBeUndefined();
    await pair.release();
  });

  it('throws a typed error when the range is exhausted, and serves again after a release', async () => {
    const alloc = new PortAllocator({ min: 61000, max: 61003 });
    const a = await alloc.allocate();
    const b = await alloc.allocate();
    expect(new Set([a.rtpPort, b.rtpPort])).toEqual(new Set([61000, 61002]));
    await expect(alloc.allocate()).rejects.toBeInstanceOf(PortRangeExhaustedError);
    await expect(alloc.allocate()).rejects.toMatchObject({ code: 'ERR_PORT_RANGE_EXHAUSTED' });
    await a.release();
    await a.release(); // idempotent
    expect(alloc.allocated).toBe(1);
    const c = await alloc.allocate();
    expect(c.rtpPort).toBe(a.rtpPort);
    await Promise.all([b.release(), c.release()]);
    expect(alloc.allocated).toBe(0);
  });

  it('skips a port that another socket already holds', async () => {
    const squatter = createSocket('udp4');
    await new Promise<void>((resolve, reject) => { squatter.once('error', reject); squatter.bind(61101, '127.0.0.1', () => resolve()); });
    try {
      const alloc = new PortAllocator({ min: 61100, max: 61103 });
      const pair = await alloc.allocate();
      expect(pair.rtpPort).toBe(61102);
      await expect(alloc.allocate()).rejects.toBeInstanceOf(PortRangeExhaustedError);
      await pair.release();
    } finally {
      squatter.close();
    }
  });

  it('binds IPv6 loopback when given an IPv6 address', async () => {
    const alloc = new PortAllocator({ address: '::1' });
    let pair;
    try {
      pair = await alloc.allocate();
    } catch (e) {
      // A host without IPv6 loopback exhausts the range instead.
      expect(e).toBeInstanceOf(PortRangeExhaustedError);
      return;
    }
    expect(pair.rtpSocket.address().family).toBe('IPv6');
    await pair.release();
  });

  it('rejects an impossible range', () => {
    expect(() => new PortAllocator({ min: 20000, max: 10000 })).toThrow(/media.portRange/);
  });
  it('sends to IP literals and still resolves host names through DNS', async () => {
    const pair = await new PortAllocator().allocate(true);
    const peer = createSocket('udp4');
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', r));
    const got: string[] = [];
    peer.on('message', (m) => got.push(m.toString()));
    try {
      const port = peer.address().port;
      pair.rtpSocket.send(Buffer.from('literal'), port, '127.0.0.1');
      pair.rtpSocket.send(Buffer.from('name'), port, 'localhost');
      const end = Date.now() + 3000;
      while (got.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      expect(got.sort()).toEqual(['literal', 'name']);
    } finally {
      peer.close();
      await pair.release();
    }
  });
});
