/**
 * Property tests (fast-check, fixed seeds so runs are reproducible):
 * - generated messages survive serialize -> parse -> serialize unchanged;
 * - random and mutated byte strings (100,000 in all) produce a message or a SipParseError, never
 *   another exception, never slowly; every typed accessor of a parsed result obeys the same rule.
 */
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NameAddr,
  SipParseError,
  SipUri,
  Via,
  createRequest,
  createResponse,
  parseMessage,
  validateRequest,
  validateResponse,
  type SipRequest,
  type SipResponse,
} from '../../../src/sip/index.js';

const DIR = new URL('../../fixtures/rfc4475/', import.meta.url);
const CORPUS = readdirSync(DIR)
  .filter((f) => f.endsWith('.dat'))
  .sort()
  .map((f) => readFileSync(new URL(f, DIR)));

const alnum = fc.stringMatching(/^[a-z0-9]{1,12}$/);
const token = fc.stringMatching(/^[A-Za-z0-9\-.!%*_+`'~]{1,16}$/);
const hostArb = fc.oneof(
  fc.tuple(alnum, alnum).map(([a, b]) => `${a}.${b}.example`),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.')),
  fc.constantFrom('2001:db8::1', '::1', 'fe80::1:2:3'),
);
const uriArb = fc
  .record({
    scheme: fc.constantFrom('sip' as const, 'sips' as const),
    user: fc.option(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }), { nil: undefined }),
    host: hostArb,
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    params: fc.array(fc.tuple(alnum, fc.option(fc.string({ minLength: 1, maxLength: 8 }), { nil: null })), { maxLength: 3 }),
  })
  .map((f) => SipUri.create({ ...f, params: new Map(f.params) }));
const displayArb = fc.option(fc.string({ unit: 'grapheme', maxLength: 12 }), { nil: undefined });
const nameAddrArb = fc.tuple(uriArb, displayArb, fc.option(alnum, { nil: undefined })).map(([u, d, tag]) => {
  const n = new NameAddr(u, d);
  return tag === undefined ? n : n.withTag(tag);
});
const viaArb = fc
  .record({ transport: fc.constantFrom('UDP', 'TCP', 'TLS', 'WS'), host: hostArb, port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), branch: alnum })
  .map((v) => new Via({ transport: v.transport, host: v.host, port: v.port, params: new Map([['branch', `z9hG4bK${v.branch}`], ['rport', null]]) }));
// extension header values: printable text (UTF-8 included) without leading/trailing whitespace
const valueArb = fc
  .string({ unit: fc.oneof(fc.constantFrom(' ', '\t', ',', ';', '"', '<', '>', '\\'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 30 })
  .map((s) => s.replace(/[\r\n]/g, '').trim());
const extraArb = fc.array(fc.tuple(token.map((t) => `X-${t}`), valueArb), { maxLength: 6 });
const bodyArb = fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a));

const requestArb = fc
  .record({
    method: token,
    uri: uriArb,
    from: nameAddrArb,
    to: nameAddrArb,
    callId: fc.stringMatching(/^[A-Za-z0-9.!%*_+`'~()<>:\\"\/\[\]?{}@-]{1,24}$/),
    cseq: fc.integer({ min: 0, max: 0xffffffff }),
    via: fc.array(viaArb, { minLength: 1, maxLength: 4 }),
    maxForwards: fc.integer({ min: 0, max: 255 }),
    headers: extraArb,
    body: bodyArb,
  })
  .map((o) => createRequest(o));

function roundTrips(m: SipRequest | SipResponse): void {
  const wire = m.serialize();
  const again = parseMessage(wire);
  expect(again.serialize().equals(wire)).toBe(true);
  expect(again.body.equals(m.body)).toBe(true);
  expect(again.headers.map((h) => h.value)).toEqual(m.headers.map((h) => h.value).concat(m.has('content-length') ? [] : [String(m.body.length)]));
}

describe('round trip', () => {
  it('generated requests survive serialize -> parse -> serialize unchanged', () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        roundTrips(req);
        const back = parseMessage(req.serialize()) as SipRequest;
        expect(back.uri.equals(req.uri)).toBe(true);
        expect(back.from.uri.equals(req.from.uri)).toBe(true);
        expect(back.from.displayName).toBe(req.from.displayName);
        expect(back.cseq).toEqual(req.cseq);
      }),
      { seed: 4475, numRuns: 800 },
    );
  });

  it('generated responses survive serialize -> parse -> serialize unchanged', () => {
    fc.assert(
      fc.property(
        requestArb,
        fc.integer({ min: 100, max: 699 }),
        fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, '')),
        extraArb,
        bodyArb,
        (req, status, reason, headers, body) => {
          const res = createResponse(req, status, reason, { headers, body, toTag: 'tt' });
          roundTrips(res);
          const back = parseMessage(res.serialize()) as SipResponse;
          expect([back.status, back.reason]).toEqual([status, reason]);
        },
      ),
      { seed: 3261, numRuns: 800 },
    );
  });
});

const ACCESSORS = [
  'via', 'topVia', 'from', 'to', 'callId', 'cseq', 'maxForwards', 'contact', 'route', 'recordRoute',
  'contentType', 'contentLength', 'contentEncoding', 'expires', 'minExpires', 'allow', 'supported',
  'require', 'proxyRequire', 'unsupported', 'allowEvents', 'accept', 'authorization',
  'proxyAuthorization', 'wwwAuthenticate', 'proxyAuthenticate', 'event', 'subscriptionState', 'referTo',
  'referredBy', 'replaces', 'sessionExpires', 'minSE', 'rseq', 'rack', 'reasons', 'retryAfter', 'date',
  'warnings', 'userAgent', 'server', 'subject', 'timestamp',
] as const;

let maxMs = 0;
let parsed = 0;
let slowest: Buffer | undefined;

/** Parses and touches everything; only SipParseError may escape each step. */
function exercise(input: Buffer): void {
  const t0 = performance.now();
  let m: SipRequest | SipResponse | undefined;
  try {
    m = parseMessage(input);
  } catch (err) {
    if (!(err instanceof SipParseError) || err.reason === 'internal') throw err;
  }
  if (m !== undefined) {
    parsed++;
    for (const name of ACCESSORS) {
      try {
        const v: unknown = (m as unknown as Record<string, unknown>)[name];
        if (Array.isArray(v)) for (const x of v) String(x);
        else if (v instanceof NameAddr || v instanceof Via) v.toString();
      } catch (err) {
        if (!(err instanceof SipParseError)) throw err;
      }
    }
    for (const h of m.headers) m.getAll(h.name);
    if (m.isRequest()) {
      m.uri.toString();
      validateRequest(m, { supportedExtensions: ['timer'], acceptedContentTypes: ['application/sdp'], producibleContentTypes: ['application/sdp'] });
    } else validateResponse(m);
    const wire = m.serialize();
    try {
      parseMessage(wire, { lazy: true });
    } catch (err) {
      if (!(err instanceof SipParseError)) throw err;
    }
  }
  const ms = performance.now() - t0;
  if (ms > maxMs) {
    maxMs = ms;
    slowest = input;
  }
}

const SPECIAL = [':', ';', ',', '"', '\\', '<', '>', '@', '%', '=', '/', '[', ']', '?', '&', ' ', '\t', '\r\n', '\r\n ', '\r\n\r\n', 'SIP/2.0', 'sip:', '%00', '\0', '\xff'].map((x) => Buffer.from(x, 'latin1'));

/** A small deterministic PRNG (xorshift32), seeded by fast-check, to drive cheap mutations. */
function prng(seed: number): (n: number) => number {
  let x = seed | 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** Applies 1-4 random mutations: byte flips, inserts, deletes, duplicated ranges, SIP punctuation, long digit runs. */
function mutate(src: Buffer, seed: number): Buffer {
  const rnd = prng(seed);
  let b = src;
  const count = 1 + rnd(4);
  for (let k = 0; k < count; k++) {
    const at = rnd(b.length + 1);
    const len = 1 + rnd(40);
    switch (rnd(6)) {
      case 0:
        b = Buffer.from(b);
        if (b.length > 0) b[Math.min(at, b.length - 1)] = rnd(256);
        break;
      case 1:
        b = Buffer.concat([b.subarray(0, at), Buffer.alloc(1 + (len % 4), rnd(256)), b.subarray(at)]);
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + len)]);
        break;
      case 3:
        b = Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]);
        break;
      case 4:
        b = Buffer.concat([b.subarray(0, at), SPECIAL[rnd(SPECIAL.length)]!, b.subarray(at)]);
        break;
      default:
        b = Buffer.concat([b.subarray(0, at), Buffer.from('9'.repeat(len)), b.subarray(at)]);
    }
  }
  return b;
}

/** Re-times the slowest input in isolation (best of 5) so GC pauses and CPU contention do not count. */
function slowestIsolated(): number {
  if (slowest === undefined) return 0;
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    exercise(slowest);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

describe('fuzzing', () => {
  it('70,000 mutated torture messages give a message or a SipParseError, each quickly', () => {
    maxMs = 0;
    slowest = undefined;
    parsed = 0;
    fc.assert(
      fc.property(fc.nat(CORPUS.length - 1), fc.integer(), (i, seed) => {
        exercise(mutate(CORPUS[i]!, seed));
      }),
      { seed: 20261123, numRuns: 70_000 },
    );
    expect(parsed).toBeGreaterThan(10_000); // the mutations still reach the header parsers
    expect(slowestIsolated()).toBeLessThan(50);
  });

  it('30,000 random byte strings give a message or a SipParseError, each quickly', () => {
    maxMs = 0;
    slowest = undefined;
    const prefix = fc.constantFrom('', 'INVITE sip:a@b SIP/2.0\r\n', 'SIP/2.0 200 OK\r\n', 'OPTIONS sip:x SIP/2.0\r\nVia: ');
    fc.assert(
      fc.property(prefix, fc.uint8Array({ maxLength: 400 }), (p, bytes) => {
        exercise(Buffer.concat([Buffer.from(p), Buffer.from(bytes)]));
      }),
      { seed: 5626, numRuns: 30_000 },
    );
    expect(slowestIsolated()).toBeLessThan(50);
  });

  it('huge hostile inputs are bounded by the limits, not by backtracking', () => {
    const hostile = [
      'INVITE sip:a@b SIP/2.0\r\nTo: ' + '"'.repeat(60000) + '\r\n\r\n',
      'INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h' + ';a'.repeat(30000) + '\r\n\r\n',
      'INVITE sip:a@b SIP/2.0\r\nContact: ' + '<sip:a@b>,'.repeat(6000) + '\r\n\r\n',
      'INVITE sip:a@b SIP/2.0\r\n' + 'X: y\r\n '.repeat(20000) + '\r\n\r\n',
      'SIP/2.0 200 ' + 'x'.repeat(65000) + '\r\n\r\n',
    ];
    for (const h of hostile) {
      const t0 = performance.now();
      exercise(Buffer.from(h));
      exercise(Buffer.from(h));
      expect(performance.now() - t0).toBeLessThan(500);
    }
  });
});
