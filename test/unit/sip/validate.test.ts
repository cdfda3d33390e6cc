import { describe, expect, it } from 'vitest';
import { SipParseError, createErrorResponse, parseMessage, splitList, validateRequest, type SipRequest } from '../../../src/sip/index.js';

const base = (extra = '', method = 'INVITE'): SipRequest =>
  parseMessage(
    `${method} sip:bob@biloxi.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\n` +
      `To: <sip:bob@biloxi.com>\r\nCall-ID: c1\r\nCSeq: 1 ${method}\r\nMax-Forwards: 70\r\n${extra}Content-Length: 0\r\n\r\n`,
  ) as SipRequest;

describe('validateRequest', () => {
  it('accepts a well-formed request', () => {
    expect(validateRequest(base())).toBeUndefined();
  });

  it('ignores Require on ACK and CANCEL (§8.2.2.3)', () => {
    expect(validateRequest(base('Require: foo\r\n'))?.status).toBe(420);
    expect(validateRequest(base('Require: foo\r\n', 'ACK'))).toBeUndefined();
  });

  it('accepts Require tags that are supported', () => {
    expect(validateRequest(base('Require: 100rel, timer\r\n'), { supportedExtensions: ['100rel', 'timer'] })).toBeUndefined();
  });

  it('answers 415 to an unknown Content-Encoding', () => {
    const m = base('Content-Encoding: gzip\r\n').withBody('x', 'application/sdp');
    expect(validateRequest(m)?.status).toBe(415);
    expect(validateRequest(m, { acceptedEncodings: ['gzip'] })).toBeUndefined();
  });

  it('answers 400 to a malformed core header when parsing was lazy', () => {
    const m = parseMessage(
      'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n',
      { lazy: true },
    ) as SipRequest;
    expect(validateRequest(m)).toMatchObject({ status: 400, reason: 'Bad Request - Invalid To' });
  });

  it('answers 405 with Allow for a known method that is not allowed, 501 for an unknown one', () => {
    expect(validateRequest(base('', 'SUBSCRIBE'), { allowedMethods: ['INVITE'] })).toMatchObject({ status: 405, headers: [['Allow', 'INVITE']] });
    expect(validateRequest(base('', 'FOO'))?.status).toBe(501);
  });
});

describe('createErrorResponse', () => {
  it('builds a 400 from what could be read of a broken request', () => {
    const text =
      'INVITE sip:bob@biloxi.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nVia: SIP/2.0/UDP p;branch=z9hG4bK2\r\n' +
      'From: <sip:a@b>;tag=1\r\nTo: <sip:bob@biloxi.com>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: x\r\n\r\n';
    let err: SipParseError | undefined;
    try {
      parseMessage(text);
    } catch (e) {
      err = e as SipParseError;
    }
    expect(err?.reason).toBe('bad-header');
    expect(err?.header).toBe('Content-Length');
    const r = createErrorResponse(err!, { toTag: 'x' })!;
    expect(r.status).toBe(400);
    expect(r.reason).toBe('Bad Request - Invalid Content-Length');
    expect(r.getAll('Via')).toHaveLength(2);
    expect(r.to.tag).toBe('x');
    expect(r.cseq).toEqual({ seq: 1, method: 'INVITE' });
  });

  it('returns undefined when the request lacks what a response needs', () => {
    try {
      parseMessage('INVITE sip:b SIP/2.0\r\nContent-Length: x\r\n\r\n');
    } catch (e) {
      expect(createErrorResponse(e as SipParseError)).toBeUndefined();
    }
  });
});

describe('splitList', () => {
  it('splits on commas outside quotes and angle brackets only', () => {
    expect(splitList('"a, b" <sip:x@y;p=1,2>;q=1 , <sip:z@w>')).toEqual(['"a, b" <sip:x@y;p=1,2>;q=1', '<sip:z@w>']);
    expect(splitList(' , ,')).toEqual([]);
  });
});
