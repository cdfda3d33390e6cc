import { describe, expect, it } from 'vitest';
import { TransferRequest, decideTransfer } from '../../../src/api/transfer-request.js';
import { InvalidArgumentError, InvalidStateError } from '../../../src/index.js';
import type { TransferRequestInfo } from '../../../src/session/index.js';

const info: TransferRequestInfo = { target: 'sip:carol@127.0.0.1', referredBy: '<sip:bob@127.0.0.1>', attended: false, headers: {} };

describe('a transfer request handed to onTransferRequest', () => {
  it('shows the target and Referred-By and starts pending', () => {
    const r = new TransferRequest(info);
    expect([r.target, r.referredBy, r.attended, r.decision]).toEqual(['sip:carol@127.0.0.1', '<sip:bob@127.0.0.1>', false, 'pending']);
  });

  it('rejects with 603 by default or the given status, and refuses impossible statuses', () => {
    const r = new TransferRequest(info);
    expect(() => r.reject(200)).toThrow(InvalidArgumentError);
    r.reject();
    expect([r.decision, r.status]).toEqual(['rejected', 603]);
    expect(() => r.accept()).toThrow(InvalidStateError);
  });

  it('becomes an accept when the handler is absent or returns without deciding', async () => {
    expect(await decideTransfer(undefined, {}, info, () => undefined)).toEqual({ accept: true });
    expect(await decideTransfer(() => undefined, {}, info, () => undefined)).toEqual({ accept: true });
  });

  it('becomes the rejection the handler chose, even after an await', async () => {
    const d = await decideTransfer(async (_s, r: TransferRequest) => { await Promise.resolve(); r.reject(486, 'Busy'); }, {}, info, () => undefined);
    expect(d).toEqual({ accept: false, status: 486, reason: 'Busy' });
  });

  it('rejects with 500 and reports the error when the handler throws', async () => {
    const reported: unknown[] = [];
    const session = { id: 's1' };
    const d = await decideTransfer(() => { throw new Error('boom'); }, session, info, (e, s) => reported.push([e, s]));
    expect(d).toEqual({ accept: false, status: 500 });
    expect(reported).toHaveLength(1);
    expect((reported[0] as unknown[])[1]).toBe(session);
  });
});
