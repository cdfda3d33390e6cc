/**
 * Primitives for call-engine authors: data structures with no business policy, keyed by session
 * id (`CallSession.id`) so they stay decoupled from the session objects. Session groups, a typed
 * event bus with filters, priority and QoS levels, resource tracking with limits, a dependency
 * tracker with cycle detection and cascading ends, A-leg/B-leg sequences, and the raw session
 * coordination events.
 *
 * @packageDocumentation
 */
export { DependencyCycleError, GroupMembershipError, ResourceLimitError } from './errors.js';
export type { ListenerErrorHandler } from './reporting-emitter.js';

export { SessionEventBus } from './event-bus.js';
export type { AnyBusEvent, BusEvent, BusFilter, BusListener, SessionEventBusOptions, Unsubscribe } from './event-bus.js';

export { COORDINATION_EVENT_TYPES, coordinationBus, forwardSessionEvents } from './coordination-events.js';
export type {
  CoordinationAddress, CoordinationDialogEvent, CoordinationDtmfEvent, CoordinationEndEvent, CoordinationEventMap, CoordinationEventType,
  CoordinationFeed, CoordinationManager, CoordinationMediaEvent, CoordinationSource,
} from './coordination-events.js';

export { SessionGroup, GROUP_KINDS, GROUP_TRANSITIONS } from './session-group.js';
export type {
  GroupKind, GroupMember, GroupState, MemberRole, SessionGroupEvents, SessionGroupOptions, SessionMember,
} from './session-group.js';
export { SessionGroups } from './session-groups.js';
export type { CreateGroupOptions, SessionGroupsEvents, SessionGroupsOptions } from './session-groups.js';

export {
  PRIORITIES, QOS_CLASSES, QOS_DSCP, comparePriority, isHigherPriority, isPriority, isQosClass, priorityRank, sortByPriority,
} from './priority.js';
export type { Priority, QosClass, QosMarking } from './priority.js';
export { PriorityRegistry } from './priority-registry.js';
export type { PriorityRegistryEvents, PriorityRegistryOptions, SessionLevels } from './priority-registry.js';

export { ResourceTracker } from './resource-tracker.js';
export type {
  AllocationResult, ResourceHandle, ResourceKind, ResourceLimit, ResourceTrackerEvents, ResourceTrackerOptions, ResourceUsage,
} from './resource-tracker.js';
export { trackManagerLimits } from './manager-limits.js';
export type { ManagerLimitOptions, TrackedManager, TrackedSession } from './manager-limits.js';

export { DependencyTracker } from './dependency-tracker.js';
export type {
  CascadeCause, DependencyTrackerEvents, DependencyTrackerOptions, RelateOptions, RelationKind, SessionRelation,
} from './dependency-tracker.js';

export { LegSequence, LEG_TRANSITIONS, isFinalLegState } from './leg-sequence.js';
export type { Leg, LegSequenceEvents, LegSequenceOptions, LegState, LegTransition } from './leg-sequence.js';
