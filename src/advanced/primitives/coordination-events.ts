import type { EndReason, SessionStateChange } from '../../session/index.js';
import { SessionEventBus } from './event-bus.js';
import type { SessionEventBusOptions, Unsubscribe } from './event-bus.js';

/** A transport address of media. */
export interface CoordinationAddress {
  /** IP address. */
  readonly address: string;
  /** UDP port. */
  readonly port: number;
}

/** Media of a session started (after the answer, or on a re-INVITE) or stopped (at the end or on hold). */
export interface CoordinationMediaEvent {
  /** What happened. */
  readonly type: 'started' | 'stopped';
  /** The negotiated codec, e.g. `PCMU`. */
  readonly codec?: string;
  /** Where the session's RTP goes. */
  readonly remote?: CoordinationAddress;
}

/** A DTMF digit received by a session (RFC 4733). */
export interface CoordinationDtmfEvent {
  /** The digit: `0`-`9`, `*`, `#`, `A`-`D`. */
  readonly digit: string;
  /** How long the key was pressed, in milliseconds. */
  readonly durationMs: number;
}

/**
 * A dialog-level happening of a session (RFC 3261 §12-14): a provisional response, the dialog
 * confirmed, a target refresh (re-INVITE or UPDATE), a REFER received, the dialog terminated.
 */
export interface CoordinationDialogEvent {
  /** What happened. */
  readonly kind: 'provisional' | 'confirmed' | 'refreshed' | 'refer' | 'terminated';
  /** The SIP method involved, e.g. `INVITE`, `REFER`. */
  readonly method?: string;
  /** The SIP status involved, e.g. 180 or 200. */
  readonly status?: number;
  /** The reason phrase of that status. */
  readonly reasonPhrase?: string;
  /** The Refer-To target of a REFER. */
  readonly referTo?: string;
}

/** The end of a session, once, after its last `state` event. */
export interface CoordinationEndEvent {
  /** Why the session ended. */
  readonly reason: EndReason;
}

/**
 * The raw session coordination events an orchestration layer can subscribe to, as the event map
 * of a {@link SessionEventBus}: every state change (with old state, new state and reason), the
 * end, media started/stopped, DTMF, and dialog events.
 *
 * @example
 * ```ts
 * const bus = new SessionEventBus<CoordinationEventMap>();
 * bus.subscribe({ types: 'state' }, (e) => console.log(e.sessionId, e.data.from, '->', e.data.to));
 * ```
 */
export type CoordinationEventMap = {
  /** A session changed state. */
  state: SessionStateChange;
  /** A session ended. */
  ended: CoordinationEndEvent;
  /** Media started or stopped. */
  media: CoordinationMediaEvent;
  /** A DTMF digit arrived. */
  dtmf: CoordinationDtmfEvent;
  /** A dialog event. */
  dialog: CoordinationDialogEvent;
};

/** A coordination event type: `state`, `ended`, `media`, `dtmf` or `dialog`. */
export type CoordinationEventType = keyof CoordinationEventMap;

/** Every {@link CoordinationEventType}, in a stable order. */
export const COORDINATION_EVENT_TYPES: readonly CoordinationEventType[] = Object.freeze([
  'state', 'ended', 'media', 'dtmf', 'dialog',
] as const);

/**
 * What {@link forwardSessionEvents} needs of a session: an id and typed `on` / `off` for the
 * `state`, `ended`, `media` and `dtmf` events. A `CallSession` fits.
 */
export interface CoordinationSource {
  /** The session id, used as the bus event's `sessionId`. */
  readonly id: string;
  /** Add a listener. */
  on(event: 'state', listener: (change: SessionStateChange) => void): unknown;
  /** Add a listener. */
  on(event: 'ended', listener: (reason: EndReason, ...rest: unknown[]) => void): unknown;
  /** Add a listener. */
  on(event: 'media', listener: (event: CoordinationMediaEvent) => void): unknown;
  /** Add a listener. */
  on(event: 'dtmf', listener: (event: CoordinationDtmfEvent) => void): unknown;
  /** Remove a listener. */
  off(event: 'state', listener: (change: SessionStateChange) => void): unknown;
  /** Remove a listener. */
  off(event: 'ended', listener: (reason: EndReason, ...rest: unknown[]) => void): unknown;
  /** Remove a listener. */
  off(event: 'media', listener: (event: CoordinationMediaEvent) => void): unknown;
  /** Remove a listener. */
  off(event: 'dtmf', listener: (event: CoordinationDtmfEvent) => void): unknown;
}

/**
 * Publish a session's `state`, `ended`, `media` and `dtmf` events on a coordination bus, keyed by
 * the session's id. Stops by itself after `ended`; the returned function stops earlier. Dialog
 * events are not visible on a `CallSession`: the producer that sees dialogs publishes them.
 *
 * @example
 * ```ts
 * const bus = new SessionEventBus<CoordinationEventMap>();
 * manager.on('session', (session) => forwardSessionEvents(bus, session));
 * ```
 */
export function forwardSessionEvents(bus: SessionEventBus<CoordinationEventMap>, session: CoordinationSource): Unsubscribe {
  const id = session.id;
  const onState = (change: SessionStateChange): void => void bus.publish('state', id, change);
  const onMedia = (event: CoordinationMediaEvent): void => void bus.publish('media', id, event);
  const onDtmf = (event: CoordinationDtmfEvent): void => void bus.publish('dtmf', id, event);
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    session.off('state', onState);
    session.off('media', onMedia);
    session.off('dtmf', onDtmf);
    session.off('ended', onEnded);
  };
  const onEnded = (reason: EndReason): void => {
    bus.publish('ended', id, { reason });
    stop();
  };
  session.on('state', onState);
  session.on('media', onMedia);
  session.on('dtmf', onDtmf);
  session.on('ended', onEnded);
  return stop;
}

/** What {@link coordinationBus} needs of a manager: a `session` event. A `SessionManager` fits. */
export interface CoordinationManager<S extends CoordinationSource> {
  /** Add a listener of new sessions. */
  on(event: 'session', listener: (session: S) => void): unknown;
  /** Remove it. */
  off(event: 'session', listener: (session: S) => void): unknown;
}

/** A coordination bus fed by a manager, returned by {@link coordinationBus}. */
export interface CoordinationFeed {
  /** The bus: subscribe to it; producers that see dialogs publish `dialog` events on it. */
  readonly bus: SessionEventBus<CoordinationEventMap>;
  /** Stop feeding: no more sessions are followed, live ones stop forwarding. Subscriptions stay. */
  stop(): void;
}

/**
 * A coordination bus fed with the `state`, `ended`, `media` and `dtmf` events of every session a
 * manager creates from now on (see {@link forwardSessionEvents}).
 *
 * @example
 * ```ts
 * const { bus, stop } = coordinationBus(manager);
 * bus.subscribe({ types: 'ended' }, (e) => console.log(e.sessionId, e.data.reason));
 * // later
 * stop();
 * ```
 */
export function coordinationBus<S extends CoordinationSource>(
  manager: CoordinationManager<S>,
  options: SessionEventBusOptions = {},
): CoordinationFeed {
  const bus = new SessionEventBus<CoordinationEventMap>(options);
  const live = new Map<string, Unsubscribe>();
  let stopped = false;
  const onSession = (session: S): void => {
    if (stopped || live.has(session.id)) return;
    const id = session.id;
    const forward = forwardSessionEvents(bus, session);
    const untrack = bus.subscribe({ sessionIds: id, types: 'ended', once: true }, () => live.delete(id));
    live.set(id, () => { forward(); untrack(); });
  };
  manager.on('session', onSession);
  return {
    bus,
    stop: () => {
      if (stopped) return;
      stopped = true;
      manager.off('session', onSession);
      for (const stopOne of live.values()) stopOne();
      live.clear();
    },
  };
}
