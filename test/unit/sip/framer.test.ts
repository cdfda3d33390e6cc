import { describe, expect, it } from 'vitest';
import { StreamFramer, parseMessage, type FramerEvent } from '../../../src/sip/index.js';

const msg = (method: string, body: string): string =>
  `${method} sip:bob@biloxi.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK${method}\r\nFrom: <sip:a@b>;tag=1\r\n` +
  `To: <sip:bob@biloxi.com>\r\nCall-ID: c\r\nCSeq: 1 ${method}\r\nl: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

const A = msg('INVITE', 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n');
const B = msg('OPTIONS', '');
const C = msg('MESSAGE', 'héllo \r\n\r\n with CRLFCRLF inside');
// ping between A and B, a pong between B and C, a ping at the end
const STREAM = Buffer.from(A + '\r\n\r\n' + B + '\r\n' + C + '\r\n\r\n', 'utf8');

function describeEvents(events: FramerEvent[]): string[] {
  return events.map((e) =>
    e.type === 'message' ? `message:${e.data.toString('utf8')}` : e.type === 'keepalive' ? `keepalive:${e.kind}` : `error:${e.error.reason}`,
  );
}

const EXPECTED = [`message:${A}`, 'keepalive:ping', `message:${B}`, 'keepalive:pong', `message:${C}`, 'keepalive:ping'];

describe('StreamFramer', () => {
  it('frames a stream given in one chunk', () => {
    expect(describeEvents(new StreamFramer().push(STREAM))).toEqual(EXPECTED);
  });

  it('yields the same events for every split point of the stream', () => {
    for (let i = 0; i <= STREAM.length; i++) {
      const f = new StreamFramer();
      const events = [...f.push(STREAM.subarray(0, i)), ...f.push(STREAM.subarray(i))];
      expect(describeEvents(events), `split at ${i}`).toEqual(EXPECTED);
      expect(f.pending).toBe(0);
    }
  });

  it('yields the same events for every pair of split points on a shorter stream', () => {
    const s = Buffer.from(B + '\r\n' + B + '\r\n\r\n', 'utf8');
    const want = describeEvents(new StreamFramer().push(s));
    for (let i = 0; i <= s.length; i += 3) {
      for (let j = i; j <= s.length; j += 5) {
        const f = new StreamFramer();
        const ev = [...f.push(s.subarray(0, i)), ...f.push(s.subarray(i, j)), ...f.push(s.subarray(j))];
        expect(describeEvents(ev)).toEqual(want);
      }
    }
  });

  it('frames a stream fed one byte at a time', () => {
    const f = new StreamFramer();
    const events: FramerEvent[] = [];
    for (let i = 0; i < STREAM.length; i++) events.push(...f.push(STREAM.subarray(i, i + 1)));
    expect(describeEvents(events)).toEqual(EXPECTED);
  });

  it('hands out messages that parse, and copies so later input cannot change them', () => {
    const f = new StreamFramer();
    const [first] = f.push(Buffer.from(A + B.slice(0, 10)));
    f.push(Buffer.from(B.slice(10)));
    if (first?.type !== 'message') throw new Error('message expected');
    const m = parseMessage(first.data, { datagram: false });
    expect(m.isRequest() && m.method).toBe('INVITE');
    expect(first.data.toString()).toBe(A);
  });

  it('reports a lone CRLF at once as a pong when eagerPong is set', () => {
    expect(describeEvents(new StreamFramer({ eagerPong: true }).push(Buffer.from('\r\n')))).toEqual(['keepalive:pong']);
    expect(new StreamFramer().push(Buffer.from('\r\n'))).toEqual([]);
  });

  it('fails on a message without Content-Length and refuses more input', () => {
    const f = new StreamFramer();
    const ev = f.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n'));
    expect(ev).toHaveLength(1);
    const e = ev[0]!;
    if (e.type !== 'error') throw new Error('error expected');
    expect([e.error.reason, e.error.header, e.error.fatal]).toEqual(['missing-header', 'Content-Length', true]);
    expect(f.failed).toBe(true);
    expect(f.push(Buffer.from(B))).toEqual([]);
  });

  it('fails on a Content-Length beyond the size limit before receiving the body', () => {
    const f = new StreamFramer({ limits: { maxMessageSize: 1000 } });
    const ev = describeEvents(f.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 5000\r\n\r\n')));
    expect(ev).toEqual(['error:too-large']);
  });

  it('fails on a header section that never ends within the size limit', () => {
    const f = new StreamFramer({ limits: { maxMessageSize: 1000 } });
    let events: FramerEvent[] = [];
    for (let i = 0; i < 100 && events.length === 0; i++) events = f.push(Buffer.from('X-Filler: 0123456789\r\n'));
    expect(describeEvents(events)).toEqual(['error:too-large']);
  });

  it('fails on a malformed or conflicting Content-Length', () => {
    expect(describeEvents(new StreamFramer().push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: -1\r\n\r\n')))).toEqual(['error:bad-header']);
    expect(
      describeEvents(new StreamFramer().push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: 1\r\nContent-Length: 2\r\n\r\nab'))),
    ).toEqual(['error:bad-header']);
  });

  it('waits for the rest of a short body (RFC 4475 clerr over TCP)', () => {
    const f = new StreamFramer();
    expect(f.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 9999\r\n\r\nshort'))).toEqual([]);
    expect(f.pending).toBeGreaterThan(0);
  });

  it('works in linear time on a large stream fed in small chunks', () => {
    const many = Buffer.from((A + B + C).repeat(300));
    const f = new StreamFramer();
    const t0 = performance.now();
    let n = 0;
    for (let i = 0; i < many.length; i += 7) n += f.push(many.subarray(i, i + 7)).length;
    expect(n).toBe(900);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
