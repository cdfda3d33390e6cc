/**
 * Observe calls: a logging handler, a metrics handler served in the Prometheus text format, a
 * capacity limit, quality alerts, an RTP timeout, correlation ids and SIP traces, composed on
 * top of a three-line answering handler.
 *
 *   DEBUG=sipline:calls npx tsx examples/observability.ts
 *   curl http://127.0.0.1:9464/metrics
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SessionManager, capacityLimitHandler, composeHandlers, loggingHandler, metricsHandler,
} from '../src/index.js';
import type { CallLogger, CallSession, MetricsHandler } from '../src/index.js';
import { isEntryPoint, runMain, untilSignal } from './run-main.js';

/** Options of {@link main}. */
export interface ObservabilityOptions {
  /** SIP port, 0 for any. Default 5060. */
  readonly port?: number;
  /** HTTP port of the metrics endpoint, 0 for any. Default 9464. */
  readonly metricsPort?: number;
  /** Most concurrent calls; more are refused with 503. Default 100. */
  readonly maxConcurrent?: number;
  /** Where log lines go. Default `debug` (`DEBUG=sipline:calls`). */
  readonly log?: (line: string) => void;
}

/** A running example. */
export interface ObservedServer {
  readonly manager: SessionManager;
  readonly metrics: MetricsHandler;
  /** URL of the Prometheus endpoint. */
  readonly metricsUrl: string;
  /** The SIP trace of the last call that ended, as text lines (`<time> <in|out> <first line>`). */
  readonly lastTrace: () => readonly string[];
  close(): Promise<void>;
}

/** Start the observed server. */
export async function main(options: ObservabilityOptions = {}): Promise<ObservedServer> {
  const manager = await SessionManager.new({
    sip: { host: '127.0.0.1', port: options.port ?? 5060 },
    quality: { intervalMs: 5000, mosBelow: 3.5, lossAbove: 0.05 },
    media: { rtpTimeoutMs: 30_000, rtpTimeoutAction: 'hangup' },
    correlation: { header: 'X-Correlation-ID' },
    trace: { maxMessages: 100 },
  });
  const write = options.log;
  const logger: CallLogger | undefined = write === undefined ? undefined : {
    info: (message) => write(message),
    warn: (message) => write(`WARN ${message}`),
  };
  const metrics = metricsHandler();
  let lastTrace: readonly string[] = [];
  const keepTrace = (session: CallSession): void => {
    lastTrace = session.trace().messages.map((m) => `${new Date(m.at).toISOString()} ${m.direction} ${m.firstLine}`);
  };

  manager.setCallHandler(composeHandlers(
    loggingHandler(logger === undefined ? {} : { logger }),
    metrics,
    capacityLimitHandler({ maxConcurrent: options.maxConcurrent ?? 100, status: 503, retryAfter: 30 }),
    {
      onIncomingCall: (call) => call.answer(),
      onQualityAlert: (session, event) => write?.(`${session.correlationId}: poor quality (${event.metrics.join(', ')}), consider a callback`),
      onCallEnded: (session) => keepTrace(session),
      onError: (err, session) => write?.(`${session?.correlationId ?? '-'}: ${String(err)}`),
    },
  ));

  const http: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end(metrics.prometheus());
  });
  await new Promise<void>((resolve) => http.listen(options.metricsPort ?? 9464, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  return {
    manager,
    metrics,
    metricsUrl: `http://127.0.0.1:${port}/metrics`,
    lastTrace: () => lastTrace,
    async close() {
      await manager.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

if (isEntryPoint(import.meta.url)) {
  runMain(async () => {
    const server = await main({ log: console.log });
    console.log(`listening on ${server.manager.uri('demo')}; metrics on ${server.metricsUrl}`);
    await untilSignal();
    await server.close();
  });
}
