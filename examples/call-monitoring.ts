/**
 * Watch calls: every state change, DTMF digit and media event, statistics every
 * few seconds while a call lasts, and the manager's counters.
 *
 *   npx tsx examples/call-monitoring.ts
 */
import { SessionManager } from '../src/index.js';
import type { CallCounters, CallSession } from '../src/index.js';
import { isEntryPoint, runMain, untilSignal } from './run-main.js';

/** Options of {@link main}. */
export interface CallMonitoringOptions {
  /** SIP port, 0 for any. Default 5060. */
  readonly port?: number;
  /** Print statistics of each live call this often. Default 5000 ms. */
  readonly statsIntervalMs?: number;
  /** Where to print. Default `console.log`. */
  readonly log?: (line: string) => void;
}

/** A running monitor. */
export interface CallMonitor {
  /** The manager (answering every call). */
  readonly manager: SessionManager;
  /** Stop printing and close the manager. */
  close(): Promise<CallCounters>;
}

/** Start an auto-answer server that reports everything it sees. */
export async function main(options: CallMonitoringOptions = {}): Promise<CallMonitor> {
  const log = options.log ?? console.log;
  const manager = await SessionManager.new({ sip: { host: '127.0.0.1', port: options.port ?? 5060 } });
  const timers = new Map<string, NodeJS.Timeout>();

  const printStats = (session: CallSession): void => {
    const s = session.stats();
    log(`[${session.id}] stats: ${s.codec ?? '-'} in=${s.packetsReceived} out=${s.packetsSent} lost=${s.packetsLost} jitter=${s.jitterMs.toFixed(1)}ms mos=${s.mos?.toFixed(2) ?? '-'}`);
  };

  manager.on('session', (session) => {
    log(`[${session.id}] new ${session.direction} call ${session.remote.uri} (Call-ID ${session.callId})`);
    session.on('state', ({ from, to, reason, status }) => {
      log(`[${session.id}] ${from} -> ${to} (${reason}${status === undefined ? '' : ` ${status}`})`);
    });
    session.on('media', (event) => log(`[${session.id}] media ${event.type}${event.codec === undefined ? '' : ` ${event.codec}`}`));
    session.on('dtmf', ({ digit }) => log(`[${session.id}] DTMF ${digit}`));
  });

  manager.setCallHandler({
    onCallEstablished(session) {
      const timer = setInterval(() => printStats(session), options.statsIntervalMs ?? 5000);
      timer.unref();
      timers.set(session.id, timer);
    },
    onCallEnded(session, reason) {
      clearInterval(timers.get(session.id));
      timers.delete(session.id);
      printStats(session);
      log(`[${session.id}] ended: ${reason}; counters ${JSON.stringify(manager.counters)}`);
    },
  });

  return {
    manager,
    async close() {
      await manager.close();
      for (const t of timers.values()) clearInterval(t);
      return manager.counters;
    },
  };
}

if (isEntryPoint(import.meta.url)) {
  runMain(async () => {
    const monitor = await main();
    console.log(`monitoring calls at ${monitor.manager.uri()} (Ctrl-C to stop)`);
    await untilSignal();
    console.log(await monitor.close());
  });
}
