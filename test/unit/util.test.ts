import { describe, expect, it } from 'vitest';
import { seqDiff16, seqNewer16, seqAdd16, tsAdd32, tsDiff32 } from '../../src/util/serial.js';
import { TypedEmitter } from '../../src/util/typed-emitter.js';
import { randomToken } from '../../src/util/ids.js';
import { InvalidArgumentError, SiplineError } from '../../src/util/errors.js';

describe('serial-number arithmetic', () => {
  it('measures 16-bit distances across the wrap', () => {
    expect(seqDiff16(0, 65535)).toBe(1);
    expect(seqDiff16(65535, 0)).toBe(-1);
    expect(seqDiff16(100, 100)).toBe(0);
    expect(seqNewer16(1, 65534)).toBe(true);
    expect(seqNewer16(65534, 1)).toBe(false);
    expect(seqAdd16(65535, 2)).toBe(1);
  });

  it('wraps 32-bit timestamps', () => {
    expect(tsAdd32(0xffffffff, 161)).toBe(160);
    expect(tsDiff32(160, 0xffffffff)).toBe(161);
  });
});

describe('TypedEmitter', () => {
  it('keeps emitting to the other listeners when one throws, and reports the error', () => {
    const ee = new TypedEmitter<{ tick: [number] }>();
    const seen: number[] = [];
    const errors: unknown[] = [];
    ee.setListenerErrorHandler((e) => errors.push(e));
    ee.on('tick', () => { throw new Error('app bug'); });
    ee.on('tick', (n) => seen.push(n));
    ee.once('tick', (n) => seen.push(n * 10));
    ee.safeEmit('tick', 1);
    ee.safeEmit('tick', 2);
    expect(seen).toEqual([1, 10, 2]);
    expect(errors).toHaveLength(2);
  });
});

describe('ids and errors', () => {
  it('draws tokens of the requested length from the alphanumeric alphabet', () => {
    const t = randomToken(32);
    expect(t).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(randomToken(32)).not.toBe(t);
  });

  it('gives errors a stable code and name', () => {
    const e = new InvalidArgumentError('sip.port', 'must be 0-65535');
    expect(e).toBeInstanceOf(SiplineError);
    expect(e.code).toBe('ERR_INVALID_ARGUMENT');
    expect(e.name).toBe('InvalidArgumentError');
    expect(e.argument).toBe('sip.port');
  });
});
