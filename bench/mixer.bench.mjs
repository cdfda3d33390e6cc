#!/usr/bin/env node
// Issue 7 benchmark: audio mixer capacity.
//
// Two contenders, measured in the same process and run, interleaved:
//   - "sipline AudioMixer": the real thing. Every participant's sink is written one 20 ms tone
//     frame per tick (as a session's receive path would), the mixer mixes on its own 20 ms
//     FramePacer tick (input queues, fades, talker detection, mix-minus, output queues), and every
//     participant's source is read one frame per tick (as a session's pacer would).
//   - "naive loop": the floor. A plain JS loop per conference per tick that sums N preallocated
//     Int16Array frames into an Int32Array and writes N clamped "total minus own" outputs into
//     preallocated arrays: no queues, no resampling, no detection, no fades, no allocation. It is
//     ticked by the same FramePacer, so timer machinery costs both the same.
//
// Figures:
//   1. CPU per mixing tick (µs, median of interleaved rounds, by process CPU time) for 3, 10, 100
//      participants at 8 kHz and 3, 10 at 16 kHz, driven by mixOnce() in a tight loop.
//   2. Real time, own 20 ms ticks on the real clock, 8 kHz room: (a) the largest single conference
//      and (b) the most simultaneous 3-party conferences with under 1% late ticks (a tick more than
//      20 ms, the queues' jitter cushion, behind its ideal instant, or skipped), stepping the size up
//      (a size passes when one of up to three trials passes; two bisection steps refine the figure; the
//      search is capped). Plus a CPU-bound projection per core from figure 1 (mixing work only),
//      which stays meaningful when other jobs share the machine.
// Run: `npm run bench mixer` (builds first) or `node --expose-gc bench/mixer.bench.mjs` after a build.
import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { writeDocSection } from './lib/doc-section.mjs';
import { machineFacts } from './lib/machine.mjs';
import { formatRatio, markdownTable } from './lib/table.mjs';
import { measure } from './lib/timing.mjs';

const { AudioMixer, FramePacer } = await import('../dist/media/index.js');

const TRIAL_MS = Number(process.env.MIXER_BENCH_TRIAL_MS ?? 4000);
/** Time budget of each of the four searches (two shapes x two contenders). */
const BUDGET_MS = Number(process.env.MIXER_BENCH_BUDGET_MS ?? 120_000);
const LATE_LIMIT = 0.01;
const SETTLE_MS = 1000;
const LATE_MS = 20; // one frame: the jitter cushion every mixer queue holds by default
const FRAME_MS = 20;
const STEPS_SINGLE = [25, 50, 100, 200, 400, 800, 1200, 1600, 2400, 3200, 4800, 6400, 9600];
const STEPS_ROOMS = [25, 50, 100, 200, 300, 400, 600, 800, 1200, 1600, 2400, 3200, 4800, 6400, 9600];
const FREQS = [440, 880, 1320, 660, 1100, 550, 990];
const gc = globalThis.gc ?? (() => {});
const began = Date.now();

/** One second (50 frames) of a tone, so cycling the frames is seamless for these frequencies. */
function toneFrames(freq, rate) {
  const n = (rate * FRAME_MS) / 1000;
  return Array.from({ length: 1000 / FRAME_MS }, (_, k) =>
    Int16Array.from({ length: n }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * freq * (k * n + i)) / rate))));
}
const TONES = { 8000: FREQS.map((f) => toneFrames(f, 8000)), 16000: FREQS.map((f) => toneFrames(f, 16000)) };

// ------------------------------------------------------------------ contenders

/** A sipline conference of `n` participants. */
class MixerRoom {
  constructor(n, rate) {
    this.rate = rate;
    this.frame = (rate * FRAME_MS) / 1000;
    this.mixer = new AudioMixer({ sampleRate: rate, lateThresholdMs: LATE_MS });
    this.parts = Array.from({ length: n }, (_, i) => this.mixer.addParticipant(`p${i}`));
    this.tones = this.parts.map((_, i) => TONES[rate][i % FREQS.length]);
    this.k = 0;
  }
  feed() {
    const k = this.k++ % 50;
    for (let i = 0; i < this.parts.length; i++) this.parts[i].sink.write(this.tones[i][k], this.rate);
  }
  read() {
    let s = 0;
    for (let i = 0; i < this.parts.length; i++) s += this.parts[i].source.read(this.frame, this.rate)[7];
    return s;
  }
  /** Feed, mix, read: one tick's whole work (used by the CPU figure). */
  tick() {
    this.feed();
    this.mixer.mixOnce();
    return this.read();
  }
  start() { this.mixer.start(); }
  stop() { this.mixer.stop(); }
  late() {
    const s = this.mixer.stats;
    return { ticks: s.ticks + s.skippedTicks, late: s.lateTicks };
  }
  close() { this.mixer.close(); }
}

/** The naive floor: sum N frames, write N clamped total-minus-own frames. */
class LoopRoom {
  constructor(n, rate) {
    this.frame = (rate * FRAME_MS) / 1000;
    this.tones = Array.from({ length: n }, (_, i) => TONES[rate][i % FREQS.length]);
    this.total = new Int32Array(this.frame);
    this.outs = Array.from({ length: n }, () => new Int16Array(this.frame));
    this.k = 0;
    this.pacer = undefined;
    this.ticks = 0;
    this.lateTicks = 0;
  }
  tick() {
    const k = this.k++ % 50;
    const F = this.frame;
    const total = this.total;
    total.fill(0);
    const n = this.tones.length;
    for (let p = 0; p < n; p++) {
      const x = this.tones[p][k];
      for (let i = 0; i < F; i++) total[i] += x[i];
    }
    for (let p = 0; p < n; p++) {
      const x = this.tones[p][k];
      const o = this.outs[p];
      for (let i = 0; i < F; i++) {
        const v = total[i] - x[i];
        o[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
    }
    return this.outs[0][7];
  }
  feed() {}
  read() { return 0; }
  start() {
    const pacer = new FramePacer({ intervalMs: FRAME_MS });
    this.pacer = pacer;
    let t0 = 0;
    pacer.start((n) => {
      if (performance.now() - (t0 + (n + 1) * FRAME_MS) > LATE_MS) this.lateTicks++;
      this.ticks++;
      this.tick();
    });
    t0 = performance.now();
  }
  stop() { this.pacer?.stop(); }
  late() { return { ticks: this.ticks + (this.pacer?.skipped ?? 0), late: this.lateTicks + (this.pacer?.skipped ?? 0) }; }
  close() { this.stop(); }
}

const KINDS = { mixer: { label: 'sipline AudioMixer', Room: MixerRoom }, loop: { label: 'naive loop', Room: LoopRoom } };

// ------------------------------------------------------------------ 1. CPU per tick

function cpuPerTick() {
  const cases = [[8000, 3], [8000, 10], [8000, 100], [16000, 3], [16000, 10]];
  const contenders = [];
  for (const [rate, n] of cases) {
    for (const kind of ['mixer', 'loop']) {
      const room = new KINDS[kind].Room(n, rate);
      contenders.push({ name: `${kind} ${rate} ${n}`, kind, rate, n, fn: () => room.tick() });
    }
  }
  const results = measure(contenders, { rounds: 3, roundMs: 600, warmupMs: 300, log: (l) => console.log(`  ${l}`) });
  return cases.map(([rate, n]) => {
    const m = results.find((r) => r.name === `mixer ${rate} ${n}`);
    const l = results.find((r) => r.name === `loop ${rate} ${n}`);
    return { rate, n, mixerUs: 1e6 / m.cpu, loopUs: 1e6 / l.cpu };
  });
}

// ------------------------------------------------------------------ 2. real time

/** Run `rooms` conferences of `size` participants on their own ticks for TRIAL_MS. */
async function trial(kind, rooms, size, ms = TRIAL_MS) {
  gc();
  const { Room } = KINDS[kind];
  const list = Array.from({ length: rooms }, () => new Room(size, 8000));
  // Prime the inputs so the first ticks have audio, then start everything.
  for (const r of list) { r.feed(); r.feed(); }
  for (const r of list) r.start();
  // The sessions' side: one pacer writes every input, one reads every output, each 20 ms.
  const feeder = new FramePacer({ intervalMs: FRAME_MS });
  const reader = new FramePacer({ intervalMs: FRAME_MS });
  let sink = 0;
  if (kind === 'mixer') {
    feeder.start(() => { for (const r of list) r.feed(); });
    reader.start(() => { for (const r of list) sink += r.read(); });
  }
  // Settle for a second (JIT, the first collections after building the rooms), then measure.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const base = list.map((r) => r.late());
  await probeCall('reset');
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const wall0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  feeder.stop();
  reader.stop();
  for (const r of list) r.stop();
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0).utilization;
  const wallS = (performance.now() - wall0) / 1000;
  const noise = await probeCall('report');
  let ticks = 0;
  let late = 0;
  list.forEach((r, i) => {
    const s = r.late();
    ticks += s.ticks - base[i].ticks;
    late += s.late - base[i].late;
  });
  for (const r of list) r.close();
  if (Number.isNaN(sink)) throw new Error('lost the output');
  const lateRatio = ticks === 0 ? 1 : late / ticks;
  const expected = rooms * (wallS * 1000 / FRAME_MS);
  // Ticks that never happened at all (a starved event loop) count as late too.
  const missing = Math.max(0, expected - ticks - rooms * 2);
  const ratio = Math.min(1, (late + missing) / Math.max(1, expected));
  const cpuUsPerTick = (cpu.user + cpu.system) / Math.max(1, ticks);
  const probeLate = noise.ticks ? noise.late / noise.ticks : 1;
  const r = { kind, rooms, size, ticks, late, lateRatio: Math.max(lateRatio, ratio), cpuUsPerTick, cpuLoad: (cpu.user + cpu.system) / 1e6 / wallS, elu, probeLate };
  r.pass = r.lateRatio < LATE_LIMIT;
  r.noisy = !r.pass && probeLate >= LATE_LIMIT;
  console.log(`  ${KINDS[kind].label}: ${rooms} x ${size}: ${ticks} ticks, ${(r.lateRatio * 100).toFixed(2)}% late, ` +
    `${r.cpuUsPerTick.toFixed(1)} µs CPU/conference-tick, CPU ${(r.cpuLoad * 100).toFixed(0)}%, loop busy ${(elu * 100).toFixed(0)}%, ` +
    `probe ${(probeLate * 100).toFixed(2)}% late: ${r.pass ? 'pass' : r.noisy ? 'inconclusive (machine noise)' : 'FAIL'}`);
  await new Promise((resolve) => setTimeout(resolve, 200));
  return r;
}

/**
 * Step up `steps` (conference count or size via `shape`) until the late limit is exceeded.
 * A size passes when any of up to three trials passes: other jobs on the machine can only add
 * late ticks, never remove them, so the best of three is the closest to the mixer's own limit.
 * After the failure two bisection steps refine the figure.
 */
async function search(kind, steps, shape, rows) {
  const began = Date.now();
  let best = 0;
  let failAt = 0;
  let why = `cap (${steps[steps.length - 1]}) reached`;
  const attempt = async (x) => {
    let r;
    for (let i = 0; i < 3; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 1000));
      r = await trial(kind, ...shape(x));
      rows.push(r);
      if (r.pass || Date.now() - began > BUDGET_MS) break;
    }
    return r;
  };
  for (const x of steps) {
    if (Date.now() - began > BUDGET_MS) { why = 'time budget'; break; }
    const r = await attempt(x);
    if (r.pass) best = x;
    else {
      failAt = x;
      why = r.noisy ? 'over 1% late, idle probe late too (machine noise)' : `over 1% late, probe on time (event loop ${(r.elu * 100).toFixed(0)}% busy)`;
      break;
    }
  }
  for (let i = 0; i < 2 && failAt > 0 && failAt - best > Math.max(2, best / 16); i++) {
    if (Date.now() - began > BUDGET_MS) break;
    const mid = Math.round((best + failAt) / 2);
    const r = await attempt(mid);
    if (r.pass) best = mid;
    else failAt = mid;
  }
  // The biggest passing trial: how busy its event loop was (for the saturation projection).
  const big = rows.filter((r) => r.kind === kind && r.pass).sort((a, b) => b.rooms * b.size - a.rooms * a.size)[0];
  const units = big ? (big.rooms === 1 ? big.size : big.rooms) : 0;
  const elu = big ? big.elu : 0;
  const failElu = rows.filter((r) => r.kind === kind && !r.pass).reduce((m, r) => Math.max(m, r.elu), 0);
  return { best, why, units, elu, failElu };
}

// ------------------------------------------------------------------ noise probe

/**
 * The machine's own noise floor, in a separate process: an idle 20 ms timeline that only counts
 * its late ticks. When the probe misses the limit too during a trial, at least part of the
 * lateness came from the machine (other jobs); the tables say so.
 */
function probe() {
  let ticks = 0;
  let late = 0;
  let start = performance.now();
  let n = 0;
  const step = () => {
    const now = performance.now();
    const due = start + n * FRAME_MS;
    if (now - due > LATE_MS) late++;
    ticks++;
    n = Math.max(n + 1, Math.floor((now - start) / FRAME_MS)); // skipped slots are not re-fired
    setTimeout(step, Math.max(0, start + n * FRAME_MS - performance.now()));
  };
  process.on('message', (m) => {
    if (m === 'reset') { ticks = 0; late = 0; start = performance.now(); n = 1; }
    else if (m === 'report') process.send({ ticks, late });
  });
  process.on('disconnect', () => process.exit(0));
  setTimeout(step, FRAME_MS);
}

let probeChild;
function probeCall(m) {
  if (m === 'reset') { probeChild.send('reset'); return Promise.resolve(); }
  return new Promise((resolve) => { probeChild.once('message', resolve); probeChild.send(m); });
}

// ------------------------------------------------------------------ main

if (process.argv.includes('--probe')) probe();
else {
  probeChild = fork(fileURLToPath(import.meta.url), ['--probe'], { stdio: 'inherit' });
  await main();
  probeChild.disconnect();
}

async function main() {

  console.log('CPU per mixing tick (mixOnce, tight loop):');
  const cpuRows = cpuPerTick();
  // Warm the real-time paths up (JIT) before the first measured trial.
  for (const kind of ['mixer', 'loop']) await trial(kind, 20, 3, 1000);
  console.log('Largest single conference (real time):');
  const singleRows = [];
  const single = {};
  for (const kind of ['mixer', 'loop']) single[kind] = await search(kind, STEPS_SINGLE, (n) => [1, n], singleRows);
  console.log('Most simultaneous 3-party conferences (real time):');
  const roomRows = [];
  const rooms = {};
  for (const kind of ['mixer', 'loop']) rooms[kind] = await search(kind, STEPS_ROOMS, (k) => [k, 3], roomRows);

  // What one core could carry on mixing work alone (no timers, no RTP, no codecs): 20 ms / CPU per tick.
  const at = (n) => cpuRows.find((r) => r.rate === 8000 && r.n === n);
  const ratioOf = (a, b) => (a > 0 && b > 0 ? formatRatio(a / b) : 'n/a');
  const satur = (x) => (x.elu > 0 ? Math.floor(x.units / x.elu) : 0);
  const proj = {
    single: { mixer: Math.floor((100 * FRAME_MS * 1000) / at(100).mixerUs), loop: Math.floor((100 * FRAME_MS * 1000) / at(100).loopUs) },
    rooms: { mixer: Math.floor((FRAME_MS * 1000) / at(3).mixerUs), loop: Math.floor((FRAME_MS * 1000) / at(3).loopUs) },
  };
  const facts = machineFacts();
  const report = [];
  const say = (line = '') => { console.log(line); report.push(line); };
  say(`Mixer capacity, 8 kHz room, 20 ms frames. Real-time trials of ${TRIAL_MS / 1000} s (after ${SETTLE_MS / 1000} s to settle) on the real clock: every conference ticks on its own`);
  say(`FramePacer; for the mixer one more pacer writes a tone frame to every participant's sink and one reads every participant's source,`);
  say(`each tick (the sessions' share). A trial passes with under 1% late ticks (more than ${LATE_MS} ms behind, skipped, or missing).`);
  say(`The naive loop is the floor measured in the same run: sum N preallocated frames, write N clamped total-minus-own frames, nothing else.`);
  say('A size passes when any of up to three trials passes (other jobs on the machine can only add late ticks, never remove them).');
  say('An idle probe process ticks its own 20 ms timeline during every trial; when it was late too, the row says "no (noise)".');
  say('');
  say('**Noisy figures**: a 2-core machine shared with other jobs (other builds and test runs) during the run. Real-time capacity on a shared');
  say('machine is bounded by the share of a core the scheduler grants, not only by the mixer; the CPU-bound projection (20 ms divided by');
  say('the process CPU time of one tick of mixing work, without timers, RTP or codecs) and the ratios against the loop measured in the');
  say('same run are the steadier figures.');
  say('');
  say('### Capacity');
  say('');
  say(markdownTable(
    [{ title: 'capacity' }, { title: 'sipline AudioMixer', align: 'right' }, { title: 'naive loop', align: 'right' }, { title: 'ratio', align: 'right' }, { title: 'stopped by (mixer / loop)' }],
    [
      ['largest single conference (participants)', String(single.mixer.best), String(single.loop.best),
        ratioOf(single.mixer.best, single.loop.best), `${single.mixer.why} / ${single.loop.why}`],
      ['simultaneous 3-party conferences', String(rooms.mixer.best), String(rooms.loop.best),
        ratioOf(rooms.mixer.best, rooms.loop.best), `${rooms.mixer.why} / ${rooms.loop.why}`],
      ['CPU-bound projection, one core: single conference (participants)', String(proj.single.mixer), String(proj.single.loop),
        ratioOf(proj.single.mixer, proj.single.loop), 'tight-loop CPU per tick at 100 participants'],
      ['CPU-bound projection, one core: 3-party conferences', String(proj.rooms.mixer), String(proj.rooms.loop),
        ratioOf(proj.rooms.mixer, proj.rooms.loop), 'tight-loop CPU per tick at 3 participants'],
      ['saturation projection: single conference (participants)', String(satur(single.mixer)), String(satur(single.loop)),
        ratioOf(satur(single.mixer), satur(single.loop)), 'biggest passing trial / its event-loop utilisation'],
      ['saturation projection: 3-party conferences', String(satur(rooms.mixer)), String(satur(rooms.loop)),
        ratioOf(satur(rooms.mixer), satur(rooms.loop)), 'biggest passing trial / its event-loop utilisation'],
    ],
  ));
  say('');
  const maxFailElu = Math.max(single.mixer.failElu, rooms.mixer.failElu);
  if (maxFailElu > 0 && maxFailElu < 0.5) {
    say(`The mixer's failed trials ran with its event loop at most ${(maxFailElu * 100).toFixed(0)}% busy: the late ticks came from the process`);
    say('being descheduled for tens of milliseconds at a time on the shared machine (an event loop that has 70% of its time idle is not');
    say('saturated), so the real-time rows understate what an unshared core carries; the projections bracket it.');
    say('');
  }
  say('### CPU per mixing tick');
  say('');
  say('One tick = feed one frame per participant, mix, read one frame per participant (`mixOnce()` in a tight loop; median of 3 interleaved rounds, process CPU time).');
  say('');
  say(markdownTable(
    [{ title: 'room' }, { title: 'participants', align: 'right' }, { title: 'mixer µs/tick', align: 'right' }, { title: 'mixer µs/participant-frame', align: 'right' },
      { title: 'loop µs/tick', align: 'right' }, { title: 'mixer / loop cost', align: 'right' }, { title: '% of one core at 50 ticks/s (mixer)', align: 'right' }],
    cpuRows.map((r) => [`${r.rate / 1000} kHz`, String(r.n), r.mixerUs.toFixed(1), (r.mixerUs / r.n).toFixed(2), r.loopUs.toFixed(1),
      formatRatio(r.mixerUs / r.loopUs), `${((r.mixerUs * 50) / 1e4).toFixed(2)}%`]),
  ));
  const trialTable = (rows, what) => markdownTable(
    [{ title: 'contender' }, { title: what, align: 'right' }, { title: 'ticks', align: 'right' }, { title: 'late', align: 'right' },
      { title: 'late %', align: 'right' }, { title: 'CPU µs/conference-tick', align: 'right' }, { title: 'process CPU', align: 'right' },
    { title: 'event loop busy', align: 'right' }, { title: 'idle probe late %', align: 'right' }, { title: 'pass' }],
    rows.map((r) => [KINDS[r.kind].label, String(what === 'participants' ? r.size : r.rooms), String(r.ticks), String(r.late),
      (r.lateRatio * 100).toFixed(2), r.cpuUsPerTick.toFixed(1), `${(r.cpuLoad * 100).toFixed(0)}%`, `${(r.elu * 100).toFixed(0)}%`,
      (r.probeLate * 100).toFixed(2), r.pass ? 'yes' : r.noisy ? 'no (noise)' : 'no']),
  );
  say('');
  say('### Trials: one conference of N participants');
  say('');
  say(trialTable(singleRows, 'participants'));
  say('');
  say('### Trials: K simultaneous 3-party conferences');
  say('');
  say(trialTable(roomRows, 'conferences'));
  say('');
  say(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
  say(`Run ${facts.date}, Node ${facts.node}, ${facts.cpu} (${facts.cores} logical cores), ${Math.round((Date.now() - began) / 1000)} s total; command: \`npm run bench mixer\``);
  if (!process.argv.includes('--no-doc')) writeDocSection('docs/performance.md', 'mixer', 'Mixer capacity', report.join('\n'));
}
