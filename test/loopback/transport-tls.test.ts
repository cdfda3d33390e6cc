import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createResponse, SipUri } from '../../src/sip/index.js';
import type { SipRequest } from '../../src/sip/index.js';
import { TransportError, TransportLayer } from '../../src/transport/index.js';
import type { InboundMessage, TransportLayerOptions } from '../../src/transport/index.js';
import { SessionManager } from '../../src/index.js';
import type { SessionManager as Manager } from '../../src/index.js';
import { makeTestPki } from '../helpers/tls-certs.js';
import type { TestPki } from '../helpers/tls-certs.js';
import { rawRequest, req } from '../unit/transport/helpers.js';
import { waitFor } from './api-helpers.js';

let pki: TestPki;
beforeAll(() => { pki = makeTestPki(); });

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});
afterAll(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function tlsLayer(opts: Partial<TransportLayerOptions> & { trust?: string | undefined } = {}): Promise<TransportLayer> {
  const { trust, ...rest } = opts;
  const tl = await TransportLayer.create({
    host: '127.0.0.1', port: 0, transports: ['TLS'],
    tls: { cert: pki.cert, key: pki.key, ...(trust !== undefined ? { ca: trust } : {}), ...rest.tls },
    ...Object.fromEntries(Object.entries(rest).filter(([k]) => k !== 'tls')),
  });
  open.push(tl);
  return tl;
}

function answerEverything(tl: TransportLayer): InboundMessage[] {
  const got: InboundMessage[] = [];
  tl.on('message', (m) => {
    got.push(m);
    if ('method' in m.message) void tl.send(createResponse(m.message, 200), tl.responseTarget(m));
  });
  return got;
}

async function options(from: TransportLayer, uri: string, n: number): Promise<SipRequest> {
  const targets = await from.resolve(SipUri.parse(uri));
  const prepared = from.prepareRequest(req(rawRequest({ uri, callId: `tls-${n}@test`, cseq: n })), targets[0]!);
  await from.send(prepared.request, prepared.target);
  return prepared.request;
}

describe('TLS transport over loopback', () => {
  it('carries several requests and their responses on one verified TLS connection', async () => {
    const server = await tlsLayer({ trust: pki.ca });
    const client = await tlsLayer({ trust: pki.ca });
    const got = answerEverything(server);
    const responses: InboundMessage[] = [];
    client.on('message', (m) => responses.push(m));
    const uri = `sips:bob@127.0.0.1:${server.portOf('TLS')}`;
    const sent = [];
    for (let i = 1; i <= 4; i++) sent.push(await options(client, uri, i));
    await waitFor(() => responses.length === 4);
    expect(sent[0]!.topVia.transport).toBe('TLS');
    expect(sent[0]!.topVia.port).toBe(client.portOf('TLS'));
    expect(got.every((m) => m.protocol === 'TLS')).toBe(true);
    expect(new Set(got.map((m) => m.connectionId)).size).toBe(1);
    expect(client.counters.tlsConnectionsTotal).toBe(1);
    expect(server.counters.tlsConnectionsTotal).toBe(1);
    expect(client.counters.tlsHandshakeFailures).toBe(0);
  });

  it('refuses a server whose certificate is not signed by a trusted CA, with ERR_TRANSPORT_TLS', async () => {
    const server = await tlsLayer({ trust: pki.ca });
    const untrusting = await tlsLayer({ trust: pki.otherCa });
    const noCa = await tlsLayer();
    const got = answerEverything(server);
    for (const client of [untrusting, noCa]) {
      const err = await options(client, `sip:bob@127.0.0.1:${server.portOf('TLS')};transport=tls`, 1).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect((err as TransportError).code).toBe('ERR_TRANSPORT_TLS');
      expect(client.counters.tlsHandshakeFailures).toBe(1);
      expect(client.counters.tlsConnections).toBe(0);
    }
    expect(got).toHaveLength(0);
  });

  it('checks the certificate against the SNI name when one is configured', async () => {
    const server = await tlsLayer({ trust: pki.ca });
    answerEverything(server);
    const good = await tlsLayer({ trust: pki.ca, tls: { cert: pki.cert, key: pki.key, ca: pki.ca, servername: 'localhost' } });
    await options(good, `sips:bob@127.0.0.1:${server.portOf('TLS')}`, 1);
    const wrong = await tlsLayer({ tls: { cert: pki.cert, key: pki.key, ca: pki.ca, servername: 'sip.example.com' } });
    const err = await options(wrong, `sips:bob@127.0.0.1:${server.portOf('TLS')}`, 1).then(() => undefined, (e: unknown) => e);
    expect((err as TransportError).code).toBe('ERR_TRANSPORT_TLS');
  });

  it('connects without verification only when rejectUnauthorized is false', async () => {
    const server = await tlsLayer({ trust: pki.ca });
    const got = answerEverything(server);
    const lax = await tlsLayer({ tls: { cert: pki.cert, key: pki.key, rejectUnauthorized: false } });
    await options(lax, `sips:bob@127.0.0.1:${server.portOf('TLS')}`, 1);
    await waitFor(() => got.length === 1);
  });

  it('answers a raw TLS client and counts a failed handshake from a plain TCP client', async () => {
    const server = await tlsLayer({ trust: pki.ca });
    const got = answerEverything(server);
    const socket = tlsConnect({ host: '127.0.0.1', port: server.portOf('TLS'), ca: pki.ca });
    open.push({ close: () => socket.destroy() });
    await new Promise<void>((r, j) => { socket.once('secureConnect', r); socket.once('error', j); });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.write(['OPTIONS sips:bob@127.0.0.1 SIP/2.0', 'Via: SIP/2.0/TLS 127.0.0.1:1;branch=z9hG4bKraw1',
      'Max-Forwards: 70', 'From: <sip:a@x>;tag=1', 'To: <sip:b@x>', 'Call-ID: raw@x', 'CSeq: 1 OPTIONS',
      'Content-Length: 0', '', ''].join('\r\n'));
    await waitFor(() => Buffer.concat(chunks).toString().includes('SIP/2.0 200'));
    expect(got[0]!.protocol).toBe('TLS');
    const { connect } = await import('node:net');
    const plain = connect({ host: '127.0.0.1', port: server.portOf('TLS') });
    open.push({ close: () => plain.destroy() });
    plain.on('error', () => { /* reset */ });
    plain.write('OPTIONS sip:x SIP/2.0\r\n\r\n');
    await waitFor(() => server.counters.tlsHandshakeFailures === 1);
  });

  it('asks clients for a certificate with requestCert and refuses those without one', async () => {
    const server = await tlsLayer({ tls: { cert: pki.cert, key: pki.key, ca: pki.ca, requestCert: true } });
    const got = answerEverything(server);
    // Our client presents its own certificate (signed by the CA): accepted.
    const client = await tlsLayer({ trust: pki.ca });
    await options(client, `sips:bob@127.0.0.1:${server.portOf('TLS')}`, 1);
    await waitFor(() => got.length === 1);
    // A client with no certificate: the handshake fails on the server side.
    const bare = tlsConnect({ host: '127.0.0.1', port: server.portOf('TLS'), ca: pki.ca });
    open.push({ close: () => bare.destroy() });
    bare.on('error', () => { /* refused */ });
    bare.write('OPTIONS sips:bob@127.0.0.1 SIP/2.0\r\n\r\n');
    await waitFor(() => server.counters.tlsHandshakeFailures === 1);
    expect(got).toHaveLength(1);
  });

  it('closes idle TLS connections', async () => {
    const server = await tlsLayer({ trust: pki.ca, tcpIdleTimeoutMs: 150 });
    answerEverything(server);
    const client = await tlsLayer({ trust: pki.ca });
    await options(client, `sips:bob@127.0.0.1:${server.portOf('TLS')}`, 1);
    await waitFor(() => server.counters.tlsIdleClosed === 1, 3000);
    await waitFor(() => client.counters.tlsConnections === 0, 3000);
  });
});

describe('calls between two managers over TLS', () => {
  async function manager(ca: string | undefined): Promise<Manager> {
    const m = await SessionManager.new({
      sip: {
        host: '127.0.0.1', port: 0, transports: ['UDP', 'TLS'],
        tls: { cert: pki.cert, key: pki.key, ...(ca !== undefined ? { ca } : {}) },
      },
      media: { portRange: { min: 53000, max: 53499 } },
      close: { timeoutMs: 1000 },
    });
    open.push(m);
    return m;
  }

  it('connects a sips: call and ends it from either side', async () => {
    const alice = await manager(pki.ca);
    const bob = await manager(pki.ca);
    let rang = 0;
    bob.setCallHandler({ onIncomingCall: (call) => { rang++; return call.answer(); } });
    const target = bob.uri('bob', 'TLS');
    expect(target).toMatch(/;transport=tls$/);
    // The TLS listener has its own port: nothing but TLS can reach it.
    expect(target).not.toContain(`:${bob.port};`);
    const call = await alice.makeCall(target.replace(/^sip:/, 'sips:').replace(/;transport=tls$/, ''));
    await call.answered();
    expect(call.state).toBe('connected');
    await call.hangup();
    await waitFor(() => call.state === 'terminated');
    expect(rang).toBe(1);

    // And the other way round, ended by the callee (an in-dialog BYE over a TLS connection it opens).
    alice.setCallHandler({
      onIncomingCall: async (incoming) => {
        const session = await incoming.answer();
        setTimeout(() => { void session.hangup(); }, 100);
        return session;
      },
    });
    const back = await bob.makeCall(alice.uri('alice', 'TLS'));
    await back.answered();
    await waitFor(() => back.state === 'terminated', 5000);
  });

  it('fails the call with reason transport-error when the callee certificate is not trusted', async () => {
    // The typed ERR_TRANSPORT_TLS TransportError is asserted at the transport level above; the
    // session layer turns it into a synthesised 503 (RFC 3261 §8.1.3.1) and a failed call.
    const bob = await manager(pki.ca);
    let rang = 0;
    bob.setCallHandler({ onIncomingCall: (call) => { rang++; return call.answer(); } });
    const alice = await manager(pki.otherCa);
    const outcome = await alice.makeCall(bob.uri('bob', 'TLS'))
      .then((call) => call.answered().then(() => 'answered', (e: unknown) => e), (e: unknown) => e);
    expect(outcome).toMatchObject({ code: 'ERR_CALL_FAILED', reason: 'transport-error' });
    expect(rang).toBe(0);
  });
});
