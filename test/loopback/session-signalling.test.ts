/**
 * A session engine against peers that are not engines: a raw UDP socket that never ACKs (the
 * 2xx is retransmitted, then the call ends `ack-timeout`), a plain UA core that sends early media
 * in a 183, and a closed TCP port (`transport-error`).
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Session, SessionEnd, SessionEngine } from '../../src/session/index.js';
import { CallFailedError } from '../../src/session/index.js';
import { startUa, type TestUa } from '../helpers/ua.js';
import { closeAndCheck, handleCounts, startEngine, until } from '../unit/session/engine-harness.js';

let engines: SessionEngine[] = [];
let others: (() => Promise<void>)[] = [];
let baseline: Record<string, number> = {};

beforeEach(() => {
  baseline = handleCounts();
});

afterEach(async () => {
  await Promise.all(others.map((f) => f()));
  others = [];
  const list = engines;
  engines = [];
  await closeAndCheck(list, baseline);
});

function sdp(port: number): string {
  return ['v=0', 'o=- 7 7 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${port} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', ''].join('\r\n');
}

describe('a session engine against other peers', () => {
  it('retransmits the 200 to a caller that never ACKs and ends the call with ack-timeout', async () => {
    const bob = await startEngine(54000, { timers: { T1: 20 } });
    engines.push(bob);
    const sessions: Session[] = [];
    bob.on('session', (s) => sessions.push(s));
    const socket: Socket = createSocket('udp4');
    others.push(() => new Promise<void>((r) => socket.close(() => r())));
    const received: string[] = [];
    socket.on('message', (m) => received.push(m.toString('utf8')));
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    const lport = socket.address().port;
    const body = sdp(54990);
    const invite = [
      `INVITE ${bob.uriFor('bob')} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${lport};branch=z9hG4bK-raw-ack-1;rport`,
      'Max-Forwards: 70', 'From: <sip:raw@127.0.0.1>;tag=rawtag', `To: <${bob.uriFor('bob')}>`,
      'Call-ID: raw-ack-timeout-1', 'CSeq: 1 INVITE', `Contact: <sip:raw@127.0.0.1:${lport}>`,
      'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(body)}`, '', body,
    ].join('\r\n');
    socket.send(invite, bob.port, '127.0.0.1');
    await until(() => sessions.length === 1, 3000, 'the session');
    const ended = await new Promise<SessionEnd>((resolve) => sessions[0]!.once('ended', resolve));
    expect(ended.reason).toBe('ack-timeout');
    const oks = received.filter((m) => m.startsWith('SIP/2.0 200') && /CSeq: 1 INVITE/i.test(m));
    expect(oks.length).toBeGreaterThanOrEqual(3);
    await until(() => received.some((m) => m.startsWith('BYE ')), 2000, 'the BYE');
    expect(bob.counters.ended).toEqual({ 'ack-timeout': 1 });
  });

  it('plays early media from an SDP answer in a 183 before the call is answered', async () => {
    const alice = await startEngine(55000);
    engines.push(alice);
    const bob: TestUa = await startUa('bob');
    others.push(() => bob.close());
    bob.core.setInviteHandler((inv) => {
      inv.provisional(183, { body: sdp(55992) });
      setTimeout(() => {
        if (inv.state === 'pending') inv.accept({ body: sdp(55992) });
      }, 300);
    });
    const call = await alice.call({ target: bob.uri('bob', 'UDP') });
    const mediaState = await new Promise<string>((resolve) => call.once('media', () => resolve(call.state)));
    expect(mediaState).toBe('ringing');
    expect(call.mediaInfo?.remote).toEqual({ address: '127.0.0.1', port: 55992 });
    await call.answered();
    expect(call.state).toBe('connected');
    expect(call.stats()?.packetsOut).toBeGreaterThan(0);
    await call.hangup();
    expect(call.endReason).toBe('local-hangup');
  });

  it('fails a call to a closed TCP port with transport-error', async () => {
    const alice = await startEngine(56000);
    engines.push(alice);
    // Port 9 (discard) is closed on test machines: the TCP connection is refused.
    const call = await alice.call({ target: 'sip:nobody@127.0.0.1:9;transport=tcp' });
    const err = await call.answered().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CallFailedError);
    expect((err as CallFailedError).reason).toBe('transport-error');
    expect(alice.counters.failed).toEqual({ 'transport-error': 1 });
  });
});
