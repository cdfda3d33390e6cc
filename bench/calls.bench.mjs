// Calls per second (issue 5): SIPp's built-in `uac` scenario (INVITE, 200, ACK,
// BYE; its one <pause/> lasts `-d 0` = 0 ms) against
//   (a) sipline's three-line auto-answer server (bench/peers/sipline-uas.mjs), and
//   (b) the npm `sip` package running a minimal UAS (bench/peers/sip-package-uas.mjs),
// each in its own Node process, over UDP on 127.0.0.1.
//
// Method: 5-second trials at rising rates; a rate holds when every call
// succeeds, with zero retransmissions, and SIPp achieved at least 95 % of the
// offered rate. A rate that does not hold is tried once more (the machine is
// shared: one stall of the server's event loop overflows the UDP receive buffer
// and costs retransmissions); the ladder stops at the first rate that fails
// twice, and each server gets at most SERVER_BUDGET_MS. The figure is the
// highest held rate.
// SIPp runs on the same machine and needs a core of its own at high rates: on a
// 2-core machine shared with other work the figures are a floor.
//
// Also: memory per established call at 1,000 concurrent calls (SIPp opens 1,000
// calls at 100/s and holds each open 20 s, the peer reports process.memoryUsage() before and
// while they are up).
//
// Environment: CALLS_RATES="250,500,..." overrides the ladder, CALLS_TRIAL_S the
// trial length, CALLS_SERVERS="sipline,sip" the servers (add "sipline-core" for
// the lower layers alone), CALLS_NO_DOC=1 leaves
// docs/performance.md alone.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileSync, mkdirSync } from 'node:fs';
import { writeDocSection } from './lib/doc-section.mjs';
import { recordSummary } from './lib/summary.mjs';
import { lineChart } from './lib/svg-chart.mjs';
import { freePort } from './lib/free-port.mjs';
import { machineFacts } from './lib/machine.mjs';
import { startPeer } from './lib/peer-process.mjs';
import { hasSipp, runSippLoad } from './lib/sipp-load.mjs';
import { formatInt, formatRatio, markdownTable } from './lib/table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const RATES = (process.env.CALLS_RATES ?? '250,500,1000,1500,2000,3000,4000,5000,6000,8000,10000')
  .split(',').map(Number).filter((r) => r > 0);
const TRIAL_S = Number(process.env.CALLS_TRIAL_S ?? 5);
const SERVER_BUDGET_MS = 140_000; // the ladder's share; the memory measurement adds about 25 s
const HOLD_SHARE = 0.95;
const MEMORY_CALLS = 1000;
const SERVERS = [
  { id: 'sipline', title: 'sipline three-line server', script: join(here, 'peers', 'sipline-uas.mjs') },
  { id: 'sip', title: 'npm `sip` package, minimal UAS', script: join(here, 'peers', 'sip-package-uas.mjs') },
  // Opt-in (CALLS_SERVERS=...,sipline-core): the lower layers alone, no session engine, no media.
  { id: 'sipline-core', title: 'sipline lower layers only (UA core, no media, maxTransactions 1,000,000)', script: join(here, 'peers', 'sipline-core-uas.mjs'), optIn: true },
].filter((s) => (process.env.CALLS_SERVERS ? process.env.CALLS_SERVERS.split(',').includes(s.id) : !s.optIn));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One trial at `rate` for TRIAL_S seconds; returns SIPp's counters and the verdict. */
async function trial(port, rate) {
  const calls = Math.round(rate * TRIAL_S);
  const r = await runSippLoad({ target: `127.0.0.1:${port}`, calls, rate, limit: Math.max(rate * 2, 200), timeoutSec: TRIAL_S + 25 });
  const achieved = r.callRate;
  const holds = r.exitCode === 0 && r.successful === calls && r.failed === 0 && r.retransmissions === 0
    && achieved >= HOLD_SHARE * rate;
  return { rate, calls, ...r, achieved, holds };
}

/** The ladder for one server: rising rates until one does not hold, within the budget. */
async function ladder(server, port) {
  const started = Date.now();
  const rows = [];
  for (const rate of RATES) {
    if (Date.now() - started + (TRIAL_S + 5) * 1000 > SERVER_BUDGET_MS) {
      console.log(`  (time budget of ${SERVER_BUDGET_MS / 1000} s reached before ${rate} calls/s)`);
      break;
    }
    let t;
    for (let attempt = 1; attempt <= 2; attempt++) {
      if (attempt === 2 && Date.now() - started + (TRIAL_S + 5) * 1000 > SERVER_BUDGET_MS) break;
      t = { ...(await trial(port, rate)), attempt };
      rows.push(t);
      console.log(`  ${server.id} @ ${rate}/s (attempt ${attempt}): ${t.successful} ok, ${t.failed} failed, ${t.retransmissions} retrans, ${Number.isNaN(t.achieved) ? '?' : t.achieved.toFixed(0)}/s achieved${t.holds ? '' : '  <- does not hold'}`);
      if (t.holds) break;
      if (t.exitCode !== 0 && t.successful === 0) console.log(t.log.split('\n').slice(0, 40).join('\n'));
      await sleep(2000);
    }
    if (!t.holds) break;
    await sleep(1000); // let the server finish its transactions' timers before the next step
  }
  const held = rows.filter((r) => r.holds).map((r) => r.rate);
  return { rows, maxHeld: held.length ? Math.max(...held) : 0 };
}

/**
 * Memory per established call: SIPp opens MEMORY_CALLS calls that stay up 10 s;
 * the peer reports its memory before and once all are established (its
 * `active` count), after a forced GC each time.
 */
async function memoryPerCall(peer, port) {
  const before = await peer.memory();
  const rate = 100; // gentle: the figure is about holding calls, not setting them up fast
  const holdMs = Math.ceil((MEMORY_CALLS / rate) * 1000) + 10_000;
  const load = runSippLoad({
    target: `127.0.0.1:${port}`, calls: MEMORY_CALLS, rate, limit: MEMORY_CALLS, timeoutSec: Math.ceil(holdMs / 1000) + 30,
    extraArgs: ['-d', String(holdMs)], // the last -d wins: every call pauses before its BYE
  });
  let during;
  let most = 0;
  const deadline = Date.now() + holdMs - 1000;
  while (Date.now() < deadline) {
    await sleep(500);
    const m = await peer.memory();
    if (typeof m.active === 'number') most = Math.max(most, m.active);
    if (typeof m.active === 'number' && m.active >= MEMORY_CALLS) { during = m; break; }
  }
  const result = await load;
  if (!during) return { ok: false, reason: `at most ${most} calls were up at once (SIPp: ${result.successful} ok, ${result.failed} failed, ${result.retransmissions} retransmissions)` };
  const per = (k) => (during.usage[k] - before.usage[k]) / MEMORY_CALLS;
  return { ok: true, rss: per('rss'), heap: per('heapUsed'), external: per('external'), completed: result.successful };
}

if (!hasSipp()) {
  console.log('SIPp is not installed (apt-get install sip-tester): calls benchmark skipped.');
  process.exit(0);
}

const results = new Map();
for (const server of SERVERS) {
  const port = await freePort();
  const peer = await startPeer(server.script, port, { cwd: root });
  if (!peer.available) {
    console.log(`${server.id === 'sipline' ? 'sipline server' : server.title}: not available yet (${peer.reason})`);
    results.set(server.id, { available: false, reason: peer.reason });
    continue;
  }
  console.log(`${server.title} on 127.0.0.1:${port}: ladder ${RATES.join(', ')} calls/s, ${TRIAL_S} s per trial`);
  let outcome;
  try {
    outcome = await ladder(server, port);
  } finally {
    await peer.stop();
  }
  // TODO(issue 5): the issue asks for memory per established call WITH MEDIA at 1,000 concurrent
  // calls for the sipline server. memoryPerCall() runs for every available peer, in a fresh process
  // (so the ladder's leftovers do not blur the baseline); for sipline it counts manager.sessions()
  // (each answered call owns an RTP session sending to SIPp's media port). Check the figure once
  // src/api lands: the `sip` peer has no media and no dialog state, so its figure is only the floor
  // of a UDP stack, not a comparison.
  const memPort = await freePort();
  const fresh = await startPeer(server.script, memPort, { cwd: root });
  if (fresh.available) {
    try {
      outcome.memory = await memoryPerCall(fresh, memPort);
    } finally {
      await fresh.stop();
    }
  } else {
    outcome.memory = { ok: false, reason: fresh.reason };
  }
  results.set(server.id, { available: true, ...outcome });
}

const fmtRate = (n) => (Number.isNaN(n) ? '?' : formatInt(n));
const sections = [];
for (const server of SERVERS) {
  const r = results.get(server.id);
  if (!r) continue;
  if (!r.available) {
    sections.push(`### ${server.title}\n\n${server.id === 'sipline' ? 'sipline server' : server.title}: not available yet.`);
    continue;
  }
  const table = markdownTable(
    [
      { title: 'offered calls/s', align: 'right' }, { title: 'attempt', align: 'right' }, { title: 'successful', align: 'right' }, { title: 'failed', align: 'right' },
      { title: 'retransmissions', align: 'right' }, { title: 'achieved calls/s', align: 'right' }, { title: 'holds' },
    ],
    r.rows.map((t) => [formatInt(t.rate), String(t.attempt), fmtRate(t.successful), fmtRate(t.failed), fmtRate(t.retransmissions), fmtRate(t.achieved), t.holds ? 'yes' : 'no']),
  );
  const mem = r.memory?.ok
    ? `Memory per established call at ${formatInt(MEMORY_CALLS)} concurrent calls: ${(r.memory.rss / 1024).toFixed(1)} KiB RSS, ${(r.memory.heap / 1024).toFixed(1)} KiB JS heap, ${(r.memory.external / 1024).toFixed(1)} KiB external${server.id === 'sip' ? ' (no media, no dialog state: a floor, not a comparison)' : ''}.`
    : `Memory per established call: not measured (${r.memory?.reason ?? 'no result'}).`;
  sections.push(`### ${server.title}\n\n${table}\n\nHighest rate held: **${formatInt(r.maxHeld)} calls/s**.\n\n${mem}`);
}
const ours = results.get('sipline');
const theirs = results.get('sip');
let verdict;
if (ours?.available && theirs?.available) {
  const ratio = theirs.maxHeld > 0 ? ours.maxHeld / theirs.maxHeld : NaN;
  verdict = `sipline holds ${formatInt(ours.maxHeld)} calls/s, the \`sip\` package ${formatInt(theirs.maxHeld)} calls/s: ratio ${Number.isNaN(ratio) ? 'n/a' : formatRatio(ratio)} (target: 4,000 calls/s and at least 1.75x).`;
} else if (theirs?.available) {
  verdict = `sipline server: not available yet; the \`sip\` package holds ${formatInt(theirs.maxHeld)} calls/s. No ratio.`;
} else {
  verdict = 'No ratio: a server was not available.';
}
const facts = machineFacts();
const meta = `Run ${facts.date}, Node ${facts.node}, ${facts.cpu} (${facts.cores} logical cores), SIPp built-in \`uac\` with \`-d 0\` over UDP, ${TRIAL_S}-second trials (a failed rate is tried once more); SIPp and the server share the machine.`;
// Chart: achieved against offered calls/s (the last attempt at each rate), every server.
const chartSeries = SERVERS.filter((s) => results.get(s.id)?.available).map((s) => {
  const byRate = new Map();
  for (const t of results.get(s.id).rows) byRate.set(t.rate, Number.isNaN(t.achieved) ? 0 : (t.holds ? t.achieved : Math.min(t.achieved, t.successful / TRIAL_S)));
  return { name: s.id === 'sip' ? 'npm sip package' : s.id, points: [...byRate].map(([x, y]) => [x, y]) };
});
let chartNote = '';
if (chartSeries.length > 0 && !process.env.CALLS_NO_DOC) {
  mkdirSync(join(root, 'docs', 'charts'), { recursive: true });
  writeFileSync(join(root, 'docs', 'charts', 'calls-per-second.svg'), lineChart({
    title: 'Calls per second: achieved against offered (SIPp uac, 5 s trials)',
    xLabel: 'offered calls/s', yLabel: 'completed calls/s', series: chartSeries, diagonal: true,
  }));
  chartNote = '\n\n![Calls per second achieved against offered, sipline and the sip package](charts/calls-per-second.svg)';
}
if (ours?.available && theirs?.available) {
  recordSummary('calls', [
    { figure: 'calls/s held (SIPp uac, zero failures and retransmissions)', sipline: formatInt(ours.maxHeld), peer: `${formatInt(theirs.maxHeld)}, npm sip minimal UAS`, ratio: theirs.maxHeld > 0 ? formatRatio(ours.maxHeld / theirs.maxHeld) : 'n/a', target: '>= 4,000 and >= 1.75x' },
    ...(ours.memory?.ok ? [{ figure: `memory per established call at ${formatInt(MEMORY_CALLS)} calls (RSS / heap)`, sipline: `${(ours.memory.rss / 1024).toFixed(1)} / ${(ours.memory.heap / 1024).toFixed(1)} KiB`, peer: theirs.memory?.ok ? `${(theirs.memory.rss / 1024).toFixed(1)} / ${(theirs.memory.heap / 1024).toFixed(1)} KiB (no media, no dialogs)` : 'n/a' }] : []),
  ]);
}
const report = `${sections.join('\n\n')}\n\n${verdict}${chartNote}\n\n${meta}`;
console.log(`\n${report}\n`);

if (!process.env.CALLS_NO_DOC && ours?.available) {
  writeDocSection(join(root, 'docs', 'performance.md'), 'calls', 'Calls per second', report);
  console.log('(written to docs/performance.md)');
} else if (!process.env.CALLS_NO_DOC) {
  console.log('(docs/performance.md left alone: the sipline server is not available yet)');
}
