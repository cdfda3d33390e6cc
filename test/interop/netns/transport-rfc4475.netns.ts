import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportLayer } from '../../../src/transport/index.js';
import type { InboundMessage } from '../../../src/transport/index.js';

const dir = fileURLToPath(new URL('../../fixtures/rfc4475/', import.meta.url));

/**
 * What the transport layer itself does with each RFC 4475 message sent over UDP:
 * pass it up ('up'), answer it with a status, or drop it ('drop'). Semantic answers
 * (416 for unkscm, 420, 415, 501 for esc02 ...) are the UA core's job, above this layer.
 * Every response goes to the packet's source on 127.0.0.1, whatever the Via says.
 */
const expected: Record<string, 'up' | 'drop' | number> = {
  wsinv: 'up', intmeth: 'up', esc01: 'up', escnull: 'up', esc02: 'up', lwsdisp: 'up', longreq: 'up', dblreq: 'up',
  semiuri: 'up', transports: 'up', mpart01: 'up',
  unreason: 'drop', noreason: 'drop', // valid responses, but their top Via is not ours (§18.1.2)
  badinv01: 400, clerr: 400, ncl: 400, scalar02: 400, quotbal: 400, ltgtruri: 400, lwsruri: 400, mismatch01: 400,
  scalarlg: 'drop', bigcode: 'drop', badvers: 505, mismatch02: 501,
  lwsstart: 'up', trws: 'up', escruri: 'up', baddate: 'up', regbadct: 'up', badaspec: 'up', baddn: 'up', // accepted liberally
  badbranch: 'up', insuf: 400, multi01: 'up', mcl01: 400, unkscm: 416, novelsc: 416, bext01: 'up', invut: 'up',
  sdp01: 'up', regaut01: 'up', unksm2: 400, bcast: 'drop', zeromf: 'up', cparam01: 'up', cparam02: 'up', regescrt: 'up',
  inv2543: 'up',
};

describe('RFC 4475 torture messages over real UDP', () => {
  let tl: TransportLayer;
  const raw = createSocket('udp4');
  let inbox: Buffer[] = [];
  let upstairs: InboundMessage[] = [];

  beforeAll(async () => {
    tl = await TransportLayer.create({ host: '127.0.0.1', port: 0, transports: ['UDP'] });
    tl.on('message', (m) => upstairs.push(m));
    raw.on('message', (b) => inbox.push(b));
    await new Promise<void>((r) => raw.bind(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    await tl.close();
    await new Promise<void>((r) => raw.close(() => r()));
  });

  it('covers all 49 messages', () => {
    expect(Object.keys(expected)).toHaveLength(49);
  });

  for (const [name, want] of Object.entries(expected)) {
    it(`handles ${name}.dat as ${typeof want === 'number' ? `a ${want} answer` : want === 'up' ? 'a message for the layer above' : 'a silent drop'}`, async () => {
      inbox = [];
      upstairs = [];
      raw.send(readFileSync(dir + name + '.dat'), tl.port, '127.0.0.1');
      const deadline = Date.now() + (want === 'drop' ? 100 : 2000);
      while (Date.now() < deadline && inbox.length === 0 && upstairs.length === 0) await new Promise((r) => setTimeout(r, 2));
      if (want === 'up') {
        expect(upstairs).toHaveLength(1);
        expect(inbox).toHaveLength(0);
      } else if (want === 'drop') {
        expect(upstairs).toHaveLength(0);
        expect(inbox).toHaveLength(0);
      } else {
        expect(upstairs).toHaveLength(0);
        expect(inbox.map((b) => b.toString('latin1').split('\r\n')[0]!.slice(8, 11))).toEqual([String(want)]);
      }
    });
  }

  it('keeps serving afterwards', async () => {
    upstairs = [];
    raw.send(readFileSync(dir + 'wsinv.dat'), tl.port, '127.0.0.1');
    for (let i = 0; i < 400 && upstairs.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(upstairs).toHaveLength(1);
  });
});
