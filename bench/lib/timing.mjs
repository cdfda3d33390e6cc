// Throughput measurement shared by the benchmarks: warm-up, then several
// timed rounds per contender, interleaved so that a burst of noise from other
// processes on the machine hits every contender alike; the figure reported is
// the median round.
//
// Each round is timed twice: by the wall clock, and by the CPU time the
// process consumed (process.cpuUsage(): user + system, all threads, so the
// garbage collector's helper threads count against the code that made the
// garbage). On an idle machine the two agree within a few percent; on a
// shared machine (CI, several jobs on two cores) the wall clock also counts the
// time the process sat waiting for a core, and only CPU time stays comparable
// between runs.

/**
 * Runs `fn(i)` with i = 0, 1, 2, ... for about `ms` milliseconds of wall time
 * and returns operations per second by wall clock and by CPU time. `fn`
 * returns a number derived from its work; the numbers are summed and checked
 * so the optimiser cannot drop the work. Clocks are read every `batch` calls
 * only, so reading them costs nothing measurable.
 *
 * @param {(i: number) => number} fn
 * @param {number} ms
 * @param {number} [batch]
 * @returns {{ wall: number, cpu: number }}
 */
export function opsPerSecond(fn, ms, batch = 256) {
  const budget = BigInt(Math.round(ms * 1e6));
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  let n = 0;
  let elapsed = 0n;
  let sink = 0;
  do {
    for (let k = 0; k < batch; k++) {
      sink += fn(n++);
    }
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < budget);
  const cpu = process.cpuUsage(cpu0);
  if (Number.isNaN(sink)) throw new Error('benchmark function returned a non-number');
  return { wall: n / (Number(elapsed) / 1e9), cpu: n / ((cpu.user + cpu.system) / 1e6) };
}

/**
 * Median of a non-empty list of numbers.
 *
 * @param {readonly number[]} xs
 * @returns {number}
 */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Measures every contender: one warm-up round each (not recorded), then
 * `rounds` rounds each, interleaved (A B C A B C ...), with a garbage
 * collection before every round when node runs with --expose-gc.
 *
 * @param {ReadonlyArray<{ name: string, fn: (i: number) => number }>} contenders
 * @param {{ rounds?: number, roundMs?: number, warmupMs?: number, log?: (line: string) => void }} [options]
 * @returns {Array<{ name: string, cpu: number, wall: number, rounds: Array<{ wall: number, cpu: number }> }>}
 *   `cpu` and `wall`: median operations per second by CPU time and by wall clock
 */
export function measure(contenders, options = {}) {
  const { rounds = 5, roundMs = 1500, warmupMs = 1000, log = () => {} } = options;
  const gc = globalThis.gc ?? (() => {});
  for (const c of contenders) {
    gc();
    opsPerSecond(c.fn, warmupMs);
    log(`warmed up ${c.name}`);
  }
  const samples = contenders.map(() => []);
  for (let r = 0; r < rounds; r++) {
    contenders.forEach((c, i) => {
      gc();
      samples[i].push(opsPerSecond(c.fn, roundMs));
    });
    log(`round ${r + 1}/${rounds}: ` + contenders.map((c, i) => `${c.name} ${Math.round(samples[i][r].cpu)}/s cpu, ${Math.round(samples[i][r].wall)}/s wall`).join('; '));
  }
  return contenders.map((c, i) => ({
    name: c.name,
    cpu: median(samples[i].map((s) => s.cpu)),
    wall: median(samples[i].map((s) => s.wall)),
    rounds: samples[i],
  }));
}
