import { afterEach, describe, expect, it } from 'vitest';
import { glareRetryDelay } from '../../../src/dialog/index.js';
import type { Dialog, IncomingRequest } from '../../../src/dialog/index.js';
import { connect, createPair, SDP_ANSWER, SDP_OFFER, sentRequests, sentResponses, type Pair } from './harness.js';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});


const accept200 = (r: IncomingRequest): void => { r.respond(200, r.method === 'INVITE' ? { body: SDP_ANSWER } : {}); };

describe('re-INVITE glare (RFC 3261 §14)', () => {
  it('draws §14.1 retry delays in 10 ms units: 2.1-4 s for the Call-ID owner, 0-2 s otherwise', () => {
    const owner = Array.from({ length: 2000 }, () => glareRetryDelay(true));
    const other = Array.from({ length: 2000 }, () => glareRetryDelay(false));
    expect(Math.min(...owner)).toBeGreaterThanOrEqual(2100);
    expect(Math.max(...owner)).toBeLessThanOrEqual(4000);
    expect(Math.min(...other)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...other)).toBeLessThanOrEqual(2000);
    expect([...owner, ...other].every((v) => v % 10 === 0)).toBe(true);
    // Not a constant: the draws spread over the window.
    expect(new Set(owner).size).toBeGreaterThan(50);
  });

  it('answers 491 on both sides when both send a re-INVITE at once, and both retry in their windows until they succeed', async () => {
    pair = createPair();
    const { a, b } = await connect(pair);
    a.setRequestHandler(accept200);
    b.setRequestHandler(accept200);
    const t0 = Date.now();
    const pa = a.reinvite({ body: SDP_OFFER });
    const pb = b.reinvite({ body: SDP_OFFER });
    await pair.flush();
    const r491 = sentResponses(pair.net, 491, 'INVITE');
    expect(r491).toHaveLength(2);
    for (let i = 0; i < 50; i++) await pair.advance(100);
    const [ra, rb] = await Promise.all([pa, pb]);
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    const aliceInvites = sentRequests(pair.net, 'INVITE', '127.0.0.1').map((x) => x.at - t0);
    const bobInvites = sentRequests(pair.net, 'INVITE', '127.0.0.2').map((x) => x.at - t0);
    // alice: initial INVITE (before t0), glaring re-INVITE at 0, retry in 2.1-4 s (she owns the Call-ID).
    expect(aliceInvites.slice(1, 2)).toEqual([0]);
    expect(aliceInvites.length).toBeGreaterThanOrEqual(3);
    expect(aliceInvites[2]).toBeGreaterThanOrEqual(2100);
    expect(aliceInvites[2]).toBeLessThanOrEqual(4000 + 100);
    // bob: glaring re-INVITE at 0, retry in 0-2 s.
    expect(bobInvites.length).toBeGreaterThanOrEqual(2); // a 0 ms draw may glare once more
    expect(bobInvites[1]).toBeLessThanOrEqual(2000 + 100);
    expect(a.state).toBe('confirmed');
    expect(b.state).toBe('confirmed');
  });

  it('refuses a second re-INVITE while one is pending with RequestPendingError', async () => {
    pair = createPair();
    const { a, b } = await connect(pair);
    b.setRequestHandler(() => { /* never answers */ });
    const p = a.reinvite({ body: SDP_OFFER });
    await expect(a.reinvite({ body: SDP_OFFER })).rejects.toMatchObject({ code: 'ERR_DIALOG_REQUEST_PENDING' });
    void p;
  });

  it('answers 500 with Retry-After 0-10 s to a re-INVITE arriving while another is unanswered', async () => {
    pair = createPair();
    const { a, b } = await connect(pair);
    const pending: IncomingRequest[] = [];
    b.setRequestHandler((r) => { pending.push(r); });
    const p = a.reinvite({ body: SDP_OFFER });
    await pair.flush();
    expect(pending).toHaveLength(1);
    const first = pending[0]!.request;
    const second = first
      .withReplacedHeader('CSeq', [`${first.cseq.seq + 1} INVITE`])
      .withTopVia(first.topVia.with({ branch: 'z9hG4bKoverlap2' }));
    pair.net.inject(second.serialize(), { from: { address: '127.0.0.1', port: 5060 }, to: { address: '127.0.0.2', port: 5060 } });
    await pair.flush();
    const r500 = sentResponses(pair.net, 500, 'INVITE');
    expect(r500).toHaveLength(1);
    const retry = r500[0]!.res.retryAfter!;
    expect(retry.delta).toBeGreaterThanOrEqual(0);
    expect(retry.delta).toBeLessThanOrEqual(10);
    expect(pending).toHaveLength(1);
    pending[0]!.respond(200, { body: SDP_ANSWER });
    expect((await p).status).toBe(200);
    expect(b.state).toBe('confirmed');
  });
});

describe('forking (RFC 3261 §13.2.2.4)', () => {
  it('ACKs a second 2xx from another fork and ends that dialog with BYE, keeping the first', async () => {
    pair = createPair();
    const { a } = await connect(pair);
    const fork: string[] = [];
    pair.net.endpoint({ address: '192.0.2.9', port: 5060, protocols: ['UDP'] })
      .on('message', (m) => { if (m.message.isRequest()) fork.push(m.message.method); });
    const ok = sentResponses(pair.net, 200, 'INVITE')[0]!.res;
    const forked = ok
      .withReplacedHeader('To', [`${ok.get('To')!.replace(/;tag=[^;]*/, '')};tag=fork2`])
      .withReplacedHeader('Contact', ['<sip:carol@192.0.2.9:5060>']);
    pair.net.inject(forked.serialize(), { from: { address: '192.0.2.9', port: 5060 }, to: { address: '127.0.0.1', port: 5060 } });
    await pair.flush();
    expect(fork).toEqual(['ACK', 'BYE']);
    expect(a.state).toBe('confirmed');
    expect(pair.alice.dialogs.map((d) => d.id.remoteTag)).toEqual([a.id.remoteTag]);
  });
});

describe('forking after the INVITE transaction ended', () => {
  it('ACKs and BYEs a 2xx from a new fork that arrives after Timer M, as a stray response', async () => {
    pair = createPair();
    const { a } = await connect(pair);
    await pair.advance(33_000);
    const fork: string[] = [];
    pair.net.endpoint({ address: '192.0.2.9', port: 5060, protocols: ['UDP'] })
      .on('message', (m) => { if (m.message.isRequest()) fork.push(`${m.message.method} ${m.message.cseq.seq}`); });
    const ok = sentResponses(pair.net, 200, 'INVITE')[0]!.res;
    const forked = ok
      .withReplacedHeader('To', [`${ok.get('To')!.replace(/;tag=[^;]*/, '')};tag=latefork`])
      .withReplacedHeader('Contact', ['<sip:carol@192.0.2.9:5060>']);
    pair.net.inject(forked.serialize(), { from: { address: '192.0.2.9', port: 5060 }, to: { address: '127.0.0.1', port: 5060 } });
    await pair.flush();
    const seq = ok.cseq.seq;
    expect(fork).toEqual([`ACK ${seq}`, `BYE ${seq + 1}`]);
    expect(a.state).toBe('confirmed');
    expect(pair.alice.dialogs).toEqual([a]);
  });
});

describe('ACK for 2xx retransmissions after the INVITE transaction ended', () => {
  it('re-sends the same ACK when a 2xx arrives as a stray response after Timer M', async () => {
    pair = createPair();
    const { a } = await connect(pair);
    await pair.advance(33_000); // RFC 6026 Timer M (64*T1) ends alice's INVITE client transaction
    const acksBefore = sentRequests(pair.net, 'ACK');
    expect(acksBefore).toHaveLength(1);
    const ok = sentResponses(pair.net, 200, 'INVITE')[0]!.res;
    pair.net.inject(ok.serialize(), { from: { address: '127.0.0.2', port: 5060 }, to: { address: '127.0.0.1', port: 5060 } });
    await pair.flush();
    const acks = sentRequests(pair.net, 'ACK');
    expect(acks).toHaveLength(2);
    expect(acks[1]!.req.toString()).toBe(acks[0]!.req.toString());
    expect(a.state).toBe('confirmed');
  });
});

describe('BYE on an early dialog (RFC 3261 §15.1.2)', () => {
  it('answers the BYE 200 and the pending INVITE 487', async () => {
    pair = createPair();
    let state = '';
    let inviteStatus = 0;
    pair.bob.setInviteHandler((inv) => {
      inv.provisional(180);
      inv.on('cancelled', () => { state = inv.state; });
    });
    const out = await pair.alice.invite({ target: 'sip:bob@127.0.0.2:5060', body: SDP_OFFER });
    await pair.flush();
    const early = [...out.dialogs.values()][0]!;
    expect(early.state).toBe('early');
    // alice's side may not BYE an early dialog through the API; send one by hand as a peer would.
    const invite = sentRequests(pair.net, 'INVITE')[0]!.req;
    const bye = [
      `BYE ${early.remoteTarget.toString()} SIP/2.0`,
      'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKearlybye1',
      `From: ${invite.get('From')}`,
      `To: ${early.remoteParty.toString()}`,
      `Call-ID: ${invite.callId}`,
      `CSeq: ${invite.cseq.seq + 1} BYE`,
      'Max-Forwards: 70',
      'Content-Length: 0', '', '',
    ].join('\r\n');
    await expect(early.bye()).rejects.toMatchObject({ code: 'ERR_DIALOG_STATE' });
    pair.net.inject(bye, { from: { address: '127.0.0.1', port: 5060 }, to: { address: '127.0.0.2', port: 5060 } });
    await pair.flush();
    const outcome = await out.outcome;
    inviteStatus = outcome.response.status;
    expect(sentResponses(pair.net, 200, 'BYE')).toHaveLength(1);
    expect(inviteStatus).toBe(487);
    expect(state).toBe('cancelled');
  });
});
