/**
 * Type tests of the public API: checked by `tsc -p tsconfig.json` (this file is
 * in the project) and run as ordinary tests (expectTypeOf is a no-op at run time,
 * the few value checks are real).
 */
import { describe, expectTypeOf, it, expect } from 'vitest';
import * as root from '../../src/index.js';
import {
  CallFailedError, CallSession, ConfigError, IncomingCall, InvalidArgumentError, InvalidStateError, NotSupportedError,
  SessionManager, SessionState, SiplineError, ToneSource, WavRecorderSink,
} from '../../src/index.js';
import type {
  AudioSink, AudioSource, CallCounters, CallHandler, CallStats, DtmfEvent, EndReason, MakeCallOptions, Recording,
  SessionManagerConfig, SessionStateChange,
} from '../../src/index.js';

describe('public API types', () => {
  it('SessionManager.new takes an optional config and resolves with a manager', () => {
    expectTypeOf(SessionManager.new).parameter(0).toEqualTypeOf<SessionManagerConfig | undefined>();
    expectTypeOf(SessionManager.new).returns.toEqualTypeOf<Promise<SessionManager>>();
    expectTypeOf<SessionManager['setCallHandler']>().returns.toEqualTypeOf<SessionManager>();
    expectTypeOf<SessionManager['makeCall']>().parameters.toEqualTypeOf<[target: string, options?: MakeCallOptions]>();
    expectTypeOf<SessionManager['makeCall']>().returns.toEqualTypeOf<Promise<CallSession>>();
    expectTypeOf<SessionManager['sessions']>().returns.toEqualTypeOf<readonly CallSession[]>();
    expectTypeOf<SessionManager['counters']>().toEqualTypeOf<CallCounters>();
    expectTypeOf<SessionManager[typeof Symbol.asyncDispose]>().returns.toEqualTypeOf<Promise<void>>();
  });

  it('config keys are the ones DESIGN.md fixes', () => {
    const config = {
      sip: { host: '127.0.0.1', port: 5060, transports: ['UDP', 'tcp'], publicAddress: '203.0.113.7:5080' },
      media: { portRange: [10000, 20000], codecs: ['PCMU', 'g722'] },
      limits: { maxSessions: 10, overloadResponse: 503 },
      timers: { T1: 500, T2: 4000, T4: 5000 },
      userAgent: 'test',
      identity: '"Alice" <sip:alice@example.com>',
    } satisfies SessionManagerConfig;
    expectTypeOf(config).toMatchTypeOf<SessionManagerConfig>();
    // @ts-expect-error unknown transport
    const bad: SessionManagerConfig = { sip: { transports: ['SCTP'] } };
    void bad;
  });

  it('CallHandler methods are all optional and receive the right objects', () => {
    expectTypeOf<{}>().toMatchTypeOf<CallHandler>();
    expectTypeOf<Required<CallHandler>['onIncomingCall']>().parameter(0).toEqualTypeOf<IncomingCall>();
    expectTypeOf<Required<CallHandler>['onCallEnded']>().parameters.toEqualTypeOf<[session: CallSession, reason: EndReason]>();
    expectTypeOf<Required<CallHandler>['onStateChanged']>().parameters.toEqualTypeOf<[session: CallSession, change: SessionStateChange]>();
    expectTypeOf<Required<CallHandler>['onDtmf']>().parameters.toEqualTypeOf<[session: CallSession, event: DtmfEvent]>();
    const handler: CallHandler = { onIncomingCall: (call) => call.answer() };
    const deferring: CallHandler = { onIncomingCall: () => undefined };
    const asyncHandler: CallHandler = { async onIncomingCall(call) { await call.reject(486, 'Busy'); } };
    void [handler, deferring, asyncHandler];
  });

  it('IncomingCall decisions and CallSession operations are typed', () => {
    expectTypeOf<IncomingCall['answer']>().returns.toEqualTypeOf<Promise<CallSession>>();
    expectTypeOf<IncomingCall['reject']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<IncomingCall['session']>().toEqualTypeOf<CallSession>();
    expectTypeOf<CallSession['state']>().toEqualTypeOf<SessionState>();
    expectTypeOf<CallSession['answered']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<CallSession['ended']>().returns.toEqualTypeOf<Promise<EndReason>>();
    expectTypeOf<CallSession['play']>().parameter(0).toEqualTypeOf<AudioSource | string>();
    expectTypeOf<CallSession['record']>().parameter(0).toEqualTypeOf<string | AudioSink>();
    expectTypeOf<CallSession['record']>().returns.toEqualTypeOf<Promise<Recording>>();
    expectTypeOf<CallSession['stats']>().returns.toEqualTypeOf<CallStats>();
    expectTypeOf<CallSession['transfer']>().parameter(0).toEqualTypeOf<string | CallSession>();
    expectTypeOf(new ToneSource({ frequency: 440 })).toMatchTypeOf<AudioSource>();
    expectTypeOf(new WavRecorderSink('/tmp/x.wav')).toMatchTypeOf<AudioSink>();
  });

  it('session events carry typed arguments', () => {
    type On = CallSession['on'];
    expectTypeOf<Parameters<On>[0]>().toEqualTypeOf<'state' | 'ended' | 'media' | 'dtmf' | 'early-media' | 'transfer' | 'hold' | 'resume' | 'quality' | 'media-timeout'>();
    const listen = (s: CallSession): void => {
      s.on('state', (change) => expectTypeOf(change.to).toEqualTypeOf<SessionState>());
      s.on('ended', (reason) => expectTypeOf(reason).toEqualTypeOf<EndReason>());
      s.on('dtmf', (event) => expectTypeOf(event.digit).toEqualTypeOf<string>());
      // @ts-expect-error no such event
      s.on('bogus', () => undefined);
    };
    void listen;
  });

  it('every error class is a SiplineError with a literal code', () => {
    expectTypeOf<ConfigError['code']>().toEqualTypeOf<'ERR_INVALID_CONFIG'>();
    expectTypeOf<CallFailedError['code']>().toEqualTypeOf<'ERR_CALL_FAILED'>();
    expectTypeOf<NotSupportedError['code']>().toEqualTypeOf<'ERR_NOT_SUPPORTED'>();
    expectTypeOf<InvalidStateError['code']>().toEqualTypeOf<'ERR_INVALID_STATE'>();
    expectTypeOf<InvalidArgumentError['code']>().toEqualTypeOf<'ERR_INVALID_ARGUMENT'>();
    expectTypeOf<CallFailedError['reason']>().toEqualTypeOf<EndReason>();
    expect(new NotSupportedError('hold')).toBeInstanceOf(SiplineError);
  });

  it('transfer resolves with a typed result and an incoming REFER reaches onTransferRequest', () => {
    expectTypeOf<CallSession['transfer']>().returns.toEqualTypeOf<Promise<root.TransferResult>>();
    expectTypeOf<root.TransferResult['outcome']>().toEqualTypeOf<'succeeded' | 'failed' | 'accepted'>();
    expectTypeOf<root.TransferProgressEvent['type']>().toEqualTypeOf<'accepted' | 'progress' | 'succeeded' | 'failed'>();
    expectTypeOf<Parameters<NonNullable<CallHandler['onTransferRequest']>>[1]>().toEqualTypeOf<root.TransferRequest>();
    const listen = (s: CallSession): void => {
      s.on('transfer', (event) => expectTypeOf(event.status).toEqualTypeOf<number>());
    };
    void listen;
    expect(typeof root.TransferRequest).toBe('function');
  });

  it('the root exports no internal layer classes', () => {
    const names = Object.keys(root);
    for (const internal of ['SessionEngine', 'Session', 'UserAgentCore', 'TransactionLayer', 'TransportLayer', 'RtpSession', 'SessionStateMachine']) {
      expect(names).not.toContain(internal);
    }
    expect(names).toContain('SessionManager');
    expect(SessionState.Connected).toBe('connected');
  });
});
