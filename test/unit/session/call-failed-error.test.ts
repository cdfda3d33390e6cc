import { describe, expect, it } from 'vitest';
import { createRequest, createResponse, SipUri } from '../../../src/sip/index.js';
import { CallFailedError, failureReason } from '../../../src/session/index.js';
import { codecCapabilities } from '../../../src/session/session-context.js';
import { SiplineError } from '../../../src/util/index.js';

function invite(): ReturnType<typeof createRequest> {
  return createRequest({
    method: 'INVITE', uri: SipUri.parse('sip:bob@127.0.0.1'), from: '<sip:alice@127.0.0.1>;tag=a1',
    to: '<sip:bob@127.0.0.1>', callId: 'c1', cseq: 1, via: ['SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-1'],
  });
}

describe('CallFailedError', () => {
  it('carries the code ERR_CALL_FAILED, the status and the end reason', () => {
    const err = new CallFailedError('busy', 486);
    expect(err).toBeInstanceOf(SiplineError);
    expect(err.code).toBe('ERR_CALL_FAILED');
    expect(err.name).toBe('CallFailedError');
    expect([err.status, err.reason]).toEqual([486, 'busy']);
    expect(err.message).toContain('busy (486)');
  });

  it('keeps the cause and leaves the status undefined when there was none', () => {
    const cause = new Error('no port');
    const err = new CallFailedError('unavailable', undefined, { cause });
    expect(err.status).toBeUndefined();
    expect(err.cause).toBe(cause);
  });
});

describe('failureReason', () => {
  it('reads a 503 that did not come from the network as a transport error', () => {
    const res = createResponse(invite(), 503);
    expect(failureReason(res, false)).toBe('transport-error');
    expect(failureReason(res, true)).toBe('unavailable');
  });

  it('maps other statuses with endReasonFromStatus', () => {
    expect(failureReason(createResponse(invite(), 486), true)).toBe('busy');
    expect(failureReason(createResponse(invite(), 408), false)).toBe('timeout');
    expect(failureReason(createResponse(invite(), 487), true)).toBe('cancelled');
  });
});

describe('codecCapabilities', () => {
  it('keeps the configured order and appends telephone-event', () => {
    expect(codecCapabilities(['G722', 'PCMA']).map((c) => c.name)).toEqual(['G722', 'PCMA', 'telephone-event']);
  });
});
