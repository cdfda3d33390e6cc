import { describe, expect, it } from 'vitest';
import {
  END_REASONS,
  PROGRESS_REASONS,
  endReasonFromStatus,
  isEndReason,
  isProgressReason,
} from '../../../src/session/end-reason.js';
import { InvalidArgumentError } from '../../../src/util/index.js';

describe('endReasonFromStatus', () => {
  it.each([
    [486, 'busy'],
    [600, 'busy'],
    [603, 'declined'],
    [404, 'not-found'],
    [410, 'not-found'],
    [484, 'not-found'],
    [604, 'not-found'],
    [408, 'timeout'],
    [480, 'no-answer'],
    [481, 'no-such-call'],
    [487, 'cancelled'],
    [488, 'codec-mismatch'],
    [606, 'codec-mismatch'],
    [401, 'unauthorized'],
    [407, 'unauthorized'],
    [503, 'unavailable'],
    [500, 'server-error'],
    [504, 'server-error'],
    [302, 'redirected'],
    [380, 'redirected'],
    [403, 'rejected'],
    [415, 'rejected'],
    [499, 'rejected'],
    [699, 'rejected'],
  ] as const)('maps %i to %s', (status, reason) => {
    expect(endReasonFromStatus(status)).toBe(reason);
  });

  it.each([100, 180, 200, 299, 700, 486.5, Number.NaN])('refuses %s, which is not a final failure status', (status) => {
    expect(() => endReasonFromStatus(status)).toThrow(InvalidArgumentError);
  });

  it('only returns documented end reasons over the whole 300-699 range', () => {
    for (let s = 300; s <= 699; s++) expect(isEndReason(endReasonFromStatus(s))).toBe(true);
  });
});

describe('reason guards', () => {
  it('tell end reasons and progress reasons apart', () => {
    for (const r of END_REASONS) {
      expect(isEndReason(r)).toBe(true);
      expect(isProgressReason(r)).toBe(false);
    }
    for (const r of PROGRESS_REASONS) {
      expect(isProgressReason(r)).toBe(true);
      expect(isEndReason(r)).toBe(false);
    }
    expect(isEndReason('hangup')).toBe(false);
    expect(isEndReason(42)).toBe(false);
  });

  it('include every end reason the brief names', () => {
    for (const r of ['local-hangup', 'remote-hangup', 'rejected', 'cancelled', 'busy', 'declined', 'not-found',
      'timeout', 'no-answer', 'transport-error', 'ack-timeout', 'media-timeout', 'codec-mismatch', 'replaced',
      'transferred', 'manager-closed', 'error']) {
      expect(END_REASONS).toContain(r);
    }
  });
});
