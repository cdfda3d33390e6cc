/**
 * The parser's fast paths (sticky regular expressions for the common shapes of URIs, Via values,
 * generic parameters and auth-params) must agree with the general parsers, which are the
 * reference: for every input, either the fast path declines (undefined) or it returns exactly what
 * the general parser returns; and it never accepts an input the general parser rejects.
 * Inputs are generated near the common shapes, with characters that sit on the edges of each
 * grammar (escapes, quotes, LWS, separators, upper case, long ports), so both outcomes occur often.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uriParsers, type SipUri } from '../../../src/sip/uri.js';
import { viaParsers, type Via } from '../../../src/sip/via.js';
import { parseParams, parseParamsFast, parseParamsGeneral } from '../../../src/sip/chars.js';
import { parseAuthFast, parseAuthGeneral, type AuthValue } from '../../../src/sip/headers/auth.js';
import { SipParseError } from '../../../src/sip/errors.js';
import { parseMessage } from '../../../src/sip/parser.js';
import { readFileSync, readdirSync } from 'node:fs';

const RUNS = 4000;

/** A string over `chars`, with the given length bounds. */
function from(chars: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...chars.split('')), minLength, maxLength });
}

const alnum = 'abcXYZ019';
const edgy = alnum + ".-_!~*'()&=+$,;?/%@:[]<>\" \tA";
const hostChars = 'abz09.-_';
/** Mostly the common shape, sometimes an edge. */
function mostly<T>(usual: fc.Arbitrary<T>, edge: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: usual, weight: 12 }, { arbitrary: edge, weight: 1 });
}
const paramName = mostly(fc.oneof(from(alnum + '-.!*_+`\'~', 1, 6), fc.constantFrom('branch', 'TAG', 'lr', 'transport')), fc.oneof(from(edgy, 0, 4), fc.constantFrom('x%41')));
const paramValue = mostly(from(alnum + '.-:@', 1, 8), fc.oneof(from(edgy, 0, 5), fc.constantFrom('"quoted"', '"a\\"b"', '', 'z9hG4bK74bf9')));
const paramList = fc
  .array(fc.tuple(mostly(fc.constant(';'), fc.constantFrom(' ;', '; ', ',')), paramName, fc.option(fc.tuple(mostly(fc.constant('='), fc.constant(' = ')), paramValue), { nil: undefined })), { maxLength: 4 })
  .map((ps) => ps.map(([sep, n, v]) => sep + n + (v === undefined ? '' : v[0] + v[1])).join(''));

const uriText = fc
  .tuple(
    mostly(fc.constantFrom('sip:', 'sips:'), fc.constantFrom('SIP:', 'tel:', 'sip')),
    fc.option(mostly(from(alnum + '-_.!~*()&=+$,', 1, 8), from(edgy, 0, 6)), { nil: undefined }),
    mostly(fc.oneof(from(hostChars, 1, 12), fc.constant('192.0.2.4')), fc.constantFrom('[2001:db8::1]', 'a b', '', 'h%41')),
    fc.option(mostly(fc.integer({ min: 0, max: 99999 }).map(String), from('0123456789x', 0, 7)), { nil: undefined }),
    paramList,
    mostly(fc.constant(''), fc.constantFrom('?h=v', '?Subject=x&a=b', '?', '?=x')),
  )
  .map(([scheme, user, host, port, params, headers]) =>
    scheme + (user === undefined ? '' : user + '@') + host + (port === undefined ? '' : ':' + port) + params + headers,
  );

const viaText = fc
  .tuple(
    mostly(fc.constantFrom('SIP/2.0/UDP', 'SIP/2.0/TCP', 'SIP/2.0/WSS', 'SIP/2.0/TLS'), fc.constantFrom('SIP / 2.0 / UDP', 'SIP/2.0/udp', 'SIP/3.0/UDP', 'SIP/2.0/X-Y')),
    mostly(fc.constant(' '), fc.constantFrom('  ', '\t')),
    mostly(from(hostChars, 1, 12), fc.constantFrom('[2001:db8::1]', '192.0.2.4', 'h st', '')),
    fc.option(mostly(fc.integer({ min: 0, max: 99999 }).map(String), fc.constantFrom(' 5060', '', '50a')), { nil: undefined }),
    paramList,
  )
  .map(([proto, gap, host, port, params]) => proto + gap + host + (port === undefined ? '' : ':' + port) + params);

const authText = fc
  .tuple(
    fc.constantFrom('Digest', 'Digest', 'Basic', 'Di,gest', ''),
    fc.array(
      fc.tuple(
        fc.constantFrom(' ', ', ', ',', ' , ', ',,'),
        fc.oneof(fc.constantFrom('realm', 'Nonce', 'qop', 'uri'), from(edgy, 0, 5)),
        fc.constantFrom('=', ' = ', '', '='),
        fc.oneof(paramValue, from(alnum, 1, 10).map((v) => `"${v}"`)),
      ),
      { maxLength: 5 },
    ),
  )
  .map(([scheme, ps]) => scheme + ps.map(([sep, n, eq, v]) => sep + n + eq + v).join(''));

/** Runs `fn`, giving its value or the SipParseError it threw (anything else fails the test). */
function outcome<T>(fn: () => T): T | SipParseError {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SipParseError) return err;
    throw err;
  }
}

const uriView = (u: SipUri) => ({
  scheme: u.scheme,
  user: u.user,
  password: u.password,
  host: u.host,
  port: u.port,
  params: [...u.params],
  headers: [...u.headers],
  text: u.toString(),
});
const viaView = (v: Via) => ({ protocol: v.protocol, transport: v.transport, host: v.host, port: v.port, params: [...v.params], text: v.toString() });
const authView = (a: AuthValue) => ({ scheme: a.scheme, params: [...a.params] });

describe('fast paths agree with the general parsers', () => {
  it('a URI accepted by the fast path is the URI the general parser builds', () => {
    let fastHits = 0;
    fc.assert(
      fc.property(uriText, (text) => {
        const fast = uriParsers.fast(text);
        const general = outcome(() => uriParsers.general(text));
        if (fast === undefined) return;
        fastHits++;
        expect(general).not.toBeInstanceOf(SipParseError);
        expect(uriView(fast)).toEqual(uriView(general as SipUri));
      }),
      { numRuns: RUNS, seed: 4242 },
    );
    expect(fastHits).toBeGreaterThan(RUNS / 20);
  });

  it('a Via value accepted by the fast path is the Via the general parser builds', () => {
    let fastHits = 0;
    fc.assert(
      fc.property(viaText, (text) => {
        const fast = outcome(() => viaParsers.fast(text));
        const general = outcome(() => viaParsers.general(text));
        if (fast === undefined) return;
        if (fast instanceof SipParseError) {
          // the fast path only throws from the shared semantic checks (rport, ttl, branch)
          expect(general).toBeInstanceOf(SipParseError);
          return;
        }
        fastHits++;
        expect(general).not.toBeInstanceOf(SipParseError);
        expect(viaView(fast)).toEqual(viaView(general as Via));
      }),
      { numRuns: RUNS, seed: 4243 },
    );
    expect(fastHits).toBeGreaterThan(RUNS / 20);
  });

  it('generic parameters from the fast path equal those of the general scanner, and parseParams equals the general scanner', () => {
    let fastHits = 0;
    fc.assert(
      fc.property(paramList, (text) => {
        const fast = parseParamsFast(text, 0, text.length);
        const general = outcome(() => parseParamsGeneral(text, 'X', 0, text.length));
        const combined = outcome(() => parseParams(text, 'X'));
        if (general instanceof SipParseError) expect(combined).toBeInstanceOf(SipParseError);
        else expect([...(combined as ReadonlyMap<string, string | null>)]).toEqual([...general]);
        if (fast === undefined) return;
        fastHits++;
        expect(general).not.toBeInstanceOf(SipParseError);
        expect([...fast]).toEqual([...(general as ReadonlyMap<string, string | null>)]);
      }),
      { numRuns: RUNS, seed: 4244 },
    );
    expect(fastHits).toBeGreaterThan(RUNS / 20);
  });

  it('auth-params from the fast path equal those of the general scanner', () => {
    let fastHits = 0;
    fc.assert(
      fc.property(authText, (text) => {
        const fast = parseAuthFast(text);
        const general = outcome(() => parseAuthGeneral(text, 'Authorization'));
        if (fast === undefined) return;
        fastHits++;
        expect(general).not.toBeInstanceOf(SipParseError);
        expect(authView(fast)).toEqual(authView(general as AuthValue));
      }),
      { numRuns: RUNS, seed: 4245 },
    );
    expect(fastHits).toBeGreaterThan(RUNS / 20);
  });

  it('the usual corpus shapes take the fast paths', () => {
    expect(uriParsers.fast('sip:alice@192.0.2.101:5060;transport=udp')?.params.get('transport')).toBe('udp');
    expect(viaParsers.fast('SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKnashd92;rport')?.rport).toBeNull();
    expect(parseAuthFast('Digest realm="biloxi.example.com", qop="auth", algorithm=MD5')?.params.get('qop')).toBe('auth');
    expect(parseParamsFast(';tag=9fxced76sl;lr', 0, 18)?.get('lr')).toBeNull();
  });

  it('the single-pass framing of an ASCII datagram gives what the general framing gives', () => {
    const dir = new URL('../../../bench/corpus/', import.meta.url);
    const corpus = readdirSync(dir)
      .filter((f) => f.endsWith('.sip'))
      .sort()
      .map((f) => readFileSync(new URL(f, dir)));
    const noise = fc.constantFrom(...'\r\n \t:;,<>"a'.split('').map((c) => c.charCodeAt(0)));
    const mutated = fc
      .tuple(fc.constantFrom(...corpus), fc.array(fc.tuple(fc.nat(), noise, fc.boolean()), { maxLength: 4 }))
      .map(([msg, edits]) => {
        const bytes = [...msg];
        for (const [at, byte, insert] of edits) {
          const i = at % (bytes.length + 1);
          if (insert) bytes.splice(i, 0, byte);
          else bytes[Math.min(i, bytes.length - 1)] = byte;
        }
        return Buffer.from(bytes);
      });
    let framed = 0;
    fc.assert(
      fc.property(mutated, (buf) => {
        // (without an end of header section, the appended octet would join the last header line)
        if (buf.indexOf('\r\n\r\n') < 0 && buf.indexOf('\n\n') < 0) return;
        // a non-ASCII octet after the message sends the same bytes through the general framing
        const general = outcome(() => parseMessage(Buffer.concat([buf, Buffer.from([0xff])])));
        const single = outcome(() => parseMessage(buf));
        if (single instanceof SipParseError || general instanceof SipParseError) {
          const reasons = [single, general].map((r) => (r instanceof SipParseError ? r.reason : 'ok'));
          if (!reasons.includes('content-length-mismatch')) expect(reasons[0]).toBe(reasons[1]);
          return;
        }
        framed++;
        expect(single.startLine()).toBe(general.startLine());
        expect(single.headers).toEqual(general.headers);
      }),
      { numRuns: 3000, seed: 4246 },
    );
    expect(framed).toBeGreaterThan(300);
  });
});
