/**
 * Keeps the hidden classes of parsed values alive (a V8 performance measure, no RFC behaviour).
 *
 * V8 describes every object by a hidden class ("map"). The maps that instances of a class pass
 * through while their fields are set are held only weakly; optimized code depends on them. When a
 * full garbage collection runs at a moment when no parsed message is alive (an idle server, or a
 * benchmark that collects between rounds), those maps die, every optimized parser function that
 * depended on them is deoptimized ("weak objects") and must be recompiled, and the next few
 * thousand messages are parsed by the interpreter at a tenth of the speed. Holding one parsed
 * sample of each common shape for the life of the process keeps the maps, and so the optimized
 * code, alive. The samples are synthetic (no user data is retained) and cost a few kilobytes.
 */
import type { SipRequest } from './request.js';
import type { SipResponse } from './response.js';

/** The samples: a request and a response that together use every commonly parsed value shape. */
const SAMPLES: readonly string[] = [
  'REGISTER sip:registrar.example.org;transport=udp SIP/2.0\r\n' +
    'Via: SIP/2.0/UDP proxy.example.org:5060;branch=z9hG4bKanchor1;received=192.0.2.1\r\n' +
    'Via: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bKanchor2;rport=5060\r\n' +
    'Route: <sip:proxy.example.org;lr>\r\n' +
    'Record-Route: <sip:proxy.example.org;lr>\r\n' +
    'Max-Forwards: 70\r\n' +
    'From: "Anchor" <sip:anchor@example.org>;tag=anchor1\r\n' +
    'To: <sip:anchor@example.org>\r\n' +
    'Call-ID: anchor@192.0.2.2\r\n' +
    'CSeq: 1 REGISTER\r\n' +
    'Contact: <sip:anchor@192.0.2.2:5060;transport=udp>;expires=60\r\n' +
    'Authorization: Digest username="anchor", realm="example.org", nonce="n", uri="sip:example.org", response="r", algorithm=MD5\r\n' +
    'Content-Type: application/sdp\r\n' +
    'Content-Length: 0\r\n\r\n',
  'SIP/2.0 401 Unauthorized\r\n' +
    'Via: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bKanchor2;rport=5060;received=192.0.2.2\r\n' +
    'Record-Route: <sip:proxy.example.org;lr>\r\n' +
    'From: <sip:anchor@example.org>;tag=anchor1\r\n' +
    'To: "Anchor" <sip:anchor@example.org>;tag=anchor2\r\n' +
    'Call-ID: anchor@192.0.2.2\r\n' +
    'CSeq: 1 REGISTER\r\n' +
    'Contact: <sip:192.0.2.3>\r\n' +
    'WWW-Authenticate: Digest realm="example.org", qop="auth", nonce="n", algorithm=MD5\r\n' +
    'Content-Length: 0\r\n\r\n',
];

/**
 * Parses the samples with `parse`, reads every commonly used typed accessor (so that the cached
 * values exist too) and returns what must be kept reachable. Never throws: a sample that fails to
 * parse is skipped (it would only cost speed, never behaviour).
 *
 * @param parse - the message parser
 * @returns the values to hold for the life of the process
 */
export function anchorShapes(parse: (data: Buffer) => SipRequest | SipResponse): readonly unknown[] {
  const kept: unknown[] = [];
  for (const text of SAMPLES) {
    try {
      const m = parse(Buffer.from(text, 'latin1'));
      kept.push(
        m,
        m.isRequest() ? m.uri : undefined,
        m.via,
        m.from,
        m.to,
        m.callId,
        m.cseq,
        m.contact,
        m.maxForwards,
        m.contentType,
        m.contentLength,
        m.route,
        m.recordRoute,
        m.authorization,
        m.wwwAuthenticate,
      );
    } catch {
      // a sample that does not parse only loses the speed-up
    }
  }
  return kept;
}
