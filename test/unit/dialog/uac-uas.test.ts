import { afterEach, describe, expect, it } from 'vitest';
import type { Dialog, IncomingInvite } from '../../../src/dialog/index.js';
import { createPair, SDP_ANSWER, SDP_OFFER, sentRequests, sentResponses, type Pair } from './harness.js';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

describe('UAC and UAS cores: dialog creation', () => {
  it('creates an early dialog from a 180 with a To tag and confirms it with the 200', async () => {
    pair = createPair();
    const { alice, bob, flush } = pair;
    let incoming: IncomingInvite | undefined;
    bob.setInviteHandler((inv) => { incoming = inv; inv.provisional(180); });
    const out = await alice.invite({ target: 'sip:bob@127.0.0.2:5060', body: SDP_OFFER });
    const early: Dialog[] = [];
    out.on('progress', (res, d) => { if (res.status === 180 && d) early.push(d); });
    await flush();
    expect(early).toHaveLength(1);
    expect(early[0]!.state).toBe('early');
    expect(incoming!.dialog!.state).toBe('early');
    expect(bob.dialogs).toHaveLength(1);

    const bobDialog = incoming!.accept({ body: SDP_ANSWER });
    const outcome = await out.outcome;
    await flush();
    expect(outcome.accepted).toBe(true);
    const aliceDialog = out.dialog!;
    expect(aliceDialog).toBe(early[0]);
    expect(aliceDialog.state).toBe('confirmed');
    expect(bobDialog.state).toBe('confirmed');
    // Dialog ids mirror each other (§12).
    expect(aliceDialog.id.callId).toBe(bobDialog.id.callId);
    expect(aliceDialog.id.localTag).toBe(bobDialog.id.remoteTag);
    expect(aliceDialog.id.remoteTag).toBe(bobDialog.id.localTag);
    // Remote targets come from the Contacts.
    expect(aliceDialog.remoteTarget.host).toBe('127.0.0.2');
    expect(bobDialog.remoteTarget.host).toBe('127.0.0.1');
    // The ACK reached bob and stopped the 2xx retransmissions.
    expect(bobDialog.pendingAnswer).toBeUndefined();
    expect(sentRequests(pair.net, 'ACK')).toHaveLength(1);
  });

  it('creates the dialog from a 2xx alone, with the ACK carrying the INVITE CSeq number and a new branch', async () => {
    pair = createPair();
    const { alice, bob, flush } = pair;
    bob.setInviteHandler((inv) => { inv.accept({ body: SDP_ANSWER }); });
    const out = await alice.invite({ target: 'sip:bob@127.0.0.2:5060', body: SDP_OFFER });
    const outcome = await out.outcome;
    await flush();
    expect(outcome.accepted).toBe(true);
    const [invite] = sentRequests(pair.net, 'INVITE');
    const [ack] = sentRequests(pair.net, 'ACK');
    expect(ack!.req.cseq.seq).toBe(invite!.req.cseq.seq);
    expect(ack!.req.cseq.method).toBe('ACK');
    expect(ack!.req.topVia.branch).not.toBe(invite!.req.topVia.branch);
    expect(ack!.req.to.tag).toBe(out.dialog!.id.remoteTag);
    expect(ack!.req.uri.host).toBe('127.0.0.2');
  });

  it('keeps the Record-Route order as UAS and reverses it as UAC, and routes in-dialog requests loosely', async () => {
    pair = createPair();
    const { alice, bob, flush } = pair;
    let bobDialog: Dialog | undefined;
    bob.setInviteHandler((inv) => { bobDialog = inv.accept({ body: SDP_ANSWER }); });
    // A listener at the first hop of alice's route set sees the ACK.
    const proxyGot: string[] = [];
    pair.net.endpoint({ address: '192.0.2.2', port: 5060, protocols: ['UDP'] })
      .on('message', (m) => { if (m.message.isRequest()) proxyGot.push(m.message.method); });
    const out = await alice.invite({
      target: 'sip:bob@127.0.0.2:5060',
      body: SDP_OFFER,
      headers: [
        { name: 'Record-Route', value: '<sip:192.0.2.1;lr>' },
        { name: 'Record-Route', value: '<sip:192.0.2.2;lr>' },
      ],
    });
    await out.outcome;
    await flush();
    expect(bobDialog!.routeSet.map((r) => r.uri.host)).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(out.dialog!.routeSet.map((r) => r.uri.host)).toEqual(['192.0.2.2', '192.0.2.1']);
    // The 200 copied the Record-Route values (§12.1.1).
    const [ok] = sentResponses(pair.net, 200, 'INVITE');
    expect(ok!.res.getAll('Record-Route')).toEqual(['<sip:192.0.2.1;lr>', '<sip:192.0.2.2;lr>']);
    // The ACK went to the first route with the remote target as Request-URI.
    const [ack] = sentRequests(pair.net, 'ACK');
    expect(ack!.req.uri.host).toBe('127.0.0.2');
    expect(ack!.req.getAll('Route')).toEqual(['<sip:192.0.2.2;lr>', '<sip:192.0.2.1;lr>']);
    expect(proxyGot).toEqual(['ACK']);
  });

  it('answers OPTIONS outside a dialog with Allow, Accept and Supported', async () => {
    pair = createPair({}, { supported: ['timer'] });
    const res = await pair.alice.request('OPTIONS', { target: 'sip:bob@127.0.0.2:5060' });
    expect(res.status).toBe(200);
    expect(res.allow).toContain('INVITE');
    expect(res.allow).toContain('REFER');
    expect(res.get('Accept')).toBe('application/sdp');
    expect(res.supported).toEqual(['timer']);
  });

  it('answers an unknown method with 501 and a known but unsupported one with 405 and Allow', async () => {
    pair = createPair();
    const r501 = await pair.alice.request('FROBNICATE', { target: 'sip:bob@127.0.0.2:5060' });
    expect(r501.status).toBe(501);
    const r405 = await pair.alice.request('REGISTER', { target: 'sip:bob@127.0.0.2:5060' });
    expect(r405.status).toBe(405);
    expect(r405.allow).toContain('INVITE');
  });

  it('includes an empty Supported header in the OPTIONS answer when no extension is supported', async () => {
    pair = createPair();
    const res = await pair.alice.request('OPTIONS', { target: 'sip:bob@127.0.0.2:5060' });
    expect(res.has('Supported')).toBe(true);
    expect(res.supported).toEqual([]);
  });

  it('answers 420 with Unsupported for a Require we do not support and 415 for an unknown body type', async () => {
    pair = createPair();
    const r420 = await pair.alice.request('OPTIONS', { target: 'sip:bob@127.0.0.2:5060', headers: { Require: 'foo, 100rel' } });
    expect(r420.status).toBe(420);
    expect(r420.unsupported).toEqual(['foo', '100rel']);
    const out = await pair.alice.invite({ target: 'sip:bob@127.0.0.2:5060', body: '<x/>', contentType: 'application/unknown' });
    const outcome = await out.outcome;
    expect(outcome.response.status).toBe(415);
    expect(outcome.response.get('Accept')).toBe('application/sdp');
  });

  it('rejects an INVITE with the status chosen by the application and ends the early dialog', async () => {
    pair = createPair();
    const { alice, bob, flush } = pair;
    let bobDialog: Dialog | undefined;
    bob.setInviteHandler((inv) => { bobDialog = inv.provisional(183); inv.reject(486); });
    const out = await alice.invite({ target: 'sip:bob@127.0.0.2:5060', body: SDP_OFFER });
    const outcome = await out.outcome;
    await flush();
    expect(outcome.accepted).toBe(false);
    expect(outcome.response.status).toBe(486);
    expect(bobDialog!.state).toBe('terminated');
    expect(bobDialog!.terminationReason).toBe('rejected');
    expect([...out.dialogs.values()].every((d) => d.state === 'terminated')).toBe(true);
    expect(alice.dialogs).toHaveLength(0);
    expect(bob.dialogs).toHaveLength(0);
  });

  it('cancels a ringing INVITE: 487 to the INVITE and the cancelled event at the UAS', async () => {
    pair = createPair();
    const { alice, bob, flush } = pair;
    let incoming: IncomingInvite | undefined;
    let cancelled = 0;
    bob.setInviteHandler((inv) => { incoming = inv; inv.on('cancelled', () => cancelled++); inv.provisional(180); });
    const out = await alice.invite({ target: 'sip:bob@127.0.0.2:5060', body: SDP_OFFER });
    await flush();
    out.cancel();
    const outcome = await out.outcome;
    await flush();
    expect(outcome.accepted).toBe(false);
    expect(outcome.response.status).toBe(487);
    expect(outcome.accepted === false && outcome.cancelled).toBe(true);
    expect(incoming!.state).toBe('cancelled');
    expect(cancelled).toBe(1);
    expect(sentResponses(pair.net, 200, 'CANCEL')).toHaveLength(1);
  });

  it('defers a CANCEL asked before any provisional response until the first one arrives', async () => {
    pair = createPair({}, {});
    const { alice, bob, flush } = pair;
    let incoming: IncomingInvite | undefined;
    bob.setInviteHandler((inv) => { incoming = inv; });
    // bob's transaction layer sends 100 Trying only after 200 ms.
    const out = await alice.invite({ target: 'sip:bob@127.0.0.2:5060', body: SDP_OFFER });
    out.cancel();
    await flush();
    expect(sentRequests(pair.net, 'CANCEL')).toHaveLength(0);
    await pair.advance(250);
    expect(sentRequests(pair.net, 'CANCEL')).toHaveLength(1);
    const outcome = await out.outcome;
    expect(outcome.response.status).toBe(487);
    expect(incoming!.state).toBe('cancelled');
  });

  it('hands an out-of-dialog MESSAGE to the request handler and resolves the sender with its answer', async () => {
    pair = createPair({}, { accept: ['application/sdp', 'text/plain'] });
    const bodies: string[] = [];
    pair.bob.setRequestHandler((r) => { bodies.push(r.request.body.toString()); r.respond(202); });
    const res = await pair.alice.request('MESSAGE', { target: 'sip:bob@127.0.0.2:5060', body: 'hello', contentType: 'text/plain' });
    expect(res.status).toBe(202);
    expect(bodies).toEqual(['hello']);
  });

  it('sends the answer in the ACK when the 2xx carries the offer (delayed offer)', async () => {
    pair = createPair();
    const { alice, bob, flush } = pair;
    const ackBodies: string[] = [];
    bob.setInviteHandler((inv) => {
      const d = inv.accept({ body: SDP_OFFER });
      d.on('ack', (ack) => ackBodies.push(ack.body.toString()));
    });
    const out = await alice.invite({
      target: 'sip:bob@127.0.0.2:5060',
      ackBody: (res) => (res.body.length > 0 ? { body: SDP_ANSWER } : undefined),
    });
    expect(out.request.body.length).toBe(0);
    await out.outcome;
    await flush();
    expect(ackBodies).toEqual([SDP_ANSWER]);
    expect(sentRequests(pair.net, 'ACK')[0]!.req.get('Content-Type')).toBe('application/sdp');
  });
});
