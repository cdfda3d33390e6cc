import { afterEach, describe, expect, it } from 'vitest';
import type { Dialog, IncomingRequest } from '../../../src/dialog/index.js';
import { connect, createPair, SDP_ANSWER, SDP_OFFER, sentRequests, sentResponses, type Pair } from './harness.js';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});


const accept200 = (r: IncomingRequest): void => { r.respond(200, r.method === 'INVITE' ? { body: SDP_ANSWER } : {}); };

describe('dialogs: in-dialog requests', () => {
  it('increments the local CSeq by one per request and keeps the INVITE number for the ACK', async () => {
    pair = createPair();
    const { a, b } = await connect(pair);
    b.setRequestHandler(accept200);
    const first = a.localSeq!;
    const info = await a.request('INFO', { body: 'x', contentType: 'application/sdp' });
    expect(info.status).toBe(200);
    const re = await a.reinvite({ body: SDP_OFFER });
    expect(re.status).toBe(200);
    await pair.flush();
    expect(a.localSeq).toBe(first + 2);
    const invites = sentRequests(pair.net, 'INVITE').map((x) => x.req.cseq.seq);
    expect(invites).toEqual([first, first + 2]);
    const acks = sentRequests(pair.net, 'ACK').map((x) => x.req.cseq.seq);
    expect(acks).toEqual([first, first + 2]);
    expect(b.remoteSeq).toBe(first + 2);
  });

  it('answers 500 to a request whose CSeq is lower than the remote CSeq', async () => {
    pair = createPair();
    const { a, b } = await connect(pair);
    b.setRequestHandler(accept200);
    await a.request('INFO', {});
    const infoReq = sentRequests(pair.net, 'INFO')[0]!.req;
    // Replay an older CSeq with a new branch (out of order, §12.2.2).
    const old = infoReq
      .withReplacedHeader('CSeq', [`${infoReq.cseq.seq - 1} INFO`])
      .withTopVia(infoReq.topVia.with({ branch: 'z9hG4bKreplayed1' }));
    pair.net.inject(old.serialize(), { from: { address: '127.0.0.1', port: 5060 }, to: { address: '127.0.0.2', port: 5060 } });
    await pair.flush();
    const r500 = sentResponses(pair.net, 500, 'INFO');
    expect(r500).toHaveLength(1);
    expect(r500[0]!.res.reason).toMatch(/CSeq/);
    expect(b.state).toBe('confirmed');
  });

  it('answers 481 to a request for a dialog that does not exist, and the sender ends its dialog', async () => {
    pair = createPair();
    const { a, b } = await connect(pair);
    b.terminate('closed'); // bob forgets the dialog without BYE
    const res = await a.request('INFO', {});
    expect(res.status).toBe(481);
    expect(a.state).toBe('terminated');
    expect(a.terminationReason).toBe('remote-gone');
  });

  it('ends both dialogs with BYE and answers it 200', async () => {
    pair = createPair();
    const { a, b } = await connect(pair);
    const reasons: string[] = [];
    b.on('terminated', (r) => reasons.push(r));
    const res = await a.bye();
    expect(res.status).toBe(200);
    expect(a.terminationReason).toBe('bye-sent');
    expect(reasons).toEqual(['bye-received']);
    expect(pair.alice.dialogs).toHaveLength(0);
    expect(pair.bob.dialogs).toHaveLength(0);
  });

  it('refreshes the remote target from the Contact of a re-INVITE 2xx and of a re-INVITE request', async () => {
    pair = createPair();
    const { a, b } = await connect(pair);
    b.setRequestHandler((r) => r.respond(200, { body: SDP_ANSWER, headers: { Contact: '<sip:bob@127.0.0.2:5060;ob>' } }));
    const refreshed: string[] = [];
    a.on('target-refresh', (t) => refreshed.push(t.toString()));
    expect((await a.reinvite({ body: SDP_OFFER })).status).toBe(200);
    expect(a.remoteTarget.toString()).toBe('sip:bob@127.0.0.2:5060;ob');
    expect(refreshed).toEqual(['sip:bob@127.0.0.2:5060;ob']);
    // The next request goes to the new target.
    await a.request('INFO', {});
    expect(sentRequests(pair.net, 'INFO')[0]!.req.uri.toString()).toBe('sip:bob@127.0.0.2:5060;ob');

    a.setRequestHandler(accept200);
    await pair.advance(10);
    expect((await b.reinvite({ body: SDP_OFFER, headers: { Contact: '<sip:bob@127.0.0.2:5060;v=2>' } })).status).toBe(200);
    expect(a.remoteTarget.toString()).toBe('sip:bob@127.0.0.2:5060;v=2');
  });

  it('sends in-dialog requests to a strict router with the remote target as last Route', async () => {
    pair = createPair();
    let b: Dialog | undefined;
    pair.bob.setInviteHandler((inv) => { b = inv.accept({ body: SDP_ANSWER }); });
    const out = await pair.alice.invite({
      target: 'sip:bob@127.0.0.2:5060', body: SDP_OFFER,
      headers: { 'Record-Route': '<sip:127.0.0.1:5060;transport=udp>' },
    });
    await out.outcome;
    await pair.flush();
    // bob's route set has a strict router: Request-URI = that router, Route = remote target.
    void b!.request('INFO', {});
    await pair.flush();
    const info = sentRequests(pair.net, 'INFO')[0]!.req;
    expect(info.uri.toString()).toBe('sip:127.0.0.1:5060;transport=udp');
    expect(info.getAll('Route')).toEqual([`<${b!.remoteTarget.toString()}>`]);
  });
});

describe('dialogs: 2xx reliability (RFC 3261 §13.3.1.4)', () => {
  it('retransmits the 2xx at T1 doubling to T2 until the ACK, then ends the dialog with BYE after 64*T1', async () => {
    pair = createPair();
    // Every ACK is lost.
    pair.net.filter = (m) => (m !== undefined && m.isRequest() && m.method === 'ACK' ? 'drop' : 'deliver');
    let b: Dialog | undefined;
    pair.bob.setInviteHandler((inv) => { b = inv.accept({ body: SDP_ANSWER }); });
    const out = await pair.alice.invite({ target: 'sip:bob@127.0.0.2:5060', body: SDP_OFFER });
    await out.outcome;
    await pair.flush();
    const reasons: string[] = [];
    b!.on('terminated', (r) => reasons.push(r));
    const aReasons: string[] = [];
    out.dialog!.on('terminated', (r) => aReasons.push(r));
    for (let t = 0; t < 33_000; t += 250) await pair.advance(250);
    const oks = sentResponses(pair.net, 200, 'INVITE').map((x) => x.at);
    const gaps = oks.slice(1).map((t, i) => t - oks[i]!);
    expect(gaps.slice(0, 6)).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(oks[oks.length - 1]! - oks[0]!).toBeLessThan(32_000);
    expect(oks.length).toBe(11); // 0, .5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5 s
    // Every retransmitted 2xx was ACKed again by alice.
    expect(sentRequests(pair.net, 'ACK').length).toBe(oks.length);
    expect(reasons).toEqual(['ack-timeout']);
    const byes = sentRequests(pair.net, 'BYE', '127.0.0.2');
    expect(byes).toHaveLength(1);
    expect(byes[0]!.at - oks[0]!).toBe(32_000);
    expect(aReasons).toEqual(['bye-received']);
  });

  it('stops retransmitting once a re-sent ACK gets through after the first one was lost', async () => {
    pair = createPair();
    let dropped = 0;
    pair.net.filter = (m) => (m !== undefined && m.isRequest() && m.method === 'ACK' && dropped++ === 0 ? 'drop' : 'deliver');
    let b: Dialog | undefined;
    const acks: number[] = [];
    pair.bob.setInviteHandler((inv) => { b = inv.accept({ body: SDP_ANSWER }); b.on('ack', () => acks.push(Date.now())); });
    const out = await pair.alice.invite({ target: 'sip:bob@127.0.0.2:5060', body: SDP_OFFER });
    await out.outcome;
    await pair.flush();
    expect(b!.pendingAnswer).toBeDefined();
    await pair.advance(600);
    expect(acks).toHaveLength(1);
    expect(b!.pendingAnswer).toBeUndefined();
    await pair.advance(10_000);
    expect(sentResponses(pair.net, 200, 'INVITE')).toHaveLength(2);
    expect(b!.state).toBe('confirmed');
  });
});
