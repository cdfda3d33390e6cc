import { InvalidStateError } from '../../util/index.js';
import { SampleFifo } from './sample-fifo.js';
import { createResampler } from './sinc-resampler.js';
import type { Resampler } from './resample.js';

/**
 * Turns a stream of PCM at one rate into exact frames at another rate: feeds a
 * resampler (chosen by `createResampler`) and queues its variable-length output.
 * Internal helper of sources and sinks.
 */
export class RateAdapter {
  readonly inputRate: number;
  #resampler: Resampler | undefined;
  #outputRate = 0;
  readonly #out = new SampleFifo();
  #scratch = new Int16Array(0);

  /** @param inputRate - Hz of the samples given to {@link RateAdapter.feed} */
  constructor(inputRate: number) {
    this.inputRate = inputRate;
  }

  /** Samples ready at the current output rate. */
  get available(): number {
    return this.#out.length;
  }

  /** Select the output rate; a change starts a fresh resampler and drops converted leftovers. */
  setOutputRate(rate: number): void {
    if (rate === this.#outputRate) return;
    this.#outputRate = rate;
    this.#resampler = createResampler(this.inputRate, rate);
    this.#out.clear();
  }

  /** Convert input samples and queue the result. */
  feed(input: Int16Array): void {
    const r = this.#resampler;
    if (r === undefined) throw new InvalidStateError('RateAdapter: output rate not set');
    const max = r.maxOutput(input.length);
    if (this.#scratch.length < max) this.#scratch = new Int16Array(max);
    const n = r.processInto(input, this.#scratch);
    this.#out.push(this.#scratch.subarray(0, n));
  }

  /** Move up to `count` converted samples into `out`. */
  pullInto(out: Int16Array, count = out.length): number {
    return this.#out.pullInto(out, count);
  }
}
