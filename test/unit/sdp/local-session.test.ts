import { describe, expect, it } from 'vitest';
import { DEFAULT_CODECS } from '../../../src/sdp/codecs.js';
import { holdDirection, resumeDirection } from '../../../src/sdp/direction.js';
import { LocalSdpSession } from '../../../src/sdp/local-session.js';
import type { OfferOptions } from '../../../src/sdp/offer.js';
import { SIPP_UAC_OFFER } from './samples.js';

function originOf(text: string): { id: string; version: number } {
  const m = /^o=\S+ (\d+) (\d+) /m.exec(text);
  if (m === null) throw new Error('no o= line');
  return { id: m[1]!, version: Number(m[2]) };
}

const BASE: Omit<OfferOptions, 'origin' | 'sessionName'> = { address: '127.0.0.1', port: 10000, codecs: DEFAULT_CODECS };

describe('LocalSdpSession', () => {
  it('keeps the session id and bumps the version only when the offer changes', () => {
    const local = new LocalSdpSession({ username: 'sipline' });
    const steps: [name: string, opts: Omit<OfferOptions, 'origin' | 'sessionName'>, version: number][] = [
      ['first offer', BASE, 1],
      ['unchanged refresh', BASE, 1],
      ['hold', { ...BASE, direction: holdDirection(false) }, 2],
      ['hold again', { ...BASE, direction: holdDirection(false) }, 2],
      ['resume', { ...BASE, direction: resumeDirection(false) }, 3],
      ['new port', { ...BASE, port: 10002 }, 4],
      ['same new port', { ...BASE, port: 10002 }, 4],
    ];
    const ids = new Set<string>();
    for (const [name, opts, version] of steps) {
      const text = local.createOffer(opts);
      const origin = originOf(text);
      ids.add(origin.id);
      expect(origin.version, name).toBe(version);
      expect(local.origin.sessionVersion, name).toBe(version);
      expect(local.current, name).toBe(text);
      expect(text, name).toMatch(/^o=sipline /m);
    }
    expect(ids.size).toBe(1);
  });

  it('writes an unchanged description identically', () => {
    const local = new LocalSdpSession();
    expect(local.createOffer(BASE)).toBe(local.createOffer(BASE));
  });

  it('versions answers in the same session', () => {
    const local = new LocalSdpSession({ sessionId: '1234567890', initialVersion: 7 });
    const first = local.createAnswer(SIPP_UAC_OFFER, DEFAULT_CODECS, { address: '127.0.0.1', port: 10000 });
    const same = local.createAnswer(SIPP_UAC_OFFER, DEFAULT_CODECS, { address: '127.0.0.1', port: 10000 });
    const held = local.createAnswer(SIPP_UAC_OFFER, DEFAULT_CODECS, { address: '127.0.0.1', port: 10000, direction: 'sendonly' });
    expect([first, same, held].map((a) => originOf(a.sdp))).toEqual([
      { id: '1234567890', version: 7 },
      { id: '1234567890', version: 7 },
      { id: '1234567890', version: 8 },
    ]);
    expect(held.media.direction).toBe('sendonly');
  });

  it('leaves the version alone when an answer fails', () => {
    const local = new LocalSdpSession();
    local.createOffer(BASE);
    expect(() => local.createAnswer('v=0\r\n', DEFAULT_CODECS, { address: '127.0.0.1', port: 10000 })).toThrow();
    expect(local.createOffer(BASE)).toMatch(/^o=- \d+ 1 /m);
  });

  it('draws a different session id for each session', () => {
    expect(new LocalSdpSession().origin.sessionId).not.toBe(new LocalSdpSession().origin.sessionId);
  });
});
