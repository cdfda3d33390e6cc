import { describe, expect, it } from 'vitest';
import { SHAPE_ANCHORS } from '../../../src/sip/parser.js';
import { SipRequest, SipResponse } from '../../../src/sip/index.js';

describe('the parsed samples that keep the parser optimized across full collections', () => {
  it('parses both samples (a REGISTER with credentials and a 401 challenge) with their typed values', () => {
    const messages = SHAPE_ANCHORS.filter((v) => v instanceof SipRequest || v instanceof SipResponse);
    expect(messages).toHaveLength(2);
    const [request, response] = messages as [SipRequest, SipResponse];
    expect(request.method).toBe('REGISTER');
    expect(request.via).toHaveLength(2);
    expect(request.authorization).toBeDefined();
    expect(response.status).toBe(401);
    expect(response.wwwAuthenticate).toBeDefined();
    // A sample that stopped parsing would silently cost speed: both are there, with their Contacts.
    expect(request.contact).toHaveLength(1);
    expect(response.contact).toHaveLength(1);
  });
});
