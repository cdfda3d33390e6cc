import { describe, expect, it } from 'vitest';
import { resolveTargets } from '../../../src/transport/index.js';
import type { DnsResolver, NaptrRecord, SrvRecord } from '../../../src/transport/index.js';

/** A fake DNS: answers from tables and records every query. */
function fakeDns(tables: {
  naptr?: Record<string, NaptrRecord[]>;
  srv?: Record<string, SrvRecord[]>;
  a?: Record<string, string[]>;
  aaaa?: Record<string, string[]>;
}): DnsResolver & { queries: string[] } {
  const queries: string[] = [];
  const answer = <T>(kind: string, table: Record<string, T[]> | undefined, name: string): Promise<T[]> => {
    queries.push(`${kind} ${name}`);
    const v = table?.[name];
    return v === undefined ? Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' })) : Promise.resolve(v);
  };
  return {
    queries,
    resolveNaptr: (n) => answer('NAPTR', tables.naptr, n),
    resolveSrv: (n) => answer('SRV', tables.srv, n),
    resolve4: (n) => answer('A', tables.a, n),
    resolve6: (n) => answer('AAAA', tables.aaaa, n),
  };
}

const both = { supported: ['UDP', 'TCP'] as const };
const naptr = (service: string, order: number, replacement: string): NaptrRecord =>
  ({ flags: 's', service, regexp: '', replacement, order, preference: 10 });

describe('RFC 3263 resolution', () => {
  it('uses a numeric host directly with UDP at 5060 and asks no DNS', async () => {
    const dns = fakeDns({});
    expect(await resolveTargets({ scheme: 'sip', host: '127.0.0.1' }, dns, both)).toEqual([{ protocol: 'UDP', address: '127.0.0.1', port: 5060 }]);
    expect(dns.queries).toEqual([]);
  });

  it('takes the transport parameter and explicit port for a numeric host', async () => {
    expect(await resolveTargets({ scheme: 'sip', host: '127.0.0.1', port: 5080, transport: 'tcp' }, fakeDns({}), both))
      .toEqual([{ protocol: 'TCP', address: '127.0.0.1', port: 5080 }]);
  });

  it('uses TLS on 5061 for sips and strips IPv6 brackets', async () => {
    expect(await resolveTargets({ scheme: 'sips', host: '[::1]' }, fakeDns({}), { supported: ['TLS'], families: [6] }))
      .toEqual([{ protocol: 'TLS', address: '::1', port: 5061 }]);
  });

  it('lets maddr replace the host', async () => {
    expect(await resolveTargets({ scheme: 'sip', host: 'example.com', maddr: '127.0.0.5' }, fakeDns({}), both))
      .toEqual([{ protocol: 'UDP', address: '127.0.0.5', port: 5060 }]);
  });

  it('refuses an address family we cannot send to', async () => {
    await expect(resolveTargets({ scheme: 'sip', host: '::1' }, fakeDns({}), { supported: ['UDP'], families: [4] }))
      .rejects.toMatchObject({ code: 'ERR_TRANSPORT_RESOLVE' });
  });

  it('looks up only A/AAAA for a name with a port', async () => {
    const dns = fakeDns({ a: { 'pbx.test': ['10.0.0.1'] } });
    expect(await resolveTargets({ scheme: 'sip', host: 'pbx.test', port: 5070 }, dns, both))
      .toEqual([{ protocol: 'UDP', address: '10.0.0.1', port: 5070 }]);
    expect(dns.queries).toEqual(['A pbx.test', 'AAAA pbx.test']);
  });

  it('follows NAPTR then SRV in order for a name without a port', async () => {
    const dns = fakeDns({
      naptr: { 'example.test': [naptr('SIP+D2U', 20, '_sip._udp.example.test'), naptr('SIP+D2T', 10, '_sip._tcp.example.test')] },
      srv: {
        '_sip._tcp.example.test': [
          { name: 'b.example.test', port: 5070, priority: 20, weight: 0 },
          { name: 'a.example.test', port: 5060, priority: 10, weight: 0 },
        ],
        '_sip._udp.example.test': [{ name: 'a.example.test', port: 5062, priority: 10, weight: 0 }],
      },
      a: { 'a.example.test': ['10.0.0.1'], 'b.example.test': ['10.0.0.2'] },
    });
    expect(await resolveTargets({ scheme: 'sip', host: 'example.test' }, dns, { supported: ['UDP', 'TCP'], families: [4] })).toEqual([
      { protocol: 'TCP', address: '10.0.0.1', port: 5060 },
      { protocol: 'TCP', address: '10.0.0.2', port: 5070 },
      { protocol: 'UDP', address: '10.0.0.1', port: 5062 },
    ]);
  });

  it('skips NAPTR services we do not support', async () => {
    const dns = fakeDns({
      naptr: { 'example.test': [naptr('SIPS+D2T', 5, '_sips._tcp.example.test'), naptr('SIP+D2U', 10, '_sip._udp.example.test')] },
      srv: { '_sip._udp.example.test': [{ name: 'a.example.test', port: 5060, priority: 1, weight: 1 }] },
      a: { 'a.example.test': ['10.0.0.1'] },
    });
    expect(await resolveTargets({ scheme: 'sip', host: 'example.test' }, dns, { supported: ['UDP'], families: [4] }))
      .toEqual([{ protocol: 'UDP', address: '10.0.0.1', port: 5060 }]);
  });

  it('queries SRV for the given transport without NAPTR when the URI names one', async () => {
    const dns = fakeDns({ srv: { '_sip._tcp.example.test': [{ name: 'a.example.test', port: 5090, priority: 1, weight: 1 }] }, a: { 'a.example.test': ['10.0.0.1'] } });
    expect(await resolveTargets({ scheme: 'sip', host: 'example.test', transport: 'TCP' }, dns, { ...both, families: [4] }))
      .toEqual([{ protocol: 'TCP', address: '10.0.0.1', port: 5090 }]);
    expect(dns.queries.some((q) => q.startsWith('NAPTR'))).toBe(false);
  });

  it('falls back to A/AAAA at the default port when there is no NAPTR or SRV', async () => {
    const dns = fakeDns({ a: { 'host.test': ['10.0.0.3'] }, aaaa: { 'host.test': ['fd00::3'] } });
    expect(await resolveTargets({ scheme: 'sip', host: 'host.test' }, dns, both)).toEqual([
      { protocol: 'UDP', address: '10.0.0.3', port: 5060 },
      { protocol: 'UDP', address: 'fd00::3', port: 5060 },
    ]);
    expect(dns.queries).toEqual(['NAPTR host.test', 'SRV _sip._udp.host.test', 'SRV _sip._tcp.host.test', 'A host.test', 'AAAA host.test']);
  });

  it('rejects a name that resolves to nothing', async () => {
    await expect(resolveTargets({ scheme: 'sip', host: 'nowhere.test' }, fakeDns({}), both)).rejects.toMatchObject({ code: 'ERR_TRANSPORT_RESOLVE' });
  });

  it('rejects transport=udp for a sips URI', async () => {
    await expect(resolveTargets({ scheme: 'sips', host: '127.0.0.1', transport: 'udp' }, fakeDns({}), both)).rejects.toMatchObject({ code: 'ERR_TRANSPORT_RESOLVE' });
  });
});
