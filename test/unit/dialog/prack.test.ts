import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingInvite } from '../../../src/dialog/index.js';
import { PrackTimeoutError, parseRAck, parseRSeq } from '../../../src/dialog/index.js';
import type { SipRequest, SipResponse } from '../../../src/sip/index.js';
import { createPair, SDP_ANSWER, SDP_OFFER, sentRequests, sentResponses, type Pair } from './harness.js';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const T1 = 500;

function withRel(): Pair {
  return createPair({ supported: ['100rel'] }, { supported: ['100rel'] });
}

describe('RAck and RSeq parsing (RFC 3262 §7)', () => {
  it('reads the three RAck fields and refuses malformed values', () => {
    expect(parseRAck('776656 1 INVITE')).toEqual({ rseq: 776656, cseq: 1, method: 'INVITE' });
    expect(parseRAck('  5  9  INVITE ')).toEqual({ rseq: 5, cseq: 9, method: 'INVITE' });
    expect(parseRAck('0 1 INVITE')).toBeUndefined();
    expect(parseRAck('1 INVITE')).toBeUndefined();
    expect(parseRAck('x 1 INVITE')).toBeUndefined();
    expect(parseRSeq('42')).toBe(42);
    expect(parseRSeq('4294967296')).toBeUndefined();
    expect(parseRSeq('-1')).toBeUndefined();
  });
});

describe('reliable provisional responses between two UA cores', () => {
  it('sends the 183 with Require: 100rel and RSeq, gets a PRACK with the matching RAck, answers it 200', async () => {
    pair = withRel();
    const { alice, bob, flush } = pair;
    let incoming: IncomingInvite | undefined;
    let prack: SipRequest | undefined;
    bob.setInviteHandler((inv) => {
      incoming = inv;
      void inv.provisionalReliably(183, { body: SDP_ANSWER }).then((p) => { prack = p; });
    });
    const out = await alice.invite({ target: 'sip:bob@127.0.0.2:5060', body: SDP_OFFER });
    const progress: SipResponse[] = [];
    out.on('progress', (res) => progress.push(res));
    await flush();
    const [invite] = sentRequests(pair.net, 'INVITE');
    expect(invite!.req.get('Supported')).toBe('100rel');
    expect(incoming!.peerSupports100rel).toBe(true);
    expect(incoming!.peerRequires100rel).toBe(false);
    const [p183] = sentResponses(pair.net, 183);
    expect(p183!.res.get('Require')).toBe('100rel');
    const rseq = Number(p183!.res.get('RSeq'));
    expect(rseq).toBeGreaterThanOrEqual(1);
    expect(rseq).toBeLessThan(2 ** 31);
    expect(prack?.get('RAck')).toBe(`${rseq} ${invite!.req.cseq.seq} INVITE`);
    expect(sentResponses(pair.net, 200, 'PRACK')).toHaveLength(1);
    expect(progress).toHaveLength(1);
    // Nothing retransmitted once the PRACK arrived.
    await pair.advance(10 * T1);
    expect(sentResponses(pair.net, 183)).toHaveLength(1);
    expect(incoming!.reliableProvisionals!.acknowledged).toEqual([rseq]);
    incoming!.accept({ body: SDP_ANSWER });
    expect((await out.outcome).accepted).toBe(true);
  });

  it('retransmits the reliable 1xx at T1, 2T1, 4T1 ... without PRACK, then rejects the INVITE with 504', async () => {
    pair = withRel();
    const { alice, bob, flush, net } = pair;
    net.filter = (m) => (m !== undefined && m.isRequest() && m.method === 'PRACK' ? 'drop' : 'deliver');
    let incoming: IncomingInvite | undefined;
    let failure: unknown;
    let timedOut = false;
    bob.setInviteHandler((inv) => {
      incoming = inv;
      inv.on('prack-timeout', () => { timedOut = true; });
      inv.provisionalReliably(183, { body: SDP_ANSWER }).catch((err: unknown) => { failure = err; });
    });
    const out = await alice.invite({ target: 'sip:bob@127.0.0.2:5060', body: SDP_OFFER });
    const progress: SipResponse[] = [];
    out.on('progress', (res) => progress.push(res));
    await flush();
    const start = sentResponses(net, 183)[0]!.at;
    await pair.advance(64 * T1 + 100);
    const sends = sentResponses(net, 183);
    // First send + retransmissions at T1, 3T1, 7T1, 15T1, 31T1, 63T1 (intervals doubling, §3).
    expect(sends.map((s) => s.at - start)).toEqual([0, 1, 3, 7, 15, 31, 63].map((k) => k * T1));
    expect(new Set(sends.map((s) => s.res.get('RSeq'))).size).toBe(1);
    expect(incoming!.reliableProvisionals!.retransmissions).toBe(6);
    // The UAC PRACKed once (its NICT retransmits the PRACK itself) and reported the 183 once.
    expect(progress).toHaveLength(1);
    expect(new Set(sentRequests(net, 'PRACK').map((p) => p.req.topVia.branch)).size).toBe(1);
    expect(sentResponses(net, 504)).toHaveLength(1);
    expect(incoming!.state).toBe('rejected');
    expect(timedOut).toBe(true);
    expect(failure).toBeInstanceOf(PrackTimeoutError);
    const outcome = await out.outcome;
    expect(outcome.accepted).toBe(false);
    expect(outcome.response.status).toBe(504);
  });

  it('holds a second reliable 1xx until the first is acknowledged, with the next RSeq', async () => {
    pair = withRel();
    const { alice, bob, flush, net } = pair;
    let dropPrack = true;
    net.filter = (m) => (dropPrack && m !== undefined && m.isRequest() && m.method === 'PRACK' ? 'drop' : 'deliver');
    let incoming: IncomingInvite | undefined;
    bob.setInviteHandler((inv) => {
      incoming = inv;
      void inv.provisionalReliably(180).catch(() => undefined);
      void inv.provisionalReliably(183, { body: SDP_ANSWER }).catch(() => undefined);
    });
    await alice.invite({ target: 'sip:bob@127.0.0.2:5060', body: SDP_OFFER });
    await flush();
    expect(sentResponses(net, 180)).toHaveLength(1);
    expect(sentResponses(net, 183)).toHaveLength(0);
    expect(incoming!.reliableProvisionals!.offerPending).toBe(true);
    dropPrack = false;
    await pair.advance(T1 + 10); // the 180 retransmission is PRACKed
    const [r180] = sentResponses(net, 180);
    const [r183] = sentResponses(net, 183);
    expect(r183).toBeDefined();
    expect(Number(r183!.res.get('RSeq'))).toBe(Number(r180!.res.get('RSeq')) + 1);
    await flush();
    let settled = false;
    void incoming!.offerSettled().then(() => { settled = true; });
    await flush();
    expect(settled).toBe(true);
  });

  it('answers a PRACK that matches no unacknowledged reliable response with 481', async () => {
    pair = withRel();
    const { alice, bob, flush } = pair;
    bob.setInviteHandler((inv) => { void inv.provisionalReliably(180).catch(() => undefined); });
    const out = await alice.invite({ target: 'sip:bob@127.0.0.2:5060', body: SDP_OFFER });
    await flush();
    const early = [...out.dialogs.values()][0]!;
    const res = await early.request('PRACK', { headers: { RAck: `999999 ${out.request.cseq.seq} INVITE` } });
    expect(res.status).toBe(481);
  });

  it('refuses an INVITE that requires 100rel with 420 when the core does not support it', async () => {
    pair = createPair({ supported: ['100rel'] }, {});
    const { alice, bob, flush } = pair;
    bob.setInviteHandler((inv) => { inv.accept({ body: SDP_ANSWER }); });
    const out = await alice.invite({ target: 'sip:bob@127.0.0.2:5060', body: SDP_OFFER, headers: { Require: '100rel' } });
    await flush();
    const outcome = await out.outcome;
    expect(outcome.response.status).toBe(420);
    expect(outcome.response.get('Unsupported')).toBe('100rel');
  });
});
