/**
 * Starts the session engine for a manager and presents it as an {@link EnginePort}: the public
 * API's view of `SessionEngine` and `Session`.
 *
 * @module
 * @internal
 */
import type { AudioSink, AudioSource } from '../session/index.js';
import { SessionEngine, replacedSessionOf, resolveConfig } from '../session/index.js';
import type { TransferOptions, TransferResult } from '../session/index.js';
import { InvalidArgumentError } from '../util/index.js';
import type { Session, SessionManagerConfig } from '../session/index.js';
import type { Clock } from '../util/index.js';
import { registerEngineObject } from './engine-access.js';
import type { EngineCall, EngineCallListener, EngineCallOptions, EngineIncoming, EnginePort } from './engine-port.js';
import type { EngineTransferHooks } from './engine-port.js';
import type { CallStats, DtmfOptions, ExtraHeaders, RemoteMediaSummary, SipHeaders } from './types.js';

/** Options for tests: a fake clock, short RTCP intervals. @internal */
export interface EngineStartOptions {
  readonly clock?: Clock;
  readonly rtcpIntervalMs?: number;
}

/**
 * Validate `config` and start an engine on it.
 * @throws ConfigError for an invalid option (before anything starts)
 * @throws TransportError when a SIP port cannot be bound
 * @internal
 */
export async function startEngine(config: SessionManagerConfig, options: EngineStartOptions = {}): Promise<EnginePort> {
  const resolved = resolveConfig(config);
  const engine = await SessionEngine.start(resolved, { ...options, autoRing: false });
  return new EngineAdapter(engine, options.clock);
}

/** RFC 3261 §7.3.3 (and RFC 3515, RFC 4028) compact header forms. */
const COMPACT: Readonly<Record<string, string>> = {
  i: 'call-id', m: 'contact', e: 'content-encoding', l: 'content-length', c: 'content-type', f: 'from',
  s: 'subject', k: 'supported', t: 'to', v: 'via', r: 'refer-to', b: 'referred-by', o: 'event',
  u: 'allow-events', x: 'session-expires',
};

const ZERO_STATS: CallStats = Object.freeze({
  codec: undefined, packetsSent: 0, packetsReceived: 0, bytesSent: 0, bytesReceived: 0, packetsLost: 0,
  jitterMs: 0, rttMs: undefined, mos: undefined, durationMs: 0, srtp: undefined, srtpAuthFailures: 0, srtpReplays: 0,
});

function headersOf(session: Session): SipHeaders {
  const out: Record<string, string[]> = {};
  for (const h of session.request?.headers ?? []) {
    const lower = h.name.toLowerCase();
    const name = COMPACT[lower] ?? lower;
    (out[name] ??= []).push(h.value);
  }
  return Object.freeze(out);
}

function mediaOf(session: Session): RemoteMediaSummary | undefined {
  const sdp = session.remoteSdp;
  if (sdp === undefined || sdp.address === undefined || sdp.port === undefined) return undefined;
  const codecs = sdp.codecs.map((c) => c.name);
  if (sdp.telephoneEvent && !codecs.some((c) => c.toLowerCase() === 'telephone-event')) codecs.push('telephone-event');
  return Object.freeze({ address: sdp.address, port: sdp.port, codecs: Object.freeze(codecs) });
}

function headerOption(headers: ExtraHeaders | undefined): { headers?: ExtraHeaders } {
  return headers === undefined ? {} : { headers };
}

/** One engine `Session` as an {@link EngineCall}. */
class CallAdapter implements EngineCall {
  readonly #s: Session;
  #answeredAt: number | undefined;

  constructor(session: Session) {
    this.#s = session;
    registerEngineObject(this, session);
    session.on('state', (change) => {
      if (change.to === 'connected' && this.#answeredAt === undefined) this.#answeredAt = Date.now();
    });
  }

  get id(): string { return this.#s.id; }
  get direction(): 'incoming' | 'outgoing' { return this.#s.direction === 'inbound' ? 'incoming' : 'outgoing'; }
  get callId(): string { return this.#s.callId; }
  get local(): { uri: string; displayName: string | undefined } { return this.#s.localIdentity; }
  get remote(): { uri: string; displayName: string | undefined } { return this.#s.remoteIdentity; }
  get state(): Session['state'] { return this.#s.state; }
  get endReason(): Session['endReason'] { return this.#s.endReason; }
  get terminated(): Promise<void> { return this.#s.finished.then(() => undefined); }

  listen(listener: EngineCallListener): void {
    const s = this.#s;
    if (listener.state !== undefined) s.on('state', listener.state);
    const onDtmf = listener.dtmf;
    if (onDtmf !== undefined) s.on('dtmf', (e) => onDtmf({ digit: e.digit, durationMs: e.duration, method: e.method }));
    const onEarly = listener.earlyMedia;
    if (onEarly !== undefined) s.on('early-media', (e) => onEarly({ status: e.status, reliable: e.reliable }));
    const onHold = listener.hold;
    if (onHold !== undefined) s.on('hold', (e) => onHold({ by: e.by }));
    const onResume = listener.resume;
    if (onResume !== undefined) s.on('resume', (e) => onResume({ by: e.by }));
    const onMedia = listener.media;
    if (onMedia !== undefined) s.on('media', (e) => onMedia({ type: e.type, codec: e.codec, remote: e.remote }));
    const onTransfer = listener.transfer;
    if (onTransfer !== undefined) s.on('transfer', onTransfer);
    if (listener.quality !== undefined) s.on('quality', listener.quality);
    if (listener.mediaTimeout !== undefined) s.on('media-timeout', listener.mediaTimeout);
  }

  get correlationId(): string { return this.#s.correlationId; }
  trace(): ReturnType<Session['trace']> { return this.#s.trace(); }
  errorContext(status?: number): ReturnType<Session['errorContext']> { return this.#s.errorContext(status); }

  answered(): Promise<void> { return this.#s.answered(); }
  hangup(reason?: Parameters<Session['terminate']>[0]): Promise<void> {
    return reason === undefined ? this.#s.hangup() : this.#s.terminate(reason);
  }
  hold(): Promise<void> { return this.#s.hold(); }
  resume(): Promise<void> { return this.#s.resume(); }
  mute(): void { this.#s.mute(); }
  unmute(): void { this.#s.unmute(); }
  get muted(): boolean { return this.#s.muted; }
  play(source: AudioSource): Promise<void> { return this.#s.play(source); }
  stopPlaying(): void { this.#s.stopPlayback(); }
  record(sink: AudioSink): { stop(): Promise<void> } { return this.#s.record(sink); }
  sendDtmf(digits: string, options: DtmfOptions): Promise<void> {
    return this.#s.sendDtmf(digits, {
      ...(options.durationMs === undefined ? {} : { durationMs: options.durationMs }),
      ...(options.gapMs === undefined ? {} : { gapMs: options.gapMs }),
      ...(options.method === undefined ? {} : { method: options.method }),
      ...(options.volume === undefined ? {} : { volume: options.volume }),
    });
  }

  transfer(target: string | EngineCall, options?: TransferOptions): Promise<TransferResult> {
    if (typeof target === 'string') return this.#s.transfer(target, options);
    if (!(target instanceof CallAdapter)) return Promise.reject(new InvalidArgumentError('target', 'a call of another manager'));
    return this.#s.transfer(target.#s, options);
  }

  stats(): CallStats {
    const st = this.#s.stats();
    if (st === undefined) return ZERO_STATS;
    const rx = st.receive;
    const durationMs = this.#answeredAt === undefined ? 0 : Date.now() - this.#answeredAt;
    return Object.freeze({
      codec: st.codec,
      packetsSent: st.packetsOut,
      packetsReceived: st.packetsIn,
      bytesSent: st.bytesOut,
      bytesReceived: st.bytesIn,
      packetsLost: rx === undefined ? 0 : Math.max(0, rx.cumulativeLost),
      jitterMs: rx?.jitterMs ?? 0,
      rttMs: st.rttMs,
      mos: st.mos,
      durationMs,
      srtp: st.srtp,
      srtpAuthFailures: st.srtpAuthFailures,
      srtpReplays: st.srtpReplays,
    });
  }
}

/** An incoming engine `Session` as an {@link EngineIncoming}. */
class IncomingAdapter implements EngineIncoming {
  readonly call: EngineCall;
  readonly #s: Session;
  #headers: SipHeaders | undefined;

  constructor(session: Session, call: EngineCall) {
    this.#s = session;
    this.call = call;
  }

  get headers(): SipHeaders {
    this.#headers ??= headersOf(this.#s);
    return this.#headers;
  }

  get remoteMedia(): RemoteMediaSummary | undefined { return mediaOf(this.#s); }
  answer(options: { readonly headers?: ExtraHeaders }): Promise<void> { return this.#s.answer(headerOption(options.headers)); }
  reject(status: number, reason: string | undefined, headers?: ExtraHeaders): Promise<void> {
    return this.#s.reject(status, reason, headerOption(headers));
  }
  ring(): Promise<void> { return this.#s.ring(180); }
  get replacing(): boolean { return replacedSessionOf(this.#s) !== undefined; }
  ringWithMedia(source: AudioSource): Promise<void> { return this.#s.ringWithMedia(source); }
}

/** A `SessionEngine` as an {@link EnginePort}. */
class EngineAdapter implements EnginePort {
  readonly #engine: SessionEngine;
  readonly #calls = new WeakMap<Session, CallAdapter>();
  readonly clock: Clock | undefined;

  constructor(engine: SessionEngine, clock: Clock | undefined) {
    this.#engine = engine;
    registerEngineObject(this, engine);
    this.clock = clock;
  }

  get config(): SessionEngine['config'] { return this.#engine.config; }
  get host(): string { return this.#engine.config.sip.host; }
  get port(): number { return this.#engine.port; }

  #wrap(session: Session): CallAdapter {
    let call = this.#calls.get(session);
    if (call === undefined) {
      call = new CallAdapter(session);
      this.#calls.set(session, call);
    }
    return call;
  }

  onIncoming(handler: (incoming: EngineIncoming) => void): void {
    this.#engine.setIncomingSessionHandler((session) => {
      handler(new IncomingAdapter(session, this.#wrap(session)));
    });
  }

  onTransfer(hooks: EngineTransferHooks): void {
    this.#engine.transfers
      .setRequestHandler((session, info) => hooks.decide(this.#wrap(session), info))
      .setCallListener((call, original) => hooks.placed(this.#wrap(call), this.#wrap(original)));
  }

  onError(handler: (error: unknown, call: EngineCall | undefined) => void): void {
    this.#engine.on('error', (err, session) => handler(err, session === undefined ? undefined : this.#wrap(session)));
  }

  counters(): ReturnType<EnginePort['counters']> { return this.#engine.counters; }
  uri(user: string, transport: 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS'): string { return this.#engine.uriFor(user, transport); }

  async makeCall(target: string, options: EngineCallOptions): Promise<EngineCall> {
    const from = options.from === undefined ? undefined
      : typeof options.from === 'string' ? options.from
      : options.from.displayName === undefined ? options.from.uri
      : `"${options.from.displayName.replace(/["\\]/g, '\\$&')}" <${options.from.uri}>`;
    const session = await this.#engine.call({
      target,
      ...(from === undefined ? {} : { from }),
      ...(options.headers === undefined ? {} : { headers: options.headers }),
      ...(options.codecs === undefined ? {} : { codecs: options.codecs.map((c) => c.toUpperCase() as 'PCMU') }),
      ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    });
    return this.#wrap(session);
  }

  close(): Promise<void> { return this.#engine.close(); }
}
