/**
 * The resource tracker lives in the session layer, where the session engine enforces the
 * manager's own limits (`limits.maxSessions`) with it; `sipline/advanced` re-exports it, and
 * `managerResources(manager)` returns the manager's own tracker.
 * @module
 */
export { ResourceTracker } from '../../session/index.js';
export type {
  AllocationResult, ResourceHandle, ResourceKind, ResourceLimit, ResourceTrackerEvents, ResourceTrackerOptions, ResourceUsage,
} from '../../session/index.js';
