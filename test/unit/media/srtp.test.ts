import { describe, expect, it } from 'vitest';
import {
  ReplayWindow,
  SRTP_LABELS,
  SrtpAuthenticationError,
  SrtpContext,
  SrtpKeyExhaustedError,
  SrtpReplayError,
  SrtpTooShortError,
  aesCmKeystream,
  deriveSessionKeys,
  deriveSrtpKey,
  guessPacketIndex,
  srtpIv,
  type SrtpProfileName,
} from '../../../src/media/index.js';
import { SiplineError } from '../../../src/util/index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

/** RFC 3711 Appendix B.3 master key and salt (also libsrtp's test key). */
const MASTER_KEY = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
const MASTER_SALT = hex('0EC675AD498AFEEBB6960B3AABE6');

function rtp(seq: number, ssrc = 0x11223344, payload: Buffer = Buffer.alloc(160, 0xd5)): Buffer {
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h[1] = 0;
  h.writeUInt16BE(seq, 2);
  h.writeUInt32BE((seq * 160) >>> 0, 4);
  h.writeUInt32BE(ssrc, 8);
  return Buffer.concat([h, payload]);
}

function pair(profile: SrtpProfileName = 'AES_CM_128_HMAC_SHA1_80'): { tx: SrtpContext; rx: SrtpContext } {
  return {
    tx: new SrtpContext({ profile, masterKey: MASTER_KEY, masterSalt: MASTER_SALT }),
    rx: new SrtpContext({ profile, masterKey: MASTER_KEY, masterSalt: MASTER_SALT }),
  };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('RFC 3711 Appendix B.2: AES-CM keystream', () => {
  const key = hex('2B7E151628AED2A6ABF7158809CF4F3C');
  const salt = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD');

  it('builds the counter block F0F1...FD0000 from the salt with SSRC 0 and index 0', () => {
    expect(toHex(srtpIv(salt, 0, 0))).toBe('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000');
  });

  it('reproduces the keystream blocks for counters 0000, 0001, 0002, FEFF, FF00, FF01', () => {
    const ks = aesCmKeystream(key, srtpIv(salt, 0, 0), 0xff02 * 16);
    const block = (n: number): string => toHex(ks.subarray(n * 16, n * 16 + 16));
    expect(block(0x0000)).toBe('E03EAD0935C95E80E166B16DD92B4EB4');
    expect(block(0x0001)).toBe('D23513162B02D0F72A43A2FE4A5F97AB');
    expect(block(0x0002)).toBe('41E95B3BB0A2E8DD477901E4FCA894C0');
    expect(block(0xfeff)).toBe('EC8CDF7398607CB0F2D21675EA9EA1E4');
    expect(block(0xff00)).toBe('362B7C3C6773516318A077D7FC5073AE');
    expect(block(0xff01)).toBe('6A2CC3787889374FBEB4C81B17BA6C44');
  });

  it('XORs the SSRC into bytes 4-7 and the 48-bit index into bytes 8-13', () => {
    expect(toHex(srtpIv(Buffer.alloc(14), 0xcafebabe, 0x123456789abc))).toBe('00000000CAFEBABE123456789ABC0000');
  });
});

describe('RFC 3711 Appendix B.3: key derivation', () => {
  it('derives the session encryption key, salt and the 94-byte authentication keystream', () => {
    expect(toHex(deriveSrtpKey(MASTER_KEY, MASTER_SALT, SRTP_LABELS.rtpEncryption, 16))).toBe('C61E7A93744F39EE10734AFE3FF7A087');
    expect(toHex(deriveSrtpKey(MASTER_KEY, MASTER_SALT, SRTP_LABELS.rtpSalt, 14))).toBe('30CBBC08863D8C85D49DB34A9AE1');
    expect(toHex(deriveSrtpKey(MASTER_KEY, MASTER_SALT, SRTP_LABELS.rtpAuthentication, 94))).toBe(
      'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE' +
        'E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25' +
        '6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2',
    );
  });

  it('gives SRTCP different keys than SRTP (labels 3-5)', () => {
    const a = deriveSessionKeys(MASTER_KEY, MASTER_SALT, false);
    const b = deriveSessionKeys(MASTER_KEY, MASTER_SALT, true);
    expect(toHex(a.encryptionKey)).toBe('C61E7A93744F39EE10734AFE3FF7A087');
    expect(a.authenticationKey).toHaveLength(20);
    expect(toHex(b.encryptionKey)).not.toBe(toHex(a.encryptionKey));
    expect(b.salt).toHaveLength(14);
  });
});

describe('SrtpContext against the libsrtp reference packets', () => {
  const plainRtp = hex('800f1234decafbadcafebabe' + 'ab'.repeat(16));
  const srtp80 = hex('800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb');
  const plainRtcp = hex('81c8000bcafebabe' + 'ab'.repeat(16));
  const srtcp = hex('81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798');

  it('protects the reference RTP packet byte for byte with both suites', () => {
    expect(toHex(pair().tx.protectRtp(plainRtp))).toBe(toHex(srtp80));
    expect(toHex(pair('AES_CM_128_HMAC_SHA1_32').tx.protectRtp(plainRtp))).toBe(toHex(srtp80.subarray(0, 32)));
  });

  it('unprotects the reference SRTP and SRTCP packets', () => {
    expect(toHex(pair().rx.unprotectRtp(srtp80))).toBe(toHex(plainRtp));
    expect(toHex(pair().rx.unprotectRtcp(srtcp))).toBe(toHex(plainRtcp));
  });

  it('numbers SRTCP from index 0 and sets the E flag, so the second packet equals the index-1 reference', () => {
    const { tx } = pair();
    const first = tx.protectRtcp(plainRtcp);
    expect(first.readUInt32BE(plainRtcp.length)).toBe(0x80000000);
    expect(toHex(tx.protectRtcp(plainRtcp))).toBe(toHex(srtcp));
  });
});

describe.each(['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const)('SrtpContext with %s', (profile) => {
  const tag = profile.endsWith('80') ? 10 : 4;

  it('round-trips RTP: the payload is encrypted on the wire and restored exactly', () => {
    const { tx, rx } = pair(profile);
    for (let seq = 100; seq < 110; seq++) {
      const plain = rtp(seq, 0x1234, Buffer.from(`payload ${seq} `.repeat(10)));
      const wire = tx.protectRtp(plain);
      expect(wire).toHaveLength(plain.length + tag);
      expect(wire.subarray(0, 12)).toEqual(plain.subarray(0, 12));
      expect(wire.subarray(12, plain.length)).not.toEqual(plain.subarray(12));
      expect(rx.unprotectRtp(wire)).toEqual(plain);
    }
  });

  it('round-trips RTP with CSRCs and a header extension left in the clear', () => {
    const { tx, rx } = pair(profile);
    const header = hex('91000007 00000000 00001234 0000aaaa bede0001 11223344'.replace(/ /g, ''));
    const plain = Buffer.concat([header, Buffer.from('secret audio')]);
    const wire = tx.protectRtp(plain);
    expect(wire.subarray(0, header.length)).toEqual(header);
    expect(wire.subarray(header.length, plain.length).toString()).not.toBe('secret audio');
    expect(rx.unprotectRtp(wire)).toEqual(plain);
  });

  it('round-trips RTCP with SRTCP encryption and without it (UNENCRYPTED_SRTCP)', () => {
    const { tx, rx } = pair(profile);
    const rr = hex('81c90007 00001234 55667788 00000000 00000000 00000000 00000000 00000000'.replace(/ /g, ''));
    for (let i = 0; i < 3; i++) {
      const wire = tx.protectRtcp(rr);
      expect(wire).toHaveLength(rr.length + 4 + 10);
      expect(wire.subarray(8, rr.length)).not.toEqual(rr.subarray(8));
      expect(rx.unprotectRtcp(wire)).toEqual(rr);
    }
    const clearTx = new SrtpContext({ profile, masterKey: MASTER_KEY, masterSalt: MASTER_SALT, encryptRtcp: false });
    const clear = clearTx.protectRtcp(rr);
    expect(clear.subarray(0, rr.length)).toEqual(rr);
    expect(clear.readUInt32BE(rr.length) & 0x80000000).toBe(0);
    expect(pair(profile).rx.unprotectRtcp(clear)).toEqual(rr);
  });

  it('rejects a packet with one flipped bit in the payload, the header or the tag', () => {
    const { tx, rx } = pair(profile);
    const wire = tx.protectRtp(rtp(7));
    for (const at of [20, 3, wire.length - 1]) {
      const bad = Buffer.from(wire);
      bad[at] = bad[at]! ^ 0x01;
      const err = thrown(() => rx.unprotectRtp(bad));
      expect(err).toBeInstanceOf(SrtpAuthenticationError);
      expect((err as SrtpAuthenticationError).code).toBe('ERR_SRTP_AUTH_FAILED');
    }
    expect(rx.unprotectRtp(wire)).toEqual(rtp(7)); // the failures changed no state
    const rtcpWire = tx.protectRtcp(hex('80c9000100001234'));
    rtcpWire[9] = rtcpWire[9]! ^ 0x80;
    expect(thrown(() => rx.unprotectRtcp(rtcpWire))).toBeInstanceOf(SrtpAuthenticationError);
  });

  it('rejects a packet protected with another key', () => {
    const other = new SrtpContext({ profile, masterKey: Buffer.alloc(16, 1), masterSalt: MASTER_SALT });
    expect(thrown(() => pair(profile).rx.unprotectRtp(other.protectRtp(rtp(1))))).toBeInstanceOf(SrtpAuthenticationError);
  });

  it('rejects a replayed RTP packet and a replayed RTCP packet', () => {
    const { tx, rx } = pair(profile);
    const first = tx.protectRtp(rtp(500));
    const second = tx.protectRtp(rtp(501));
    rx.unprotectRtp(first);
    rx.unprotectRtp(second);
    const err = thrown(() => rx.unprotectRtp(first));
    expect(err).toBeInstanceOf(SrtpReplayError);
    expect(err).toBeInstanceOf(SiplineError);
    expect((err as SrtpReplayError).code).toBe('ERR_SRTP_REPLAYED');
    expect((err as SrtpReplayError).index).toBe(500);
    const c = tx.protectRtcp(hex('80c9000100001234'));
    rx.unprotectRtcp(c);
    expect((thrown(() => rx.unprotectRtcp(c)) as SrtpReplayError).code).toBe('ERR_SRTP_REPLAYED');
  });

  it('rejects a packet older than the 64-packet window even though it was never seen', () => {
    const { tx, rx } = pair(profile);
    const old = tx.protectRtp(rtp(1000));
    for (let seq = 1001; seq <= 1070; seq++) rx.unprotectRtp(tx.protectRtp(rtp(seq)));
    expect(thrown(() => rx.unprotectRtp(old))).toBeInstanceOf(SrtpReplayError);
  });

  it('accepts packets out of order within the window, each once', () => {
    const { tx, rx } = pair(profile);
    const wires = Array.from({ length: 40 }, (_, i) => tx.protectRtp(rtp(2000 + i)));
    const order = [0, 5, 3, 4, 1, 2, 39, 20, 10, 30, 6, 7, 8, 9, ...Array.from({ length: 25 }, (_, i) => 11 + i).filter((i) => i !== 20 && i !== 30), 36, 37, 38];
    expect(new Set(order).size).toBe(40);
    for (const i of order) expect(rx.unprotectRtp(wires[i]!).readUInt16BE(2)).toBe(2000 + i);
    for (const i of [0, 39, 20]) expect(thrown(() => rx.unprotectRtp(wires[i]!))).toBeInstanceOf(SrtpReplayError);
  });

  it('carries the rollover counter across seq 65535 -> 0 on both sides, with a late packet from before the wrap', () => {
    const { tx, rx } = pair(profile);
    const seqs = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3];
    const wires = seqs.map((s) => tx.protectRtp(rtp(s)));
    expect(tx.sendRoc(0x11223344)).toBe(1);
    // Deliver the wrap with 65534 arriving late, after 0.
    for (const i of [0, 1, 2, 3, 5, 6, 4, 7, 8, 9]) expect(rx.unprotectRtp(wires[i]!)).toEqual(rtp(seqs[i]!));
    expect(rx.receiveRoc(0x11223344)).toBe(1);
    // The keystream after the wrap used ROC 1: a receiver that assumed ROC 0 would fail authentication.
    const fresh = pair(profile).rx;
    expect(thrown(() => fresh.unprotectRtp(wires[7]!))).toBeInstanceOf(SrtpAuthenticationError);
  });

  it('throws SrtpTooShortError for truncated packets', () => {
    const { rx, tx } = pair(profile);
    expect((thrown(() => rx.unprotectRtp(Buffer.alloc(12 + tag - 1))) as SrtpTooShortError).code).toBe('ERR_SRTP_TOO_SHORT');
    expect(thrown(() => rx.unprotectRtcp(Buffer.alloc(21)))).toBeInstanceOf(SrtpTooShortError);
    expect(thrown(() => tx.protectRtp(Buffer.alloc(8)))).toBeInstanceOf(SrtpTooShortError);
    // A header extension longer than the packet.
    const ext = hex('900000010000000000001234bede0009');
    expect(thrown(() => tx.protectRtp(ext))).toBeInstanceOf(SrtpTooShortError);
  });
});

describe('SrtpContext under loss, duplication and reordering', () => {
  it('delivers every packet exactly once across a rollover with a seeded random network', () => {
    let seed = 0x2545f491;
    const rand = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const { tx, rx } = pair();
    const start = 62000;
    const total = 6000; // crosses 65535 -> 0
    const delivered = new Set<number>();
    let pending: { n: number; wire: Buffer }[] = [];
    let replays = 0;
    for (let n = 0; n < total; n++) {
      const seq = (start + n) & 0xffff;
      const wire = tx.protectRtp(rtp(seq, 0xabc, Buffer.from([n & 0xff, (n >> 8) & 0xff, n >> 16])));
      if (rand() < 0.02) continue; // lost
      pending.push({ n, wire });
      if (rand() < 0.01) pending.push({ n, wire }); // duplicated
      if (pending.length >= 8) {
        // Deliver a shuffled batch: reordering of up to 8 packets.
        for (let i = pending.length - 1; i > 0; i--) {
          const j = Math.floor(rand() * (i + 1));
          [pending[i], pending[j]] = [pending[j]!, pending[i]!];
        }
        for (const p of pending) {
          try {
            const out = rx.unprotectRtp(p.wire);
            const n2 = out[12]! | (out[13]! << 8) | (out[14]! << 16);
            expect(n2).toBe(p.n);
            expect(delivered.has(p.n)).toBe(false);
            delivered.add(p.n);
          } catch (err) {
            expect(err).toBeInstanceOf(SrtpReplayError);
            expect(delivered.has(p.n)).toBe(true);
            replays++;
          }
        }
        pending = [];
      }
    }
    expect(rx.receiveRoc(0xabc)).toBe(1);
    expect(tx.sendRoc(0xabc)).toBe(1);
    expect(delivered.size).toBeGreaterThan(total * 0.95);
    expect(replays).toBeGreaterThan(0);
  });
});

describe('packet index estimation (RFC 3711 Appendix A)', () => {
  it('guesses the previous roll, the same roll and the next roll', () => {
    expect(guessPacketIndex(10, 3, 65530)).toEqual({ roc: 2, index: 2 * 65536 + 65530 });
    expect(guessPacketIndex(40000, 3, 40010)).toEqual({ roc: 3, index: 3 * 65536 + 40010 });
    expect(guessPacketIndex(65535, 3, 2)).toEqual({ roc: 4, index: 4 * 65536 + 2 });
    expect(guessPacketIndex(100, 0, 65000).roc).toBe(0); // no roll before the first one
  });
});

describe('ReplayWindow', () => {
  it('tracks 64 indices below the highest and refuses older ones', () => {
    const w = new ReplayWindow(64);
    w.accept(100);
    expect(w.check(100)).toBe(false);
    expect(w.check(37)).toBe(true);
    expect(w.check(36)).toBe(false);
    w.accept(300);
    expect(w.check(100)).toBe(false);
    expect(w.check(299)).toBe(true);
    expect(w.highest).toBe(300);
  });
});

describe('SRTP errors', () => {
  it('are SiplineErrors whose codes and classes are listed in docs/errors.md', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    for (const err of [new SrtpAuthenticationError('rtp'), new SrtpReplayError('rtp', 1), new SrtpTooShortError('rtcp', 3, 22), new SrtpKeyExhaustedError('rtcp')]) {
      expect(err).toBeInstanceOf(SiplineError);
      expect(err.name).toBe(err.constructor.name);
      expect(doc).toContain(`\`${err.code}\``);
      expect(doc).toContain(`\`${err.name}\``);
    }
  });
});
