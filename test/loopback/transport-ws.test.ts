import { Inviter, Messager, Registerer, RegistererState, SessionState, UserAgent } from 'sip.js';
import type { Invitation } from 'sip.js';
import { createRegistrar } from '../../src/advanced/index.js';
import type { CallSession } from '../../src/index.js';
import { WebSocket } from 'ws';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UserAgentCore } from '../../src/dialog/index.js';
import { SessionManager } from '../../src/index.js';
import { createResponse } from '../../src/sip/index.js';
import { TransactionLayer } from '../../src/transaction/index.js';
import { TransportLayer } from '../../src/transport/index.js';
import type { InboundMessage, TransportLayerOptions } from '../../src/transport/index.js';
import { makeTestPki } from '../helpers/tls-certs.js';
import type { TestPki } from '../helpers/tls-certs.js';
import { simpleSdp } from '../helpers/ua.js';
import { waitFor } from './api-helpers.js';

// SIP.js looks for a browser-style global WebSocket: the `ws` package provides one in Node.
(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;

let pki: TestPki;
beforeAll(() => { pki = makeTestPki(); });

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function wsLayer(opts: Partial<TransportLayerOptions> = {}): Promise<TransportLayer> {
  const tl = await TransportLayer.create({ host: '127.0.0.1', port: 0, transports: ['WS'], ...opts });
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

function options(callId: string, withLength = true): string {
  return ['OPTIONS sip:bob@127.0.0.1 SIP/2.0', 'Via: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK' + callId,
    'Max-Forwards: 70', 'From: <sip:alice@example.com>;tag=a1', 'To: <sip:bob@example.com>', `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS', 'Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>', ...(withLength ? ['Content-Length: 0'] : []), '', ''].join('\r\n');
}

/** A raw `ws` client: resolves once open (or with the HTTP status of a refused upgrade). */
function rawClient(url: string, protocols: string[] | undefined, extra: { ca?: string; autoPong?: boolean } = {}): Promise<{
  ws: WebSocket; messages: string[]; status?: number; error?: Error;
}> {
  return new Promise((resolve) => {
    const ws = protocols === undefined ? new WebSocket(url, extra) : new WebSocket(url, protocols, extra);
    const messages: string[] = [];
    open.push({ close: () => ws.terminate() });
    ws.on('message', (d) => messages.push(d.toString()));
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('unexpected-response', (_req, res) => { resolve({ ws, messages, status: res.statusCode }); ws.terminate(); });
    ws.once('error', (error) => resolve({ ws, messages, error }));
  });
}

describe('WebSocket transport (RFC 7118) with raw clients', () => {
  it('refuses an upgrade without the sip subprotocol and one on the wrong path', async () => {
    const tl = await wsLayer({ ws: { path: '/sip' } });
    const url = `ws://127.0.0.1:${tl.portOf('WS')}`;
    expect((await rawClient(`${url}/sip`, undefined)).status).toBe(400);
    expect((await rawClient(`${url}/sip`, ['chat'])).status).toBe(400);
    expect((await rawClient(`${url}/other`, ['sip'])).status).toBe(404);
    expect(tl.counters.wsConnectionsRefused).toBe(3);
    const ok = await rawClient(`${url}/sip`, ['sip']);
    expect(ok.ws.protocol).toBe('sip');
    await waitFor(() => tl.counters.wsConnections === 1);
  });

  it('answers a request on the same connection, one SIP message per WebSocket message', async () => {
    const tl = await wsLayer();
    const got = answerEverything(tl);
    const c = await rawClient(`ws://127.0.0.1:${tl.portOf('WS')}`, ['sip']);
    c.ws.send(options('ws-1'));
    // Binary frames carry SIP too, and Content-Length is optional over WebSocket (§5).
    c.ws.send(Buffer.from(options('ws-2', false)), { binary: true });
    await waitFor(() => c.messages.length === 2);
    expect(c.messages[0]).toMatch(/^SIP\/2\.0 200/);
    expect(c.messages[0]).toContain('received=127.0.0.1');
    expect(got.map((m) => m.protocol)).toEqual(['WS', 'WS']);
    expect(got[0]!.connectionId).toBe(got[1]!.connectionId);
  });

  it('counts garbage as a parse failure and keeps the connection usable', async () => {
    const tl = await wsLayer();
    answerEverything(tl);
    const c = await rawClient(`ws://127.0.0.1:${tl.portOf('WS')}`, ['sip']);
    c.ws.send('this is not SIP at all');
    c.ws.send(Buffer.from([0xff, 0x00, 0x13, 0x37]), { binary: true });
    await waitFor(() => tl.counters.parseFailures === 2);
    c.ws.send('\r\n\r\n');
    c.ws.send(options('after-garbage'));
    await waitFor(() => c.messages.length === 2);
    expect(c.messages[0]).toBe('\r\n');
    expect(c.messages[1]).toMatch(/^SIP\/2\.0 200/);
    expect(tl.counters.keepalivesAnswered).toBe(1);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('reaches a browser-style peer by its .invalid host over the connection it opened', async () => {
    const tl = await wsLayer();
    const c = await rawClient(`ws://127.0.0.1:${tl.portOf('WS')}`, ['sip']);
    const arrived = new Promise<InboundMessage>((r) => tl.once('message', r));
    c.ws.send(options('learn-alias'));
    await arrived;
    const { SipUri } = await import('../../src/sip/index.js');
    const [target] = await tl.resolve(SipUri.parse('sip:alice@df7jal23ls0d.invalid;transport=ws'));
    expect(target).toMatchObject({ protocol: 'WS', address: '127.0.0.1' });
    expect(target!.connectionId).toMatch(/^ws-/);
    // Unknown .invalid hosts are never looked up in DNS (RFC 6761): there is no connection to them.
    await expect(tl.resolve(SipUri.parse('sip:x@nobody.invalid;transport=ws'))).rejects.toMatchObject({ code: 'ERR_TRANSPORT_CLOSED' });
    c.ws.close();
    await waitFor(() => tl.counters.wsConnections === 0);
    await expect(tl.resolve(SipUri.parse('sip:alice@df7jal23ls0d.invalid;transport=ws'))).rejects.toMatchObject({ code: 'ERR_TRANSPORT_CLOSED' });
  });

  it('pings silent connections and closes those that do not answer', async () => {
    const tl = await wsLayer({ tcpIdleTimeoutMs: 400 });
    const url = `ws://127.0.0.1:${tl.portOf('WS')}`;
    const alive = await rawClient(url, ['sip']);
    const mute = await rawClient(url, ['sip'], { autoPong: false });
    await waitFor(() => tl.counters.wsIdleClosed === 1, 3000);
    await waitFor(() => mute.ws.readyState === WebSocket.CLOSED, 3000);
    expect(alive.ws.readyState).toBe(WebSocket.OPEN);
    expect(tl.counters.wsConnections).toBe(1);
  });

  it('serves WSS with the configured certificate and fails clients that do not trust it', async () => {
    const tl = await wsLayer({ transports: ['WSS'], tls: { cert: pki.cert, key: pki.key } });
    answerEverything(tl);
    const url = `wss://127.0.0.1:${tl.portOf('WSS')}`;
    const untrusting = await rawClient(url, ['sip']);
    expect(untrusting.error).toBeInstanceOf(Error);
    const c = await rawClient(url, ['sip'], { ca: pki.ca });
    expect(c.error).toBeUndefined();
    c.ws.send(options('wss-1').replace('SIP/2.0/WS ', 'SIP/2.0/WSS '));
    await waitFor(() => c.messages.length === 1);
    expect(c.messages[0]).toMatch(/^SIP\/2\.0 200/);
  });
});

describe('outbound WebSocket connections of ours', () => {
  it('opens one WS connection to another sipline transport and reuses it for several requests', async () => {
    const server = await wsLayer();
    const got = answerEverything(server);
    const client = await wsLayer();
    const responses: InboundMessage[] = [];
    client.on('message', (m) => responses.push(m));
    const { SipUri } = await import('../../src/sip/index.js');
    const { rawRequest, req } = await import('../unit/transport/helpers.js');
    const uri = `sip:bob@127.0.0.1:${server.portOf('WS')};transport=ws`;
    for (let i = 1; i <= 3; i++) {
      const [target] = await client.resolve(SipUri.parse(uri));
      const p = client.prepareRequest(req(rawRequest({ uri, callId: `out-${i}@test` })), target!);
      expect(p.request.topVia.transport).toBe('WS');
      await client.send(p.request, p.target);
    }
    await waitFor(() => responses.length === 3);
    expect(got.every((m) => m.connectionId === got[0]!.connectionId)).toBe(true);
    expect(client.counters.wsConnectionsTotal).toBe(1);
    expect(server.counters.wsConnectionsTotal).toBe(1);
  });

  it('verifies the WSS server certificate: untrusted fails with ERR_TRANSPORT_TLS', async () => {
    const server = await wsLayer({ transports: ['WSS'], tls: { cert: pki.cert, key: pki.key } });
    answerEverything(server);
    const { SipUri } = await import('../../src/sip/index.js');
    const { rawRequest, req } = await import('../unit/transport/helpers.js');
    const uri = `sip:bob@127.0.0.1:${server.portOf('WSS')};transport=wss`;
    const send = async (tl: TransportLayer): Promise<unknown> => {
      const [target] = await tl.resolve(SipUri.parse(uri));
      const p = tl.prepareRequest(req(rawRequest({ uri })), target!);
      return tl.send(p.request, p.target).then(() => 'sent', (e: unknown) => e);
    };
    const untrusting = await wsLayer({ transports: ['WSS'], tls: { cert: pki.cert, key: pki.key, ca: pki.otherCa } });
    expect(await send(untrusting)).toMatchObject({ code: 'ERR_TRANSPORT_TLS' });
    const trusting = await wsLayer({ transports: ['WSS'], tls: { cert: pki.cert, key: pki.key, ca: pki.ca } });
    expect(await send(trusting)).toBe('sent');
  });

  it('connects a call between two managers over WS', async () => {
    const mk = async (min: number): Promise<SessionManager> => {
      const m = await SessionManager.new({
        sip: { host: '127.0.0.1', port: 0, transports: ['UDP', 'WS'] },
        media: { portRange: { min, max: min + 499 } },
        close: { timeoutMs: 500 },
      });
      open.push(m);
      return m;
    };
    const alice = await mk(55500);
    const bob = await mk(56000);
    const call = await alice.makeCall(bob.uri('bob', 'WS'));
    await call.answered();
    expect(call.state).toBe('connected');
    await call.hangup();
    await waitFor(() => call.state === 'terminated');
  });
});

describe('SIP.js in Node over WebSocket', () => {
  /** A signalling-only session description handler: plain RTP/AVP PCMU, no media flows. */
  function fakeSdh(): unknown {
    return {
      close: () => undefined,
      getDescription: () => Promise.resolve({ body: simpleSdp(9, 'sipjs'), contentType: 'application/sdp' }),
      hasDescription: (type: string) => type === 'application/sdp',
      setDescription: () => Promise.resolve(),
      sendDtmf: () => false,
      rollbackDescription: () => Promise.resolve(),
    };
  }

  async function sipJs(server: string, inbox: string[]): Promise<UserAgent> {
    const ua = new UserAgent({
      sessionDescriptionHandlerFactory: (() => fakeSdh()) as never,
      uri: UserAgent.makeURI('sip:alice@example.com'),
      transportOptions: { server, traceSip: false },
      logBuiltinEnabled: false,
      logLevel: 'error',
      delegate: {
        onMessage: (message) => {
          inbox.push(message.request.body);
          message.accept();
        },
      },
    });
    await ua.start();
    open.push({ close: () => ua.stop() });
    return ua;
  }

  function sendMessage(ua: UserAgent, target: string, body: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const uri = UserAgent.makeURI(target);
      if (uri === undefined) { reject(new Error(`bad URI ${target}`)); return; }
      void new Messager(ua, uri, body, 'text/plain').message({
        requestDelegate: {
          onAccept: (r) => resolve(r.message.statusCode ?? 0),
          onReject: (r) => resolve(r.message.statusCode ?? 0),
        },
      }).catch(reject);
    });
  }

  it('exchanges MESSAGE both ways with a sipline user agent (requests to the .invalid Contact reuse the connection)', async () => {
    const transport = await wsLayer();
    const transactions = new TransactionLayer(transport);
    const core = new UserAgentCore({ transactions, transport, identity: '<sip:bob@127.0.0.1>', accept: ['application/sdp', 'text/plain'] });
    open.push({ close: () => { core.close(); transactions.close(); } });
    const received: string[] = [];
    core.setRequestHandler((incoming) => {
      received.push(incoming.request.body.toString());
      incoming.respond(200);
    });

    const inbox: string[] = [];
    const ua = await sipJs(`ws://127.0.0.1:${transport.portOf('WS')}`, inbox);
    expect(await sendMessage(ua, `sip:bob@127.0.0.1:${transport.portOf('WS')};transport=ws`, 'hello from SIP.js')).toBe(200);
    expect(received).toEqual(['hello from SIP.js']);

    const contact = ua.contact.uri.toString();
    expect(contact).toMatch(/\.invalid/);
    const response = await core.request('MESSAGE', { target: contact, body: 'hello from sipline', contentType: 'text/plain' });
    expect(response.status).toBe(200);
    expect(inbox).toEqual(['hello from sipline']);
    expect(transport.counters.wsConnectionsTotal).toBe(1);
  });

  it('talks to a SessionManager listening on WS', async () => {
    const manager = await SessionManager.new({
      sip: { host: '127.0.0.1', port: 0, transports: ['UDP', 'WS'] },
      media: { portRange: { min: 53500, max: 53999 } },
      close: { timeoutMs: 500 },
    });
    open.push(manager);
    const wsUri = manager.uri('bob', 'WS');
    expect(wsUri).toMatch(/;transport=ws$/);
    const ua = await sipJs(`ws://${wsUri.split('@')[1]!.replace(';transport=ws', '')}`, []);
    // The manager has no MESSAGE handler: whatever it answers (501/405/200) comes back over the socket.
    const status = await sendMessage(ua, wsUri, 'ping');
    expect(status).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(700);
  });

  it('talks to a SessionManager over WSS configured with sip.tls and sip.wss', async () => {
    const manager = await SessionManager.new({
      sip: {
        host: '127.0.0.1', port: 0, transports: ['UDP', 'WSS'],
        tls: { cert: pki.cert, key: pki.key, ca: pki.ca }, wss: { path: '/sip' },
      },
      media: { portRange: { min: 55000, max: 55499 } },
      close: { timeoutMs: 500 },
    });
    open.push(manager);
    const wssUri = manager.uri('bob', 'WSS');
    expect(wssUri).toMatch(/;transport=wss$/);
    const hostPort = wssUri.split('@')[1]!.replace(';transport=wss', '');
    // A "browser" that trusts the test CA (browsers would trust a public CA).
    const Plain = (globalThis as { WebSocket?: unknown }).WebSocket;
    class TrustingWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) { super(url, protocols, { ca: pki.ca }); }
    }
    (globalThis as { WebSocket?: unknown }).WebSocket = TrustingWebSocket;
    try {
      const ua = await sipJs(`wss://${hostPort}/sip`, []);
      const status = await sendMessage(ua, wssUri, 'ping over wss');
      expect(status).toBeGreaterThanOrEqual(200);
    } finally {
      (globalThis as { WebSocket?: unknown }).WebSocket = Plain;
    }
  });

  it('places a call from SIP.js to a manager over WS, and the manager hangs up through the .invalid Contact', async () => {
    const manager = await SessionManager.new({
      sip: { host: '127.0.0.1', port: 0, transports: ['UDP', 'WS'] },
      media: { portRange: { min: 54000, max: 54499 } },
      close: { timeoutMs: 500 },
    });
    open.push(manager);
    let answered: CallSession | undefined;
    manager.setCallHandler({ onIncomingCall: async (call) => { answered = await call.answer(); return answered; } });
    const wsUri = manager.uri('bob', 'WS');
    const ua = await sipJs(`ws://${wsUri.split('@')[1]!.replace(';transport=ws', '')}`, []);
    const inviter = new Inviter(ua, UserAgent.makeURI(wsUri)!);
    const states: string[] = [];
    inviter.stateChange.addListener((st) => states.push(st));
    await inviter.invite();
    await waitFor(() => inviter.state === SessionState.Established, 5000);
    await waitFor(() => answered?.state === 'connected', 3000);
    await answered!.hangup();
    await waitFor(() => inviter.state === SessionState.Terminated, 3000);
    expect(states).toEqual([SessionState.Establishing, SessionState.Established, SessionState.Terminated]);
  });

  it('registers to a sipline registrar over WS with digest authentication, and is then called by its address of record', async () => {
    const manager = await SessionManager.new({
      sip: { host: '127.0.0.1', port: 0, transports: ['UDP', 'WS'] },
      media: { portRange: { min: 54500, max: 54999 } },
      close: { timeoutMs: 500 },
    });
    open.push(manager);
    const registrar = createRegistrar(manager, { domain: 'example.com', authenticate: { lookup: (user) => (user === 'alice' ? 'in-the-browser' : undefined) } });
    open.push({ close: () => registrar.close() });
    const wsUri = manager.uri('bob', 'WS');
    const hostPort = wsUri.split('@')[1]!.replace(';transport=ws', '');
    let invited: Invitation | undefined;
    const ua = new UserAgent({
      sessionDescriptionHandlerFactory: (() => fakeSdh()) as never,
      uri: UserAgent.makeURI('sip:alice@example.com'),
      authorizationUsername: 'alice',
      authorizationPassword: 'in-the-browser',
      transportOptions: { server: `ws://${hostPort}`, traceSip: false },
      logBuiltinEnabled: false,
      logLevel: 'error',
      delegate: { onInvite: (invitation) => { invited = invitation; void invitation.accept(); } },
    });
    await ua.start();
    open.push({ close: () => ua.stop() });
    const registerer = new Registerer(ua, { registrar: UserAgent.makeURI('sip:example.com')!, expires: 300 });
    open.push({ close: () => registerer.dispose() });
    const statuses: number[] = [];
    await new Promise<void>((resolve) => {
      registerer.stateChange.addListener((state) => { if (state === RegistererState.Registered) resolve(); });
      void registerer.register({
        requestDelegate: {
          onAccept: (r) => { statuses.push(r.message.statusCode ?? 0); },
          onReject: (r) => { statuses.push(r.message.statusCode ?? 0); resolve(); },
        },
      });
    });
    // The challenge was answered inside SIP.js: the final answer it saw is 200, and the binding is there.
    expect(statuses).toEqual([200]);
    expect(await registrar.lookup('sip:alice@example.com')).toHaveLength(1);
    // The registrar's manager reaches the browser phone by its address of record, over the same WebSocket.
    const call = await manager.makeCall('sip:alice@example.com');
    await call.answered();
    expect(invited).toBeDefined();
    await waitFor(() => invited!.state === SessionState.Established, 3000);
    await call.hangup();
    await waitFor(() => invited!.state === SessionState.Terminated, 3000);
  });
});
