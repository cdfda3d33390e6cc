/**
 * A re-INVITE refused with 500 and Retry-After because the peer still waits for the ACK of its
 * previous 2xx (the ACK was lost, RFC 3261 §14.2) is retried after that delay, so hold and
 * resume survive packet loss. Found by the 10% loss stress test (test/stress/loss-netns.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { overlapRetryDelayMs } from '../../../src/dialog/timing.js';
import type { Dialog, IncomingRequest } from '../../../src/dialog/index.js';
import { connect, createPair, SDP_ANSWER, SDP_OFFER, sentRequests, sentResponses, type Pair } from './harness.js';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});


describe('re-INVITE refused while the peer waits for an ACK (RFC 3261 §14.2)', () => {
  it('reads the retry delay from Retry-After, between 0.5 and 10 s, only for a 500', () => {
    expect(overlapRetryDelayMs(500, '3')).toBe(3000);
    expect(overlapRetryDelayMs(500, '0')).toBe(500);
    expect(overlapRetryDelayMs(500, '120;duration=60')).toBe(10_000);
    expect(overlapRetryDelayMs(500, undefined)).toBeUndefined();
    expect(overlapRetryDelayMs(500, 'soon')).toBeUndefined();
    expect(overlapRetryDelayMs(503, '3')).toBeUndefined();
  });

  it('retries the second re-INVITE after the Retry-After delay when the ACK of the first 2xx was lost', async () => {
    pair = createPair();
    const { a, b } = await connect(pair);
    b.setRequestHandler((r: IncomingRequest) => { r.respond(200, r.method === 'INVITE' ? { body: SDP_ANSWER } : {}); });
    // Every ACK from alice to bob is lost for now: bob keeps waiting for the ACK of his 2xx.
    pair.net.filter = (m) => (m !== undefined && m.isRequest() && m.method === 'ACK' ? 'drop' : 'deliver');
    expect((await a.reinvite({ body: SDP_OFFER })).status).toBe(200);
    const second = a.reinvite({ body: SDP_OFFER });
    await pair.flush();
    const refused = sentResponses(pair.net, 500, 'INVITE');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.res.get('Retry-After')).toBeDefined();
    // The network recovers: the next 2xx retransmission gets its ACK, then the retry goes through.
    pair.net.filter = undefined;
    for (let i = 0; i < 120 && sentResponses(pair.net, 200, 'INVITE').length < 4; i++) await pair.advance(100);
    const result = await second;
    expect(result.status).toBe(200);
    expect(b.pendingAnswer).toBeUndefined();
    // initial INVITE, first re-INVITE, the refused one and its retry.
    expect(sentRequests(pair.net, 'INVITE', '127.0.0.1').length).toBeGreaterThanOrEqual(4);
  });

  it('gives up with the 500 when retries are turned off', async () => {
    pair = createPair();
    const { a, b } = await connect(pair);
    b.setRequestHandler((r: IncomingRequest) => { r.respond(200, r.method === 'INVITE' ? { body: SDP_ANSWER } : {}); });
    pair.net.filter = (m) => (m !== undefined && m.isRequest() && m.method === 'ACK' ? 'drop' : 'deliver');
    expect((await a.reinvite({ body: SDP_OFFER })).status).toBe(200);
    const second = a.reinvite({ body: SDP_OFFER, retryOnGlare: false });
    await pair.flush();
    expect((await second).status).toBe(500);
  });
});
