import { afterEach, describe, expect, it } from 'vitest';
import { DigestServer } from '../../../src/sip/index.js';
import type { SipRequest } from '../../../src/sip/index.js';
import { UacAuthenticator, authFailureOf } from '../../../src/dialog/index.js';
import type { Dialog, IncomingInvite, IncomingRequest } from '../../../src/dialog/index.js';
import { connect, createPair, SDP_ANSWER, SDP_OFFER, sentRequests, sentResponses, type Pair } from './harness.js';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const server = (): DigestServer => new DigestServer({ realm: 'bob.test', lookup: (u) => (u === 'alice' ? { password: 'secret' } : undefined), rateLimit: false });

async function verify(auth: DigestServer, req: SipRequest): Promise<{ ok: boolean; headers: Record<string, string[]>; status: number }> {
  const v = await auth.verify({ method: req.method, uri: req.uri.toString(), authorization: req.getAll(auth.credentialsHeader), source: '127.0.0.1', body: new Uint8Array(req.body) });
  if (v.ok) return { ok: true, headers: {}, status: 200 };
  return { ok: false, headers: { [v.header]: [...v.challenges] }, status: v.status };
}

/** Answers every request of the handler with a challenge until the credentials check out. */
function guarded(auth: DigestServer, ok: (r: IncomingRequest) => void): (r: IncomingRequest) => void {
  return (r) => {
    void verify(auth, r.request).then((v) => { if (v.ok) ok(r); else r.respond(v.status, { headers: v.headers }); });
  };
}


const alicesCredentials = (password = 'secret', realm: string | undefined = 'bob.test'): UacAuthenticator =>
  new UacAuthenticator([{ ...(realm !== undefined ? { realm } : {}), username: 'alice', password }]);

describe('UAC authentication (RFC 3261 §22.2)', () => {
  it('sends a challenged out-of-dialog MESSAGE again with Authorization, a new CSeq and the same Call-ID', async () => {
    pair = createPair({ auth: alicesCredentials() });
    const auth = server();
    pair.bob.setRequestHandler(guarded(auth, (r) => r.respond(200)));
    const res = await pair.alice.request('MESSAGE', { target: 'sip:bob@127.0.0.2:5060', body: 'v=0\r\n', contentType: 'application/sdp' });
    expect(res.status).toBe(200);
    const sent = sentRequests(pair.net, 'MESSAGE', '127.0.0.1').map((x) => x.req);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.cseq.seq).toBe(sent[0]!.cseq.seq + 1);
    expect(sent[1]!.callId).toBe(sent[0]!.callId);
    expect(sent[1]!.from.tag).toBe(sent[0]!.from.tag);
    expect(sent[0]!.get('Authorization')).toBeUndefined();
    expect(sent[1]!.get('Authorization')).toMatch(/^Digest .*realm="bob.test"/);
  });

  it('sends a challenged INVITE again after the ACK of the 401, and the call connects', async () => {
    pair = createPair({ auth: alicesCredentials() });
    const auth = server();
    pair.bob.setInviteHandler((inv: IncomingInvite) => {
      void verify(auth, inv.request).then((v) => {
        if (v.ok) inv.accept({ body: SDP_ANSWER });
        else inv.reject(v.status, { headers: v.headers });
      });
    });
    const out = await pair.alice.invite({ target: 'sip:bob@127.0.0.2:5060', body: SDP_OFFER });
    const outcome = await out.outcome;
    await pair.flush();
    expect(outcome.accepted).toBe(true);
    const invites = sentRequests(pair.net, 'INVITE', '127.0.0.1').map((x) => x.req);
    expect(invites).toHaveLength(2);
    expect(invites[1]!.cseq.seq).toBe(invites[0]!.cseq.seq + 1);
    const acks = sentRequests(pair.net, 'ACK', '127.0.0.1').map((x) => x.req.cseq.seq);
    expect(acks).toEqual([invites[0]!.cseq.seq, invites[1]!.cseq.seq]);
    expect(out.request.cseq.seq).toBe(invites[1]!.cseq.seq);
    if (outcome.accepted) expect(outcome.dialog.localSeq).toBe(invites[1]!.cseq.seq);
  });

  it('answers a challenge to an in-dialog INFO with the next CSeq of the dialog', async () => {
    pair = createPair({ auth: alicesCredentials() });
    const { a, b } = await connect(pair);
    const auth = server();
    b.setRequestHandler(guarded(auth, (r) => r.respond(200)));
    const before = a.localSeq!;
    const res = await a.request('INFO', {});
    expect(res.status).toBe(200);
    const infos = sentRequests(pair.net, 'INFO', '127.0.0.1').map((x) => x.req.cseq.seq);
    expect(infos).toEqual([before + 1, before + 2]);
    expect(a.localSeq).toBe(before + 2);
  });

  it('answers a challenged re-INVITE and ACKs the 2xx with the CSeq of the retry', async () => {
    pair = createPair({ auth: alicesCredentials() });
    const { a, b } = await connect(pair);
    const auth = server();
    b.setRequestHandler(guarded(auth, (r) => r.respond(200, { body: SDP_ANSWER })));
    const res = await a.reinvite({ body: SDP_OFFER });
    await pair.flush();
    expect(res.status).toBe(200);
    const invites = sentRequests(pair.net, 'INVITE', '127.0.0.1').map((x) => x.req.cseq.seq);
    expect(invites).toHaveLength(3);
    const acks = sentRequests(pair.net, 'ACK', '127.0.0.1').map((x) => x.req.cseq.seq);
    expect(acks.at(-1)).toBe(invites[2]);
  });

  it('never answers a realm without credentials and reports why', async () => {
    pair = createPair({ auth: alicesCredentials('secret', 'elsewhere.test') });
    pair.bob.setRequestHandler(guarded(server(), (r) => r.respond(200)));
    const res = await pair.alice.request('MESSAGE', { target: 'sip:bob@127.0.0.2:5060' });
    expect(res.status).toBe(401);
    expect(authFailureOf(res)?.reason).toBe('no-credentials');
    expect(sentRequests(pair.net, 'MESSAGE', '127.0.0.1')).toHaveLength(1);
  });

  it('gives up after one retry when the password is wrong', async () => {
    pair = createPair({ auth: alicesCredentials('wrong') });
    pair.bob.setRequestHandler(guarded(server(), (r) => r.respond(200)));
    const res = await pair.alice.request('MESSAGE', { target: 'sip:bob@127.0.0.2:5060' });
    expect(res.status).toBe(401);
    expect(authFailureOf(res)?.code).toBe('ERR_AUTHENTICATION_FAILED');
    expect(authFailureOf(res)?.reason).toBe('rejected');
    expect(sentRequests(pair.net, 'MESSAGE', '127.0.0.1')).toHaveLength(2);
    expect(sentResponses(pair.net, 401, 'MESSAGE')).toHaveLength(2);
  });

  it('answers any realm with realm-less credentials', async () => {
    pair = createPair();
    pair.bob.setRequestHandler(guarded(server(), (r) => r.respond(200)));
    const res = await pair.alice.request('MESSAGE', { target: 'sip:bob@127.0.0.2:5060', auth: alicesCredentials('secret', undefined) });
    expect(res.status).toBe(200);
  });

  it('adds a loose-routing Route to the outbound proxy and sends the request there', async () => {
    pair = createPair({ outboundProxy: 'sip:127.0.0.2:5060' });
    pair.bob.setRequestHandler((r) => r.respond(200));
    const res = await pair.alice.request('MESSAGE', { target: 'sip:carol@192.0.2.99:5060' });
    expect(res.status).toBe(200);
    const sent = sentRequests(pair.net, 'MESSAGE', '127.0.0.1')[0]!.req;
    expect(sent.get('Route')).toBe('<sip:127.0.0.2:5060;lr>');
    expect(sent.uri.toString()).toBe('sip:carol@192.0.2.99:5060');
  });
});
