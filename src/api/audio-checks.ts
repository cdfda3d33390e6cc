/**
 * Argument checks for audio sources and sinks, and a sink wrapper that closes once.
 *
 * @module
 * @internal
 */
import type { AudioSink, AudioSource } from '../session/index.js';
import { InvalidArgumentError } from '../util/index.js';

/** Wraps a sink so that however many parties close it, it is closed once and all wait for that. @internal */
export class OnceClosingSink implements AudioSink {
  readonly #sink: AudioSink;
  #closing: Promise<void> | undefined;
  readonly closed: Promise<void>;
  #resolveClosed!: () => void;

  constructor(sink: AudioSink) {
    this.#sink = sink;
    this.closed = new Promise((resolve) => { this.#resolveClosed = resolve; });
  }

  write(frame: Int16Array, sampleRate: number): void {
    if (this.#closing === undefined) this.#sink.write(frame, sampleRate);
  }

  close(): Promise<void> {
    this.#closing ??= this.#sink.close().finally(() => this.#resolveClosed());
    return this.#closing;
  }
}

/** @throws InvalidArgumentError unless `source` looks like an AudioSource. @internal */
export function checkSource(source: AudioSource): AudioSource {
  if (source === null || typeof source !== 'object' || typeof source.read !== 'function') {
    throw new InvalidArgumentError('source', 'must be an AudioSource (read/close) or a WAV file path');
  }
  return source;
}

/** @throws InvalidArgumentError unless `sink` looks like an AudioSink. @internal */
export function checkSink(sink: AudioSink): AudioSink {
  if (sink === null || typeof sink !== 'object' || typeof sink.write !== 'function' || typeof sink.close !== 'function') {
    throw new InvalidArgumentError('destination', 'must be an AudioSink (write/close) or a WAV file path');
  }
  return sink;
}
