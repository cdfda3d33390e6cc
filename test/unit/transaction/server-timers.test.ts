import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createResponse, type SipRequest } from '../../../src/sip/index.js';
import { createAckForNon2xx, type ServerTransaction } from '../../../src/transaction/index.js';
import { Harness, makeRequest } from './harness.js';

let h: Harness;
let received: { request: SipRequest; tx: ServerTransaction | undefined }[];

function start(opts: ConstructorParameters<typeof Harness>[0] = {}): void {
  h = new Harness(opts);
  received = [];
  h.layer.on('request', (request, tx) => received.push({ request, tx }));
}

function lastTx(): ServerTransaction {
  const tx = received.at(-1)?.tx;
  if (tx === undefined) throw new Error('no server transaction');
  return tx;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(async () => {
  await h.finish();
  vi.useRealTimers();
});

describe('INVITE server transaction (RFC 3261 §17.2.1)', () => {
  it('sends 100 Trying itself when the TU stays silent for 200 ms', async () => {
    start();
    const invite = await h.peerSends(makeRequest());
    expect(received).toHaveLength(1);
    await h.advance(199);
    expect(h.peerResponses()).toHaveLength(0);
    await h.advance(1);
    const trying = h.peerResponses(100);
    expect(trying.map((s) => s.at)).toEqual([200]);
    expect(trying[0]!.message.to.tag).toBeUndefined();
    // A retransmitted INVITE gets the 100 again.
    await h.peerSends(invite);
    expect(h.peerResponses(100)).toHaveLength(2);
    expect(received).toHaveLength(1);
    lastTx().respond(createResponse(lastTx().request, 603, 'Decline', { toTag: 't' }));
    await h.net.settle();
    await h.peerSends(createAckForNon2xx(invite, h.peerResponses(603)[0]!.message));
    await h.advance(5_000);
  });

  it('sends no 100 Trying when the TU answers within 200 ms', async () => {
    start();
    await h.peerSends(makeRequest());
    await h.advance(150);
    lastTx().respond(createResponse(lastTx().request, 180, 'Ringing', { toTag: 'r' }));
    await h.advance(1_000);
    expect(h.peerResponses().map((s) => s.message.status)).toEqual([180]);
    lastTx().respond(createResponse(lastTx().request, 200, 'OK', { toTag: 'r' }));
    await h.advance(32_000);
    expect(lastTx().state).toBe('terminated');
  });

  it('retransmits a non-2xx final response on Timer G, capped at T2, until the ACK; Timer I absorbs ACKs for T4', async () => {
    start();
    const invite = await h.peerSends(makeRequest());
    const tx = lastTx();
    tx.respond(createResponse(tx.request, 486, 'Busy Here', { toTag: 'b' }));
    expect(tx.state).toBe('completed');
    await h.advance(20_000);
    const finals = h.peerResponses(486);
    expect(finals.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500]);
    const ack = createAckForNon2xx(invite, finals[0]!.message);
    await h.peerSends(ack);
    expect(tx.state).toBe('confirmed');
    expect(received.map((r) => r.request.method)).toEqual(['INVITE']);
    await h.advance(4_999);
    expect(h.peerResponses(486)).toHaveLength(8);
    expect(tx.state).toBe('confirmed');
    await h.advance(1);
    expect(tx.state).toBe('terminated');
  });

  it('Timer I is T4 over UDP: an ACK retransmission just before it is absorbed', async () => {
    start();
    const invite = await h.peerSends(makeRequest());
    const tx = lastTx();
    tx.respond(createResponse(tx.request, 486, 'Busy Here', { toTag: 'b' }));
    await h.net.settle();
    const ack = createAckForNon2xx(invite, h.peerResponses(486)[0]!.message);
    await h.peerSends(ack);
    expect(tx.state).toBe('confirmed');
    await h.advance(4_999);
    await h.peerSends(ack);
    expect(received.map((r) => r.request.method)).toEqual(['INVITE']);
    expect(tx.state).toBe('confirmed');
    await h.advance(1);
    expect(tx.state).toBe('terminated');
    // After Timer I the same ACK matches nothing and goes up as an ACK without transaction.
    await h.peerSends(ack);
    expect(received.map((r) => [r.request.method, r.tx === undefined])).toEqual([['INVITE', false], ['ACK', true]]);
  });

  it('Timer H ends the transaction after 64*T1 without ACK and reports a timeout', async () => {
    start();
    await h.peerSends(makeRequest());
    const tx = lastTx();
    const timeouts: unknown[] = [];
    tx.on('timeout', (err) => timeouts.push(err));
    tx.respond(createResponse(tx.request, 480, 'Temporarily Unavailable', { toTag: 'u' }));
    await h.advance(31_999);
    expect(tx.state).toBe('completed');
    expect(h.peerResponses(480).map((s) => s.at))
      .toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    await h.advance(1);
    expect(tx.state).toBe('terminated');
    expect(timeouts).toHaveLength(1);
    expect((timeouts[0] as { code: string; timer: string })).toMatchObject({ code: 'ERR_TRANSACTION_TIMEOUT', timer: 'H' });
    expect(h.layer.counters.timeouts).toBe(1);
  });

  it('over TCP sends the final response once, keeps Timer H, and Timer I is zero', async () => {
    start();
    const invite = await h.peerSends(makeRequest(), 'TCP');
    const tx = lastTx();
    tx.respond(createResponse(tx.request, 486, 'Busy Here', { toTag: 'b' }));
    await h.advance(20_000);
    expect(h.peerResponses(486).map((s) => s.at)).toEqual([0]);
    expect(tx.state).toBe('completed');
    await h.peerSends(createAckForNon2xx(invite, h.peerResponses(486)[0]!.message), 'TCP');
    expect(tx.state).toBe('terminated');
  });

  it('Timer H is 64*T1 over TCP too', async () => {
    start();
    await h.peerSends(makeRequest(), 'TCP');
    const tx = lastTx();
    tx.respond(createResponse(tx.request, 486, 'Busy Here', { toTag: 'b' }));
    await h.advance(31_999);
    expect(tx.state).toBe('completed');
    await h.advance(1);
    expect(tx.state).toBe('terminated');
  });

  it('respects custom T1 and T2 for Timer G and H', async () => {
    start({ timers: { T1: 100, T2: 400 } });
    await h.peerSends(makeRequest());
    const tx = lastTx();
    tx.respond(createResponse(tx.request, 486, 'Busy Here', { toTag: 'b' }));
    await h.advance(2_000);
    expect(h.peerResponses(486).map((s) => s.at)).toEqual([0, 100, 300, 700, 1100, 1500, 1900]);
    await h.advance(4_399);
    expect(tx.state).toBe('completed');
    await h.advance(1);
    expect(tx.state).toBe('terminated');
  });

  it('in Accepted (RFC 6026) absorbs INVITE retransmissions, sends the TU 2xx retransmissions, ends on Timer L', async () => {
    start();
    const invite = await h.peerSends(makeRequest());
    const tx = lastTx();
    const ok = createResponse(tx.request, 200, 'OK', { toTag: 'a' });
    tx.respond(ok);
    expect(tx.state).toBe('accepted');
    await h.advance(1_000);
    await h.peerSends(invite);
    expect(received).toHaveLength(1);
    expect(h.peerResponses(200)).toHaveLength(1);
    expect(h.layer.counters.retransmissionsReceived).toBe(1);
    tx.respond(ok);
    await h.net.settle();
    expect(h.peerResponses(200)).toHaveLength(2);
    await h.advance(30_999);
    expect(tx.state).toBe('accepted');
    await h.advance(1);
    expect(tx.state).toBe('terminated');
    // The UAS core may still retransmit its 2xx after Timer L: it is sent, not lost.
    tx.respond(ok);
    await h.net.settle();
    expect(h.peerResponses(200)).toHaveLength(3);
  });
});

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  it('absorbs retransmissions in Trying and answers them with the last response afterwards; Timer J is 64*T1 over UDP', async () => {
    start();
    const req = await h.peerSends(makeRequest({ method: 'OPTIONS' }));
    const tx = lastTx();
    await h.advance(500);
    await h.peerSends(req);
    expect(h.peerResponses()).toHaveLength(0);
    expect(received).toHaveLength(1);
    tx.respond(createResponse(tx.request, 200, 'OK', { toTag: 'o' }));
    expect(tx.state).toBe('completed');
    await h.advance(1_000);
    await h.peerSends(req);
    expect(h.peerResponses(200).map((s) => s.at)).toEqual([500, 1500]);
    // A second final response from the TU is discarded.
    tx.respond(createResponse(tx.request, 500, 'Server Error', { toTag: 'o' }));
    await h.advance(30_999);
    await h.peerSends(req);
    expect(h.peerResponses(200)).toHaveLength(3);
    expect(h.peerResponses(500)).toHaveLength(0);
    expect(tx.state).toBe('completed');
    await h.advance(1);
    expect(tx.state).toBe('terminated');
    // After Timer J the retransmission is a new request.
    await h.peerSends(req);
    expect(received).toHaveLength(2);
    lastTx().respond(createResponse(req, 200, 'OK', { toTag: 'o' }));
    await h.advance(32_000);
  });

  it('retransmits a provisional response on request retransmission in Proceeding', async () => {
    start();
    const req = await h.peerSends(makeRequest({ method: 'OPTIONS' }));
    const tx = lastTx();
    tx.respond(createResponse(tx.request, 100, 'Trying'));
    expect(tx.state).toBe('proceeding');
    await h.peerSends(req);
    expect(h.peerResponses(100)).toHaveLength(2);
    tx.respond(createResponse(tx.request, 200, 'OK', { toTag: 'o' }));
    await h.advance(32_000);
    expect(tx.state).toBe('terminated');
  });

  it('Timer J is zero over TCP', async () => {
    start();
    await h.peerSends(makeRequest({ method: 'OPTIONS' }), 'TCP');
    const tx = lastTx();
    tx.respond(createResponse(tx.request, 200, 'OK', { toTag: 'o' }));
    expect(tx.state).toBe('terminated');
    await h.net.settle();
    expect(h.peerResponses(200)).toHaveLength(1);
  });
});

describe('server transport errors (RFC 3261 §17.2.4)', () => {
  it('reports a response that cannot be sent and ends the transaction', async () => {
    start();
    await h.peerSends(makeRequest(), 'TCP');
    const tx = lastTx();
    const errors: { code: string }[] = [];
    tx.on('transport-error', (err) => errors.push(err));
    await h.peer.close();
    tx.respond(createResponse(tx.request, 486, 'Busy Here', { toTag: 'b' }));
    await h.advance(0);
    expect(errors.map((e) => e.code)).toEqual(['ERR_TRANSPORT_CONNECT']);
    expect(tx.state).toBe('terminated');
    expect(h.layer.counters.transportErrors).toBe(1);
  });
});
