import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { dominantFrequency } from '../../src/media/index.js';
import { CallFailedError, ToneSource } from '../../src/index.js';
import type { CallSession, SessionManager, SrtpMode } from '../../src/index.js';
import { localManager, sleep, waitFor } from './api-helpers.js';

let managers: SessionManager[] = [];

async function start(srtp: SrtpMode): Promise<SessionManager> {
  const m = await localManager({ media: { srtp } });
  managers.push(m);
  return m;
}

afterEach(async () => {
  for (const m of managers) await m.close();
  managers = [];
});

/** Received PCM of a session (8 kHz), collected as it arrives. */
function collect(session: CallSession): { pcm(): Int16Array } {
  const frames: Int16Array[] = [];
  session.receiveAudio({ sampleRate: 8000 }).on('data', (f: Int16Array) => frames.push(f));
  return {
    pcm: () => {
      const out = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
      let at = 0;
      for (const f of frames) { out.set(f, at); at += f.length; }
      return out;
    },
  };
}

/** Dominant frequency of the last `ms` of what was received. */
function lastFrequency(pcm: Int16Array, ms = 400): number {
  const n = (8000 * ms) / 1000;
  if (pcm.length < n) return 0;
  return dominantFrequency(pcm.subarray(pcm.length - n), 8000, undefined, 10);
}

/** The SDP body of the first traced message matching `direction` and `firstLine`. */
function sdpOf(session: CallSession, direction: 'in' | 'out', firstLine: RegExp, nth = 0): string {
  const hits = session.trace().messages.filter((m) => m.direction === direction && firstLine.test(m.firstLine));
  const raw = hits[nth]?.raw() ?? '';
  return raw.slice(raw.indexOf('\r\n\r\n') + 4);
}

async function call(callerSrtp: SrtpMode, calleeSrtp: SrtpMode): Promise<{ caller: CallSession; callee: CallSession }> {
  const calleeManager = await start(calleeSrtp);
  const callerManager = await start(callerSrtp);
  let callee: CallSession | undefined;
  calleeManager.setCallHandler({ onIncomingCall: async (c) => { callee = await c.answer(); } });
  const caller = await callerManager.makeCall(calleeManager.uri('bob'));
  await caller.answered();
  await waitFor(() => callee !== undefined && callee.state === 'connected');
  return { caller, callee: callee! };
}

/** Plays a tone each way and checks that each side hears the other's tone. */
async function expectAudioBothWays(caller: CallSession, callee: CallSession, ms = 700): Promise<void> {
  const atCaller = collect(caller);
  const atCallee = collect(callee);
  void caller.play(new ToneSource({ frequency: 700 })).catch(() => undefined);
  void callee.play(new ToneSource({ frequency: 1300 })).catch(() => undefined);
  await sleep(ms);
  expect(Math.abs(lastFrequency(atCallee.pcm()) - 700)).toBeLessThanOrEqual(15);
  expect(Math.abs(lastFrequency(atCaller.pcm()) - 1300)).toBeLessThanOrEqual(15);
}

describe('SRTP calls between two sipline managers (SDES, RFC 4568)', () => {
  it('negotiates RTP/SAVP with a=crypto on the wire and carries audio both ways when both require SRTP', async () => {
    const { caller, callee } = await call('required', 'required');
    const offer = sdpOf(caller, 'out', /^INVITE /);
    const answer = sdpOf(caller, 'in', /^SIP\/2\.0 200 /);
    expect(offer).toMatch(/^m=audio \d+ RTP\/SAVP /m);
    expect(offer).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}\r$/m);
    expect(offer).toMatch(/^a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:[A-Za-z0-9+/]{40}\r$/m);
    expect(answer).toMatch(/^m=audio \d+ RTP\/SAVP /m);
    const answered = /^a=crypto:(\d+) (\S+) inline:(\S+)\r$/m.exec(answer);
    expect(answered?.slice(1, 3)).toEqual(['1', 'AES_CM_128_HMAC_SHA1_80']);
    // Each side sends with its own key (RFC 4568 §6.1).
    expect(offer).not.toContain(answered![3]!);
    await expectAudioBothWays(caller, callee);
    expect(caller.stats().srtp).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(callee.stats().srtp).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(caller.stats().srtpAuthFailures).toBe(0);
    expect(callee.stats().srtpAuthFailures).toBe(0);
    await caller.hangup();
  });

  it('counts and drops injected packets that fail authentication while the call audio goes on', async () => {
    const { caller, callee } = await call('required', 'required');
    const answer = sdpOf(caller, 'in', /^SIP\/2\.0 200 /);
    const calleePort = Number(/^m=audio (\d+) /m.exec(answer)![1]);
    const atCallee = collect(callee);
    void caller.play(new ToneSource({ frequency: 900 })).catch(() => undefined);
    await sleep(300);
    const before = callee.stats();
    const attacker = createSocket('udp4');
    await new Promise<void>((r) => attacker.bind(0, '127.0.0.1', () => r()));
    const remoteSsrc = 0x1234abcd;
    for (let i = 0; i < 20; i++) {
      // A plausible SRTP packet (PCMU, 160 bytes of loud "audio") with a made-up 10-byte tag.
      const pkt = Buffer.alloc(12 + 160 + 10, 0x11);
      pkt[0] = 0x80;
      pkt[1] = 0x00;
      pkt.writeUInt16BE(1000 + i, 2);
      pkt.writeUInt32BE(160 * i, 4);
      pkt.writeUInt32BE(remoteSsrc, 8);
      await new Promise<void>((r) => attacker.send(pkt, calleePort, '127.0.0.1', () => r()));
    }
    attacker.close();
    await sleep(400);
    const after = callee.stats();
    expect(after.srtpAuthFailures - before.srtpAuthFailures).toBe(20);
    expect(after.packetsReceived).toBeGreaterThan(before.packetsReceived);
    expect(Math.abs(lastFrequency(atCallee.pcm(), 300) - 900)).toBeLessThanOrEqual(15);
    await caller.hangup();
  });

  it('keeps the keys across a hold and resume re-INVITE and the audio keeps flowing', async () => {
    const { caller, callee } = await call('required', 'required');
    const first = sdpOf(caller, 'out', /^INVITE /);
    await caller.hold();
    await caller.resume();
    const resumeOffer = sdpOf(caller, 'out', /^INVITE /, 2);
    const key = (sdp: string): string | undefined => /^a=crypto:1 \S+ inline:(\S+)\r$/m.exec(sdp)?.[1];
    expect(key(resumeOffer)).toBeDefined();
    expect(key(resumeOffer)).toBe(key(first));
    await expectAudioBothWays(caller, callee);
    expect(caller.stats().srtpAuthFailures + callee.stats().srtpAuthFailures).toBe(0);
    await caller.hangup();
  });

  it('uses best-effort SRTP between two optional managers (RTP/AVP with a=crypto)', async () => {
    const { caller, callee } = await call('optional', 'optional');
    expect(sdpOf(caller, 'out', /^INVITE /)).toMatch(/^m=audio \d+ RTP\/AVP /m);
    expect(sdpOf(caller, 'in', /^SIP\/2\.0 200 /)).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_80 /m);
    await expectAudioBothWays(caller, callee);
    expect(caller.stats().srtp).toBe('AES_CM_128_HMAC_SHA1_80');
    await caller.hangup();
  });

  it('falls back to plain RTP when an optional caller reaches a manager with SRTP off', async () => {
    const { caller, callee } = await call('optional', 'off');
    expect(sdpOf(caller, 'out', /^INVITE /)).toContain('a=crypto:');
    const answer = sdpOf(caller, 'in', /^SIP\/2\.0 200 /);
    expect(answer).toMatch(/^m=audio \d+ RTP\/AVP /m);
    expect(answer).not.toContain('a=crypto');
    await expectAudioBothWays(caller, callee);
    expect(caller.stats().srtp).toBeUndefined();
    expect(callee.stats().srtp).toBeUndefined();
    await caller.hangup();
  });

  it('answers a plain offer with plain RTP when SRTP is optional', async () => {
    const { caller, callee } = await call('off', 'optional');
    expect(sdpOf(caller, 'in', /^SIP\/2\.0 200 /)).not.toContain('a=crypto');
    await expectAudioBothWays(caller, callee);
    expect(callee.stats().srtp).toBeUndefined();
    await caller.hangup();
  });

  it('encrypts when a required caller reaches an optional manager, and when an optional caller reaches a required one', async () => {
    const a = await call('required', 'optional');
    expect(sdpOf(a.caller, 'in', /^SIP\/2\.0 200 /)).toMatch(/^m=audio \d+ RTP\/SAVP /m);
    await waitFor(() => a.callee.stats().codec !== undefined);
    expect(a.callee.stats().srtp).toBe('AES_CM_128_HMAC_SHA1_80');
    const b = await call('optional', 'required');
    expect(sdpOf(b.caller, 'in', /^SIP\/2\.0 200 /)).toMatch(/^a=crypto:1 /m);
    await expectAudioBothWays(b.caller, b.callee);
    expect(b.caller.stats().srtp).toBe('AES_CM_128_HMAC_SHA1_80');
    await a.caller.hangup();
    await b.caller.hangup();
  });

  it('refuses with 488 a required caller at a manager with SRTP off, and a plain caller at a manager that requires SRTP', async () => {
    for (const [callerSrtp, calleeSrtp] of [['required', 'off'], ['off', 'required']] as const) {
      const calleeManager = await start(calleeSrtp);
      const callerManager = await start(callerSrtp);
      let offered = 0;
      calleeManager.setCallHandler({ onIncomingCall: (c) => { offered++; void c.answer(); } });
      const caller = await callerManager.makeCall(calleeManager.uri('bob'));
      const err = await caller.answered().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(CallFailedError);
      expect((err as CallFailedError).status).toBe(488);
      expect(offered).toBe(0);
    }
  });
});
