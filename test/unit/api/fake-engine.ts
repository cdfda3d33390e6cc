/**
 * In-memory stand-ins for the session engine, implementing the API layer's engine port.
 * They keep a real SessionStateMachine so the state checks are the real ones.
 */
import type { AudioSink, AudioSource } from '../../../src/media/index.js';
import { SessionState, SessionStateMachine, resolveConfig } from '../../../src/session/index.js';
import { CallFailedError } from '../../../src/session/errors.js';
import type { EndReason, SessionStateChange } from '../../../src/session/index.js';
import type {
  EngineCall, EngineCallListener, EngineCallOptions, EngineIncoming, EnginePort,
} from '../../../src/api/engine-port.js';
import type { CallCounters, CallDirection, CallStats, DtmfEvent, DtmfOptions, ExtraHeaders, MediaEvent } from '../../../src/api/types.js';

let nextId = 1;

export class FakeCall implements EngineCall {
  readonly id = `fake-${nextId++}`;
  readonly callId = `${this.id}@test`;
  readonly machine = new SessionStateMachine({ id: this.id });
  readonly listeners: EngineCallListener[] = [];
  readonly sinks = new Set<AudioSink>();
  readonly played: AudioSource[] = [];
  readonly dtmfSent: string[] = [];
  readonly hangups: (EndReason | undefined)[] = [];
  sendDtmf?: (digits: string, options: DtmfOptions) => Promise<void>;

  constructor(
    readonly direction: CallDirection,
    readonly local = { uri: 'sip:local@127.0.0.1', displayName: undefined as string | undefined },
    readonly remote = { uri: 'sip:remote@127.0.0.1', displayName: 'Remote' as string | undefined },
  ) {
    this.machine.on('state', (c) => { for (const l of this.listeners) l.state?.(c); });
  }

  get state(): SessionState { return this.machine.state; }
  get endReason(): EndReason | undefined { return this.machine.endReason; }
  get terminated(): Promise<void> { return this.machine.terminated.then(() => undefined); }
  listen(listener: EngineCallListener): void { this.listeners.push(listener); }

  answered(): Promise<void> {
    if (this.machine.isEstablished) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const on = (c: SessionStateChange): void => {
        if (c.to === SessionState.Connected) { this.machine.off('state', on); resolve(); }
        else if (c.to === SessionState.Terminated) { this.machine.off('state', on); reject(new CallFailedError(this.machine.endReason ?? 'error', c.status)); }
      };
      this.machine.on('state', on);
    });
  }

  /** The engine closes every sink when the call ends, before `terminated`. */
  async end(reason: EndReason): Promise<void> {
    const sinks = [...this.sinks];
    this.sinks.clear();
    await Promise.all(sinks.map((s) => s.close()));
    this.machine.transition(SessionState.Terminated, reason);
  }

  async hangup(reason?: EndReason): Promise<void> {
    this.hangups.push(reason);
    const r = reason ?? (this.machine.isEstablished ? 'local-hangup' : this.direction === 'outgoing' ? 'cancelled' : 'rejected');
    this.machine.transition(SessionState.Terminated, r);
  }

  async play(source: AudioSource): Promise<void> { this.played.push(source); }
  stopPlaying(): void { /* nothing */ }
  record(sink: AudioSink): { stop(): Promise<void> } {
    this.sinks.add(sink);
    return { stop: async () => { if (this.sinks.delete(sink)) await sink.close(); } };
  }
  stats(): CallStats {
    return { codec: 'PCMU', packetsSent: 1, packetsReceived: 2, bytesSent: 3, bytesReceived: 4, packetsLost: 0, jitterMs: 0, rttMs: undefined, mos: 4.4, durationMs: 0, srtp: undefined, srtpAuthFailures: 0, srtpReplays: 0 };
  }
  emitDtmf(event: DtmfEvent): void { for (const l of this.listeners) l.dtmf?.(event); }
  emitMedia(event: MediaEvent): void { for (const l of this.listeners) l.media?.(event); }
}

export class FakeIncoming implements EngineIncoming {
  readonly responses: { status: number; reason?: string | undefined; headers?: ExtraHeaders | undefined }[] = [];
  readonly headers = { 'user-agent': ['fake/1'], from: ['"Remote" <sip:remote@127.0.0.1>;tag=1'] };
  readonly remoteMedia = { address: '127.0.0.1', port: 40000, codecs: ['PCMU', 'telephone-event'] };
  constructor(readonly call: FakeCall) {
    call.machine.transition(SessionState.Ringing, 'invite-received');
  }
  async answer(options: { headers?: ExtraHeaders }): Promise<void> {
    this.responses.push({ status: 200, headers: options.headers });
    this.call.machine.transition(SessionState.Connected, 'answered', { status: 200 });
  }
  async reject(status: number, reason: string | undefined, headers?: ExtraHeaders): Promise<void> {
    this.responses.push({ status, reason, headers });
    this.call.machine.transition(SessionState.Terminated, 'rejected', { status });
  }
  async ring(): Promise<void> { this.responses.push({ status: 180 }); }
  /** The caller gives up. */
  cancel(): void { this.call.machine.transition(SessionState.Terminated, 'cancelled', { status: 487 }); }
}

export class FakeEngine implements EnginePort {
  readonly config = resolveConfig({ sip: { host: '127.0.0.1', port: 5099 } });
  readonly host = '127.0.0.1';
  readonly port = 5099;
  readonly outgoing: { target: string; options: EngineCallOptions; call: FakeCall }[] = [];
  closed = false;
  #onIncoming: ((i: EngineIncoming) => void) | undefined;
  readonly calls = new Set<FakeCall>();

  onIncoming(handler: (incoming: EngineIncoming) => void): void { this.#onIncoming = handler; }
  #onError: ((err: unknown, call: EngineCall | undefined) => void) | undefined;
  onError(handler: (err: unknown, call: EngineCall | undefined) => void): void { this.#onError = handler; }
  /** Simulate an engine-side error. */
  fail(err: unknown, call?: FakeCall): void { this.#onError?.(err, call); }
  uri(user: string, transport: 'UDP' | 'TCP'): string {
    return `sip:${user}@127.0.0.1:${this.port}${transport === 'TCP' ? ';transport=tcp' : ''}`;
  }
  counters(): CallCounters {
    let active = 0;
    for (const c of this.calls) if (!c.machine.isTerminated) active++;
    return { callsIn: [...this.calls].filter((c) => c.direction === 'incoming').length, callsOut: this.outgoing.length, active, answered: 0, failed: {}, ended: {} };
  }

  /** Simulate an INVITE arriving. */
  invite(): FakeIncoming {
    const call = new FakeCall('incoming');
    this.calls.add(call);
    const incoming = new FakeIncoming(call);
    this.#onIncoming?.(incoming);
    return incoming;
  }

  async makeCall(target: string, options: EngineCallOptions): Promise<FakeCall> {
    const call = new FakeCall('outgoing');
    this.calls.add(call);
    call.machine.transition(SessionState.Dialing, 'invite-sent');
    this.outgoing.push({ target, options, call });
    return call;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.calls) if (!c.machine.isTerminated) c.machine.transition(SessionState.Terminated, 'manager-closed');
  }
}
