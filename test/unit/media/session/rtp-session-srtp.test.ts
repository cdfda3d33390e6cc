import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { RtpSession, SrtpContext, SrtpTransform, parseRtcpCompound } from '../../../../src/media/index.js';
import type { RtpCodec } from '../../../../src/media/index.js';

const codec: RtpCodec = {
  payloadType: 0, rtpClockRate: 8000, sampleRate: 8000,
  // A recognisable payload: the low byte of each sample.
  encode: (pcm) => Uint8Array.from(pcm, (v) => v & 0xff), decode: (p) => Int16Array.from(p),
};

const PROFILE = 'AES_CM_128_HMAC_SHA1_80' as const;
const sessionKey = new Uint8Array(randomBytes(30));
const peerKey = new Uint8Array(randomBytes(30));

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function peerSocket(): Promise<{ sock: Socket; got: Buffer[] }> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const got: Buffer[] = [];
  sock.on('message', (m) => got.push(m));
  open.push({ close: () => new Promise<void>((r) => sock.close(() => r())) });
  return { sock, got };
}

async function srtpSession(peerPort: number): Promise<RtpSession> {
  const s = await RtpSession.create({
    codec, rtcpMux: true, rtcpIntervalMs: 100_000,
    srtp: new SrtpTransform({ profile: PROFILE, sendKeySalt: sessionKey, receiveKeySalt: peerKey }),
  });
  s.setRemote({ address: '127.0.0.1', rtpPort: peerPort, rtcpPort: peerPort });
  open.push(s);
  return s;
}

/** A clear RTP packet from the peer. */
function rtp(seq: number, payload: Uint8Array, ssrc = 0xabcdef01): Buffer {
  const b = Buffer.alloc(12 + payload.length);
  b[0] = 0x80;
  b[1] = 0;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(seq * 160, 4);
  b.writeUInt32BE(ssrc, 8);
  b.set(payload, 12);
  return b;
}

const send = (sock: Socket, buf: Uint8Array, port: number): Promise<void> =>
  new Promise((r) => sock.send(buf, port, '127.0.0.1', () => r()));
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

describe('RtpSession with an SRTP transform', () => {
  it('sends SRTP that only the right key opens, with the payload encrypted and a 10-byte tag', async () => {
    const { sock, got } = await peerSocket();
    const s = await srtpSession(sock.address().port);
    const pcm = Int16Array.from({ length: 160 }, (_, i) => i);
    s.sendFrame(pcm);
    await settle();
    expect(got).toHaveLength(1);
    const wire = got[0]!;
    expect(wire.length).toBe(12 + 160 + 10);
    const clearPayload = Uint8Array.from(pcm, (v) => v & 0xff);
    expect(Buffer.compare(wire.subarray(12, 172), clearPayload)).not.toBe(0);
    const opened = SrtpContext.fromKeySalt(PROFILE, sessionKey).unprotectRtp(wire);
    expect(Buffer.compare(opened.subarray(12), clearPayload)).toBe(0);
    expect(() => SrtpContext.fromKeySalt(PROFILE, peerKey).unprotectRtp(wire)).toThrow(/authentication/);
    expect(s.stats().bytesOut).toBe(wire.length);
  });

  it('decrypts packets protected with the peer key and counts tampered ones and replays as dropped', async () => {
    const { sock } = await peerSocket();
    const s = await srtpSession(sock.address().port);
    const audio: Int16Array[] = [];
    s.on('audio', (pcm) => audio.push(pcm));
    const peer = SrtpContext.fromKeySalt(PROFILE, peerKey);
    const payload = Uint8Array.from({ length: 160 }, (_, i) => (i * 3) & 0xff);
    const packets = [1, 2, 3].map((seq) => peer.protectRtp(rtp(seq, payload)));
    for (const p of packets) await send(sock, p, s.localRtpPort);
    await send(sock, packets[1]!, s.localRtpPort); // replay
    const tampered = Buffer.from(peer.protectRtp(rtp(4, payload)));
    tampered[20] = tampered[20]! ^ 0x01;
    await send(sock, tampered, s.localRtpPort);
    await send(sock, rtp(5, payload), s.localRtpPort); // plain RTP: no valid tag
    await settle();
    const st = s.stats();
    expect(st.packetsIn).toBe(3);
    expect(st.srtpReplays).toBe(1);
    expect(st.srtpAuthFailures).toBe(2);
    expect(audio).toHaveLength(3);
    expect(Array.from(audio[0]!.subarray(0, 4))).toEqual([0, 3, 6, 9]);
  });

  it('protects RTCP as SRTCP and accepts the peer SRTCP', async () => {
    const { sock, got } = await peerSocket();
    const s = await srtpSession(sock.address().port);
    s.sendReport();
    await settle();
    expect(got).toHaveLength(1);
    const clear = SrtpContext.fromKeySalt(PROFILE, sessionKey).unprotectRtcp(got[0]!);
    expect(parseRtcpCompound(clear)[0]!.type).toBe('rr');
    const received: unknown[] = [];
    s.on('rtcp', (p) => received.push(p));
    const peer = SrtpContext.fromKeySalt(PROFILE, peerKey);
    // The peer's own receiver report, rebuilt from ours with its SSRC.
    const rr = Buffer.from(clear);
    rr.writeUInt32BE(0xabcdef01, 4);
    await send(sock, peer.protectRtcp(rr), s.localRtpPort);
    await send(sock, rr, s.localRtpPort);
    await settle();
    expect(received).toHaveLength(1);
    expect(s.stats().rtcpIn).toBe(1);
    expect(s.stats().srtpAuthFailures).toBe(1);
  });

  it('switches SRTP off and on with setSrtp and keeps the send state when only the receive key changes', async () => {
    const { sock, got } = await peerSocket();
    const s = await srtpSession(sock.address().port);
    const first = s.srtp!;
    s.sendReport();
    const rekeyed = new SrtpTransform({ profile: PROFILE, sendKeySalt: sessionKey, receiveKeySalt: new Uint8Array(randomBytes(30)) }, first);
    expect(rekeyed.sameKeys({ profile: PROFILE, sendKeySalt: sessionKey, receiveKeySalt: peerKey })).toBe(false);
    expect(first.sameKeys({ profile: PROFILE, sendKeySalt: sessionKey, receiveKeySalt: peerKey })).toBe(true);
    s.setSrtp(rekeyed);
    s.sendReport();
    s.setSrtp(new SrtpTransform({ profile: PROFILE, sendKeySalt: new Uint8Array(randomBytes(30)), receiveKeySalt: peerKey }, rekeyed));
    s.sendReport();
    s.setSrtp(undefined);
    s.sendFrame(new Int16Array(160));
    await settle();
    expect(got).toHaveLength(4);
    // SRTCP index (E flag masked) just before the 10-byte tag: kept across the receive re-key, fresh with a new send key.
    const index = (b: Buffer): number => b.readUInt32BE(b.length - 14) & 0x7fffffff;
    expect(got.slice(0, 3).map(index)).toEqual([0, 1, 0]);
    expect(got[3]!.length).toBe(172);
  });
});
