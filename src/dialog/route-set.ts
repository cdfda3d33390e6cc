import type { NameAddr, SipUri } from '../sip/index.js';

/** One entry of a route set: a Record-Route value, copied as-is (`<uri>;params`) into Route. */
export type RouteEntry = NameAddr;

/** Where an in-dialog request goes: its Request-URI and its Route header values, in order. */
export interface InDialogRouting {
  /** Request-URI of the request. */
  readonly requestUri: SipUri;
  /** Route header values, top first. */
  readonly routes: readonly string[];
}

/** Request-URI parameters that may not appear in a Request-URI (RFC 3261 §19.1.1 table 1). */
const NOT_IN_REQUEST_URI = ['method'];

/**
 * Request-URI and Route headers of a request inside a dialog (RFC 3261
 * §12.2.1.1):
 * - empty route set: Request-URI = remote target, no Route;
 * - first route has `lr` (loose router): Request-URI = remote target, Route = route set;
 * - otherwise (strict router): Request-URI = first route (parameters not allowed in a
 *   Request-URI stripped, no headers), Route = the rest of the route set, then the remote
 *   target as the last Route value.
 */
export function inDialogRouting(remoteTarget: SipUri, routeSet: readonly RouteEntry[]): InDialogRouting {
  if (routeSet.length === 0) return { requestUri: remoteTarget, routes: [] };
  const first = routeSet[0]!;
  if (first.uri.param('lr') !== undefined) {
    return { requestUri: remoteTarget, routes: routeSet.map((r) => r.toString()) };
  }
  const params = new Map(first.uri.params);
  for (const p of NOT_IN_REQUEST_URI) params.delete(p);
  const requestUri = first.uri.with({ params, headers: new Map() });
  return {
    requestUri,
    routes: [...routeSet.slice(1).map((r) => r.toString()), `<${remoteTarget.toString()}>`],
  };
}

/**
 * Route set of a dialog from the Record-Route values of the message that
 * created it (RFC 3261 §12.1.1, §12.1.2): the UAS keeps the request's order,
 * the UAC reverses the response's order.
 */
export function routeSetFromRecordRoute(recordRoute: readonly RouteEntry[], role: 'uac' | 'uas'): readonly RouteEntry[] {
  const copy = [...recordRoute];
  return Object.freeze(role === 'uac' ? copy.reverse() : copy);
}
