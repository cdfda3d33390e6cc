/**
 * `sipline/advanced`: building blocks for call-engine authors: bridges (two or more calls that
 * hear each other), conference rooms, a back-to-back user agent helper, and session primitives.
 * The error classes are shared with the root entry point.
 *
 * @example
 * ```ts
 * import { SessionManager } from 'sipline';
 * import { createB2bua, createBridge, createConference } from 'sipline/advanced';
 * ```
 *
 * @packageDocumentation
 */
export { SiplineError, InvalidArgumentError, InvalidStateError } from '../util/index.js';
// Bridges: relay, transcoding, mixing.
export { Bridge, bridgeOf, createBridge } from './bridge.js';
export type {
  BridgeActivity, BridgeAddOptions, BridgeCounters, BridgeEvents, BridgeLeaveReason, BridgeOptions, BridgeState,
} from './bridge-types.js';
// Conference rooms.
export { Conference, createConference } from './conference.js';
export type {
  ConferenceEvents, ConferenceOptions, InviteOptions, JoinOptions, LeaveReason, Participant,
} from './conference-types.js';
// Back-to-back user agent.
export { B2bua, createB2bua } from './b2bua.js';
export type { B2buaCall, B2buaCallState, B2buaEvents, B2buaOptions, B2buaTarget } from './b2bua-types.js';
// Registrar and location service (RFC 3261 §10.3, docs/registration.md).
export { Registrar, createRegistrar, LocationService, normalizeAor, UserNotRegisteredError } from './registrar/index.js';
export type { Binding, LocationStore, RegistrarAuthenticate, RegistrarEvents, RegistrarOptions } from './registrar/index.js';
// Errors of bridges and conferences.
export { BridgeMediaError, ConferenceFullError, ConferenceLockedError, SessionAlreadyBridgedError } from './errors.js';
// The manager's own resource tracker (limits.maxSessions is enforced with it).
export { managerResources } from './manager-resources.js';
// Primitives: data structures for call engines, keyed by session id (src/advanced/primitives/).
export {
  COORDINATION_EVENT_TYPES, coordinationBus, DependencyCycleError, DependencyTracker, GROUP_KINDS, GROUP_TRANSITIONS, GroupMembershipError,
  LEG_TRANSITIONS, LegSequence, PRIORITIES, PriorityRegistry, QOS_CLASSES, QOS_DSCP, ResourceLimitError, ResourceTracker,
  SessionEventBus, SessionGroup, SessionGroups, comparePriority, forwardSessionEvents, isFinalLegState, isHigherPriority,
  isPriority, isQosClass, priorityRank, sortByPriority, trackManagerLimits,
} from './primitives/index.js';
export type {
  AllocationResult, AnyBusEvent, BusEvent, BusFilter, BusListener, CascadeCause, CoordinationAddress, CoordinationDialogEvent,
  CoordinationDtmfEvent, CoordinationEndEvent, CoordinationEventMap, CoordinationEventType, CoordinationFeed,
  CoordinationManager, CoordinationMediaEvent,
  CoordinationSource, CreateGroupOptions, DependencyTrackerEvents, DependencyTrackerOptions, GroupKind, GroupMember,
  GroupState, Leg, LegSequenceEvents, LegSequenceOptions, LegState, LegTransition, ListenerErrorHandler,
  ManagerLimitOptions, MemberRole, Priority, PriorityRegistryEvents, PriorityRegistryOptions, QosClass, QosMarking,
  RelateOptions, RelationKind, ResourceHandle, ResourceKind, ResourceLimit, ResourceTrackerEvents, ResourceTrackerOptions,
  ResourceUsage, SessionEventBusOptions, SessionGroupEvents, SessionGroupOptions, SessionGroupsEvents, SessionGroupsOptions,
  SessionLevels, SessionMember, SessionRelation, TrackedManager, TrackedSession, Unsubscribe,
} from './primitives/index.js';
