import { describe, expect, it } from 'vitest';
import { parseMessage, SipRequest } from '../../../../src/sip/index.js';
import { LocationService } from '../../../../src/advanced/registrar/location-store.js';
import { processRegister, type ExpiryPolicy } from '../../../../src/advanced/registrar/register-handler.js';

const AOR = 'sip:alice@example.test';
const POLICY: ExpiryPolicy = { minExpires: 60, maxExpires: 7200, defaultExpires: 3600 };

function register(opts: { contacts: string[]; expires?: string; callId?: string; cseq: number }): SipRequest {
  const lines = [
    'REGISTER sip:example.test SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-test',
    'Max-Forwards: 70',
    `From: <${AOR}>;tag=a1`,
    `To: <${AOR}>`,
    `Call-ID: ${opts.callId ?? 'call-1'}`,
    `CSeq: ${opts.cseq} REGISTER`,
    ...opts.contacts.map((c) => `Contact: ${c}`),
    ...(opts.expires !== undefined ? [`Expires: ${opts.expires}`] : []),
    'Content-Length: 0',
    '', '',
  ];
  const m = parseMessage(Buffer.from(lines.join('\r\n')), { datagram: true });
  if (!(m instanceof SipRequest)) throw new Error('not a request');
  return m;
}

const T0 = 1_700_000_000_000;

describe('REGISTER processing (RFC 3261 §10.3)', () => {
  it('binds a contact with the Expires header and lists it with its remaining time', async () => {
    const store = new LocationService(() => T0);
    const out = await processRegister(register({ contacts: ['<sip:alice@192.0.2.1:5070>'], expires: '600', cseq: 1 }), AOR, store, POLICY, T0, 'x');
    expect(out.status).toBe(200);
    expect(out.headers.filter((h) => h.name === 'Contact').map((h) => h.value)).toEqual(['<sip:alice@192.0.2.1:5070>;expires=600']);
    expect(store.get(AOR)[0]!.expiresAt).toBe(T0 + 600_000);
  });

  it('prefers the Contact expires parameter, caps at maxExpires and uses the default when none is given', async () => {
    const store = new LocationService(() => T0);
    await processRegister(register({
      contacts: ['<sip:a@192.0.2.1>;expires=120', '<sip:b@192.0.2.2>;expires=999999', '<sip:c@192.0.2.3>'], cseq: 1,
    }), AOR, store, POLICY, T0, 'x');
    const byContact = Object.fromEntries(store.get(AOR).map((b) => [b.contact, (b.expiresAt - T0) / 1000]));
    expect(byContact).toEqual({ 'sip:a@192.0.2.1': 120, 'sip:b@192.0.2.2': 7200, 'sip:c@192.0.2.3': 3600 });
  });

  it('answers 423 with Min-Expires for a too-short expiry and binds nothing', async () => {
    const store = new LocationService(() => T0);
    const out = await processRegister(register({ contacts: ['<sip:alice@192.0.2.1>'], expires: '30', cseq: 1 }), AOR, store, POLICY, T0, 'x');
    expect(out.status).toBe(423);
    expect(out.headers).toEqual([{ name: 'Min-Expires', value: '60' }]);
    expect(store.get(AOR)).toEqual([]);
  });

  it('keeps q-values and removes every binding with * and Expires: 0', async () => {
    const store = new LocationService(() => T0);
    await processRegister(register({ contacts: ['<sip:a@192.0.2.1>;q=0.5', '<sip:b@192.0.2.2>;q=1.0'], cseq: 1 }), AOR, store, POLICY, T0, 'x');
    expect(store.get(AOR).map((b) => b.q).sort()).toEqual([0.5, 1]);
    const bad = await processRegister(register({ contacts: ['*'], expires: '60', cseq: 2 }), AOR, store, POLICY, T0, 'x');
    expect(bad.status).toBe(400);
    const out = await processRegister(register({ contacts: ['*'], expires: '0', callId: 'other', cseq: 1 }), AOR, store, POLICY, T0, 'x');
    expect(out.status).toBe(200);
    expect(store.get(AOR)).toEqual([]);
  });

  it('refuses an out-of-order REGISTER from the same Call-ID with 500 and accepts a new Call-ID', async () => {
    const store = new LocationService(() => T0);
    await processRegister(register({ contacts: ['<sip:a@192.0.2.1>'], cseq: 5 }), AOR, store, POLICY, T0, 'x');
    const old = await processRegister(register({ contacts: ['<sip:a@192.0.2.1>'], expires: '0', cseq: 4 }), AOR, store, POLICY, T0, 'x');
    expect(old.status).toBe(500);
    expect(store.get(AOR)).toHaveLength(1);
    const other = await processRegister(register({ contacts: ['<sip:a@192.0.2.1>'], expires: '0', callId: 'reboot', cseq: 1 }), AOR, store, POLICY, T0, 'x');
    expect(other.status).toBe(200);
    expect(store.get(AOR)).toEqual([]);
  });

  it('drops bindings once they expire', async () => {
    let now = T0;
    const store = new LocationService(() => now);
    await processRegister(register({ contacts: ['<sip:a@192.0.2.1>'], expires: '60', cseq: 1 }), AOR, store, POLICY, T0, 'x');
    now = T0 + 59_000;
    expect(store.get(AOR)).toHaveLength(1);
    now = T0 + 60_000;
    expect(store.get(AOR)).toEqual([]);
  });

  it('answers a REGISTER without Contact with the current bindings (a query)', async () => {
    const store = new LocationService(() => T0);
    await processRegister(register({ contacts: ['<sip:a@192.0.2.1>'], expires: '600', cseq: 1 }), AOR, store, POLICY, T0, 'x');
    const out = await processRegister(register({ contacts: [], cseq: 2 }), AOR, store, POLICY, T0 + 100_000, 'x');
    expect(out.status).toBe(200);
    expect(out.headers.find((h) => h.name === 'Contact')?.value).toBe('<sip:a@192.0.2.1>;expires=500');
  });
});
