import { isIP } from 'node:net';
import type { SipUri } from '../sip/index.js';
import { TransportError } from './errors.js';
import type { TransportProtocol, TransportTarget } from './types.js';
import { bareHost, defaultPort } from './via-rules.js';

/** The DNS queries RFC 3263 needs; `node:dns/promises` satisfies it. Inject a fake in tests. */
export interface DnsResolver {
  /** NAPTR records of a domain (RFC 3263 §4.1). */
  resolveNaptr(name: string): Promise<readonly NaptrRecord[]>;
  /** SRV records, e.g. of `_sip._udp.example.com` (RFC 3263 §4.2). */
  resolveSrv(name: string): Promise<readonly SrvRecord[]>;
  /** IPv4 addresses of a name. */
  resolve4(name: string): Promise<readonly string[]>;
  /** IPv6 addresses of a name. */
  resolve6(name: string): Promise<readonly string[]>;
}

/** A NAPTR record (RFC 3403) as `node:dns` returns it. */
export interface NaptrRecord {
  /** `s` for records that lead to SRV lookups. */
  readonly flags: string;
  /** e.g. `SIP+D2U`, `SIP+D2T`, `SIPS+D2T`. */
  readonly service: string;
  /** Unused by SIP (empty). */
  readonly regexp: string;
  /** The SRV name to query next. */
  readonly replacement: string;
  /** Lower first. */
  readonly order: number;
  /** Lower first among equal `order`. */
  readonly preference: number;
}

/** An SRV record (RFC 2782) as `node:dns` returns it. */
export interface SrvRecord {
  /** Target host name. */
  readonly name: string;
  /** Target port. */
  readonly port: number;
  /** Lower first. */
  readonly priority: number;
  /** Heavier first among equal priorities (deterministic simplification of RFC 2782). */
  readonly weight: number;
}

/** The parts of a SIP URI that RFC 3263 resolution looks at. */
export interface ResolveInput {
  /** `sip`, `sips` (TLS only) or anything else (treated as `sip`). */
  readonly scheme: string;
  /** Host name or numeric address (IPv6 with or without brackets). */
  readonly host: string;
  /** Explicit port, if any. */
  readonly port?: number | undefined;
  /** `transport` URI parameter, if any (case-insensitive). */
  readonly transport?: string | undefined;
  /** `maddr` URI parameter, if any; it replaces the host (§19.1.1). */
  readonly maddr?: string | undefined;
}

/** What the resolving side can use. */
export interface ResolveContext {
  /** Transports we can send on. */
  readonly supported: readonly TransportProtocol[];
  /** Address families we can send to, in order of preference; default `[4, 6]`. */
  readonly families?: readonly (4 | 6)[];
}

const NAPTR_SERVICES: Readonly<Record<string, TransportProtocol>> = {
  'SIP+D2U': 'UDP', 'SIP+D2T': 'TCP', 'SIPS+D2T': 'TLS', 'SIP+D2W': 'WS', 'SIPS+D2W': 'WSS',
};

const SRV_PREFIX: Readonly<Record<TransportProtocol, string>> = {
  UDP: '_sip._udp.', TCP: '_sip._tcp.', TLS: '_sips._tcp.', WS: '_sip._ws.', WSS: '_sips._ws.',
};

function toProtocol(transport: string, secure: boolean): TransportProtocol | undefined {
  switch (transport.toLowerCase()) {
    case 'udp': return secure ? undefined : 'UDP';
    case 'tcp': return secure ? 'TLS' : 'TCP';
    case 'tls': return 'TLS';
    case 'ws': return secure ? 'WSS' : 'WS';
    case 'wss': return 'WSS';
    default: return undefined;
  }
}

/**
 * RFC 3263 §4: turn a SIP URI into an ordered list of targets.
 *
 * - numeric host (or `maddr`): that address; port from the URI or the default
 *   (5060, 5061 for TLS); transport from the `transport` parameter, else UDP
 *   (TLS for `sips`) (§4.1, §4.2);
 * - name with a port: A/AAAA at that port (§4.2);
 * - name without a port: NAPTR when no transport is given (§4.1), SRV for the
 *   chosen transports (§4.2), and A/AAAA at the default port when no SRV exists.
 *
 * SRV records are ordered by priority, then by weight (heaviest first) — a
 * deterministic simplification of RFC 2782's weighted random choice.
 *
 * @throws TransportError `ERR_TRANSPORT_RESOLVE` when nothing usable is found.
 */
export async function resolveTargets(input: ResolveInput, dns: DnsResolver, ctx: ResolveContext): Promise<TransportTarget[]> {
  const secure = input.scheme.toLowerCase() === 'sips';
  const host = bareHost(input.maddr ?? input.host);
  let explicit: TransportProtocol | undefined;
  if (input.transport !== undefined && input.transport !== '') {
    explicit = toProtocol(input.transport, secure);
    if (explicit === undefined) {
      throw new TransportError('ERR_TRANSPORT_RESOLVE', `transport=${input.transport} cannot be used for a ${input.scheme} URI`);
    }
  }
  const fallbackProtocol: TransportProtocol = explicit ?? (secure ? 'TLS' : 'UDP');
  const families = ctx.families ?? [4, 6];

  if (isIP(host) !== 0) {
    const family = isIP(host) as 4 | 6;
    if (!families.includes(family)) {
      throw new TransportError('ERR_TRANSPORT_RESOLVE', `no IPv${family} transport for ${host}`);
    }
    return [{ protocol: fallbackProtocol, address: host, port: input.port ?? defaultPort(fallbackProtocol) }];
  }

  if (input.port !== undefined) {
    return addressTargets(dns, host, input.port, fallbackProtocol, families);
  }

  // Which transports, in which order, and where their SRV records live.
  let plan: { protocol: TransportProtocol; srvName: string }[] = [];
  if (explicit === undefined) {
    const naptr = await quiet(dns.resolveNaptr(host));
    const usable = naptr
      .filter((r) => r.flags.toLowerCase() === 's' && NAPTR_SERVICES[r.service.toUpperCase()] !== undefined)
      .map((r) => ({ r, protocol: NAPTR_SERVICES[r.service.toUpperCase()]! }))
      .filter(({ protocol }) => ctx.supported.includes(protocol) && (!secure || protocol === 'TLS' || protocol === 'WSS'))
      .sort((a, b) => a.r.order - b.r.order || a.r.preference - b.r.preference);
    plan = usable.map(({ r, protocol }) => ({ protocol, srvName: r.replacement }));
    if (plan.length === 0) {
      const candidates: TransportProtocol[] = secure ? ['TLS'] : ['UDP', 'TCP'];
      plan = candidates.filter((p) => ctx.supported.includes(p)).map((p) => ({ protocol: p, srvName: SRV_PREFIX[p] + host }));
    }
  } else {
    plan = [{ protocol: explicit, srvName: SRV_PREFIX[explicit] + host }];
  }

  const out: TransportTarget[] = [];
  for (const step of plan) {
    const srv = [...(await quiet(dns.resolveSrv(step.srvName)))]
      .sort((a, b) => a.priority - b.priority || b.weight - a.weight);
    for (const rec of srv) {
      if (rec.name === '.' || rec.name === '') continue;
      out.push(...(await addressTargets(dns, rec.name, rec.port, step.protocol, families, false)));
    }
  }
  if (out.length > 0) return out;
  const protocol = explicit ?? (plan[0]?.protocol ?? fallbackProtocol);
  return addressTargets(dns, host, defaultPort(protocol), protocol, families);
}

async function addressTargets(
  dns: DnsResolver, name: string, port: number, protocol: TransportProtocol, families: readonly (4 | 6)[], mustFind = true,
): Promise<TransportTarget[]> {
  const out: TransportTarget[] = [];
  for (const family of families) {
    const addrs = await quiet(family === 4 ? dns.resolve4(name) : dns.resolve6(name));
    for (const address of addrs) out.push({ protocol, address, port });
  }
  if (out.length === 0 && mustFind) {
    throw new TransportError('ERR_TRANSPORT_RESOLVE', `${name} has no usable address`);
  }
  return out;
}

async function quiet<T>(p: Promise<readonly T[]>): Promise<readonly T[]> {
  try {
    return await p;
  } catch {
    return [];
  }
}

/** The parts of a {@link SipUri} that resolution uses. */
export function resolveInputOf(uri: SipUri): ResolveInput {
  const maddr = uri.params.get('maddr');
  return {
    scheme: uri.scheme,
    host: uri.host,
    port: uri.port,
    transport: uri.transport,
    maddr: maddr == null ? undefined : maddr,
  };
}

/** A resolver that knows no names (every query fails): numeric URIs still resolve. */
export const noDns: DnsResolver = {
  resolveNaptr: () => Promise.reject(new Error('no DNS')),
  resolveSrv: () => Promise.reject(new Error('no DNS')),
  resolve4: () => Promise.reject(new Error('no DNS')),
  resolve6: () => Promise.reject(new Error('no DNS')),
};
