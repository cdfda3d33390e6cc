import { describe, expect, it } from 'vitest';
import { inDialogRouting, routeSetFromRecordRoute } from '../../../src/dialog/index.js';
import { NameAddr, SipUri } from '../../../src/sip/index.js';

const rr = (s: string): NameAddr => NameAddr.parse(s, 'Record-Route');
const target = SipUri.parse('sip:bob@192.0.2.50:5062;transport=udp');

describe('route sets (RFC 3261 §12.1, §12.2.1.1)', () => {
  it('keeps the Record-Route order for the UAS and reverses it for the UAC', () => {
    const list = [rr('<sip:p1.example.com;lr>'), rr('<sip:p2.example.com;lr>'), rr('<sip:p3.example.com;lr>')];
    expect(routeSetFromRecordRoute(list, 'uas').map((r) => r.uri.host)).toEqual(['p1.example.com', 'p2.example.com', 'p3.example.com']);
    expect(routeSetFromRecordRoute(list, 'uac').map((r) => r.uri.host)).toEqual(['p3.example.com', 'p2.example.com', 'p1.example.com']);
    expect(list[0]!.uri.host).toBe('p1.example.com'); // input untouched
  });

  it('sends to the remote target with no Route when the route set is empty', () => {
    const r = inDialogRouting(target, []);
    expect(r.requestUri.toString()).toBe(target.toString());
    expect(r.routes).toEqual([]);
  });

  it('uses the remote target as Request-URI and the route set as Route when the first hop is a loose router', () => {
    const r = inDialogRouting(target, [rr('<sip:p1.example.com;lr>;x=1'), rr('<sip:p2.example.com>')]);
    expect(r.requestUri.toString()).toBe(target.toString());
    expect(r.routes).toEqual(['<sip:p1.example.com;lr>;x=1', '<sip:p2.example.com>']);
  });

  it('puts a strict router in the Request-URI and appends the remote target as the last Route', () => {
    const r = inDialogRouting(target, [rr('<sip:strict.example.com;method=INVITE;maddr=192.0.2.7>'), rr('<sip:p2.example.com;lr>')]);
    expect(r.requestUri.toString()).toBe('sip:strict.example.com;maddr=192.0.2.7');
    expect(r.routes).toEqual(['<sip:p2.example.com;lr>', `<${target.toString()}>`]);
  });
});
