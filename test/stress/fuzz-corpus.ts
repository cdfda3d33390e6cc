/**
 * The fuzz corpus and its mutator (issue 9, "bad input at scale"): every RFC 4475 torture message
 * plus a set of well-formed requests and responses, mutated by a seeded generator so a failing
 * run can be replayed from its seed. Used by test/stress/netns/fuzz.netns.ts (100,000 messages in
 * CI) and, through the same file, by `npm run bench fuzz` (1,000,000 messages).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixtures = fileURLToPath(new URL('../fixtures/rfc4475/', import.meta.url));

/** xorshift128+: small, fast and reproducible from a 32-bit seed (not for cryptography). */
export class SeededRandom {
  #s0: bigint;
  #s1: bigint;

  constructor(seed: number) {
    this.#s0 = BigInt.asUintN(64, BigInt(seed >>> 0) * 0x9e3779b97f4a7c15n + 1n);
    this.#s1 = BigInt.asUintN(64, this.#s0 * 0xbf58476d1ce4e5b9n + 7n);
    for (let i = 0; i < 8; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    let s1 = this.#s0;
    const s0 = this.#s1;
    this.#s0 = s0;
    s1 ^= BigInt.asUintN(64, s1 << 23n);
    this.#s1 = s1 ^ s0 ^ (s1 >> 17n) ^ (s0 >> 26n);
    return Number(BigInt.asUintN(53, this.#s1 + s0)) / 2 ** 53;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of `list`. */
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
}

const SDP = [
  'v=0', 'o=fuzz 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 40000 RTP/AVP 0 8 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', 'a=sendrecv', '',
].join('\r\n');

function request(method: string, target: string, extra: string[] = [], body = ''): string {
  const lines = [
    `${method} ${target} SIP/2.0`,
    'Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bKfuzzBRANCH;rport',
    'Max-Forwards: 70',
    'From: "Fuzz" <sip:fuzz@127.0.0.1:5061>;tag=fuzzTAG',
    `To: <${target}>`,
    'Call-ID: fuzzCALLID@127.0.0.1',
    `CSeq: 1 ${method}`,
    'Contact: <sip:fuzz@127.0.0.1:5061>',
    ...extra,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '', body,
  ];
  return lines.join('\r\n');
}

function response(status: number, reason: string, method: string): string {
  return [
    `SIP/2.0 ${status} ${reason}`,
    'Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bKfuzzBRANCH',
    'From: <sip:sipline@127.0.0.1:5090>;tag=abc',
    'To: <sip:fuzz@127.0.0.1:5061>;tag=def',
    'Call-ID: fuzzCALLID@127.0.0.1',
    `CSeq: 1 ${method}`,
    'Content-Length: 0', '', '',
  ].join('\r\n');
}

/** Well-formed seeds, aimed at a user agent listening on `127.0.0.1:port`. */
function wellFormed(port: number): string[] {
  const uri = `sip:sipline@127.0.0.1:${port}`;
  return [
    request('INVITE', uri, ['Content-Type: application/sdp', 'Allow: INVITE, ACK, BYE, CANCEL, OPTIONS'], SDP),
    request('INVITE', uri, ['Supported: 100rel, timer', 'Session-Expires: 1800;refresher=uac', 'Content-Type: application/sdp'], SDP),
    request('OPTIONS', uri, ['Accept: application/sdp']),
    request('BYE', uri),
    request('CANCEL', uri),
    request('ACK', uri),
    request('REGISTER', `sip:127.0.0.1:${port}`, ['Expires: 3600']),
    request('INFO', uri, ['Content-Type: application/dtmf-relay'], 'Signal=5\r\nDuration=160\r\n'),
    request('REFER', uri, ['Refer-To: <sip:carol@127.0.0.1>', 'Referred-By: <sip:fuzz@127.0.0.1>']),
    request('NOTIFY', uri, ['Event: refer', 'Subscription-State: active;expires=60', 'Content-Type: message/sipfrag'], 'SIP/2.0 100 Trying\r\n'),
    request('MESSAGE', uri, ['Content-Type: text/plain'], 'hello'),
    request('UPDATE', uri, ['Content-Type: application/sdp'], SDP),
    request('PRACK', uri, ['RAck: 1 1 INVITE']),
    response(200, 'OK', 'INVITE'),
    response(180, 'Ringing', 'INVITE'),
    response(486, 'Busy Here', 'INVITE'),
    response(200, 'OK', 'BYE'),
  ];
}

/** Every RFC 4475 message (test/fixtures/rfc4475/*.dat) plus the well-formed seeds. */
export function loadCorpus(port: number): Buffer[] {
  const torture = readdirSync(fixtures).filter((f) => f.endsWith('.dat')).sort()
    .map((f) => readFileSync(fixtures + f));
  return [...torture, ...wellFormed(port).map((s) => Buffer.from(s, 'latin1'))];
}

const INTERESTING = [
  '0', '-1', '4294967296', '99999999999999999999', '', ' ', '\t', ';', ',', ':', '<', '>', '"', '\\',
  '%00', '%', 'z9hG4bK', 'SIP/2.0', '\r\n', '\r\n\r\n', '\n', '\0', '\xff', 'A'.repeat(300),
  'sip:', 'sips:', 'tel:', '[::1]', '127.0.0.1:99999', 'a=rtpmap:', 'm=audio 0 RTP/AVP',
];
const HEADERS = [
  'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Content-Length', 'Contact', 'Route', 'Record-Route',
  'Content-Type', 'Require', 'Supported', 'Expires', 'Session-Expires', 'RSeq', 'RAck', 'Refer-To',
  'Replaces', 'Authorization', 'Event', 'v', 'f', 't', 'i', 'l', 'm', 'c',
];

type Mutation = (m: Buffer, r: SeededRandom, corpus: readonly Buffer[]) => Buffer;

const MUTATIONS: readonly Mutation[] = [
  // flip bits in a few random bytes
  (m, r) => {
    const out = Buffer.from(m);
    for (let n = 1 + r.int(4); n > 0 && out.length > 0; n--) out[r.int(out.length)]! ^= 1 << r.int(8);
    return out;
  },
  // replace a random byte with a random byte
  (m, r) => {
    const out = Buffer.from(m);
    if (out.length > 0) out[r.int(out.length)] = r.int(256);
    return out;
  },
  // delete a random span
  (m, r) => {
    const at = r.int(m.length + 1);
    return Buffer.concat([m.subarray(0, at), m.subarray(Math.min(m.length, at + 1 + r.int(40)))]);
  },
  // insert an interesting token at a random place
  (m, r) => {
    const at = r.int(m.length + 1);
    return Buffer.concat([m.subarray(0, at), Buffer.from(r.pick(INTERESTING), 'latin1'), m.subarray(at)]);
  },
  // truncate
  (m, r) => m.subarray(0, r.int(m.length + 1)),
  // duplicate a line
  (m, r) => {
    const lines = m.toString('latin1').split('\r\n');
    const i = r.int(lines.length);
    lines.splice(i, 0, lines[i] ?? '');
    return Buffer.from(lines.join('\r\n'), 'latin1');
  },
  // drop a line
  (m, r) => {
    const lines = m.toString('latin1').split('\r\n');
    lines.splice(r.int(lines.length), 1);
    return Buffer.from(lines.join('\r\n'), 'latin1');
  },
  // swap two lines
  (m, r) => {
    const lines = m.toString('latin1').split('\r\n');
    const a = r.int(lines.length);
    const b = r.int(lines.length);
    [lines[a], lines[b]] = [lines[b]!, lines[a]!];
    return Buffer.from(lines.join('\r\n'), 'latin1');
  },
  // add a header with an odd value
  (m, r) => {
    const text = m.toString('latin1');
    const at = Math.max(0, text.indexOf('\r\n') + 2);
    const line = `${r.pick(HEADERS)}: ${r.pick(INTERESTING)}${r.pick(INTERESTING)}\r\n`;
    return Buffer.from(text.slice(0, at) + line + text.slice(at), 'latin1');
  },
  // replace a number with an extreme one
  (m, r) => {
    const text = m.toString('latin1');
    const numbers = [...text.matchAll(/\d+/g)];
    if (numbers.length === 0) return m;
    const hit = r.pick(numbers);
    const value = r.pick(['0', '-1', '65536', '4294967295', '4294967296', '1e9', '999999999999999999999', '00000000001']);
    return Buffer.from(text.slice(0, hit.index) + value + text.slice(hit.index + hit[0].length), 'latin1');
  },
  // CRLF turned into LF or CR, or a header folded
  (m, r) => {
    const text = m.toString('latin1');
    const choice = r.int(3);
    if (choice === 0) return Buffer.from(text.replace(/\r\n/g, '\n'), 'latin1');
    if (choice === 1) return Buffer.from(text.replace('\r\n', '\r'), 'latin1');
    const lines = text.split('\r\n');
    const i = 1 + r.int(Math.max(1, lines.length - 1));
    if (lines[i] !== undefined) lines[i] = ` ${lines[i]}`;
    return Buffer.from(lines.join('\r\n'), 'latin1');
  },
  // splice the head of this message with the tail of another
  (m, r, corpus) => {
    const other = r.pick(corpus);
    return Buffer.concat([m.subarray(0, r.int(m.length + 1)), other.subarray(r.int(other.length + 1))]);
  },
  // a long run of one byte somewhere
  (m, r) => {
    const at = r.int(m.length + 1);
    return Buffer.concat([m.subarray(0, at), Buffer.alloc(1 + r.int(2000), r.pick([0x41, 0x20, 0x3b, 0x2c, 0x00, 0x0d])), m.subarray(at)]);
  },
];

/**
 * The `i`-th message of a reproducible stream: a corpus entry with 1 to 3 mutations, its Call-ID
 * and branch made unique so every message is a new transaction (else they would mostly be
 * absorbed as retransmissions), and one message in 16 sent unmutated.
 */
export function mutatedMessage(corpus: readonly Buffer[], r: SeededRandom, i: number): Buffer {
  const seed = r.pick(corpus);
  const unique = seed.toString('latin1')
    .replace(/fuzzCALLID/g, `fz${i.toString(36)}`)
    .replace(/fuzzBRANCH/g, `b${i.toString(36)}`)
    .replace(/fuzzTAG/g, `t${i.toString(36)}`);
  let out: Buffer = Buffer.from(unique, 'latin1');
  if (r.int(16) === 0) return out;
  for (let n = 1 + r.int(3); n > 0; n--) out = r.pick(MUTATIONS)(out, r, corpus);
  // Stay under the UDP datagram limit; the stack's own size limit is tested elsewhere.
  return out.length > 60_000 ? Buffer.from(out.subarray(0, 60_000)) : out;
}
