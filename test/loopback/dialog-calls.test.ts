/**
 * Two of our user agents over real 127.0.0.1 sockets, UDP and TCP:
 * INVITE/180/200/ACK/BYE, CANCEL before the answer, re-INVITE glare, and a
 * lost ACK recovered by 2xx retransmission.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Dialog, IncomingInvite, IncomingRequest } from '../../src/dialog/index.js';
import type { SipRequest } from '../../src/sip/index.js';
import { simpleSdp, startUa, type TestUa } from '../helpers/ua.js';

const uas: TestUa[] = [];
afterEach(async () => {
  await Promise.all(uas.splice(0).map((u) => u.close()));
});

async function two(opts: Parameters<typeof startUa>[1] = {}): Promise<{ alice: TestUa; bob: TestUa }> {
  const alice = await startUa('alice', opts);
  const bob = await startUa('bob');
  uas.push(alice, bob);
  return { alice, bob };
}

function waitFor<T>(fn: (resolve: (v: T) => void) => void, ms = 10_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    fn((v) => { clearTimeout(t); resolve(v); });
  });
}

describe.each(['UDP', 'TCP'] as const)('two sipline user agents over loopback %s', (protocol) => {
  it('completes INVITE / 180 / 200 / ACK / BYE', async () => {
    const { alice, bob } = await two();
    const bobDialog = waitFor<Dialog>((resolve) => bob.core.setInviteHandler((inv) => {
      inv.provisional(180);
      setTimeout(() => {
        const d = inv.accept({ body: simpleSdp(40002, 'bob') });
        d.once('ack', () => resolve(d));
      }, 20);
    }));
    const out = await alice.core.invite({ target: bob.uri('bob', protocol), body: simpleSdp(40000, 'alice') });
    const statuses: number[] = [];
    out.on('progress', (r) => statuses.push(r.status));
    const outcome = await out.outcome;
    expect(outcome.accepted).toBe(true);
    expect(statuses).toContain(180);
    expect(outcome.response.body.toString()).toContain('m=audio 40002');
    const b = await bobDialog;
    expect(b.state).toBe('confirmed');
    const ended = waitFor<string>((resolve) => b.once('terminated', resolve));
    const a = out.dialog!;
    expect((await a.bye()).status).toBe(200);
    expect(await ended).toBe('bye-received');
    expect(alice.core.dialogs).toHaveLength(0);
    expect(bob.core.dialogs).toHaveLength(0);
  });

  it('cancels before the answer: 487 for the INVITE and 200 for the CANCEL', async () => {
    const { alice, bob } = await two();
    const cancelled = waitFor<IncomingInvite>((resolve) => bob.core.setInviteHandler((inv) => {
      inv.provisional(180);
      inv.once('cancelled', () => resolve(inv));
    }));
    const out = await alice.core.invite({ target: bob.uri('bob', protocol), body: simpleSdp(40000) });
    await waitFor<void>((resolve) => out.once('progress', (r) => { if (r.status === 180) resolve(); }));
    out.cancel();
    const outcome = await out.outcome;
    expect(outcome.response.status).toBe(487);
    expect(outcome.accepted === false && outcome.cancelled).toBe(true);
    expect((await cancelled).state).toBe('cancelled');
  });

  it('resolves re-INVITE glare: both sides get 491, retry, and succeed', async () => {
    const { alice, bob } = await two();
    const bobDialog = waitFor<Dialog>((resolve) => bob.core.setInviteHandler((inv) => {
      const d = inv.accept({ body: simpleSdp(40002) });
      d.once('ack', () => resolve(d));
    }));
    const out = await alice.core.invite({ target: bob.uri('bob', protocol), body: simpleSdp(40000) });
    const outcome = await out.outcome;
    if (!outcome.accepted) throw new Error('not connected');
    const a = outcome.dialog;
    const b = await bobDialog;
    const seen491: string[] = [];
    const answer = (who: string) => (r: IncomingRequest): void => { r.respond(200, { body: simpleSdp(40004) }); void who; };
    a.setRequestHandler(answer('alice'));
    b.setRequestHandler(answer('bob'));
    const watch = (ua: TestUa, who: string): void => {
      ua.transport.on('message', (m) => { if (m.message.isResponse() && m.message.status === 491) seen491.push(who); });
    };
    watch(alice, 'alice');
    watch(bob, 'bob');
    // Open the bob -> alice connection first (TCP), so both re-INVITEs leave in the same tick and cross.
    expect((await b.request('INFO', {})).status).toBe(200);
    const [ra, rb] = await Promise.all([a.reinvite({ body: simpleSdp(40010) }), b.reinvite({ body: simpleSdp(40012) })]);
    expect(seen491.sort()).toEqual(['alice', 'bob']);
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    expect(a.state).toBe('confirmed');
    expect(b.state).toBe('confirmed');
    await a.bye();
  }, 20_000);

  it('recovers a lost ACK through 2xx retransmission', async () => {
    let dropped = 0;
    const { alice, bob } = await two({
      loss: { dropOutbound: (m) => m.isRequest() && (m as SipRequest).method === 'ACK' && dropped++ === 0 },
    });
    let okCount = 0;
    alice.transport.on('message', (m) => { if (m.message.isResponse() && m.message.status === 200 && m.message.cseq.method === 'INVITE') okCount++; });
    const acked = waitFor<Dialog>((resolve) => bob.core.setInviteHandler((inv) => {
      const d = inv.accept({ body: simpleSdp(40002) });
      d.once('ack', () => resolve(d));
    }));
    const out = await alice.core.invite({ target: bob.uri('bob', protocol), body: simpleSdp(40000) });
    expect((await out.outcome).accepted).toBe(true);
    const b = await acked;
    expect(dropped).toBeGreaterThanOrEqual(2);
    expect(okCount).toBeGreaterThanOrEqual(2);
    expect(b.pendingAnswer).toBeUndefined();
    expect(b.state).toBe('confirmed');
    await out.dialog!.bye();
  });
});
