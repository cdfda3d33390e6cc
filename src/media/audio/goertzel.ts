/**
 * Tone detection helpers based on the Goertzel algorithm (G. Goertzel, "An
 * Algorithm for the Evaluation of Finite Trigonometric Series", 1958): the power
 * of one DFT bin in O(n) without an FFT. Used by tests to recognise tones after
 * coding and transport, and usable for simple tone detection at run time.
 *
 * @packageDocumentation
 */

/**
 * Power of `samples` at `freq` Hz, normalised so that a full-period sine of
 * amplitude A yields about A²/4 regardless of the number of samples (the squared
 * magnitude of the DFT bin divided by n²). Non-integer bin frequencies are allowed.
 */
export function goertzelPower(samples: ArrayLike<number>, sampleRate: number, freq: number): number {
  const n = samples.length;
  if (n === 0) return 0;
  const w = (2 * Math.PI * freq) / sampleRate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = samples[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return power / (n * n);
}

/** Mean power of `samples` (mean of squares); a sine of amplitude A gives A²/2. */
export function signalPower(samples: ArrayLike<number>): number {
  const n = samples.length;
  if (n === 0) return 0;
  let acc = 0;
  for (let i = 0; i < n; i++) acc += samples[i] * samples[i];
  return acc / n;
}

/**
 * The frequency among `candidates` (or, when omitted, a grid from `step` Hz up to
 * just below Nyquist) with the largest Goertzel power.
 */
export function dominantFrequency(
  samples: ArrayLike<number>,
  sampleRate: number,
  candidates?: readonly number[],
  step = 50,
): number {
  const grid: number[] = [];
  if (candidates !== undefined) grid.push(...candidates);
  else for (let f = step; f < sampleRate / 2; f += step) grid.push(f);
  let best = grid[0] ?? 0;
  let bestPower = -1;
  for (const f of grid) {
    const p = goertzelPower(samples, sampleRate, f);
    if (p > bestPower) {
      bestPower = p;
      best = f;
    }
  }
  return best;
}

/**
 * How strongly `freq` dominates the signal: the tone's share of the total power,
 * `2 * goertzelPower / signalPower` (1 for a pure tone on a whole number of
 * periods, near 0 when the tone is absent).
 */
export function toneRatio(samples: ArrayLike<number>, sampleRate: number, freq: number): number {
  const total = signalPower(samples);
  return total === 0 ? 0 : (2 * goertzelPower(samples, sampleRate, freq)) / total;
}
