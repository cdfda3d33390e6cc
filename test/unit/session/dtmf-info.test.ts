import { describe, expect, it } from 'vitest';
import { formatDtmfRelay, parseApplicationDtmf, parseDtmfRelay } from '../../../src/session/dtmf-info.js';
import { ConfigError, resolveConfig } from '../../../src/session/index.js';

describe('DTMF INFO bodies', () => {
  it('reads Signal and Duration of an application/dtmf-relay body in any case and spacing', () => {
    expect(parseDtmfRelay('Signal=5\r\nDuration=160\r\n')).toEqual({ digit: '5', durationMs: 160 });
    expect(parseDtmfRelay('signal= *\nduration = 250')).toEqual({ digit: '*', durationMs: 250 });
    expect(parseDtmfRelay('Signal=b\r\n')).toEqual({ digit: 'B', durationMs: 0 });
  });

  it('maps RFC 4733 event codes 10-15 to *, #, A-D', () => {
    expect(parseDtmfRelay('Signal=11\r\nDuration=100')).toEqual({ digit: '#', durationMs: 100 });
    expect(parseApplicationDtmf('10')).toEqual({ digit: '*', durationMs: 0 });
    expect(parseApplicationDtmf('15\r\n')).toEqual({ digit: 'D', durationMs: 0 });
  });

  it('refuses bodies without a valid signal', () => {
    expect(parseDtmfRelay('Duration=100')).toBeUndefined();
    expect(parseDtmfRelay('Signal=E\r\nDuration=100')).toBeUndefined();
    expect(parseDtmfRelay('Signal=16')).toBeUndefined();
    expect(parseApplicationDtmf('hello')).toBeUndefined();
    expect(parseApplicationDtmf('')).toBeUndefined();
  });

  it('writes a body that reads back to the same digit and duration', () => {
    const body = formatDtmfRelay('#', 180.4);
    expect(body).toBe('Signal=#\r\nDuration=180\r\n');
    expect(parseDtmfRelay(body)).toEqual({ digit: '#', durationMs: 180 });
  });
});

describe('call-control configuration', () => {
  it('defaults to reliableProvisional supported and dtmfMethod auto', () => {
    const c = resolveConfig({});
    expect(c.sip.reliableProvisional).toBe('supported');
    expect(c.media.dtmfMethod).toBe('auto');
  });

  it('accepts every documented value', () => {
    for (const v of ['supported', 'required', 'off'] as const) expect(resolveConfig({ sip: { reliableProvisional: v } }).sip.reliableProvisional).toBe(v);
    for (const v of ['auto', 'rfc4733', 'info'] as const) expect(resolveConfig({ media: { dtmfMethod: v } }).media.dtmfMethod).toBe(v);
  });

  it('rejects other values with a ConfigError naming the option', () => {
    expect(() => resolveConfig({ sip: { reliableProvisional: 'always' } })).toThrow(ConfigError);
    expect(() => resolveConfig({ sip: { reliableProvisional: 'always' } })).toThrow(/sip\.reliableProvisional/);
    expect(() => resolveConfig({ media: { dtmfMethod: 'sip-info' } })).toThrow(/media\.dtmfMethod/);
    expect(() => resolveConfig({ media: { dtmfMethod: 1 } })).toThrow(ConfigError);
  });
});
