#!/usr/bin/env node
// Issue 4 benchmark: concurrent media capacity over loopback.
//
// N echo calls, each 50 packets/s each way (G.711 PCMU, 20 ms, 160-byte
// payload, 172-byte RTP packets). A child process runs the generator and
// measurer for every call (shared code for both candidates); this process
// runs the echo side, and its CPU time per echoed packet is reported too:
//   - "sipline": one RtpSession per call (parse, receive statistics, re-serialize
//     with its own SSRC/sequence/timestamp, RTCP timers running);
//   - "bare dgram": one node:dgram socket per call sending each datagram back.
// Both candidates step N up together (50, 100, 200, ...) until a trial fails
// three times in a row: loss at or above 0.5%, or the generator unable to
// offer the nominal rate. Prints a markdown table and the ratio. Run: `npm run bench media` (builds first) or `node bench/media.bench.mjs`
// after `npm run build`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeDocSection } from './lib/doc-section.mjs';
import { recordSummary } from './lib/summary.mjs';
import { lineChart } from './lib/svg-chart.mjs';
import { createSocket } from 'node:dgram';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';

const PPS = 50;
const PACKET = 172;
const TRIAL_MS = Number(process.env.MEDIA_BENCH_TRIAL_MS ?? 3000);
const DRAIN_MS = 400;
const MAX_N = Number(process.env.MEDIA_BENCH_MAX_N ?? 3200);
const LOSS_LIMIT = 0.005;
const BUDGET_MS = Number(process.env.MEDIA_BENCH_BUDGET_MS ?? 240_000);
const STEPS = [50, 100, 200, 300, 400, 600, 800, 1000, 1200, 1600, 2000, 2400, 3200];

if (process.argv[2] === '--generator') generator();
else await main();

// ------------------------------------------------------------ generator side

function generator() {
  const parentPort = { postMessage: (m) => process.send(m), once: (e, f) => process.once(e, f) };
  process.once('message', async ({ ports, rtcpSinkWanted }) => {
    const sink = createSocket('udp4');
    await new Promise((r) => sink.bind(0, '127.0.0.1', r));
    if (rtcpSinkWanted) parentPort.postMessage({ rtcpSink: sink.address().port });
    const n = ports.length;
    const socks = [];
    const peers = [];
    let received = 0;
    let lateOrBad = 0;
    for (let i = 0; i < n; i++) {
      const s = createSocket('udp4');
      await new Promise((r) => s.bind(0, '127.0.0.1', r));
      s.connect(ports[i], '127.0.0.1');
      await new Promise((r) => s.once('connect', r));
      s.on('message', (m) => {
        if (m.length === PACKET && (m[1] & 0x7f) === 0) received++;
        else lateOrBad++;
      });
      s.on('error', () => {});
      socks.push(s);
      peers.push(s.address().port);
    }
    parentPort.postMessage({ generators: peers });
    await new Promise((r) => parentPort.once('message', r)); // "go"
    const payload = Buffer.alloc(160, 0xff);
    const seq = new Uint16Array(n).map(() => (Math.random() * 65536) | 0);
    const ts = new Uint32Array(n).map(() => (Math.random() * 2 ** 32) >>> 0);
    let sent = 0;
    // Four sub-ticks per 20 ms so that calls are spread over the frame period.
    // Every batch that is due is sent (catching up after a slow tick), so the
    // schedule is exact whenever the machine can keep up; when it cannot, the
    // trial takes longer and its achieved rate says so.
    const SUB = 4;
    const totalTicks = Math.round((TRIAL_MS / 20) * SUB);
    const start = performance.now();
    let tick = 0;
    const sendBatch = (t) => {
      for (let i = t % SUB; i < n; i += SUB) {
        const b = Buffer.allocUnsafe(PACKET);
        b[0] = 0x80; b[1] = 0;
        b.writeUInt16BE(seq[i], 2);
        b.writeUInt32BE(ts[i], 4);
        b.writeUInt32BE(0x1000 + i, 8);
        payload.copy(b, 12);
        seq[i] = (seq[i] + 1) & 0xffff;
        ts[i] = (ts[i] + 160) >>> 0;
        socks[i].send(b);
        sent++;
      }
    };
    await new Promise((resolve) => {
      const step = () => {
        const due = Math.floor((performance.now() - start) / (20 / SUB));
        while (tick <= due && tick < totalTicks) sendBatch(tick++);
        if (tick >= totalTicks) { resolve(); return; }
        setTimeout(step, Math.max(0, start + (tick * 20) / SUB - performance.now()));
      };
      step();
    });
    const sendSeconds = (performance.now() - start) / 1000;
    await new Promise((r) => setTimeout(r, DRAIN_MS));
    for (const s of socks) s.close();
    sink.close();
    parentPort.postMessage({ result: { sent, received, lateOrBad, sendSeconds } });
  });
}

// ----------------------------------------------------------------- echo side

async function startBare(n) {
  const socks = [];
  for (let i = 0; i < n; i++) {
    const s = createSocket('udp4');
    await new Promise((r) => s.bind(0, '127.0.0.1', r));
    s.on('message', (m, rinfo) => s.send(m, rinfo.port, rinfo.address));
    s.on('error', () => {});
    socks.push(s);
  }
  return {
    ports: socks.map((s) => s.address().port),
    connect() {},
    close: () => Promise.all(socks.map((s) => new Promise((r) => s.close(r)))),
  };
}

async function startOurs(n, media, allocator) {
  const sessions = [];
  for (let i = 0; i < n; i++) {
    const s = await media.RtpSession.create({ codec: pcmuLike(), ports: allocator });
    // The echo: every accepted packet goes back with our own SSRC, sequence and timestamp.
    s.on('packet', (p) => { s.sendPayload(p.payload, 160); });
    s.on('error', () => {});
    sessions.push(s);
  }
  return {
    ports: sessions.map((s) => s.localRtpPort),
    connect(generators, rtcpSink) {
      sessions.forEach((s, i) => s.setRemote({ address: '127.0.0.1', rtpPort: generators[i], rtcpPort: rtcpSink }));
    },
    close: () => Promise.all(sessions.map((s) => s.close())),
  };
}

/** Only the RTP-facing part of a codec is needed: the echo never transcodes. */
function pcmuLike() {
  return { payloadType: 0, rtpClockRate: 8000, sampleRate: 8000, name: 'PCMU', encode: (x) => x, decode: () => new Int16Array(160) };
}

async function trial(kind, n, media, allocator) {
  const echo = kind === 'ours' ? await startOurs(n, media, allocator) : await startBare(n);
  const w = fork(fileURLToPath(import.meta.url), ['--generator'], { stdio: 'inherit' });
  const msg = () => new Promise((r) => w.once('message', r));
  w.postMessage = (m) => w.send(m);
  w.postMessage({ ports: echo.ports, rtcpSinkWanted: true });
  const { rtcpSink } = await msg();
  const { generators } = await msg();
  echo.connect(generators, rtcpSink);
  const cpu0 = process.cpuUsage();
  w.postMessage('go');
  const { result } = await msg();
  const cpu = process.cpuUsage(cpu0);
  w.kill();
  await echo.close();
  const loss = 1 - result.received / result.sent;
  // The nominal rate must really have been offered: at most 10% late overall.
  const rateOk = result.sendSeconds <= (TRIAL_MS / 1000) * 1.1;
  // CPU time of this (echo) process per packet it echoed: independent of the generator.
  const cpuUsPerPacket = (cpu.user + cpu.system) / Math.max(1, result.received);
  return { n, loss, rateOk, pass: loss < LOSS_LIMIT && rateOk, cpuUsPerPacket, ...result };
}

function log(kind, r) {
  process.stdout.write(`  ${kind} N=${r.n}: loss ${(r.loss * 100).toFixed(3)}%, offered ${Math.round(r.sent / r.sendSeconds)} pkt/s` +
    ` of ${r.n * PPS} nominal${r.rateOk ? '' : ' (generator fell behind)'}\n`);
}

async function main() {
  const media = await import('../dist/media/index.js');
  const allocator = new media.PortAllocator({ min: 20000, max: 60000 });
  const began = Date.now();
  const rows = [];
  const best = { bare: 0, ours: 0 };
  const alive = { bare: true, ours: true };
  const why = { bare: 'cap reached', ours: 'cap reached' };
  // Both candidates step up together, in alternating order, so that the load
  // other processes put on the machine hits them alike. A failed trial is
  // retried (three attempts in all) before the candidate is out.
  let flip = false;
  for (const n of STEPS) {
    if (n > MAX_N || (!alive.bare && !alive.ours)) break;
    const order = flip ? ['ours', 'bare'] : ['bare', 'ours'];
    flip = !flip;
    for (const kind of order) {
      if (!alive[kind]) continue;
      let r;
      for (let attempt = 0; attempt < 3; attempt++) {
        if (Date.now() - began > BUDGET_MS) { alive[kind] = false; why[kind] = 'time budget'; break; }
        r = await trial(kind, n, media, allocator);
        rows.push({ kind, ...r });
        log(kind, r);
        if (r.pass) break;
      }
      if (r?.pass) best[kind] = n;
      else if (alive[kind]) { alive[kind] = false; why[kind] = r.rateOk ? 'loss' : 'generator could not offer the rate'; }
    }
  }
  const report = [];
  const say = (line = '') => { console.log(line); report.push(line); };
  const label = { bare: 'bare node:dgram echo', ours: 'sipline RtpSession echo' };
  say(`\nConcurrent loopback echo calls, 50 pps each way, PCMU 20 ms (172-byte packets), ${TRIAL_MS / 1000} s per trial, loss limit 0.5%`);
  say('A trial passes when loss < 0.5% and the generator offered the nominal rate (sending took at most 10% longer than planned).');
  say('\n| echo | N calls | nominal pkt/s each way | offered pkt/s | sent | echoed back | loss | echo CPU µs/packet | pass |');
  say('|---|---:|---:|---:|---:|---:|---:|---:|:---:|');
  for (const r of rows) {
    say(`| ${label[r.kind]} | ${r.n} | ${r.n * PPS} | ${Math.round(r.sent / r.sendSeconds)} | ${r.sent} | ${r.received} | ` +
      `${(r.loss * 100).toFixed(3)}% | ${r.cpuUsPerPacket.toFixed(1)} | ${r.pass ? 'yes' : 'no'} |`);
  }
  say('\n| echo | largest N passing | stopped by |');
  say('|---|---:|---|');
  say(`| ${label.bare} | ${best.bare} | ${why.bare} |`);
  say(`| ${label.ours} | ${best.ours} | ${why.ours} |`);
  const ratio = best.bare > 0 ? best.ours / best.bare : 0;
  say(`\nratio sipline / bare dgram: ${ratio.toFixed(2)}x (target >= 0.80x)` +
    (why.bare.startsWith('generator') && why.ours.startsWith('generator') ? ' (both limited by the load generator on this machine)' : ''));
  // The echo process's CPU per echoed packet (receive + process + send) does
  // not depend on how fast the generator is: the steadier comparison on a busy machine.
  // Compared at the largest N both passed (most packets per wake-up, closest to saturation).
  const both = Math.min(best.bare, best.ours);
  const at = (kind) => rows.find((r) => r.kind === kind && r.n === both && r.pass)?.cpuUsPerPacket ?? NaN;
  const cb = at('bare');
  const co = at('ours');
  say(`echo CPU per echoed packet at N=${both}: bare ${cb.toFixed(1)} µs, sipline ${co.toFixed(1)} µs;` +
    ` projected capacity ratio (CPU-bound) ${(cb / co).toFixed(2)}x`);
  say(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
  recordSummary('media', [
    { figure: 'concurrent echo calls under 0.5% loss (50 pps each way)', sipline: String(best.ours), peer: `${best.bare}, bare node:dgram echo`, ratio: `${ratio.toFixed(2)}x`, target: '>= 0.8x' },
    { figure: 'echo CPU per packet, µs', sipline: co.toFixed(1), peer: `${cb.toFixed(1)}, bare node:dgram echo`, ratio: `${(cb / co).toFixed(2)}x` },
  ]);
  if (!process.argv.includes('--no-doc')) {
    // Chart: loss against concurrent calls (the best attempt at each N), both echoes.
    const series = ['bare', 'ours'].map((kind) => {
      const byN = new Map();
      for (const r of rows.filter((x) => x.kind === kind)) byN.set(r.n, Math.min(byN.get(r.n) ?? Infinity, r.loss * 100));
      return { name: label[kind], points: [...byN].map(([x, y]) => [x, y]) };
    });
    mkdirSync('docs/charts', { recursive: true });
    writeFileSync('docs/charts/media-loss.svg', lineChart({ title: 'Media loss against concurrent echo calls', xLabel: 'concurrent calls (50 pps each way)', yLabel: 'packets lost, %', series }));
    say('\n![Media loss against concurrent calls, sipline and bare dgram](charts/media-loss.svg)');
  }
  say(`node ${process.version}, ${Math.round((Date.now() - began) / 1000)} s total; command: \`npm run bench media\``);
  if (!process.argv.includes('--no-doc')) writeDocSection('docs/performance.md', 'media', 'Concurrent media capacity', report.join('\n'));
}
