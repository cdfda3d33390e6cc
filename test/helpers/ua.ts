/**
 * A complete user agent of ours over real sockets on 127.0.0.1: transport
 * layer (UDP + TCP on one port), transaction layer and UA core.
 */
import { UserAgentCore } from '../../src/dialog/index.js';
import type { UserAgentCoreOptions } from '../../src/dialog/index.js';
import { TransactionLayer } from '../../src/transaction/index.js';
import { LossyTransport, TransportLayer } from '../../src/transport/index.js';
import type { LossPolicy, SipTransportLayer } from '../../src/transport/index.js';

/** One running user agent. */
export interface TestUa {
  readonly transport: TransportLayer;
  /** What the transaction layer sits on (the lossy wrapper when one was asked for). */
  readonly wire: SipTransportLayer;
  readonly lossy: LossyTransport | undefined;
  readonly transactions: TransactionLayer;
  readonly core: UserAgentCore;
  readonly port: number;
  /** `sip:user@127.0.0.1:port` with `;transport=tcp` for TCP. */
  uri(user: string, protocol: 'UDP' | 'TCP'): string;
  close(): Promise<void>;
}

/** Start a user agent on 127.0.0.1 (port 0 = ephemeral, shared by UDP and TCP). */
export async function startUa(
  name: string,
  opts: { port?: number; loss?: LossPolicy; core?: Partial<UserAgentCoreOptions>; timers?: { T1?: number; T2?: number; T4?: number } } = {},
): Promise<TestUa> {
  const transport = await TransportLayer.create({ host: '127.0.0.1', port: opts.port ?? 0, transports: ['UDP', 'TCP'] });
  const lossy = opts.loss === undefined ? undefined : new LossyTransport(transport, opts.loss);
  const wire: SipTransportLayer = lossy ?? transport;
  const transactions = new TransactionLayer(wire, opts.timers === undefined ? {} : { timers: opts.timers });
  const core = new UserAgentCore({ transactions, transport: wire, identity: `<sip:${name}@127.0.0.1>`, ...opts.core });
  const port = transport.port;
  return {
    transport, wire, lossy, transactions, core, port,
    uri: (user, protocol) => `sip:${user}@127.0.0.1:${port}${protocol === 'TCP' ? ';transport=tcp' : ''}`,
    close: async () => {
      core.close();
      // Let the BYEs of close() leave before the sockets go.
      await new Promise((r) => setTimeout(r, 20));
      transactions.close();
      await transport.close();
    },
  };
}

/** A minimal SDP body for tests. */
export function simpleSdp(port: number, user = 'sipline'): string {
  return [
    'v=0', `o=${user} 1 1 IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio ${port} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', '',
  ].join('\r\n');
}
