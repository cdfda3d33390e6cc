import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidStateError,
} from '../../../../src/util/index.js';
import { RtpPacket, RtpSession, parseRtcpCompound } from '../../../../src/media/index.js';
import type { DtmfDigitEvent, RtcpPacket, RtpCodec, RtpSessionOptions } from '../../../../src/media/index.js';

/** A trivial 8-bit "codec": the high byte of each sample. */
const codec: RtpCodec = {
  payloadType: 0, rtpClockRate: 8000, sampleRate: 8000, name: 'PCMU',
  encode: (pcm) => Uint8Array.from(pcm, (s) => (s >> 8) & 0xff),
  decode: (p) => Int16Array.from(p, (b) => ((b << 24) >> 16)),
};

const open: RtpSession[] = [];
afterEach(async () => { await Promise.all(open.splice(0).map((s) => s.close())); });

async function session(o: Partial<RtpSessionOptions> = {}): Promise<RtpSession> {
  const s = await RtpSession.create({ codec, rtcp: false, ...o });
  open.push(s);
  return s;
}

async function pair(o: Partial<RtpSessionOptions> = {}): Promise<[RtpSession, RtpSession]> {
  const a = await session(o);
  const b = await session(o);
  a.setRemote({ address: '127.0.0.1', rtpPort: b.localRtpPort, rtcpPort: b.localRtcpPort });
  b.setRemote({ address: '127.0.0.1', rtpPort: a.localRtpPort, rtcpPort: a.localRtcpPort });
  return [a, b];
}

const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const frame = (v: number): Int16Array => new Int16Array(160).fill(v << 8);

describe('RtpSession', () => {
  it('sends frames that the other side decodes, with a random SSRC and consecutive sequence numbers', async () => {
    const [a, b] = await pair();
    const got: number[] = [];
    const seqs: number[] = [];
    b.on('audio', (pcm) => got.push(pcm[0]! >> 8));
    b.on('packet', (p) => seqs.push(p.sequenceNumber));
    for (let i = 1; i <= 5; i++) expect(a.sendFrame(frame(i))).toBe(true);
    await until(() => got.length === 5);
    expect(got).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < 5; i++) expect((seqs[i]! - seqs[i - 1]!) & 0xffff).toBe(1);
    const st = b.stats();
    expect(st.remoteSsrc).toBe(a.ssrc);
    expect(st.packetsIn).toBe(5);
    expect(st.receive?.cumulativeLost).toBe(0);
    expect(a.stats().packetsOut).toBe(5);
    expect(a.stats().bytesOut).toBe(5 * 172);
  });

  it('counts and drops garbage on both ports without breaking', async () => {
    const [a, b] = await pair();
    const raw = createSocket('udp4');
    await new Promise<void>((r) => raw.bind(0, '127.0.0.1', () => r()));
    for (const bytes of [Buffer.from('hello'), Buffer.alloc(30, 0xff), Buffer.alloc(0)]) {
      raw.send(bytes, b.localRtpPort, '127.0.0.1');
      raw.send(bytes, b.localRtcpPort, '127.0.0.1');
    }
    await until(() => b.stats().garbage === 6);
    const got: number[] = [];
    b.on('audio', (pcm) => got.push(pcm[0]! >> 8));
    a.sendFrame(frame(9));
    await until(() => got.length === 1);
    raw.close();
  });

  it('latches onto the address media actually comes from (RFC 4961)', async () => {
    const a = await session({ latchAfterPackets: 2 });
    const b = await session();
    a.setRemote({ address: '127.0.0.1', rtpPort: 9 }); // wrong: what a NATed SDP would say
    b.setRemote({ address: '127.0.0.1', rtpPort: a.localRtpPort });
    const latched: unknown[] = [];
    a.on('latch', (kind, addr) => latched.push([kind, addr.port]));
    b.sendFrame(frame(1));
    await until(() => a.stats().packetsIn === 1);
    expect(a.remoteRtp?.port).toBe(9);
    b.sendFrame(frame(2));
    await until(() => latched.length === 1);
    expect(latched).toEqual([['rtp', b.localRtpPort]]);
    const got: number[] = [];
    b.on('audio', (pcm) => got.push(pcm[0]! >> 8));
    a.sendFrame(frame(7));
    await until(() => got.length === 1);
    expect(got).toEqual([7]);
  });

  it('exchanges SR/RR over rtcp-mux and measures the round-trip time', async () => {
    const [a, b] = await pair({ rtcpMux: true, rtcp: true, rtcpIntervalMs: 60 });
    expect(a.localRtcpPort).toBe(a.localRtpPort);
    const seen: RtcpPacket[][] = [];
    a.on('rtcp', (p) => seen.push(p));
    const timer = setInterval(() => { a.sendFrame(frame(1)); b.sendFrame(frame(2)); }, 20);
    try {
      await until(() => a.stats().rttMs !== undefined && b.stats().rttMs !== undefined, 5000);
    } finally {
      clearInterval(timer);
    }
    expect(seen.some((c) => c[0]!.type === 'sr')).toBe(true);
    expect(seen.some((c) => c.some((p) => p.type === 'sdes'))).toBe(true);
    const st = a.stats();
    expect(st.rttMs!).toBeGreaterThanOrEqual(0);
    expect(st.rttMs!).toBeLessThan(200);
    expect(st.remoteReport?.cumulativeLost).toBe(0);
    expect(st.mos).toBeGreaterThan(4);
    expect(st.rtcpIn).toBeGreaterThan(0);
    expect(st.garbage).toBe(0);
  });

  it('sends RTCP BYE on close and then releases both ports', async () => {
    const [a, b] = await pair();
    const byes: RtcpPacket[] = [];
    b.on('rtcp', (ps) => byes.push(...ps.filter((p) => p.type === 'bye')));
    const { localRtpPort, localRtcpPort } = a;
    const ssrc = a.ssrc;
    await a.close('done');
    await until(() => byes.length === 1);
    expect(byes[0]).toMatchObject({ type: 'bye', ssrcs: [ssrc], reason: 'done' });
    expect(() => a.sendFrame(frame(1))).toThrow(InvalidStateError);
    for (const port of [localRtpPort, localRtcpPort]) {
      const s = createSocket('udp4');
      await new Promise<void>((resolve, reject) => { s.once('error', reject); s.bind(port, '127.0.0.1', () => resolve()); });
      s.close();
    }
  });

  it('changes its SSRC and says BYE for the old one when another source uses it (§8.2)', async () => {
    const a = await session();
    const peer = createSocket('udp4');
    const rtcpPeer = createSocket('udp4');
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    await new Promise<void>((r) => rtcpPeer.bind(0, '127.0.0.1', () => r()));
    const received: Buffer[] = [];
    rtcpPeer.on('message', (m) => received.push(m));
    a.setRemote({ address: '127.0.0.1', rtpPort: peer.address().port, rtcpPort: rtcpPeer.address().port });
    const changes: unknown[] = [];
    a.on('ssrc-change', (c) => changes.push(c));
    const old = a.ssrc;
    const clash = new RtpPacket({ payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: old, payload: new Uint8Array(160) });
    peer.send(clash.serialize(), a.localRtpPort, '127.0.0.1');
    await until(() => changes.length === 1 && received.length === 1);
    expect(changes[0]).toMatchObject({ previous: old, reason: 'collision' });
    expect(a.ssrc).not.toBe(old);
    const bye = parseRtcpCompound(received[0]!).find((p) => p.type === 'bye');
    expect(bye).toMatchObject({ ssrcs: [old] });
    expect(a.stats().collisions).toBe(1);
    peer.close();
    rtcpPeer.close();
  });

  it('sends DTMF digits that arrive in order with their durations, and holds audio meanwhile', async () => {
    const [a, b] = await pair();
    const digits: DtmfDigitEvent[] = [];
    b.on('dtmf', (e) => digits.push(e));
    const audioBefore = a.stats().packetsOut;
    const done = a.sendDtmf('1#', { durationMs: 60, gapMs: 20 });
    expect(a.sendFrame(frame(1))).toBe(false); // suppressed during the event
    await done;
    await until(() => digits.length === 2);
    expect(digits.map((d) => [d.digit, d.durationMs, d.ended])).toEqual([['1', 60, true], ['#', 60, true]]);
    expect(digits[0]!.timestamp).not.toBe(digits[1]!.timestamp);
    expect(a.stats().packetsOut - audioBefore).toBe(2 * (2 + 3)); // 2 updates + 3 ends per 60 ms digit
    expect(() => a.sendDtmf('x')).toThrow(/DTMF/);
  });

  it('plays received audio through the jitter buffer, one frame per 20 ms tick', async () => {
    const [a, b] = await pair({ jitterBuffer: { minDepthMs: 40, maxDepthMs: 120 } });
    const kinds: string[] = [];
    b.on('audio', (_pcm, info) => kinds.push(info.kind));
    for (let i = 0; i < 4; i++) a.sendFrame(frame(i + 1));
    await until(() => kinds.filter((k) => k === 'audio').length === 4);
    expect(b.stats().jitterBuffer?.played).toBe(4);
  });

  it('drops packets of payload types that were not negotiated', async () => {
    const b = await session();
    const raw = createSocket('udp4');
    await new Promise<void>((r) => raw.bind(0, '127.0.0.1', () => r()));
    const p = new RtpPacket({ payloadType: 18, sequenceNumber: 1, timestamp: 0, ssrc: 5, payload: new Uint8Array(20) });
    raw.send(p.serialize(), b.localRtpPort, '127.0.0.1');
    await until(() => b.stats().unknownPayloadType === 1);
    expect(b.stats().packetsIn).toBe(0);
    raw.close();
  });

  it('keeps working when an application listener throws', async () => {
    const [a, b] = await pair();
    let calls = 0;
    b.on('audio', () => { calls++; throw new Error('application bug'); });
    a.sendFrame(frame(1));
    a.sendFrame(frame(2));
    await until(() => calls === 2);
    expect(b.stats().packetsIn).toBe(2);
  });

  it('completes a DTMF digit whose end packets were all lost once audio has gone on long enough', async () => {
    const b = await session();
    const raw = createSocket('udp4');
    await new Promise<void>((r) => raw.bind(0, '127.0.0.1', () => r()));
    const digits: DtmfDigitEvent[] = [];
    b.on('dtmf', (e) => digits.push(e));
    let seq = 100;
    const send = (pt: number, ts: number, payload: Uint8Array): void => {
      raw.send(new RtpPacket({ payloadType: pt, sequenceNumber: seq++, timestamp: ts, ssrc: 77, payload }).serialize(), b.localRtpPort, '127.0.0.1');
    };
    // Digit 3, two updates, no end packet; then audio for more than 500 ms.
    send(101, 8000, Uint8Array.from([3, 10, 0, 160]));
    send(101, 8000, Uint8Array.from([3, 10, 1, 64]));
    await until(() => b.stats().packetsIn === 2);
    const start = Date.now();
    let ts = 9000;
    while (digits.length === 0 && Date.now() - start < 3000) {
      send(0, ts, new Uint8Array(160));
      ts += 160;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(digits.map((d) => [d.digit, d.durationMs, d.ended])).toEqual([['3', 40, false]]);
    raw.close();
  });
  it('delivers a burst of packets intact, each with its own payload and sequence number', async () => {
    const [a, b] = await pair();
    const got = new Map<number, number>();
    b.on('packet', (p) => got.set(p.sequenceNumber, p.payload[0]!));
    // 600 packets in quick bursts span several send slabs; none may be overwritten by a later one.
    let firstSeq: number | undefined;
    b.once('packet', (p) => { firstSeq = p.sequenceNumber; });
    for (let i = 0; i < 600; i++) {
      a.sendPayload(new Uint8Array(160).fill(i & 0xff), 160);
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5)); // stay within the receive buffer
    }
    await until(() => got.size >= 590);
    expect(firstSeq).toBeDefined();
    for (const [seq, first] of got) expect(first).toBe(((seq - firstSeq! + 0x10000) & 0xffff) & 0xff);
    expect(a.stats().packetsOut).toBe(600);
  });
});
