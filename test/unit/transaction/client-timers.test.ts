import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createResponse, type SipRequest } from '../../../src/sip/index.js';
import { TransactionTimeoutError } from '../../../src/transaction/index.js';
import { Harness, makeRequest, PEER, RecordingUser } from './harness.js';

let h: Harness;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(async () => {
  await h.finish();
  vi.useRealTimers();
});

describe('INVITE client transaction timers (RFC 3261 §17.1.1.2)', () => {
  it('retransmits an INVITE over UDP at 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 s and times out at 32 s with a 408', async () => {
    h = new Harness();
    const user = new RecordingUser(h.t0);
    const tx = h.layer.sendRequest(makeRequest({ uri: 'sip:bob@127.0.0.2:5060' }), user);
    await h.advance(0);
    expect(tx.state).toBe('calling');
    await h.advance(31_999);
    expect(h.peerRequests('INVITE').map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(user.responses).toHaveLength(0);
    await h.advance(1);
    expect(user.statuses()).toEqual([408]);
    expect(user.responses[0]!.at).toBe(32_000);
    expect(user.timeouts).toHaveLength(1);
    expect(user.timeouts[0]).toBeInstanceOf(TransactionTimeoutError);
    expect((user.timeouts[0] as TransactionTimeoutError).timer).toBe('B');
    expect(tx.state).toBe('terminated');
    expect(h.layer.counters.retransmissionsSent).toBe(6);
    expect(h.layer.counters.timeouts).toBe(1);
    await h.advance(60_000);
    expect(h.peerRequests('INVITE')).toHaveLength(7);
  });

  it('does not retransmit an INVITE over TCP but still times out after 64*T1', async () => {
    h = new Harness();
    const user = new RecordingUser(h.t0);
    h.layer.sendRequest(makeRequest({ uri: 'sip:bob@127.0.0.2:5060;transport=tcp' }), user);
    await h.advance(31_999);
    expect(h.peerRequests('INVITE').map((s) => s.at)).toEqual([0]);
    expect(h.peerRequests('INVITE')[0]!.inbound.protocol).toBe('TCP');
    await h.advance(1);
    expect(user.statuses()).toEqual([408]);
  });

  it('stops retransmitting on a provisional response and passes it up', async () => {
    h = new Harness();
    const user = new RecordingUser(h.t0);
    const tx = h.layer.sendRequest(makeRequest({ uri: 'sip:bob@127.0.0.2:5060' }), user);
    await h.advance(600);
    const inv = h.peerRequests('INVITE')[0]!.message;
    await h.peerResponds(createResponse(inv, 180, 'Ringing', { toTag: 'b1' }));
    expect(tx.state).toBe('proceeding');
    await h.advance(40_000);
    expect(h.peerRequests('INVITE')).toHaveLength(2);
    expect(user.statuses()).toEqual([180]);
    await h.peerResponds(createResponse(inv, 200, 'OK', { toTag: 'b1' }));
    expect(tx.state).toBe('accepted');
    await h.advance(32_000);
    expect(tx.state).toBe('terminated');
  });

  it('custom T1 changes the INVITE retransmission schedule and Timer B', async () => {
    h = new Harness({ timers: { T1: 100, T2: 4000 } });
    const user = new RecordingUser(h.t0);
    h.layer.sendRequest(makeRequest({ uri: 'sip:bob@127.0.0.2:5060' }), user);
    await h.advance(6_400);
    expect(h.peerRequests('INVITE').map((s) => s.at)).toEqual([0, 100, 300, 700, 1500, 3100, 6300]);
    expect(user.responses.map((r) => [r.at, r.response.status])).toEqual([[6400, 408]]);
  });
});

describe('Timer D (RFC 3261 §17.1.1.2)', () => {
  async function rejectedInvite(protocol: 'udp' | 'tcp'): Promise<{ user: RecordingUser; invite: SipRequest; tx: { state: string } }> {
    const user = new RecordingUser(h.t0);
    const tx = h.layer.sendRequest(makeRequest({ uri: `sip:bob@127.0.0.2:5060;transport=${protocol}` }), user);
    await h.advance(0);
    const invite = h.peerRequests('INVITE')[0]!.message;
    await h.peerResponds(createResponse(invite, 486, 'Busy Here', { toTag: 'busy' }), protocol === 'udp' ? 'UDP' : 'TCP');
    return { user, invite, tx };
  }

  it('ACKs a 486 per §17.1.1.3 and re-ACKs every retransmission of it for 32 s over UDP', async () => {
    h = new Harness();
    const { user, invite, tx } = await rejectedInvite('udp');
    expect(user.statuses()).toEqual([486]);
    expect(tx.state).toBe('completed');
    const acks = h.peerRequests('ACK');
    expect(acks).toHaveLength(1);
    const ack = acks[0]!.message;
    expect(ack.uri.equals(invite.uri)).toBe(true);
    expect(ack.topVia.branch).toBe(invite.topVia.branch);
    expect(ack.via).toHaveLength(1);
    expect(ack.to.tag).toBe('busy');
    expect(ack.from.tag).toBe(invite.from.tag);
    expect(ack.callId).toBe(invite.callId);
    expect(ack.cseq).toEqual({ seq: invite.cseq.seq, method: 'ACK' });

    await h.advance(31_000);
    await h.peerResponds(createResponse(invite, 486, 'Busy Here', { toTag: 'busy' }));
    expect(h.peerRequests('ACK')).toHaveLength(2);
    expect(user.statuses()).toEqual([486]);
    expect(h.layer.counters.retransmissionsReceived).toBe(1);
    await h.advance(999);
    expect(tx.state).toBe('completed');
    await h.advance(1);
    expect(tx.state).toBe('terminated');

    const strays: number[] = [];
    h.layer.on('stray-response', (r) => strays.push(r.status));
    await h.peerResponds(createResponse(invite, 486, 'Busy Here', { toTag: 'busy' }));
    expect(h.peerRequests('ACK')).toHaveLength(2);
    expect(strays).toEqual([486]);
  });

  it('is zero over TCP: the transaction terminates as soon as the ACK is sent', async () => {
    h = new Harness();
    const { user, invite, tx } = await rejectedInvite('tcp');
    expect(user.statuses()).toEqual([486]);
    expect(tx.state).toBe('terminated');
    expect(h.peerRequests('ACK')).toHaveLength(1);
    const strays: number[] = [];
    h.layer.on('stray-response', (r) => strays.push(r.status));
    await h.peerResponds(createResponse(invite, 486, 'Busy Here', { toTag: 'busy' }), 'TCP');
    expect(strays).toEqual([486]);
  });
});

describe('Accepted state of the INVITE client transaction (RFC 6026)', () => {
  it('passes every 2xx retransmission to the TU for 64*T1, then reports them as stray', async () => {
    h = new Harness();
    const user = new RecordingUser(h.t0);
    const tx = h.layer.sendRequest(makeRequest({ uri: 'sip:bob@127.0.0.2:5060' }), user);
    await h.advance(0);
    const invite = h.peerRequests('INVITE')[0]!.message;
    const ok = createResponse(invite, 200, 'OK', { toTag: 'x' });
    await h.peerResponds(ok);
    await h.advance(500);
    await h.peerResponds(ok);
    expect(user.statuses()).toEqual([200, 200]);
    expect(h.peerRequests('ACK')).toHaveLength(0);
    await h.advance(31_500);
    expect(tx.state).toBe('terminated');
    const strays: number[] = [];
    h.layer.on('stray-response', (r) => strays.push(r.status));
    await h.peerResponds(ok);
    expect(strays).toEqual([200]);
    expect(user.statuses()).toEqual([200, 200]);
  });
});

describe('non-INVITE client transaction timers (RFC 3261 §17.1.2.2)', () => {
  it('retransmits over UDP with the interval doubling up to T2 and times out at 64*T1 with a 408', async () => {
    h = new Harness();
    const user = new RecordingUser(h.t0);
    const tx = h.layer.sendRequest(makeRequest({ method: 'OPTIONS', uri: 'sip:bob@127.0.0.2:5060' }), user);
    await h.advance(31_999);
    expect(h.peerRequests('OPTIONS').map((s) => s.at))
      .toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    await h.advance(1);
    expect(user.statuses()).toEqual([408]);
    expect((user.timeouts[0] as TransactionTimeoutError).timer).toBe('F');
    expect(tx.state).toBe('terminated');
  });

  it('retransmits every T2 once a provisional response arrived', async () => {
    h = new Harness();
    const user = new RecordingUser(h.t0);
    const tx = h.layer.sendRequest(makeRequest({ method: 'OPTIONS', uri: 'sip:bob@127.0.0.2:5060' }), user);
    await h.advance(600);
    const req = h.peerRequests('OPTIONS')[0]!.message;
    await h.peerResponds(createResponse(req, 100, 'Trying'));
    expect(tx.state).toBe('proceeding');
    await h.advance(31_400);
    // Timer E was due at 1500 (set in Trying); from then on every T2.
    expect(h.peerRequests('OPTIONS').map((s) => s.at)).toEqual([0, 500, 1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500]);
    expect(user.statuses()).toEqual([100, 408]);
  });

  it('respects custom T1 and T2', async () => {
    h = new Harness({ timers: { T1: 200, T2: 1000 } });
    const user = new RecordingUser(h.t0);
    h.layer.sendRequest(makeRequest({ method: 'OPTIONS', uri: 'sip:bob@127.0.0.2:5060' }), user);
    await h.advance(12_800);
    expect(h.peerRequests('OPTIONS').map((s) => s.at).slice(0, 7)).toEqual([0, 200, 600, 1400, 2400, 3400, 4400]);
    expect(user.responses.map((r) => [r.at, r.response.status])).toEqual([[12_800, 408]]);
  });

  it('Timer K absorbs response retransmissions for T4 over UDP', async () => {
    h = new Harness();
    const user = new RecordingUser(h.t0);
    const tx = h.layer.sendRequest(makeRequest({ method: 'OPTIONS', uri: 'sip:bob@127.0.0.2:5060' }), user);
    await h.advance(0);
    const req = h.peerRequests('OPTIONS')[0]!.message;
    const ok = createResponse(req, 200, 'OK', { toTag: 'k' });
    await h.peerResponds(ok);
    expect(tx.state).toBe('completed');
    await h.advance(4_999);
    await h.peerResponds(ok);
    expect(user.statuses()).toEqual([200]);
    expect(h.layer.counters.retransmissionsReceived).toBe(1);
    await h.advance(1);
    expect(tx.state).toBe('terminated');
    expect(h.peerRequests('OPTIONS')).toHaveLength(1);
  });

  it('Timer K is zero over TCP', async () => {
    h = new Harness();
    const user = new RecordingUser(h.t0);
    const tx = h.layer.sendRequest(makeRequest({ method: 'OPTIONS', uri: 'sip:bob@127.0.0.2:5060;transport=tcp' }), user);
    await h.advance(0);
    const req = h.peerRequests('OPTIONS')[0]!.message;
    await h.peerResponds(createResponse(req, 200, 'OK', { toTag: 'k' }), 'TCP');
    expect(user.statuses()).toEqual([200]);
    expect(tx.state).toBe('terminated');
  });
});

describe('transport errors on client transactions (RFC 3261 §8.1.3.1)', () => {
  it('synthesises a 503 and reports the error when the send fails', async () => {
    h = new Harness();
    const user = new RecordingUser(h.t0);
    // Nobody listens on TCP 127.0.0.9: the connection is refused.
    const tx = h.layer.sendRequest(makeRequest({ method: 'OPTIONS', uri: 'sip:bob@127.0.0.9:5070;transport=tcp' }), user);
    await h.advance(0);
    expect(user.statuses()).toEqual([503]);
    expect(user.transportErrors).toHaveLength(1);
    expect((user.transportErrors[0] as { code: string }).code).toBe('ERR_TRANSPORT_CONNECT');
    expect(tx.state).toBe('terminated');
    expect(h.layer.counters.transportErrors).toBe(1);
  });

  it('synthesises a 503 for an INVITE whose transport is closed', async () => {
    h = new Harness();
    const user = new RecordingUser(h.t0);
    await h.ours.close();
    const tx = h.layer.sendRequest(makeRequest({ uri: `sip:bob@${PEER.address}:${PEER.port}` }), user);
    await h.advance(0);
    expect(user.statuses()).toEqual([503]);
    expect(tx.state).toBe('terminated');
  });
});
