/**
 * REGISTER processing (RFC 3261 §10.3 steps 5-8) over a {@link LocationStore}: Contact
 * parsing, `*` removal with `Expires: 0`, per-contact expiry (Contact `expires` parameter, then
 * the Expires header, then the default), 423 with Min-Expires, the Call-ID/CSeq ordering rule,
 * and the 200 listing every current binding.
 *
 * @module
 */
import { NameAddr, SipUri } from '../../sip/index.js';
import { InvalidArgumentError } from '../../util/index.js';
import type { ContactValue, SipRequest } from '../../sip/index.js';
import type { Binding, LocationStore } from './location-store.js';

/** Expiry limits of a registrar, seconds. */
export interface ExpiryPolicy {
  /** Shortest accepted non-zero expiry; shorter asks get 423 (default 60). */
  readonly minExpires: number;
  /** Longest granted expiry; longer asks are shortened (default 7200). */
  readonly maxExpires: number;
  /** Used when the REGISTER names none (default 3600). */
  readonly defaultExpires: number;
}

/** What to answer a REGISTER with. */
export interface RegisterOutcome {
  /** Final status. */
  readonly status: number;
  /** Reason phrase, when not the standard one. */
  readonly reason?: string;
  /** Response header lines. */
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  /** Bindings added or refreshed, and contacts removed (for events). */
  readonly changed: { readonly added: readonly Binding[]; readonly removed: readonly string[] };
}

/** `sip:user@host` (lower-case scheme and host, no port or parameters): the key of an AOR. */
export function normalizeAorUri(uri: SipUri): string {
  const user = uri.user ?? '';
  return `${uri.scheme === 'sips' ? 'sips' : 'sip'}:${user === '' ? '' : `${user}@`}${uri.host.toLowerCase()}`;
}

function paramsOf(c: NameAddr): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [k, v] of c.params) if (k !== 'expires' && k !== 'q') out[k] = v;
  return out;
}

function fail(status: number, reason?: string, headers: RegisterOutcome['headers'] = []): RegisterOutcome {
  return { status, ...(reason !== undefined ? { reason } : {}), headers, changed: { added: [], removed: [] } };
}

/**
 * Apply a REGISTER for `aor` to `store` (RFC 3261 §10.3 steps 6-8).
 *
 * @param request - the REGISTER (already authenticated and authorised)
 * @param aor - the normalised address-of-record from its To
 * @param store - the location store
 * @param policy - expiry limits
 * @param now - wall clock, ms
 * @param source - where the request came from
 */
export async function processRegister(
  request: SipRequest, aor: string, store: LocationStore, policy: ExpiryPolicy, now: number, source: string,
): Promise<RegisterOutcome> {
  let contacts: readonly ContactValue[];
  try {
    contacts = request.contact;
  } catch {
    return fail(400, 'Bad Request - Invalid Contact');
  }
  const expiresHeader = request.get('Expires');
  let headerExpires: number | undefined;
  if (expiresHeader !== undefined) {
    if (!/^\s*\d+\s*$/.test(expiresHeader)) return fail(400, 'Bad Request - Invalid Expires');
    headerExpires = Number.parseInt(expiresHeader, 10);
  }
  const callId = request.callId;
  const cseq = request.cseq.seq;
  const current = (await store.get(aor)).filter((b) => b.expiresAt > now);
  const added: Binding[] = [];
  const removed: string[] = [];

  // Step 6: `*` removes every binding, only alone and only with Expires: 0.
  if (contacts.some((c) => !(c instanceof NameAddr))) {
    if (contacts.length !== 1 || headerExpires !== 0) return fail(400, 'Bad Request - Invalid Wildcard Contact');
    for (const b of current) {
      if (b.callId === callId && cseq <= b.cseq) continue; // an older REGISTER of the same client (step 6)
      await store.remove(aor, b.contact);
      removed.push(b.contact);
    }
    return done(aor, store, now, { added, removed });
  }

  // Step 7: each contact; all-or-nothing on the checks, so check first, then write.
  const planned: { uri: string; expires: number; q: number; params: Record<string, string | null> }[] = [];
  for (const c of contacts) {
    if (!(c instanceof NameAddr)) continue;
    const raw = c.params.get('expires');
    let expires = raw !== undefined && raw !== null && /^\d+$/.test(raw) ? Number.parseInt(raw, 10) : (headerExpires ?? policy.defaultExpires);
    if (expires !== 0 && expires < policy.minExpires) {
      return fail(423, 'Interval Too Brief', [{ name: 'Min-Expires', value: String(policy.minExpires) }]);
    }
    expires = Math.min(expires, policy.maxExpires);
    const qRaw = c.params.get('q');
    const q = qRaw === undefined || qRaw === null ? 1 : Number(qRaw);
    if (!Number.isFinite(q) || q < 0 || q > 1) return fail(400, 'Bad Request - Invalid q-value');
    const uri = c.uri.toString();
    const existing = current.find((b) => sameContact(b.contact, c.uri));
    // Same Call-ID and a CSeq not higher: an out-of-order REGISTER (step 7).
    if (existing !== undefined && existing.callId === callId && cseq <= existing.cseq) {
      return fail(500, 'Server Internal Error - Out of Order REGISTER');
    }
    planned.push({ uri: existing?.contact ?? uri, expires, q, params: paramsOf(c) });
  }
  for (const p of planned) {
    if (p.expires === 0) {
      await store.remove(aor, p.uri);
      removed.push(p.uri);
      continue;
    }
    const binding: Binding = {
      aor, contact: p.uri, params: p.params, q: p.q, expiresAt: now + p.expires * 1000, callId, cseq, source, updatedAt: now,
    };
    await store.put(binding);
    added.push(binding);
  }
  return done(aor, store, now, { added, removed });
}

function sameContact(stored: string, uri: SipUri): boolean {
  try {
    return SipUri.parse(stored).equals(uri);
  } catch {
    return stored === uri.toString();
  }
}

/** Step 8: 200 OK with every current binding and its remaining time. */
async function done(aor: string, store: LocationStore, now: number, changed: RegisterOutcome['changed']): Promise<RegisterOutcome> {
  const live = (await store.get(aor)).filter((b) => b.expiresAt > now);
  const headers = live.map((b) => {
    const params = Object.entries(b.params).map(([k, v]) => (v === null ? `;${k}` : `;${k}=${v}`)).join('');
    const q = b.q === 1 ? '' : `;q=${b.q}`;
    return { name: 'Contact', value: `<${b.contact}>${params}${q};expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}` };
  });
  headers.push({ name: 'Date', value: new Date(now).toUTCString() });
  return { status: 200, headers, changed };
}

/**
 * The key an address-of-record is stored under: `sip:user@host`, host in lower case, without
 * port or parameters (`<sip:Alice@Example.COM:5060;transport=tcp>` -> `sip:Alice@example.com`).
 * @throws InvalidArgumentError when `aor` is not a SIP URI
 */
export function normalizeAor(aor: string): string {
  try {
    return normalizeAorUri(SipUri.parse(aor.trim().replace(/^<(.*)>$/, '$1')));
  } catch (err) {
    throw new InvalidArgumentError('aor', (err as Error).message);
  }
}
