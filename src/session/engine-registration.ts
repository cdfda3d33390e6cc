/**
 * Registration-related helpers of the session engine: call targets resolved through a
 * location service (RFC 3261 §10.3: the registrar's bindings), and removing every binding on
 * close.
 *
 * @module
 */
import createDebug from 'debug';
import { NameAddr, SipUri } from '../sip/index.js';
import type { Clock, TimerHandle } from '../util/index.js';
import type { EngineHooks } from './engine-hooks.js';
import type { RegistrationAgent } from './registration-agent.js';
import type { OutboundCallOptions } from './session-types.js';

const debug = createDebug('sipline:session');

/**
 * The call options with the Request-URI a target resolver chose (a registered contact), the
 * original target kept as To (RFC 3261 §16.5: the AOR stays in To).
 */
export async function resolveCallTarget(hooks: EngineHooks, options: OutboundCallOptions): Promise<OutboundCallOptions> {
  let uri: SipUri;
  try {
    const t = options.target;
    uri = typeof t !== 'string' ? t : /^\s*sips?:/i.test(t) && !t.includes('<') ? SipUri.parse(t.trim()) : NameAddr.parse(t, 'target').uri;
  } catch {
    return options; // the engine reports the bad target
  }
  const contact = await hooks.resolveTarget(uri);
  if (contact === undefined) return options;
  debug('call to %s goes to registered contact %s', uri.toString(), contact.toString());
  return { ...options, target: contact.toString(), to: options.to ?? `<${uri.toString()}>` };
}

/** Unregister every live registration, waiting at most `timeoutMs`. Never rejects. */
export async function unregisterAll(agents: readonly RegistrationAgent[], clock: Clock, timeoutMs: number): Promise<void> {
  if (agents.length === 0) return;
  let timer: TimerHandle | undefined;
  const all = Promise.all(agents.map((a) => a.unregister().catch(() => undefined)));
  await Promise.race([all, new Promise<void>((resolve) => { timer = clock.setTimeout(resolve, timeoutMs); })]);
  if (timer !== undefined) clock.clearTimeout(timer);
  for (const a of agents) a.stop();
}
