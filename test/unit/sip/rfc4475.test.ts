/**
 * The 49 RFC 4475 torture messages (test/fixtures/rfc4475), each checked against the expectation
 * table of test/fixtures/README.md and the explanations of RFC 4475 §3.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  NameAddr,
  SipParseError,
  SipRequest,
  SipResponse,
  SipUri,
  createErrorResponse,
  parseMessage,
  validateRequest,
  validateResponse,
} from '../../../src/sip/index.js';

const DIR = new URL('../../fixtures/rfc4475/', import.meta.url);
const load = (name: string): Buffer => readFileSync(new URL(`${name}.dat`, DIR));

function req(name: string): SipRequest {
  const m = parseMessage(load(name));
  if (!m.isRequest()) throw new Error(`${name} is not a request`);
  return m;
}

function res(name: string): SipResponse {
  const m = parseMessage(load(name));
  if (!m.isResponse()) throw new Error(`${name} is not a response`);
  return m;
}

function parseError(name: string, options?: Parameters<typeof parseMessage>[1]): SipParseError {
  try {
    parseMessage(load(name), options);
  } catch (err) {
    expect(err).toBeInstanceOf(SipParseError);
    return err as SipParseError;
  }
  throw new Error(`${name} parsed but should not`);
}

/** Body offset: the octets after the first CRLFCRLF. */
function rawBody(name: string): Buffer {
  const b = load(name);
  return b.subarray(b.indexOf('\r\n\r\n') + 4);
}

describe('RFC 4475 torture messages', () => {
  it('has all 49 fixtures', () => {
    expect(readdirSync(DIR).filter((f) => f.endsWith('.dat'))).toHaveLength(49);
  });

  describe('3.1.1 valid messages', () => {
    it('wsinv: whitespace, folding, compact forms and unusual values come out unfolded', () => {
      const m = req('wsinv');
      expect(m.method).toBe('INVITE');
      expect(m.uri.user).toBe('vivekg');
      expect(m.uri.host).toBe('chair-dnrc.example.com');
      expect(m.uri.params.get('unknownparam')).toBeNull();
      expect(m.to.uri.toString()).toBe('sip:vivekg@chair-dnrc.example.com');
      expect(m.to.tag).toBe('1918181833n');
      expect(m.from.displayName).toBe('J Rosenberg \\"');
      expect(m.from.tag).toBe('98asjd8');
      expect(m.maxForwards).toBe(68);
      expect(m.callId).toBe('wsinv.ndaksdj@192.0.2.1');
      expect(m.cseq).toEqual({ seq: 9, method: 'INVITE' });
      expect(m.via.map((v) => [v.protocol, v.transport, v.host, v.branch])).toEqual([
        ['SIP/2.0', 'UDP', '192.0.2.2', '390skdjuw'],
        ['SIP/2.0', 'TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
        ['SIP/2.0', 'UDP', '192.168.255.111', 'z9hG4bK30239'],
      ]);
      expect(m.get('s')).toBe('');
      expect(m.subject).toBe('');
      expect(m.get('newfangledheader')).toBe('newfangled value continued newfangled value');
      expect(m.get('UnknownHeaderWithUnusualValue')).toBe(';;,,;;,;');
      const route = m.route[0]!;
      expect([...route.uri.params]).toEqual([
        ['lr', null],
        ['unknownwith', 'value'],
        ['unknown-no-value', null],
      ]);
      const c = m.contact[0] as NameAddr;
      expect(c.displayName).toBe('Quoted string ""');
      expect(c.params.get('newparam')).toBe('newvalue');
      expect(c.params.get('secondparam')).toBeNull();
      expect(c.q).toBe(0.33);
      expect(m.contentType?.mime).toBe('application/sdp');
      expect(m.body.length).toBe(150);
    });

    it('intmeth: unusual method, user, password, display names and parameters', () => {
      const m = req('intmeth');
      const method = "!interesting-Method0123456789_*+`.%indeed'~";
      expect(m.method).toBe(method);
      expect(m.cseq.method).toBe(method);
      expect(m.uri.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
      expect(m.uri.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
      expect(m.uri.host).toBe('example.com');
      expect(m.to.displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
      expect(m.to.uri.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
      expect(m.from.displayName).toBe("token1~` token2'+_ token3*%!.-");
      expect(m.from.tag).toBe("_token~1'+`*%!-.");
      expect(m.from.params.get("fromparam''~+*_!.-%")).toBe('"\u0440\u0430\u0431\u043e\u0442\u0430\u044e\u0449\u0438\u0439"');
      expect(m.callId).toBe('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
      expect(m.topVia.branch).toBe("z9hG4bK-.!%66*_+`'~");
      expect(m.get("extensionHeader-!.%*+_`'~")).toBe('\uFEFF\u5927\u505C\u96FB');
      expect(m.maxForwards).toBe(255);
    });

    it('esc01: escaped user parts decode and compare per §19.1.4', () => {
      const m = req('esc01');
      expect(m.uri.user).toBe('sips:user@example.com');
      expect(m.uri.host).toBe('example.net');
      expect(m.uri.equals(SipUri.parse('sip:sips%3Auser%40example.com@example.net'))).toBe(true);
      expect(m.to.uri.user).toBe('user');
      expect(m.to.uri.equals(SipUri.parse('sip:user@example.com'))).toBe(true);
      expect(m.from.uri.user).toBe('I have spaces');
      expect(m.from.uri.toString()).toBe('sip:I%20have%20spaces@example.net');
      const c = m.contact[0] as NameAddr;
      expect(c.uri.user).toBe('caller');
      expect([...c.uri.params]).toEqual([
        ['lr', null],
        ['name', 'value%41'],
      ]);
      expect(m.contentType?.mime).toBe('application/sdp');
    });

    it('escnull: an escaped NUL stays a NUL in the user part', () => {
      const m = req('escnull');
      expect(m.to.uri.user).toBe('null-\0-null');
      expect(m.from.uri.user).toBe('null-\0-null');
      expect(m.contact.map((c) => (c as NameAddr).uri.user)).toEqual(['\0', '\0\0']);
      expect(m.contentLength).toBe(0);
    });

    it('esc02: an escaped method is a different (unknown) method, answered 501', () => {
      const m = req('esc02');
      expect(m.method).toBe('RE%47IST%45R');
      expect(m.to.displayName).toBe('%Z%45');
      expect(m.contact).toHaveLength(2); // C%6Fntact is another header
      expect(m.get('C%6Fntact')).toBe('<sip:alias2@host2.example.com>');
      expect(m.topVia.branch).toBe('z9hG4bK209%fzsnel234');
      expect(validateRequest(m)?.status).toBe(501);
    });

    it('lwsdisp: a display name token directly followed by <', () => {
      expect(req('lwsdisp').from.displayName).toBe('caller');
    });

    it('longreq: long values survive intact', () => {
      const m = req('longreq');
      const text = load('longreq').toString('utf8');
      expect(m.to.displayName).toMatch(/^I have a user name of (extreme){10} proportion$/);
      expect(m.to.uri.port).toBe(6000);
      expect(m.to.uri.params.get('unknownparam1')).toMatch(/^verylong(long)+value$/);
      expect(m.to.tag).toBeUndefined();
      expect(m.to.uri.params.get('longparam' + 'name'.repeat(25))).toBe('shortvalue');
      expect(m.to.uri.params.get('very' + 'long'.repeat(25) + 'parameternamewithnovalue')).toBeNull();
      expect(m.from.tag).toMatch(/^[0-9]{60,}$/);
      expect(m.from.uri.user).toBe('amazinglylongcallername'.repeat(5));
      expect(m.via).toHaveLength((text.match(/^v(ia)?\s*:/gim) ?? []).length);
      expect(m.via.length).toBe(34);
      const last = m.via[m.via.length - 1]!;
      expect(last.received).toBe('192.0.2.5');
      expect(last.branch).toMatch(/^verylong(long)+branchvalue$/);
      expect(m.callId).toMatch(/^longreq\.one(really)+longcallid$/);
      expect(m.body.length).toBe(150);
    });

    it('dblreq: the octets after Content-Length are ignored over UDP', () => {
      const m = req('dblreq');
      expect(m.method).toBe('REGISTER');
      expect(m.body.length).toBe(0);
      expect(m.callId).toBe('dblreq.0ha0isndaksdj99sdfafnl3lk233412');
    });

    it('semiuri: semicolons before @ belong to the user part', () => {
      const m = req('semiuri');
      expect(m.uri.user).toBe('user;par=u@example.net');
      expect(m.uri.host).toBe('example.com');
      expect(m.uri.params.size).toBe(0);
      expect(m.accept.map((a) => a.mime)).toEqual([
        'application/sdp',
        'application/pkcs7-mime',
        'multipart/mixed',
        'multipart/signed',
        'message/sip',
        'message/sipfrag',
      ]);
    });

    it('transports: every Via transport is reported, unknown ones too', () => {
      expect(req('transports').via.map((v) => v.transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
    });

    it('mpart01: the multipart body is kept byte for byte', () => {
      const m = req('mpart01');
      expect(m.contentType?.mime).toBe('multipart/mixed');
      expect(m.contentType?.params.get('boundary')).toBe('7a9cbec02ceef655');
      expect(m.body.length).toBe(553);
      expect(m.body.equals(rawBody('mpart01').subarray(0, 553))).toBe(true);
      expect(m.date?.toISOString()).toBe('2005-10-15T04:44:56.000Z');
      expect(m.topVia.rport).toBeNull();
    });

    it('unreason: a UTF-8 reason phrase with unusual characters', () => {
      expect(res('unreason').reason).toBe(
        '= 2**3 * 5**2 \u043d\u043e \u0441\u0442\u043e \u0434\u0435\u0432\u044f\u043d\u043e\u0441\u0442\u043e \u0434\u0435\u0432\u044f\u0442\u044c - \u043f\u0440\u043e\u0441\u0442\u043e\u0435',
      );
    });

    it('noreason: an empty reason phrase', () => {
      const m = res('noreason');
      expect(m.status).toBe(100);
      expect(m.reason).toBe('');
    });
  });

  describe('3.1.2 invalid messages', () => {
    it.each([
      ['badinv01', 'bad-header', 'Via', 400],
      ['clerr', 'content-length-mismatch', 'Content-Length', 400],
      ['ncl', 'bad-header', 'Content-Length', 400],
      ['scalar02', 'bad-header', 'Max-Forwards', 400],
      ['quotbal', 'bad-header', 'To', 400],
      ['ltgtruri', 'bad-uri', undefined, 400],
      ['lwsruri', 'bad-uri', undefined, 400],
      ['mismatch01', 'cseq-method-mismatch', 'CSeq', 400],
      ['mismatch02', 'cseq-method-mismatch', 'CSeq', 501],
      ['badvers', 'bad-version', undefined, 505],
    ] as const)('%s is rejected (%s) with %s', (name, reason, header, status) => {
      const e = parseError(name);
      expect(e.reason).toBe(reason);
      expect(e.header).toBe(header);
      expect(e.status).toBe(status);
      expect(e.silent).toBe(false);
      expect(e.partial?.isRequest).toBe(true);
      // enough is left to answer
      const answer = createErrorResponse(e, { toTag: 't1' });
      expect(answer?.status).toBe(status);
      expect(answer?.get('Call-ID')).toBe(e.partial?.callId);
    });

    it('scalarlg: a response with out-of-range numbers is dropped silently', () => {
      const e = parseError('scalarlg');
      expect(e.header).toBe('CSeq');
      expect(e.silent).toBe(true);
      expect(createErrorResponse(e)).toBeUndefined();
    });

    it('bigcode: a response with a status code of more than 3 digits is dropped silently', () => {
      const e = parseError('bigcode');
      expect(e.reason).toBe('bad-status-code');
      expect(e.silent).toBe(true);
    });

    it('clerr over a stream cannot complete, so the framer waits (see framer tests)', () => {
      expect(parseError('clerr', { datagram: false }).reason).toBe('content-length-mismatch');
    });
  });

  describe('3.1.2 messages accepted liberally', () => {
    // lwsstart: extra SP in the request line; accepted as RFC 4475 3.1.2.11 allows (no ambiguity).
    it('lwsstart: extra whitespace in the request line is tolerated', () => {
      const m = req('lwsstart');
      expect(m.uri.toString()).toBe('sip:user@example.com');
      expect(m.method).toBe('INVITE');
    });

    // trws: trailing SP after SIP/2.0; harmless, accepted.
    it('trws: trailing whitespace after the version is tolerated', () => {
      expect(req('trws').uri.toString()).toBe('sip:remote-target@example.com');
    });

    // escruri: URI headers in a Request-URI are not allowed (§19.1.5) but unambiguous; accepted.
    it('escruri: a Request-URI with escaped headers parses', () => {
      expect(req('escruri').uri.headers.get('Route')).toBe('<sip:example.com>');
    });

    // baddate: the message is fine for a UA; only the Date accessor reports the bad date.
    it('baddate: the message parses, the Date accessor rejects a non-GMT date', () => {
      const m = req('baddate');
      expect(() => m.date).toThrow(SipParseError);
    });

    // regbadct: an addr-spec with '?' headers in Contact; the headers are taken as URI headers.
    it('regbadct: a Contact addr-spec with URI headers is read liberally', () => {
      const c = req('regbadct').contact[0] as NameAddr;
      expect(c.uri.headers.get('Route')).toBe('<sip:sip.example.com>');
    });

    // badaspec: whitespace inside < > is ignored.
    it('badaspec: whitespace inside angle brackets is ignored', () => {
      const m = req('badaspec');
      expect(m.to.uri.toString()).toBe('sip:t.watson@example.org');
      expect(m.to.displayName).toBe('Watson, Thomas');
    });

    // baddn: an unquoted display name with a comma; From/To are never split on commas.
    it('baddn: an unquoted display name with a comma is kept whole', () => {
      const m = req('baddn');
      expect(m.from.displayName).toBe('Bell, Alexander');
      expect(m.to.displayName).toBe('Watson, Thomas');
    });

    it('badbranch: a branch made of the magic cookie alone parses', () => {
      expect(req('badbranch').topVia.branch).toBe('z9hG4bK');
    });
  });

  describe('3.3 semantically invalid messages', () => {
    it('insuf: missing required headers get 400', () => {
      const m = req('insuf');
      expect(() => m.callId).toThrow(SipParseError);
      expect(validateRequest(m)).toMatchObject({ status: 400, reason: 'Bad Request - Missing To' });
    });

    it('multi01: repeated single-instance headers get 400', () => {
      expect(validateRequest(req('multi01'))?.status).toBe(400);
    });

    it('mcl01: conflicting Content-Length values are a fatal error', () => {
      const e = parseError('mcl01');
      expect(e.status).toBe(400);
      expect(e.fatal).toBe(true);
    });

    it.each(['unkscm', 'novelsc'])('%s: an unknown Request-URI scheme gets 416', (name) => {
      const e = parseError(name);
      expect(e.reason).toBe('unsupported-uri-scheme');
      expect(e.status).toBe(416);
      expect(createErrorResponse(e)?.status).toBe(416);
    });

    // unksm2: To/From with unknown schemes cannot become NameAddr values; the message is
    // rejected with 400 at parse time, which is what the table asks of a registrar.
    it('unksm2: unknown schemes in From/To get 400', () => {
      const e = parseError('unksm2');
      expect(e.reason).toBe('unsupported-uri-scheme');
      expect(e.status).toBe(400);
    });

    it('bext01: unknown Require option-tags get 420 listing them in Unsupported', () => {
      const m = req('bext01');
      expect(m.proxyRequire).toEqual(['noProxiesSupportThis', 'norDoAnyProxiesSupportThis']);
      expect(validateRequest(m, { supportedExtensions: ['100rel'] })).toEqual({
        status: 420,
        reason: 'Bad Extension',
        headers: [['Unsupported', 'nothingSupportsThis, nothingSupportsThisEither']],
      });
    });

    it('invut: an unknown body type gets 415', () => {
      const v = validateRequest(req('invut'), { acceptedContentTypes: ['application/sdp'] });
      expect(v?.status).toBe(415);
      expect(v?.headers).toEqual([['Accept', 'application/sdp']]);
    });

    it('sdp01: an Accept the UA cannot satisfy gets 406', () => {
      const m = req('sdp01');
      expect(validateRequest(m, { producibleContentTypes: ['application/sdp'] })?.status).toBe(406);
      expect(validateRequest(m)).toBeUndefined();
    });

    it('regaut01: a non-registrar answers REGISTER with 405', () => {
      const m = req('regaut01');
      expect(m.authorization[0]?.scheme).toBe('NoOneKnowsThisScheme');
      const v = validateRequest(m, { allowedMethods: ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS'] });
      expect(v?.status).toBe(405);
      expect(v?.headers[0]).toEqual(['Allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS']);
    });

    it('bcast: a response with two Via values is discarded', () => {
      const m = res('bcast');
      expect(m.via[1]?.host).toBe('255.255.255.255');
      expect(validateResponse(m)).toBe('more than one Via');
    });

    it('zeromf: Max-Forwards 0 is processed by an endpoint', () => {
      const m = req('zeromf');
      expect(m.maxForwards).toBe(0);
      expect(validateRequest(m)).toBeUndefined();
    });

    it('cparam01: parameters after an addr-spec belong to the Contact, not the URI', () => {
      const c = req('cparam01').contact[0] as NameAddr;
      expect(c.uri.params.size).toBe(0);
      expect(c.params.has('unknownparam')).toBe(true);
      expect(c.uri.user).toBe('+19725552222');
    });

    it('cparam02: parameters inside < > belong to the URI', () => {
      const c = req('cparam02').contact[0] as NameAddr;
      expect(c.uri.params.has('unknownparam')).toBe(true);
      expect(c.params.size).toBe(0);
      expect(validateRequest(req('cparam02'))).toBeUndefined();
    });

    it('regescrt: escaped URI headers in a Contact decode', () => {
      const c = req('regescrt').contact[0] as NameAddr;
      expect(c.uri.headers.get('Route')).toBe('<sip:sip.example.com>');
    });
  });

  it('inv2543: an RFC 2543 INVITE (no branch, no Max-Forwards, no Content-Length) is accepted', () => {
    const m = req('inv2543');
    expect(m.topVia.branch).toBeUndefined();
    expect(m.topVia.hasMagicCookie).toBe(false);
    expect(m.maxForwards).toBeUndefined();
    // addr-spec form: ;user=phone is a To parameter; inside < > it is a URI parameter
    expect(m.to.params.get('user')).toBe('phone');
    expect(m.from.uri.params.get('user')).toBe('phone');
    expect(m.recordRoute[0]?.uri.params.get('maddr')).toBe('ss1.example.com');
    expect(m.body.equals(rawBody('inv2543'))).toBe(true);
    expect(validateRequest(m)).toBeUndefined();
  });

  it('every fixture parses or fails with SipParseError, and parsed ones round-trip', () => {
    for (const f of readdirSync(DIR)) {
      let m;
      try {
        m = parseMessage(readFileSync(new URL(f, DIR)));
      } catch (err) {
        expect(err).toBeInstanceOf(SipParseError);
        expect((err as SipParseError).reason).not.toBe('internal');
        continue;
      }
      const wire = m.serialize();
      expect(parseMessage(wire).serialize().equals(wire)).toBe(true);
    }
  });
});
