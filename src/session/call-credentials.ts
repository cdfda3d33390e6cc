/**
 * Per-call credentials (`makeCall(target, { credentials })`): the authenticator that answers
 * 401/407 for that call's INVITE and the requests of its dialog (RFC 3261 §22.2), used instead
 * of the manager's `credentials`.
 *
 * @module
 */
import { UacAuthenticator } from '../dialog/index.js';
import type { CredentialsConfig } from './config-auth.js';
import { resolveCredentials } from './config-auth.js';

const cache = new WeakMap<readonly CredentialsConfig[], UacAuthenticator>();

/** `{ auth }` for a call with its own credentials (one authenticator per list), else `{}`. */
export function callAuth(options: { readonly credentials?: readonly CredentialsConfig[] | undefined }): { auth?: UacAuthenticator } {
  const list = options.credentials;
  if (list === undefined) return {};
  let auth = cache.get(list);
  if (auth === undefined) {
    auth = new UacAuthenticator(resolveCredentials(list));
    cache.set(list, auth);
  }
  return { auth };
}
