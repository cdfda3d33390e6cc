/**
 * Two user agent cores (alice, bob) over the in-memory network with the real
 * transaction layer, for the dialog layer's unit tests (fake timers).
 */
import { vi } from 'vitest';
import { parseMessage, SipRequest, SipResponse } from '../../../src/sip/index.js';
import { TransactionLayer } from '../../../src/transaction/index.js';
import { createMemoryNetwork } from '../../../src/transport/index.js';
import type { MemoryNetwork, MemoryTransportLayer } from '../../../src/transport/index.js';
import type { Clock } from '../../../src/util/index.js';
import { UserAgentCore } from '../../../src/dialog/index.js';
import type { Dialog, UserAgentCoreOptions } from '../../../src/dialog/index.js';

/** A clock over the (fakeable) globals. */
export const fakeableClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export const SDP_OFFER = 'v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n';
export const SDP_ANSWER = 'v=0\r\no=bob 2 2 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 40002 RTP/AVP 0\r\n';

export interface Pair {
  readonly net: MemoryNetwork;
  readonly alice: UserAgentCore;
  readonly bob: UserAgentCore;
  readonly aliceEp: MemoryTransportLayer;
  readonly bobEp: MemoryTransportLayer;
  readonly aliceTl: TransactionLayer;
  readonly bobTl: TransactionLayer;
  /** Let queued deliveries and zero-delay timers run. */
  flush(): Promise<void>;
  /** Advance fake time by `ms`, delivering packets in between. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** alice at 127.0.0.1:5060, bob at 127.0.0.2:5060 (UDP), fake timers on. */
export function createPair(
  aliceOpts: Partial<UserAgentCoreOptions> = {}, bobOpts: Partial<UserAgentCoreOptions> = {},
): Pair {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const net = createMemoryNetwork({ clock: fakeableClock });
  const aliceEp = net.endpoint({ address: '127.0.0.1', port: 5060, protocols: ['UDP'] });
  const bobEp = net.endpoint({ address: '127.0.0.2', port: 5060, protocols: ['UDP'] });
  const aliceTl = new TransactionLayer(aliceEp, { clock: fakeableClock });
  const bobTl = new TransactionLayer(bobEp, { clock: fakeableClock });
  const alice = new UserAgentCore({ transactions: aliceTl, identity: '<sip:alice@127.0.0.1>', clock: fakeableClock, ...aliceOpts });
  const bob = new UserAgentCore({ transactions: bobTl, identity: '<sip:bob@127.0.0.2>', clock: fakeableClock, ...bobOpts });
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) {
      await net.settle();
      await vi.advanceTimersByTimeAsync(0);
      if (net.pending === 0) break;
    }
  };
  return {
    net, alice, bob, aliceEp, bobEp, aliceTl, bobTl, flush,
    advance: async (ms: number) => {
      await vi.advanceTimersByTimeAsync(ms);
      await flush();
    },
    close: async () => {
      alice.close();
      bob.close();
      aliceTl.close();
      bobTl.close();
      await net.close();
      vi.useRealTimers();
    },
  };
}

/** Requests of a method seen on the network (optionally only from one address). */
export function sentRequests(net: MemoryNetwork, method: string, fromAddress?: string): { at: number; req: SipRequest }[] {
  const out: { at: number; req: SipRequest }[] = [];
  for (const p of net.history) {
    if (fromAddress !== undefined && p.from.address !== fromAddress) continue;
    const m = p.message ?? safeParse(p.bytes);
    if (m instanceof SipRequest && m.method === method) out.push({ at: p.at, req: m });
  }
  return out;
}

/** Responses seen on the network with a status (and CSeq method). */
export function sentResponses(net: MemoryNetwork, status: number, cseqMethod?: string): { at: number; res: SipResponse }[] {
  const out: { at: number; res: SipResponse }[] = [];
  for (const p of net.history) {
    const m = p.message ?? safeParse(p.bytes);
    if (m instanceof SipResponse && m.status === status && (cseqMethod === undefined || m.cseq.method === cseqMethod)) {
      out.push({ at: p.at, res: m });
    }
  }
  return out;
}

function safeParse(bytes: Buffer): SipRequest | SipResponse | undefined {
  try {
    return parseMessage(bytes, { datagram: true });
  } catch {
    return undefined;
  }
}

/** alice calls bob with SDP_OFFER, bob answers SDP_ANSWER; resolves with both confirmed dialogs once ACKed. */
export async function connect(p: Pair): Promise<{ a: Dialog; b: Dialog }> {
  let b: Dialog | undefined;
  p.bob.setInviteHandler((inv) => { b = inv.accept({ body: SDP_ANSWER }); });
  const out = await p.alice.invite({ target: 'sip:bob@127.0.0.2:5060', body: SDP_OFFER });
  const outcome = await out.outcome;
  await p.flush();
  if (!outcome.accepted || b === undefined) throw new Error('call not connected');
  return { a: outcome.dialog, b };
}
