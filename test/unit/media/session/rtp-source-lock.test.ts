/**
 * RTP from a third party while a call's media flows: garbage, wrong versions, forged SSRCs and
 * huge CSRC counts are counted and dropped; the call's audio and its remote address are untouched.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { RtpPacket, RtpSession } from '../../../../src/media/index.js';
import type { RtpCodec, RtpSessionOptions } from '../../../../src/media/index.js';

/** A trivial 8-bit "codec": the high byte of each sample. */
const codec: RtpCodec = {
  payloadType: 0, rtpClockRate: 8000, sampleRate: 8000, name: 'PCMU',
  encode: (pcm) => Uint8Array.from(pcm, (s) => (s >> 8) & 0xff),
  decode: (p) => Int16Array.from(p, (b) => ((b << 24) >> 16)),
};

const open: RtpSession[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  for (const s of sockets.splice(0)) s.close();
});

async function pair(o: Partial<RtpSessionOptions> = {}): Promise<[RtpSession, RtpSession]> {
  const a = await RtpSession.create({ codec, rtcp: false, ...o });
  const b = await RtpSession.create({ codec, rtcp: false, ...o });
  open.push(a, b);
  a.setRemote({ address: '127.0.0.1', rtpPort: b.localRtpPort, rtcpPort: b.localRtcpPort });
  b.setRemote({ address: '127.0.0.1', rtpPort: a.localRtpPort, rtcpPort: a.localRtcpPort });
  return [a, b];
}

async function attacker(): Promise<Socket> {
  const s = createSocket('udp4');
  sockets.push(s);
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}

const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const frame = (v: number): Int16Array => new Int16Array(160).fill(v << 8);

/** A well-formed RTP packet with the call's payload type and the attacker's SSRC and value. */
function forged(seq: number, ssrc: number, value: number): Buffer {
  return Buffer.from(new RtpPacket({
    payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc, marker: false,
    payload: new Uint8Array(160).fill(value),
  }).serialize());
}

/** Malformed datagrams of the kinds issue 9 names. */
function malformed(): Buffer[] {
  const v1 = Buffer.alloc(172); v1[0] = 0x40; // version 1
  const csrc = Buffer.alloc(20); csrc[0] = 0x8f; // version 2, 15 CSRCs announced, 8 bytes present
  const truncated = Buffer.from([0x80, 0x00, 0x00]);
  const padding = Buffer.alloc(20); padding[0] = 0xa0; padding[19] = 200; // padding longer than the packet
  const extension = Buffer.alloc(16); extension[0] = 0x90; extension[14] = 0xff; extension[15] = 0xff; // huge extension
  return [v1, csrc, truncated, padding, extension, Buffer.alloc(0), Buffer.from('INVITE sip:x SIP/2.0\r\n\r\n')];
}

describe('RTP from a third party during a call', () => {
  it('counts and drops malformed datagrams while the call audio goes on', async () => {
    const [a, b] = await pair();
    const bad = await attacker();
    const got: number[] = [];
    b.on('audio', (pcm) => got.push(pcm[0]! >> 8));
    for (let i = 1; i <= 20; i++) {
      a.sendFrame(frame(5));
      for (const d of malformed()) bad.send(d, b.localRtpPort, '127.0.0.1');
      await sleep(2);
    }
    await until(() => got.length === 20 && b.stats().garbage === 20 * malformed().length);
    expect(new Set(got)).toEqual(new Set([5]));
    expect(b.stats().remoteSsrc).toBe(a.ssrc);
  });

  it('drops well-formed packets with a forged SSRC from another address, and keeps sending to the real peer', async () => {
    const [a, b] = await pair({ latchAfterPackets: 2 });
    const bad = await attacker();
    const got: number[] = [];
    b.on('audio', (pcm) => got.push(pcm[0]! >> 8));
    const latched: unknown[] = [];
    b.on('latch', (_kind, addr) => latched.push(addr));
    for (let i = 1; i <= 30; i++) {
      a.sendFrame(frame(5));
      bad.send(forged(1000 + i, 0x0badf00d, 0x7f), b.localRtpPort, '127.0.0.1');
      bad.send(forged(2000 + i, a.ssrc, 0x7f), b.localRtpPort, '127.0.0.1'); // the real SSRC, forged
      await sleep(2);
    }
    await until(() => got.length === 30 && b.stats().foreign === 60);
    expect(new Set(got)).toEqual(new Set([5]));
    expect(latched).toEqual([]);
    expect(b.remoteRtp).toEqual({ address: '127.0.0.1', port: a.localRtpPort });
    expect(b.stats().remoteSsrc).toBe(a.ssrc);
    // Our audio still goes to the real peer, not to the attacker.
    let stolen = 0;
    bad.on('message', () => { stolen++; });
    const back: number[] = [];
    a.on('audio', (pcm) => back.push(pcm[0]! >> 8));
    b.sendFrame(frame(3));
    await until(() => back.length === 1);
    expect(stolen).toBe(0);
  });

  it('follows a peer that really moved once the old address has gone quiet, and at once after signalling', async () => {
    const [a, b] = await pair({ sourceRelockMs: 100 });
    const moved = await attacker();
    a.sendFrame(frame(5));
    await until(() => b.stats().packetsIn === 1);
    moved.send(forged(10, 0x1234, 9), b.localRtpPort, '127.0.0.1');
    await until(() => b.stats().foreign === 1);
    await sleep(150);
    moved.send(forged(11, 0x1234, 9), b.localRtpPort, '127.0.0.1');
    await until(() => b.stats().packetsIn === 2);
    // Signalling names a new address: accepted at once, and the old one is now the stranger.
    const other = await attacker();
    b.setRemote({ address: '127.0.0.1', rtpPort: other.address().port });
    other.send(forged(50, 0x5678, 4), b.localRtpPort, '127.0.0.1');
    await until(() => b.stats().packetsIn === 3);
    moved.send(forged(12, 0x1234, 9), b.localRtpPort, '127.0.0.1');
    await until(() => b.stats().foreign === 2);
  });
});
