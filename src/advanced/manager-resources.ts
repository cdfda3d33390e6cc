/**
 * The manager's own resource tracker (issue 7: "the manager's own limits use it").
 * @module
 */
import { engineOf } from '../api/index.js';
import type { SessionManager } from '../api/index.js';
import type { ResourceTracker } from '../session/index.js';
import { InvalidArgumentError } from '../util/index.js';

/**
 * The {@link ResourceTracker} a `SessionManager` enforces its own limits with: every live call
 * holds one unit of `sessions`, limited to `limits.maxSessions`. Read its usage, listen for
 * `limit-exceeded` (each call refused for overload), change the limit at run time, or track
 * kinds of your own (bandwidth, bridges...) beside it.
 *
 * @example
 * ```ts
 * const resources = managerResources(manager);
 * resources.on('limit-exceeded', (err) => metrics.increment(`refused.${err.kind}`));
 * resources.setLimit('sessions', { global: 50 }); // takes effect for the next call
 * console.log(resources.used('sessions'));
 * ```
 * @throws InvalidArgumentError when `manager` is not a SessionManager of this package
 */
export function managerResources(manager: SessionManager): ResourceTracker {
  const engine = engineOf(manager);
  if (engine === undefined) throw new InvalidArgumentError('manager', 'is not a SessionManager started by SessionManager.new()');
  return engine.resources;
}
