import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { createAnswer } from '../../../src/sdp/answer.js';
import { applyAnswer } from '../../../src/sdp/apply-answer.js';
import { DEFAULT_CODECS } from '../../../src/sdp/codecs.js';
import {
  answerDirection,
  directionForHold,
  holdDirection,
  resumeDirection,
  reverseDirection,
} from '../../../src/sdp/direction.js';
import { LocalSdpSession } from '../../../src/sdp/local-session.js';
import type { MediaDirection } from '../../../src/sdp/types.js';
import { sdp } from './samples.js';

function offerWith(direction: MediaDirection | undefined, address = '192.0.2.10'): string {
  return sdp(
    'v=0', 'o=- 7 1 IN IP4 192.0.2.10', 's=-', `c=IN IP4 ${address}`, 't=0 0', 'm=audio 4000 RTP/AVP 0',
    ...(direction === undefined ? [] : [`a=${direction}`]),
  );
}

// RFC 3264 §6.1: offered direction reversed, narrowed by our local wish.
const ANSWERS: [offered: MediaDirection, local: MediaDirection, answer: MediaDirection][] = [
  ['sendrecv', 'sendrecv', 'sendrecv'],
  ['sendrecv', 'sendonly', 'sendonly'],
  ['sendrecv', 'recvonly', 'recvonly'],
  ['sendrecv', 'inactive', 'inactive'],
  ['sendonly', 'sendrecv', 'recvonly'],
  ['sendonly', 'sendonly', 'inactive'],
  ['sendonly', 'recvonly', 'recvonly'],
  ['sendonly', 'inactive', 'inactive'],
  ['recvonly', 'sendrecv', 'sendonly'],
  ['recvonly', 'sendonly', 'sendonly'],
  ['recvonly', 'recvonly', 'inactive'],
  ['recvonly', 'inactive', 'inactive'],
  ['inactive', 'sendrecv', 'inactive'],
  ['inactive', 'sendonly', 'inactive'],
  ['inactive', 'recvonly', 'inactive'],
  ['inactive', 'inactive', 'inactive'],
];

describe('answer directions (RFC 3264 §6.1)', () => {
  it.each(ANSWERS)('offered %s with local %s is answered %s', (offered, local, expected) => {
    expect(answerDirection(offered, local)).toBe(expected);
    const { sdp: text, media } = createAnswer(offerWith(offered), DEFAULT_CODECS, {
      address: '127.0.0.1',
      port: 10000,
      direction: local,
    });
    expect(parse(text).media[0]!.direction).toBe(expected);
    expect(media.direction).toBe(expected);
    expect(media.remoteDirection).toBe(offered);
    expect(media.remoteHold).toBe(offered === 'sendonly' || offered === 'inactive');
  });

  it('treats a missing direction attribute as sendrecv, and a session-level one as the default', () => {
    const us = { address: '127.0.0.1', port: 10000 };
    expect(createAnswer(offerWith(undefined), DEFAULT_CODECS, us).media.direction).toBe('sendrecv');
    const sessionLevel = sdp('v=0', 'o=- 7 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0', 'a=sendonly', 'm=audio 4000 RTP/AVP 0');
    expect(createAnswer(sessionLevel, DEFAULT_CODECS, us).media.direction).toBe('recvonly');
  });

  it('reverses each direction', () => {
    expect(['sendrecv', 'sendonly', 'recvonly', 'inactive'].map((d) => reverseDirection(d as MediaDirection))).toEqual([
      'sendrecv', 'recvonly', 'sendonly', 'inactive',
    ]);
  });
});

describe('legacy hold with c=0.0.0.0 (RFC 3264 §8.4)', () => {
  const rows: [written: MediaDirection, local: MediaDirection, answer: MediaDirection][] = [
    ['sendrecv', 'sendrecv', 'recvonly'],
    ['sendonly', 'sendrecv', 'recvonly'],
    ['recvonly', 'sendrecv', 'inactive'],
    ['inactive', 'sendrecv', 'inactive'],
    ['sendrecv', 'sendonly', 'inactive'],
  ];

  it.each(rows)('a=%s at 0.0.0.0 with local %s is answered %s and seen as hold', (written, local, expected) => {
    const { media } = createAnswer(offerWith(written, '0.0.0.0'), DEFAULT_CODECS, {
      address: '127.0.0.1',
      port: 10000,
      direction: local,
    });
    expect(media.direction).toBe(expected);
    expect(media.legacyHold).toBe(true);
    expect(media.remoteHold).toBe(true);
  });
});

describe('hold and resume helpers', () => {
  it.each([
    [false, false, 'sendrecv'],
    [true, false, 'sendonly'],
    [false, true, 'recvonly'],
    [true, true, 'inactive'],
  ] as const)('local hold %s, remote hold %s: %s', (localHold, remoteHold, expected) => {
    expect(directionForHold({ localHold, remoteHold })).toBe(expected);
  });

  it('offers sendonly to hold, or inactive when the remote already holds us', () => {
    expect(holdDirection(false)).toBe('sendonly');
    expect(holdDirection(true)).toBe('inactive');
  });

  it('offers sendrecv to resume, or recvonly when the remote still holds us', () => {
    expect(resumeDirection(false)).toBe('sendrecv');
    expect(resumeDirection(true)).toBe('recvonly');
  });
});

describe('a hold and resume sequence between two parties', () => {
  // Each step: who offers, the offerer's hold state, the answerer's hold state, and what each side
  // ends up doing.
  const steps: {
    step: string;
    offerer: 'A' | 'B';
    offererState: { localHold: boolean; remoteHold: boolean };
    answererState: { localHold: boolean; remoteHold: boolean };
    offered: MediaDirection;
    answered: MediaDirection;
    offererRemoteHold: boolean;
  }[] = [
    { step: 'A holds', offerer: 'A', offererState: { localHold: true, remoteHold: false }, answererState: { localHold: false, remoteHold: true }, offered: 'sendonly', answered: 'recvonly', offererRemoteHold: false },
    { step: 'B holds too', offerer: 'B', offererState: { localHold: true, remoteHold: true }, answererState: { localHold: true, remoteHold: true }, offered: 'inactive', answered: 'inactive', offererRemoteHold: false },
    { step: 'A resumes while B holds', offerer: 'A', offererState: { localHold: false, remoteHold: true }, answererState: { localHold: true, remoteHold: false }, offered: 'recvonly', answered: 'sendonly', offererRemoteHold: false },
    { step: 'B resumes', offerer: 'B', offererState: { localHold: false, remoteHold: false }, answererState: { localHold: false, remoteHold: false }, offered: 'sendrecv', answered: 'sendrecv', offererRemoteHold: false },
  ];

  it('negotiates the expected directions at every step', () => {
    const sessions = { A: new LocalSdpSession(), B: new LocalSdpSession() };
    const ports = { A: 10000, B: 20000 };
    for (const s of steps) {
      const answerer = s.offerer === 'A' ? 'B' : 'A';
      const offer = sessions[s.offerer].createOffer({
        address: '127.0.0.1',
        port: ports[s.offerer],
        codecs: DEFAULT_CODECS,
        direction: directionForHold(s.offererState),
      });
      expect(parse(offer).media[0]!.direction, s.step).toBe(s.offered);
      const answer = sessions[answerer].createAnswer(offer, DEFAULT_CODECS, {
        address: '127.0.0.1',
        port: ports[answerer],
        direction: directionForHold({ localHold: s.answererState.localHold, remoteHold: false }),
      });
      expect(answer.media.direction, s.step).toBe(s.answered);
      const result = applyAnswer(offer, answer.sdp);
      expect(result.direction, s.step).toBe(s.offered);
      expect(result.remoteDirection, s.step).toBe(s.answered);
      expect(result.remoteHold, s.step).toBe(s.offererRemoteHold);
      expect(result.remotePort, s.step).toBe(ports[answerer]);
    }
  });

  it('reports remote hold to the offerer when the answer declines to receive', () => {
    const offer = new LocalSdpSession().createOffer({ address: '127.0.0.1', port: 10000, codecs: DEFAULT_CODECS });
    const answer = createAnswer(offer, DEFAULT_CODECS, { address: '127.0.0.1', port: 20000, direction: 'sendonly' });
    const result = applyAnswer(offer, answer.sdp);
    expect(result).toMatchObject({ remoteDirection: 'sendonly', direction: 'recvonly', remoteHold: true });
  });
});
