/**
 * The raw RTP tap of a session's media (bridges use it): packet listeners attached to the RTP
 * session only while someone listens, payloads sent with the session's numbering, dropped while
 * DTMF plays or sending is not allowed, nested pacer suspension, codec changes.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createCodec } from '../../../src/media/index.js';
import type { RtpSession } from '../../../src/media/index.js';
import { MediaTap, mediaTapOf } from '../../../src/session/index.js';
import type { TapCodec } from '../../../src/session/index.js';
import { registerMediaTap } from '../../../src/session/media-tap.js';

/** The part of an RtpSession the tap uses. */
class FakeRtp extends EventEmitter {
  closed = false;
  sent: { payload: Uint8Array; advance: number; marker: boolean }[] = [];
  dtmf: string[] = [];
  releaseDtmf: () => void = () => undefined;
  sendPayload(payload: Uint8Array, advance: number, marker = false): boolean {
    this.sent.push({ payload, advance, marker });
    return true;
  }
  sendDtmf(digits: string): Promise<void> {
    this.dtmf.push(digits);
    return new Promise((r) => { this.releaseDtmf = r; });
  }
}

function attached(maySend: () => boolean = () => true): { tap: MediaTap; rtp: FakeRtp } {
  const tap = new MediaTap();
  const rtp = new FakeRtp();
  tap.attach(rtp as unknown as RtpSession, createCodec('PCMU'), 0, 101, maySend);
  return { tap, rtp };
}

describe('MediaTap', () => {
  it('is not running and drops payloads before media starts', () => {
    const tap = new MediaTap();
    expect(tap.running).toBe(false);
    expect(tap.codec).toBeUndefined();
    expect(tap.send(new Uint8Array(160), 160)).toBe(false);
    expect(tap.stats).toEqual({ packetsIn: 0, packetsOut: 0, dropped: 1 });
  });

  it('announces the codec when media starts', () => {
    const tap = new MediaTap();
    const seen: TapCodec[] = [];
    tap.on('running', (c) => seen.push(c));
    tap.attach(new FakeRtp() as unknown as RtpSession, createCodec('G722'), 9, undefined);
    expect(seen.map((c) => [c.name, c.payloadType, c.sampleRate, c.rtpClockRate])).toEqual([['G722', 9, 16000, 8000]]);
    expect(tap.codec?.create().name).toBe('G722');
  });

  it('listens to the RTP session only while it has packet listeners, and counts audio packets', () => {
    const { tap, rtp } = attached();
    expect(rtp.listenerCount('packet')).toBe(0);
    const got: number[] = [];
    const stop = tap.onPacket((p) => got.push(p.payloadType));
    expect(rtp.listenerCount('packet')).toBe(1);
    rtp.emit('packet', { payloadType: 0, sequenceNumber: 1, timestamp: 0, marker: false, ssrc: 1, payload: new Uint8Array(160) });
    rtp.emit('packet', { payloadType: 101, sequenceNumber: 2, timestamp: 0, marker: true, ssrc: 1, payload: new Uint8Array(4) });
    expect(got).toEqual([0, 101]);
    expect(tap.stats.packetsIn).toBe(1);
    stop();
    stop();
    expect(rtp.listenerCount('packet')).toBe(0);
  });

  it('sends payloads, but not while a DTMF event plays or sending is not allowed', async () => {
    let allowed = true;
    const { tap, rtp } = attached(() => allowed);
    expect(tap.send(new Uint8Array([1, 2]), 2, true)).toBe(true);
    expect(rtp.sent).toEqual([{ payload: new Uint8Array([1, 2]), advance: 2, marker: true }]);
    const dtmf = tap.sendDtmf('5');
    expect(rtp.dtmf).toEqual(['5']);
    expect(tap.send(new Uint8Array(1), 1)).toBe(false);
    rtp.releaseDtmf();
    await dtmf;
    expect(tap.send(new Uint8Array(1), 1)).toBe(true);
    allowed = false;
    expect(tap.send(new Uint8Array(1), 1)).toBe(false);
    expect(tap.stats).toEqual({ packetsIn: 0, packetsOut: 2, dropped: 2 });
  });

  it('nests pacer suspensions, each released once', () => {
    const tap = new MediaTap();
    const r1 = tap.suspendPacer();
    const r2 = tap.suspendPacer();
    r1();
    r1();
    expect(tap.pacerSuspended).toBe(true);
    r2();
    expect(tap.pacerSuspended).toBe(false);
  });

  it('reports a codec changed in place, and nothing after close', () => {
    const { tap, rtp } = attached();
    const codecs: string[] = [];
    tap.on('codec', (c) => codecs.push(`${c.name}/${c.payloadType}`));
    tap.retune(createCodec('PCMA'), 8);
    expect(tap.codec?.name).toBe('PCMA');
    tap.onPacket(() => undefined);
    let closed = 0;
    tap.on('closed', () => { closed++; });
    tap.detach();
    tap.detach();
    expect(closed).toBe(1);
    expect(rtp.listenerCount('packet')).toBe(0);
    expect(tap.codec).toBeUndefined();
    tap.retune(createCodec('PCMU'), 0);
    expect(codecs).toEqual(['PCMA/8']);
    expect(tap.send(new Uint8Array(1), 1)).toBe(false);
  });

  it('is found by the session it was registered for', () => {
    const tap = new MediaTap();
    const session = {};
    expect(mediaTapOf(session)).toBeUndefined();
    registerMediaTap(session, tap);
    expect(mediaTapOf(session)).toBe(tap);
  });
});
