/**
 * Runs INSIDE a network namespace (see ../rfc4475-netns.test.ts): sends each
 * RFC 4475 message from a raw UDP socket bound to 127.0.0.1:5060 (the port a
 * Via without port names) to a sipline user agent on 127.0.0.1:5080, and
 * checks the response (or the silence) against test/fixtures/README.md.
 * Responses to Vias naming other hosts arrive on 127.0.0.1 only thanks to
 * `received` (§18.2.1/§18.2.2): nothing else is reachable in the namespace.
 */
import { createSocket, type Socket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleSdp, startUa, type TestUa } from '../../helpers/ua.js';

const inNamespace = process.env.SIPLINE_NETNS_CHILD !== undefined;
const fixtures = fileURLToPath(new URL('../../fixtures/rfc4475/', import.meta.url));
const UA_PORT = 5080;

/** What a UA must do with each message (test/fixtures/README.md). */
type Expectation = readonly number[] | 'silence' | 'any' | 'not-400';
const EXPECT: Record<string, Expectation> = {
  // 3.1.1 valid: parsed; answered by what the method gets from a UA (not 400).
  wsinv: 'not-400', intmeth: [501], esc01: 'not-400', escnull: [405], esc02: [501], lwsdisp: [200],
  longreq: 'not-400', dblreq: [405], semiuri: [200], transports: [200], mpart01: 'not-400',
  unreason: 'silence', noreason: 'silence',
  // 3.1.2 invalid
  badinv01: [400], clerr: [400], ncl: [400], scalar02: [400], quotbal: [400], ltgtruri: [400], lwsruri: [400],
  mismatch01: [400], scalarlg: 'silence', bigcode: 'silence', badvers: [505], mismatch02: [501, 400],
  // 3.1.2 liberal: 400 or accept
  lwsstart: 'any', trws: 'any', escruri: 'any', baddate: 'any', regbadct: 'any', badaspec: 'any', baddn: 'any',
  // 3.2.1
  badbranch: 'any',
  // 3.3 semantic
  insuf: [400], multi01: [400], mcl01: [400], unkscm: [416], novelsc: [416, 404], bext01: [420], invut: [415],
  sdp01: [406, 400], regaut01: [405], unksm2: [405, 400], bcast: 'silence', zeromf: [200],
  cparam01: [405], cparam02: [405], regescrt: [405],
  // 3.4.1
  inv2543: 'not-400',
};

interface Received {
  readonly status: number;
  readonly callId: string | undefined;
  readonly port: number;
  readonly from: string;
}

function callIdOf(text: string): string | undefined {
  const m = /^(?:call-id|i)[ \t]*:[ \t]*(\S+)/im.exec(text);
  return m?.[1];
}

function bind(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(port, '127.0.0.1', () => resolve(s));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!inNamespace)('RFC 4475 over UDP inside the network namespace', () => {
  let ua: TestUa;
  let sockets: Socket[] = [];
  const received: Received[] = [];

  beforeAll(async () => {
    // A short T1 (Timer J = 64*T1 = 1.28 s): two torture messages share a transaction key.
    ua = await startUa('uas', { port: UA_PORT, timers: { T1: 20, T2: 160, T4: 200 } });
    ua.core.setInviteHandler((inv) => {
      if (inv.request.callId.startsWith('netns-call-')) inv.accept({ body: simpleSdp(43000, 'uas') });
      else inv.reject(603);
    });
    // 5060: the sender and the port of every Via without one; 5050: quotbal's Via port.
    sockets = await Promise.all([bind(5060), bind(5050)]);
    for (const s of sockets) {
      const port = s.address().port;
      s.on('message', (msg, rinfo) => {
        const text = msg.toString('latin1');
        const m = /^SIP\/2\.0 (\d{3})/.exec(text);
        if (m) received.push({ status: Number(m[1]), callId: callIdOf(text), port, from: `${rinfo.address}:${rinfo.port}` });
      });
    }
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await ua?.close();
  });

  it('has an expectation for each of the 49 messages', () => {
    const names = readdirSync(fixtures).filter((f) => f.endsWith('.dat')).map((f) => f.slice(0, -4)).sort();
    expect(names).toHaveLength(49);
    expect(names).toEqual(Object.keys(EXPECT).sort());
  });

  it('answers every torture message as RFC 4475 expects, to 127.0.0.1 only', async () => {
    const sender = sockets[0]!;
    const problems: string[] = [];
    const keys = new Set<string>();
    for (const name of Object.keys(EXPECT).sort()) {
      const bytes = readFileSync(`${fixtures}${name}.dat`);
      const text = bytes.toString('latin1');
      const callId = callIdOf(text);
      // cparam01/cparam02 and escnull/regescrt have the same top Via and method: for a
      // server they are one transaction (§17.2.3), so wait until Timer J freed it.
      const key = `${/^(?:via|v)[ \t]*:(.*)$/im.exec(text)?.[1]?.trim()}|${/^cseq[ \t]*:\s*\d+\s+(\S+)/im.exec(text)?.[1]}`;
      if (keys.has(key)) await sleep(1500);
      keys.add(key);
      const start = received.length;
      const t0 = Date.now();
      sender.send(bytes, UA_PORT, '127.0.0.1');
      const mine = (): Received[] => received.slice(start).filter((r) => r.callId === undefined || callId === undefined || r.callId === callId);
      const expectation = EXPECT[name]!;
      for (let waited = 0; waited < 400; waited += 10) {
        if (expectation !== 'silence' && mine().some((r) => r.status >= 200)) break;
        await sleep(10);
      }
      await sleep(20);
      const finals = mine().filter((r) => r.status >= 200);
      if (process.env.SIPLINE_NETNS_TRACE) console.log(name, Date.now() - t0, JSON.stringify(mine().map((r) => r.status)));
      const first = finals[0]?.status;
      let ok: boolean;
      if (expectation === 'silence') ok = mine().length === 0;
      else if (expectation === 'any') ok = first !== undefined;
      else if (expectation === 'not-400') ok = first !== undefined && first !== 400;
      else ok = first !== undefined && expectation.includes(first);
      if (!ok) problems.push(`${name}: expected ${JSON.stringify(expectation)}, got ${JSON.stringify(mine().map((r) => r.status))}`);
    }
    expect(problems).toEqual([]);
    // Everything that came back came from the UA on 127.0.0.1.
    expect(received.length).toBeGreaterThan(30);
    expect(new Set(received.map((r) => r.from))).toEqual(new Set([`127.0.0.1:${UA_PORT}`]));
  });

  it('keeps serving calls afterwards: INVITE / 200 / ACK / BYE succeeds', async () => {
    const uac = await startUa('uac');
    try {
      const out = await uac.core.invite({
        target: `sip:uas@127.0.0.1:${UA_PORT}`, body: simpleSdp(43002, 'uac'), callId: `netns-call-${Date.now()}`,
      });
      const outcome = await out.outcome;
      expect(outcome.accepted).toBe(true);
      if (outcome.accepted) expect((await outcome.dialog.bye()).status).toBe(200);
    } finally {
      await uac.close();
    }
  });
});
