import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createResponse, newBranch, type SipRequest } from '../../../src/sip/index.js';
import {
  createAckForNon2xx, createCancel, type ServerTransaction,
} from '../../../src/transaction/index.js';
import { InvalidArgumentError, InvalidStateError } from '../../../src/util/index.js';
import { Harness, makeRequest, RecordingUser } from './harness.js';

let h: Harness;
let received: { request: SipRequest; tx: ServerTransaction | undefined }[];

function start(opts: ConstructorParameters<typeof Harness>[0] = {}): void {
  h = new Harness(opts);
  received = [];
  h.layer.on('request', (request, tx) => received.push({ request, tx }));
}

function txOf(i: number): ServerTransaction {
  const tx = received[i]?.tx;
  if (tx === undefined) throw new Error(`no server transaction #${i}`);
  return tx;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(async () => {
  await h.finish();
  vi.useRealTimers();
});

describe('response matching (RFC 3261 §17.1.3)', () => {
  it('routes responses by branch and CSeq method, so an INVITE and its CANCEL each get their own', async () => {
    start();
    const user = new RecordingUser(h.t0);
    const cancelUser = new RecordingUser(h.t0);
    const strays: number[] = [];
    h.layer.on('stray-response', (r) => strays.push(r.status));
    const tx = h.layer.sendRequest(makeRequest({ uri: 'sip:bob@127.0.0.2:5060' }), user);
    await h.advance(0);
    const invite = h.peerRequests('INVITE')[0]!.message;
    await h.peerResponds(createResponse(invite, 180, 'Ringing', { toTag: 'r' }));
    const ctx = h.layer.sendRequest(createCancel(tx.request), cancelUser);
    await h.advance(0);
    const cancel = h.peerRequests('CANCEL')[0]!.message;
    expect(cancel.topVia.branch).toBe(invite.topVia.branch);
    await h.peerResponds(createResponse(cancel, 200, 'OK', { toTag: 'r' }));
    expect(cancelUser.statuses()).toEqual([200]);
    expect(user.statuses()).toEqual([180]);
    await h.peerResponds(createResponse(invite, 487, 'Request Terminated', { toTag: 'r' }));
    expect(user.statuses()).toEqual([180, 487]);
    expect(h.peerRequests('ACK')).toHaveLength(1);
    // Same CSeq method, other branch: matches nothing.
    const other = makeRequest({ method: 'INVITE', branch: newBranch(), from: { address: '127.0.0.1', port: 5060 } });
    await h.peerResponds(createResponse(other, 200, 'OK', { toTag: 'z' }));
    expect(strays).toEqual([200]);
    expect(ctx.state).toBe('completed');
    await h.advance(32_000);
  });

  it('a transaction user that throws does not break the transaction', async () => {
    start();
    const tx = h.layer.sendRequest(makeRequest({ method: 'OPTIONS', uri: 'sip:bob@127.0.0.2:5060' }), {
      onResponse: () => { throw new Error('application bug'); },
    });
    await h.advance(0);
    const req = h.peerRequests('OPTIONS')[0]!.message;
    await h.peerResponds(createResponse(req, 200, 'OK', { toTag: 'a' }));
    expect(tx.state).toBe('completed');
    await h.advance(5_000);
    expect(tx.state).toBe('terminated');
  });
});

describe('request matching (RFC 3261 §17.2.3)', () => {
  it('treats the same branch from another sent-by, or with another method, as a new transaction', async () => {
    start();
    const branch = newBranch();
    const a = makeRequest({ method: 'OPTIONS', branch });
    await h.peerSends(a);
    // Same branch, other sent-by (a different client): the transport rewrites our sent-by, so inject by hand.
    const otherSender = h.net.endpoint({ address: '127.0.0.3', port: 5060 });
    const b = makeRequest({ method: 'OPTIONS', branch, from: { address: '127.0.0.3', port: 5060 } });
    const pb = otherSender.prepareRequest(b, h.ourTarget());
    await otherSender.send(pb.request, pb.target);
    await h.net.settle();
    await h.peerSends(makeRequest({ method: 'INFO', branch }));
    expect(received.map((r) => r.request.method)).toEqual(['OPTIONS', 'OPTIONS', 'INFO']);
    for (let i = 0; i < 3; i++) txOf(i).respond(createResponse(received[i]!.request, 200, 'OK', { toTag: `t${i}` }));
    await h.advance(32_000);
    await otherSender.close();
  });

  it('absorbs the ACK of a non-2xx final response and passes up an ACK for a 2xx', async () => {
    start();
    const invite1 = await h.peerSends(makeRequest());
    txOf(0).respond(createResponse(txOf(0).request, 404, 'Not Found', { toTag: 'n' }));
    await h.net.settle();
    await h.peerSends(createAckForNon2xx(invite1, h.peerResponses(404)[0]!.message));
    expect(txOf(0).state).toBe('confirmed');
    expect(received).toHaveLength(1);

    const invite2 = await h.peerSends(makeRequest());
    txOf(1).respond(createResponse(txOf(1).request, 200, 'OK', { toTag: 'y' }));
    // The ACK for a 2xx is its own transaction (new branch): passed up without a server transaction.
    const ack2xx = createAckForNon2xx(invite2, createResponse(invite2, 200, 'OK', { toTag: 'y' }))
      .withTopVia(invite2.topVia.with({ branch: newBranch() }));
    await h.peerSends(ack2xx);
    expect(received.map((r) => [r.request.method, r.tx === undefined])).toEqual([['INVITE', false], ['INVITE', false], ['ACK', true]]);
    // An ACK reusing the INVITE branch reaches the transaction in Accepted, which passes it up too (RFC 6026).
    await h.peerSends(createAckForNon2xx(invite2, createResponse(invite2, 200, 'OK', { toTag: 'y' })));
    expect(received.map((r) => r.request.method)).toEqual(['INVITE', 'INVITE', 'ACK', 'ACK']);
    expect(received[3]!.tx).toBeUndefined();
    await h.advance(32_000);
  });

  it('matches RFC 2543 requests (no magic cookie) by Request-URI, tags, Call-ID, CSeq and top Via', async () => {
    start();
    const invite = await h.peerSends(makeRequest({ branch: null, callId: 'legacy-1', fromTag: 'f1', cseq: 7 }));
    expect(invite.topVia.branch).toBeUndefined();
    expect(received).toHaveLength(1);
    // Retransmission: absorbed, answered with the last provisional response.
    txOf(0).respond(createResponse(invite, 180, 'Ringing', { toTag: 'old' }));
    await h.peerSends(invite);
    expect(received).toHaveLength(1);
    expect(h.peerResponses(180)).toHaveLength(2);
    // Another CSeq is a new request; another Request-URI with the same From tag, Call-ID and CSeq
    // does not match either, so it is a merged request (482), not a retransmission (180 again).
    await h.peerSends(makeRequest({ branch: null, callId: 'legacy-1', fromTag: 'f1', cseq: 8 }));
    const otherUri = await h.peerSends(makeRequest({ branch: null, callId: 'legacy-1', fromTag: 'f1', cseq: 7, uri: 'sip:carol@127.0.0.1:5060' }));
    expect(received).toHaveLength(2);
    expect(h.peerResponses(180)).toHaveLength(2);
    expect(h.peerResponses(482)).toHaveLength(1);
    await h.peerSends(createAckForNon2xx(otherUri, h.peerResponses(482)[0]!.message));
    txOf(1).respond(createResponse(received[1]!.request, 486, 'Busy Here', { toTag: 'b1' }));
    // Final response, then ACK matched by the To tag of that response.
    txOf(0).respond(createResponse(invite, 486, 'Busy Here', { toTag: 'old' }));
    await h.net.settle();
    const wrongTag = createAckForNon2xx(invite, createResponse(invite, 486, 'Busy Here', { toTag: 'other' }));
    await h.peerSends(wrongTag);
    expect(received.at(-1)!.request.method).toBe('ACK');
    expect(received.at(-1)!.tx).toBeUndefined();
    expect(txOf(0).state).toBe('completed');
    await h.peerSends(createAckForNon2xx(invite, createResponse(invite, 486, 'Busy Here', { toTag: 'old' })));
    expect(txOf(0).state).toBe('confirmed');
    expect(received).toHaveLength(3);
    await h.peerSends(createAckForNon2xx(received[1]!.request, createResponse(received[1]!.request, 486, 'Busy Here', { toTag: 'b1' })));
    expect(txOf(1).state).toBe('confirmed');
    await h.advance(10_000);
  });
});

describe('CANCEL (RFC 3261 §9.2)', () => {
  it('answers the CANCEL with 200, emits cancelled, and the TU answers the INVITE with 487', async () => {
    start();
    const invite = await h.peerSends(makeRequest());
    const tx = txOf(0);
    const cancels: SipRequest[] = [];
    tx.on('cancelled', (c) => cancels.push(c));
    tx.on('cancelled', (_c, t) => t.respond(createResponse(t.request, 487, 'Request Terminated', { toTag: 'r' })));
    tx.respond(createResponse(tx.request, 180, 'Ringing', { toTag: 'r' }));
    const cancel = createCancel(invite);
    await h.peerSends(cancel);
    expect(cancels.map((c) => c.method)).toEqual(['CANCEL']);
    expect(received).toHaveLength(1);
    const ok = h.peerResponses(200);
    expect(ok).toHaveLength(1);
    expect(ok[0]!.message.cseq.method).toBe('CANCEL');
    expect(ok[0]!.message.to.tag).toBe('r');
    expect(h.peerResponses(487)).toHaveLength(1);
    expect(tx.state).toBe('completed');
    // A retransmitted CANCEL gets the same 200 from its own transaction, and no second `cancelled`.
    await h.peerSends(cancel);
    expect(h.peerResponses(200)).toHaveLength(2);
    expect(cancels).toHaveLength(1);
    await h.peerSends(createAckForNon2xx(invite, h.peerResponses(487)[0]!.message));
    expect(tx.state).toBe('confirmed');
    await h.advance(32_000);
  });

  it('answers the INVITE with 487 itself when nobody listens to cancelled, with the To tag of the CANCEL 200', async () => {
    start();
    const invite = await h.peerSends(makeRequest());
    await h.peerSends(createCancel(invite));
    const ok = h.peerResponses(200);
    const terminated = h.peerResponses(487);
    expect(ok.map((s) => s.message.cseq.method)).toEqual(['CANCEL']);
    expect(terminated).toHaveLength(1);
    expect(terminated[0]!.message.to.tag).toBe(ok[0]!.message.to.tag);
    await h.peerSends(createAckForNon2xx(invite, terminated[0]!.message));
    expect(txOf(0).state).toBe('confirmed');
    await h.advance(32_000);
  });

  it('answers a CANCEL after the final response with 200 and changes nothing', async () => {
    start();
    const invite = await h.peerSends(makeRequest());
    const tx = txOf(0);
    const cancels: unknown[] = [];
    tx.on('cancelled', (c) => cancels.push(c));
    tx.respond(createResponse(tx.request, 200, 'OK', { toTag: 'ok' }));
    await h.peerSends(createCancel(invite));
    expect(h.peerResponses(200).map((s) => s.message.cseq.method)).toEqual(['INVITE', 'CANCEL']);
    expect(cancels).toHaveLength(0);
    expect(tx.state).toBe('accepted');
    await h.advance(32_000);
  });

  it('answers a CANCEL that matches no transaction with 481', async () => {
    start();
    await h.peerSends(createCancel(makeRequest()));
    expect(h.peerResponses().map((s) => [s.message.status, s.message.cseq.method])).toEqual([[481, 'CANCEL']]);
    expect(received).toHaveLength(0);
    await h.advance(32_000);
  });

  it('matches an RFC 2543 CANCEL to its INVITE', async () => {
    start();
    const invite = await h.peerSends(makeRequest({ branch: null }));
    const tx = txOf(0);
    let cancelled = 0;
    tx.on('cancelled', () => { cancelled++; tx.respond(createResponse(tx.request, 487, 'Request Terminated', { toTag: 'c' })); });
    await h.peerSends(createCancel(invite));
    expect(cancelled).toBe(1);
    expect(h.peerResponses().map((s) => s.message.status).sort()).toEqual([200, 487]);
    await h.peerSends(createAckForNon2xx(invite, h.peerResponses(487)[0]!.message));
    expect(tx.state).toBe('confirmed');
    await h.advance(32_000);
  });
});

describe('merged requests (RFC 3261 §8.2.2.2)', () => {
  it('answers 482 to a request with the From tag, Call-ID and CSeq of a live transaction but another branch', async () => {
    start();
    const spec = { callId: 'forked-1', fromTag: 'ft', cseq: 3 };
    await h.peerSends(makeRequest(spec));
    const second = await h.peerSends(makeRequest(spec));
    expect(received).toHaveLength(1);
    const loop = h.peerResponses(482);
    expect(loop).toHaveLength(1);
    expect(loop[0]!.message.topVia.branch).toBe(second.topVia.branch);
    // Its retransmission gets the 482 again from the transaction created for it.
    await h.peerSends(second);
    expect(h.peerResponses(482)).toHaveLength(2);
    await h.peerSends(createAckForNon2xx(second, loop[0]!.message));
    // With a To tag the request is in-dialog and never merged.
    await h.peerSends(makeRequest({ ...spec, toTag: 'dlg' }));
    expect(received).toHaveLength(2);
    txOf(0).respond(createResponse(txOf(0).request, 200, 'OK', { toTag: 'a' }));
    txOf(1).respond(createResponse(txOf(1).request, 200, 'OK'));
    await h.advance(32_000);
  });
});

describe('transaction cap', () => {
  it('answers 503 with Retry-After past maxTransactions while retransmissions, ACK and CANCEL still work', async () => {
    start({ maxTransactions: 2, retryAfterSeconds: 7 });
    const first = await h.peerSends(makeRequest({ method: 'OPTIONS' }));
    const invite = await h.peerSends(makeRequest());
    await h.peerSends(makeRequest({ method: 'OPTIONS' }));
    expect(received).toHaveLength(2);
    const busy = h.peerResponses(503);
    expect(busy).toHaveLength(1);
    expect(busy[0]!.message.get('Retry-After')).toBe('7');
    expect(h.layer.counters.overloadRejections).toBe(1);
    // A retransmission of a live request is still matched, not rejected.
    txOf(0).respond(createResponse(txOf(0).request, 200, 'OK', { toTag: 'a' }));
    await h.peerSends(first);
    expect(h.peerResponses(200)).toHaveLength(2);
    // CANCEL is exempt from the cap.
    txOf(1).on('cancelled', (_c, t) => t.respond(createResponse(t.request, 487, 'Request Terminated', { toTag: 'i' })));
    await h.peerSends(createCancel(invite));
    expect(h.peerResponses(487)).toHaveLength(1);
    await h.peerSends(createAckForNon2xx(invite, h.peerResponses(487)[0]!.message));
    // ACK for a 2xx (no transaction) still goes up.
    await h.peerSends(makeRequest({ method: 'ACK', toTag: 'x' }));
    expect(received.at(-1)!.request.method).toBe('ACK');
    await h.advance(32_000);
    // Once transactions ended, new requests are accepted again.
    await h.peerSends(makeRequest({ method: 'OPTIONS' }));
    expect(received.at(-1)!.request.method).toBe('OPTIONS');
    expect(received.at(-1)!.tx).toBeDefined();
    received.at(-1)!.tx!.respond(createResponse(received.at(-1)!.request, 200, 'OK', { toTag: 'b' }));
    await h.advance(32_000);
  });
});

describe('transaction cap counts only transactions still waiting for a final response', () => {
  it('accepts new requests while answered ones only wait out Timers J and L, and reports them as lingering', async () => {
    start({ maxTransactions: 2, maxLingeringTransactions: 5 });
    // Two requests answered at once: an OPTIONS (Timer J, 64*T1) and an INVITE answered 2xx (Timer L).
    await h.peerSends(makeRequest({ method: 'OPTIONS' }));
    const invite = await h.peerSends(makeRequest());
    txOf(0).respond(createResponse(txOf(0).request, 200, 'OK', { toTag: 'a' }));
    txOf(1).respond(createResponse(invite, 200, 'OK', { toTag: 'b' }));
    expect(h.layer.counters.pendingTransactions).toBe(0);
    expect(h.layer.counters.lingeringTransactions).toBe(2);
    expect(h.layer.counters.activeServerTransactions).toBe(2);
    // Two more fit under maxTransactions = 2 although four transactions are alive.
    await h.peerSends(makeRequest({ method: 'OPTIONS' }));
    await h.peerSends(makeRequest({ method: 'OPTIONS' }));
    expect(received).toHaveLength(4);
    expect(h.layer.counters.pendingTransactions).toBe(2);
    expect(h.peerResponses(503)).toHaveLength(0);
    // A fifth while two are pending: 503.
    await h.peerSends(makeRequest({ method: 'OPTIONS' }));
    expect(received).toHaveLength(4);
    expect(h.peerResponses(503)).toHaveLength(1);
    // The lingering ones still absorb retransmissions with their last response.
    const okBefore = h.peerResponses(200).length;
    await h.peerSends(received[0]!.request);
    expect(h.peerResponses(200)).toHaveLength(okBefore + 1);
    expect(received).toHaveLength(4);
    txOf(2).respond(createResponse(txOf(2).request, 200, 'OK', { toTag: 'c' }));
    txOf(3).respond(createResponse(txOf(3).request, 200, 'OK', { toTag: 'd' }));
    expect(h.layer.counters.lingeringTransactions).toBe(4);
    // Timers J and L end them: both gauges back to zero.
    await h.advance(32_000);
    expect(h.layer.counters.lingeringTransactions).toBe(0);
    expect(h.layer.counters.pendingTransactions).toBe(0);
  });

  it('answers 503 once maxLingeringTransactions answered transactions are waiting out their timers', async () => {
    start({ maxTransactions: 10, maxLingeringTransactions: 2 });
    for (let i = 0; i < 2; i++) {
      const req = await h.peerSends(makeRequest({ method: 'OPTIONS' }));
      txOf(i).respond(createResponse(req, 200, 'OK', { toTag: `t${i}` }));
    }
    expect(h.layer.counters.lingeringTransactions).toBe(2);
    await h.peerSends(makeRequest({ method: 'OPTIONS' }));
    expect(received).toHaveLength(2);
    expect(h.peerResponses(503)).toHaveLength(1);
    expect(h.layer.counters.overloadRejections).toBe(1);
    await h.advance(32_000);
    await h.peerSends(makeRequest({ method: 'OPTIONS' }));
    expect(received).toHaveLength(3);
    txOf(2).respond(createResponse(txOf(2).request, 200, 'OK', { toTag: 'z' }));
    await h.advance(32_000);
  });

  it('drops the cancelled listener of an INVITE transaction once its final response is sent', async () => {
    start();
    const invite = await h.peerSends(makeRequest());
    const tx = txOf(0);
    tx.on('cancelled', () => undefined);
    tx.respond(createResponse(invite, 200, 'OK', { toTag: 'x' }));
    expect((tx as unknown as { listenerCount(e: string): number }).listenerCount('cancelled')).toBe(0);
    await h.advance(32_000);
  });
});

describe('a layer without a request listener', () => {
  it('answers new requests 503 instead of keeping transactions no one will end', async () => {
    h = new Harness();
    await h.peerSends(makeRequest({ method: 'OPTIONS' }));
    expect(h.peerResponses().map((s) => s.message.status)).toEqual([503]);
    await h.advance(32_000);
  });
});

describe('sendRequest', () => {
  it('sends to the top Route when it is a loose router, else to the Request-URI', async () => {
    start();
    const user = new RecordingUser(h.t0);
    h.layer.sendRequest(makeRequest({ method: 'OPTIONS', uri: 'sip:bob@127.0.0.9:5060', route: ['<sip:127.0.0.2:5060;lr>'] }), user);
    await h.advance(0);
    expect(h.peerRequests('OPTIONS')).toHaveLength(1);
    const strict = h.layer.sendRequest(makeRequest({ method: 'OPTIONS', uri: 'sip:bob@127.0.0.2:5060', route: ['<sip:127.0.0.9:5060>'] }), user);
    await h.advance(0);
    expect(h.peerRequests('OPTIONS')).toHaveLength(2);
    expect(strict.target).toMatchObject({ protocol: 'UDP', address: '127.0.0.2', port: 5060 });
    for (const s of h.peerRequests('OPTIONS')) await h.peerResponds(createResponse(s.message, 200, 'OK', { toTag: 'x' }));
    expect(user.statuses()).toEqual([200, 200]);
    await h.advance(5_000);
  });

  it('gives a request without an RFC 3261 branch a fresh one and fills the Via sent-by', async () => {
    start();
    const tx = h.layer.sendRequest(makeRequest({ method: 'OPTIONS', uri: 'sip:bob@127.0.0.2:5060', branch: null }), new RecordingUser(h.t0));
    await h.advance(0);
    const sent = h.peerRequests('OPTIONS')[0]!.message;
    expect(sent.topVia.branch).toMatch(/^z9hG4bK/);
    expect(sent.topVia.host).toBe('127.0.0.1');
    expect(tx.request.topVia.branch).toBe(sent.topVia.branch);
    await h.peerResponds(createResponse(sent, 200, 'OK', { toTag: 'x' }));
    await h.advance(5_000);
  });

  it('synthesises a 503 when the target does not resolve', async () => {
    start();
    const user = new RecordingUser(h.t0);
    h.layer.sendRequest(makeRequest({ method: 'OPTIONS', uri: 'sip:bob@nowhere.invalid' }), user);
    await h.advance(0);
    expect(user.statuses()).toEqual([503]);
    expect(user.transportErrors).toHaveLength(1);
  });

  it('refuses an ACK, a reused branch, and anything after close', async () => {
    start();
    expect(() => h.layer.sendRequest(makeRequest({ method: 'ACK' }), new RecordingUser(0))).toThrow(InvalidArgumentError);
    const req = makeRequest({ method: 'OPTIONS', uri: 'sip:bob@127.0.0.2:5060' });
    h.layer.sendRequest(req, new RecordingUser(0));
    expect(() => h.layer.sendRequest(req, new RecordingUser(0))).toThrow(InvalidArgumentError);
    await h.advance(40_000);
    h.layer.close();
    expect(() => h.layer.sendRequest(makeRequest({ method: 'OPTIONS' }), new RecordingUser(0))).toThrow(InvalidStateError);
  });
});

describe('close()', () => {
  it('ends every transaction and leaves no timer pending', async () => {
    start();
    h.layer.sendRequest(makeRequest({ uri: 'sip:bob@127.0.0.2:5060' }), new RecordingUser(0));
    h.layer.sendRequest(makeRequest({ method: 'OPTIONS', uri: 'sip:bob@127.0.0.2:5060' }), new RecordingUser(0));
    await h.peerSends(makeRequest());
    await h.advance(1_000);
    expect(h.layer.counters.activeClientTransactions).toBe(2);
    expect(h.layer.counters.activeServerTransactions).toBe(1);
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    const ended: string[] = [];
    received[0]!.tx!.on('terminated', (t) => ended.push(t.kind));
    h.layer.close();
    expect(ended).toEqual(['invite']);
    expect(h.layer.counters.activeClientTransactions).toBe(0);
    expect(h.layer.counters.activeServerTransactions).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
