/**
 * Early media through a B2BUA: when the B-leg's 18x carries SDP (RFC 3960 early media, e.g. a
 * ringback tone or an announcement), the A-leg gets a 183 with SDP and hears what the B-leg
 * receives, until the B-leg answers or fails.
 *
 * @module
 * @internal
 */
import createDebug from 'debug';
import { PcmStreamSource, engineSessionOf } from '../api/index.js';
import type { AudioSink, CallSession, IncomingCall, Recording } from '../api/index.js';
import { mediaTapOf } from '../session/index.js';

const debug = createDebug('sipline:advanced');

/** A running early-media relay. @internal */
export interface EarlyMediaRelay {
  /** Stop it: the B-leg is no longer recorded, the A-leg plays nothing (the bridge takes over). */
  stop(): Promise<void>;
}

/**
 * Play to the caller (`a`, still ringing) what the B-leg (`b`) receives as early media.
 * @returns the relay, or `undefined` when the caller cannot get early media (already decided)
 */
export async function relayEarlyMedia(a: IncomingCall, b: CallSession): Promise<EarlyMediaRelay | undefined> {
  if (a.decision !== 'pending') return undefined;
  const engine = engineSessionOf(b);
  const rate = (engine === undefined ? undefined : mediaTapOf(engine)?.codec?.sampleRate) ?? 8000;
  const source = new PcmStreamSource({ sampleRate: rate, maxBufferMs: 200 });
  const sink: AudioSink = {
    write: (frame, sampleRate) => { if (sampleRate === rate) source.push(frame); },
    close: async () => undefined,
  };
  let recording: Recording;
  try {
    recording = await b.record(sink);
    await a.ring({ earlyMedia: source });
  } catch (err) {
    debug('%s: early media not relayed: %O', a.session.id, err);
    source.close();
    return undefined;
  }
  return {
    stop: async () => {
      await recording.stop().catch(() => undefined);
      a.session.stopPlaying();
      source.close();
    },
  };
}
