#!/usr/bin/env node
// `npm start`: the sipline demo, an auto-answer server that plays a 440 Hz tone,
// logs DTMF digits, and prints every call's events and statistics.
//
//   npm start -- --host 127.0.0.1 --port 5060
//   SIPLINE_HOST=127.0.0.1 SIPLINE_PORT=5070 npm start
//
// It runs the compiled package (dist/), so `npm start` builds first.
import { parseArgs } from 'node:util';

const USAGE = `usage: npm start -- [--host <address>] [--port <port>]
  --host   address to listen on (env SIPLINE_HOST, default 127.0.0.1)
  --port   SIP port, UDP and TCP (env SIPLINE_PORT, default 5060)`;

function options() {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const host = values.host ?? process.env.SIPLINE_HOST ?? '127.0.0.1';
  const portText = values.port ?? process.env.SIPLINE_PORT ?? '5060';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid port ${JSON.stringify(portText)}\n${USAGE}`);
  }
  return { host, port };
}

const time = () => new Date().toISOString().slice(11, 23);
const log = (line) => process.stdout.write(`${time()} ${line}\n`);

function formatStats(s) {
  return (
    `codec=${s.codec ?? '-'} rtp in=${s.packetsReceived} out=${s.packetsSent} ` +
    `lost=${s.packetsLost} jitter=${s.jitterMs.toFixed(1)}ms ` +
    `rtt=${s.rttMs === undefined ? '-' : `${s.rttMs.toFixed(1)}ms`} mos=${s.mos.toFixed(2)} ` +
    `duration=${(s.durationMs / 1000).toFixed(1)}s`
  );
}

async function run() {
  let sipline;
  try {
    sipline = await import('../dist/index.js');
  } catch (err) {
    throw new Error('sipline is not built: run `npm run build` first (npm start does it for you)', { cause: err });
  }
  const { SessionManager, ToneSource } = sipline;
  const { host, port } = options();

  const manager = await SessionManager.new({ sip: { host, port } });
  const statsTimers = new Map();

  manager.on('session', (session) => {
    const tag = `[${session.id}]`;
    log(`${tag} ${session.direction} call from ${session.remote.displayName ?? ''} <${session.remote.uri}> (Call-ID ${session.callId})`);
    session.on('state', ({ from, to, reason, status }) => {
      log(`${tag} state ${from} -> ${to} (${reason}${status === undefined ? '' : `, ${status}`})`);
    });
    session.on('media', (event) => {
      const remote = event.remote === undefined ? '' : ` to ${event.remote.address}:${event.remote.port}`;
      log(`${tag} media ${event.type}${event.codec === undefined ? '' : ` ${event.codec}`}${remote}`);
    });
    session.on('dtmf', ({ digit, durationMs }) => log(`${tag} DTMF ${digit} (${durationMs} ms)`));
  });
  manager.on('error', (err, session) => log(`[${session?.id ?? 'manager'}] error: ${err instanceof Error ? err.message : String(err)}`));

  manager.setCallHandler({
    onIncomingCall: (call) => call.answer({ play: new ToneSource({ frequency: 440 }) }),
    onCallEstablished(session) {
      log(`[${session.id}] answered, playing a 440 Hz tone`);
      const timer = setInterval(() => log(`[${session.id}] stats ${formatStats(session.stats())}`), 5000);
      statsTimers.set(session.id, timer);
    },
    onCallEnded(session, reason) {
      clearInterval(statsTimers.get(session.id));
      statsTimers.delete(session.id);
      log(`[${session.id}] ended: ${reason}; final stats ${formatStats(session.stats())}`);
    },
  });

  log(`sipline demo answering at ${manager.uri('demo')} (UDP and TCP) - Ctrl-C to stop`);
  log(`try: sipp -sn uac ${host}:${manager.port} -m 1   or call sip:demo@${host}:${manager.port} from a softphone`);

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) {
      log('second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: hanging up ${manager.sessions().length} call(s) and closing`);
    for (const t of statsTimers.values()) clearInterval(t);
    await manager.close();
    const c = manager.counters;
    log(`closed: ${c.callsIn} calls in, ${c.answered} answered, failed ${JSON.stringify(c.failed)}`);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

run().catch((err) => {
  process.stderr.write(`sipline demo: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
