import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CallSession } from '../../../src/api/call-session.js';
import { NotSupportedError } from '../../../src/api/errors.js';
import { SessionState } from '../../../src/session/index.js';
import { PcmStreamSource, ToneSource, readWav } from '../../../src/media/index.js';
import { InvalidArgumentError, InvalidStateError } from '../../../src/util/index.js';
import { FakeCall } from './fake-engine.js';

const noHooks = { listenerError: () => undefined };

function connected(): { call: FakeCall; session: CallSession } {
  const call = new FakeCall('outgoing');
  const session = new CallSession(call, noHooks);
  call.machine.transition(SessionState.Dialing, 'invite-sent');
  call.machine.transition(SessionState.Connected, 'answered', { status: 200 });
  call.emitMedia({ type: 'started', codec: 'PCMU' });
  return { call, session };
}

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('CallSession', () => {
  it('reflects the engine call: id, direction, parties, state', () => {
    const { call, session } = connected();
    expect(session.id).toBe(call.id);
    expect(session.direction).toBe('outgoing');
    expect(session.callId).toBe(call.callId);
    expect(session.remote.displayName).toBe('Remote');
    expect(session.state).toBe('connected');
    expect(session.answeredAt).toBeTypeOf('number');
  });

  it('emits state and then ended once with the reason', async () => {
    const { call, session } = connected();
    const seen: string[] = [];
    session.on('state', (c) => seen.push(`${c.from}->${c.to}:${c.reason}`));
    session.on('ended', (reason) => seen.push(`ended:${reason}`));
    call.machine.transition(SessionState.Terminated, 'remote-hangup');
    expect(seen).toEqual(['connected->terminated:remote-hangup', 'ended:remote-hangup']);
    expect(await session.ended()).toBe('remote-hangup');
  });

  it('reports a throwing listener instead of breaking the session', () => {
    const call = new FakeCall('incoming');
    const errors: unknown[] = [];
    const session = new CallSession(call, { listenerError: (err) => errors.push(err) });
    session.on('state', () => { throw new Error('listener'); });
    call.machine.transition(SessionState.Ringing, 'invite-received');
    expect(call.state).toBe('ringing');
    expect(errors).toHaveLength(1);
  });

  it('forwards dtmf and media events', () => {
    const { call, session } = connected();
    const seen: unknown[] = [];
    session.on('dtmf', (e) => seen.push(e.digit));
    session.on('media', (e) => seen.push(e.type));
    call.emitDtmf({ digit: '#', durationMs: 80, method: 'rfc4733' });
    call.emitMedia({ type: 'stopped', codec: 'PCMU' });
    expect(seen).toEqual(['#', 'stopped']);
  });

  it('refuses every operation after the end with InvalidStateError and changes nothing', async () => {
    const { call, session } = connected();
    call.machine.transition(SessionState.Terminated, 'remote-hangup');
    await expect(session.hangup()).rejects.toBeInstanceOf(InvalidStateError);
    await expect(session.play(new ToneSource({ frequency: 440 }))).rejects.toBeInstanceOf(InvalidStateError);
    await expect(session.record(new (class { write(): void {} async close(): Promise<void> {} })())).rejects.toBeInstanceOf(InvalidStateError);
    expect(() => session.receiveAudio()).toThrow(InvalidStateError);
    expect(() => session.sendAudio()).toThrow(InvalidStateError);
    await expect(session.sendDtmf('1')).rejects.toBeInstanceOf(InvalidStateError);
    expect(call.hangups).toEqual([]);
    expect(call.played).toEqual([]);
    expect(call.sinks.size).toBe(0);
  });

  it('refuses hold while ringing with InvalidStateError, and reports hold as not supported once connected', async () => {
    const call = new FakeCall('outgoing');
    const session = new CallSession(call, noHooks);
    call.machine.transition(SessionState.Dialing, 'invite-sent');
    const early = await session.hold().catch((e: unknown) => e);
    expect(early).toBeInstanceOf(InvalidStateError);
    call.machine.transition(SessionState.Connected, 'answered');
    for (const op of [() => session.hold(), () => session.transfer('sip:carol@127.0.0.1'), () => session.mute(), () => session.unmute()]) {
      const err = await op().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotSupportedError);
      expect(err).toMatchObject({ code: 'ERR_NOT_SUPPORTED' });
    }
    await expect(session.resume()).rejects.toBeInstanceOf(InvalidStateError);
    const other = connected().session;
    await expect(session.transfer(other)).rejects.toMatchObject({ code: 'ERR_NOT_SUPPORTED', feature: 'attended transfer' });
    await expect(session.transfer(session)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(session.transfer('carol@example.com')).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(session.state).toBe('connected');
  });

  it('sends DTMF through the engine when it can, validating the digits', async () => {
    const { call, session } = connected();
    await expect(session.sendDtmf('12')).rejects.toBeInstanceOf(NotSupportedError);
    call.sendDtmf = async (digits) => { call.dtmfSent.push(digits); };
    await session.sendDtmf('12#a');
    expect(call.dtmfSent).toEqual(['12#A']);
    await expect(session.sendDtmf('1x')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(session.sendDtmf('')).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('holds DTMF sent right after the answer until media has started', async () => {
    const call = new FakeCall('outgoing');
    const session = new CallSession(call, noHooks);
    call.machine.transition(SessionState.Dialing, 'invite-sent');
    call.machine.transition(SessionState.Connected, 'answered');
    call.sendDtmf = async (digits) => { call.dtmfSent.push(digits); };
    const sent = session.sendDtmf('9');
    await new Promise((r) => setTimeout(r, 10));
    expect(call.dtmfSent).toEqual([]);
    call.emitMedia({ type: 'started', codec: 'PCMU' });
    await sent;
    expect(call.dtmfSent).toEqual(['9']);
  });

  it('hangs up through the engine and resolves once terminated', async () => {
    const { call, session } = connected();
    await session.hangup();
    expect(call.hangups).toEqual([undefined]);
    expect(session.state).toBe('terminated');
    expect(session.endReason).toBe('local-hangup');
  });

  it('records to a WAV path and finalises the file when the call ends', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sipline-api-'));
    const path = join(dir, 'rec.wav');
    const { call, session } = connected();
    const rec = await session.record(path);
    expect(call.sinks.size).toBe(1);
    const frame = new Int16Array(160).fill(1000);
    for (const sink of call.sinks) sink.write(frame, 8000);
    await call.end('remote-hangup');
    await rec.finished;
    expect(call.sinks.size).toBe(0);
    const wav = readWav(await readFile(path));
    expect(wav.sampleRate).toBe(8000);
    expect(wav.samples.length).toBe(160);
    expect(wav.samples[10]).toBe(1000);
  });

  it('stops a recording on request and detaches its sink', async () => {
    const { call, session } = connected();
    let closed = 0;
    const rec = await session.record({ write: () => undefined, close: async () => { closed++; } });
    await rec.stop();
    await rec.stop();
    expect(closed).toBe(1);
    expect(call.sinks.size).toBe(0);
  });

  it('plays a source and gives application PCM streams in and out', async () => {
    const { call, session } = connected();
    const tone = new ToneSource({ frequency: 440 });
    await session.play(tone);
    const out = session.sendAudio();
    expect(out).toBeInstanceOf(PcmStreamSource);
    expect(call.played).toEqual([tone, out]);
    const readable = session.receiveAudio();
    for (const sink of call.sinks) sink.write(new Int16Array(160).fill(7), 8000);
    const chunk = (await new Promise((r) => readable.once('data', r))) as Int16Array;
    expect(chunk[0]).toBe(7);
    await expect(session.play({} as never)).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
