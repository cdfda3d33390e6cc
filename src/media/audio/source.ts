/**
 * The audio interfaces between applications and the media engine.
 *
 * Sources are pulled: the media engine's frame pacer asks for exactly one frame
 * of the size and rate its codec needs every packetisation interval (RFC 3551
 * §4.2: 20 ms by default), so a source never has to know about timing, never
 * buffers ahead, and cannot overrun the sender. Sinks are pushed one decoded
 * frame at a time, at the rate of the codec that produced it.
 *
 * @packageDocumentation
 */

/** Something the media engine can play into a call: tones, files, application PCM. */
export interface AudioSource {
  /** The source's own sample rate, Hz (informational; `read` converts to any rate). */
  readonly sampleRate: number;
  /**
   * The next frame: exactly `frameSamples` 16-bit mono samples at `sampleRate` Hz,
   * or `null` once the source has ended (a partial last frame is padded with
   * silence). Called once per packetisation interval by the pacer.
   */
  read(frameSamples: number, sampleRate: number): Int16Array | null;
  /** Release resources; later reads return `null`. */
  close(): void;
}

/** Something the media engine can deliver received audio to: a recorder, an application stream. */
export interface AudioSink {
  /** Deliver one frame of 16-bit mono PCM at `sampleRate` Hz. Must not block. */
  write(frame: Int16Array, sampleRate: number): void;
  /** No more frames; flushes and releases resources. */
  close(): Promise<void>;
}
