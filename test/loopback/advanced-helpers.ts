/**
 * Helpers of the advanced loopback tests: endpoints of our own (one SessionManager each on
 * 127.0.0.1) that answer, send a tone and keep what they hear in memory, and tone analysis.
 */
import { toneRatio } from '../../src/media/index.js';
import { ToneSource } from '../../src/index.js';
import type { AudioSink, CallSession, CodecNameInput, SessionManager } from '../../src/index.js';
import { localManager, waitFor } from './api-helpers.js';

/** An AudioSink that keeps the last `maxSeconds` of audio in memory. */
export class CollectSink implements AudioSink {
  readonly #chunks: Int16Array[] = [];
  #samples = 0;
  #rate = 8000;
  closed = false;
  constructor(readonly maxSeconds = 10) {}
  write(frame: Int16Array, sampleRate: number): void {
    this.#rate = sampleRate;
    this.#chunks.push(frame.slice());
    this.#samples += frame.length;
    while (this.#samples > this.maxSeconds * sampleRate && this.#chunks.length > 1) this.#samples -= this.#chunks.shift()!.length;
  }
  async close(): Promise<void> { this.closed = true; }
  get sampleRate(): number { return this.#rate; }
  get samples(): number { return this.#samples; }
  /** The last `ms` of audio. */
  last(ms: number): Int16Array {
    const want = Math.round((ms * this.#rate) / 1000);
    const all = new Int16Array(this.#samples);
    let o = 0;
    for (const c of this.#chunks) { all.set(c, o); o += c.length; }
    return all.subarray(Math.max(0, all.length - want));
  }
  /**
   * Share of the power at `freq` (0-1) in the last `ms`, averaged over 100 ms blocks: one long
   * Goertzel window would let a phase jump of the tone (a frame dropped or repeated by jitter)
   * cancel the tone against itself.
   */
  ratio(freq: number, ms = 600): number {
    const pcm = this.last(ms);
    const block = Math.round(this.#rate / 10);
    let sum = 0;
    let n = 0;
    for (let i = 0; i + block <= pcm.length; i += block) {
      sum += toneRatio(pcm.subarray(i, i + block), this.#rate, freq);
      n++;
    }
    return n === 0 ? 0 : sum / n;
  }
}

/** An endpoint: answers every call, plays its tone, records what it hears, keeps DTMF digits. */
export interface Endpoint {
  readonly manager: SessionManager;
  readonly heard: CollectSink;
  readonly digits: string[];
  /** The endpoint's side of the call, once one arrived. */
  session(): Promise<CallSession>;
  uri(user?: string): string;
}

/** Start an endpoint that answers with `codecs` and sends a sine at `frequency` (0: silence). */
export async function endpoint(frequency: number, codecs?: readonly CodecNameInput[]): Promise<Endpoint> {
  const manager = await localManager(codecs === undefined ? {} : { media: { codecs } });
  const heard = new CollectSink();
  const digits: string[] = [];
  let resolve!: (s: CallSession) => void;
  const ready = new Promise<CallSession>((r) => { resolve = r; });
  manager.setCallHandler({
    async onIncomingCall(call) {
      const s = await call.answer();
      s.on('dtmf', (e) => digits.push(e.digit));
      await s.record(heard);
      if (frequency > 0) void s.play(new ToneSource({ frequency, amplitude: 6000 })).catch(() => undefined);
      resolve(s);
    },
  });
  return { manager, heard, digits, session: () => ready, uri: (user = 'ep') => manager.uri(user) };
}

/** Call `ep` from `hub` (with `codecs`), wait for the answer and for media on both sides. */
export async function dial(hub: SessionManager, ep: Endpoint, codecs?: readonly CodecNameInput[]): Promise<CallSession> {
  const s = await hub.makeCall(ep.uri(), codecs === undefined ? {} : { codecs });
  await s.answered();
  await ep.session();
  await waitFor(() => s.stats().codec !== undefined, 3000);
  return s;
}

export { sleep, waitFor } from './api-helpers.js';
