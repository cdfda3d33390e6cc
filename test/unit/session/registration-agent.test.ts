import { describe, expect, it } from 'vitest';
import { parseMessage, SipResponse } from '../../../src/sip/index.js';
import type { OutOfDialogRequestOptions, UserAgentCore } from '../../../src/dialog/index.js';
import { RegistrationAgent } from '../../../src/session/index.js';
import type { RegistrationFailure, RegisteredInfo } from '../../../src/session/index.js';
import type { Clock, TimerHandle } from '../../../src/util/index.js';

/** A clock whose time only moves with advance(). */
class ManualClock implements Clock {
  #now = 0;
  #timers = new Map<number, { at: number; fn: () => void }>();
  #next = 1;
  now(): number { return this.#now; }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + ms, fn });
    return id as unknown as TimerHandle;
  }
  clearTimeout(h: TimerHandle): void { this.#timers.delete(h as unknown as number); }
  /** Pending timer delays from now, ms. */
  get pending(): number[] { return [...this.#timers.values()].map((t) => t.at - this.#now); }
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.#timers.delete(due[0]);
      this.#now = due[1].at;
      due[1].fn();
      for (let i = 0; i < 10; i++) await Promise.resolve();
    }
    this.#now = end;
    for (let i = 0; i < 10; i++) await Promise.resolve();
  }
}

type Reply = (opts: OutOfDialogRequestOptions, expires: string) => { status: number; headers?: string[] };

function fakeCore(reply: Reply): { core: UserAgentCore; sent: { cseq: number; callId: string; expires: string }[] } {
  const sent: { cseq: number; callId: string; expires: string }[] = [];
  const core = {
    request: async (_method: string, opts: OutOfDialogRequestOptions): Promise<SipResponse> => {
      const headers = opts.headers as { name: string; value: string }[];
      const expires = headers.find((h) => h.name === 'Expires')!.value;
      sent.push({ cseq: opts.cseq!, callId: opts.callId!, expires });
      const r = reply(opts, expires);
      const text = [
        `SIP/2.0 ${r.status} X`, 'Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1', 'From: <sip:alice@example.test>;tag=1',
        'To: <sip:alice@example.test>;tag=2', `Call-ID: ${opts.callId!}`, `CSeq: ${opts.cseq!} REGISTER`, ...(r.headers ?? []),
        'Content-Length: 0', '', '',
      ].join('\r\n');
      const m = parseMessage(Buffer.from(text), { datagram: true });
      if (!(m instanceof SipResponse)) throw new Error('bad response');
      return m;
    },
  } as unknown as UserAgentCore;
  return { core, sent };
}

const CONTACT = 'sip:alice@127.0.0.1:5070';
const deps = (core: UserAgentCore, clock: Clock) => ({ core, clock, contactUri: () => CONTACT });
const ok = (expires: string) => ({ status: 200, headers: [`Contact: <${CONTACT}>;expires=${expires}`] });

describe('RegistrationAgent (RFC 3261 §10.2) with fake time', () => {
  it('refreshes within 50-90% of the granted time with the same Call-ID and the next CSeq', async () => {
    const clock = new ManualClock();
    const { core, sent } = fakeCore((_o, e) => ok(e === '0' ? '0' : '100'));
    const agent = new RegistrationAgent(deps(core, clock), { aor: 'sip:alice@example.test', expires: 100, random: () => 0.5 });
    const events: RegisteredInfo[] = [];
    agent.on('registered', (i) => events.push(i));
    await clock.advance(0);
    expect(events).toHaveLength(1);
    expect(events[0]!.expires).toBe(100);
    expect(clock.pending).toEqual([70_000]); // 0.5 + 0.4 * 0.5 of 100 s
    await clock.advance(70_000);
    expect(events).toHaveLength(2);
    expect(sent[1]!.callId).toBe(sent[0]!.callId);
    expect(sent[1]!.cseq).toBe(sent[0]!.cseq + 1);
    expect(await agent.unregister()).toBe(200);
    expect(sent.at(-1)!.expires).toBe('0');
    expect(clock.pending).toEqual([]);
  });

  it('asks again with Min-Expires after 423 Interval Too Brief', async () => {
    const clock = new ManualClock();
    const { core, sent } = fakeCore((_o, e) => (Number(e) < 300 ? { status: 423, headers: ['Min-Expires: 300'] } : ok('300')));
    const agent = new RegistrationAgent(deps(core, clock), { aor: 'sip:alice@example.test', expires: 60 });
    const done = new Promise<RegisteredInfo>((r) => agent.once('registered', r));
    await clock.advance(0);
    expect((await done).expires).toBe(300);
    expect(sent.map((s) => s.expires)).toEqual(['60', '300']);
    agent.stop();
  });

  it('backs off exponentially after failures, capped, then recovers', async () => {
    const clock = new ManualClock();
    let down = true;
    const { core } = fakeCore(() => (down ? { status: 503 } : ok('3600')));
    const agent = new RegistrationAgent(deps(core, clock), {
      aor: 'sip:alice@example.test', retry: { initialMs: 1000, maxMs: 4000 }, random: () => 1,
    });
    const failures: RegistrationFailure[] = [];
    agent.on('failed', (f) => failures.push(f));
    await clock.advance(0);
    for (const wait of [1000, 2000, 4000, 4000]) await clock.advance(wait);
    expect(failures.map((f) => f.retryInMs)).toEqual([1000, 2000, 4000, 4000, 4000]);
    expect(failures.every((f) => f.status === 503)).toBe(true);
    expect(agent.state).toBe('retrying');
    down = false;
    await clock.advance(4000);
    expect(agent.state).toBe('registered');
    expect(agent.expires).toBe(3600);
    agent.stop();
  });
});
