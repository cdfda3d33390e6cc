import { InvalidArgumentError } from '../../util/index.js';

/**
 * Every {@link Priority}, most urgent first. The index is the rank: 0 is `emergency`.
 */
export const PRIORITIES = Object.freeze(['emergency', 'critical', 'high', 'normal', 'low', 'background'] as const);

/** How urgent a session is, from `emergency` down to `background`. */
export type Priority = (typeof PRIORITIES)[number];

const RANK: ReadonlyMap<string, number> = new Map(PRIORITIES.map((p, i) => [p, i]));

/**
 * Whether a value is a {@link Priority}.
 *
 * @example
 * ```ts
 * isPriority('high'); // true
 * isPriority('urgent'); // false
 * ```
 */
export function isPriority(value: unknown): value is Priority {
  return typeof value === 'string' && RANK.has(value);
}

/**
 * The rank of a priority: 0 for `emergency` up to 5 for `background` (lower is more urgent).
 *
 * @throws InvalidArgumentError when `priority` is not a {@link Priority}
 * @example
 * ```ts
 * priorityRank('normal'); // 3
 * ```
 */
export function priorityRank(priority: Priority): number {
  const rank = RANK.get(priority);
  if (rank === undefined) throw new InvalidArgumentError('priority', `unknown priority ${String(priority)}`);
  return rank;
}

/**
 * Comparator for `Array.prototype.sort`: negative when `a` is more urgent than `b`, so sorting
 * puts the most urgent first.
 *
 * @example
 * ```ts
 * ['low', 'emergency', 'normal'].sort(comparePriority); // ['emergency', 'normal', 'low']
 * ```
 */
export function comparePriority(a: Priority, b: Priority): number {
  return priorityRank(a) - priorityRank(b);
}

/**
 * Whether `a` is strictly more urgent than `b`.
 *
 * @example
 * ```ts
 * isHigherPriority('critical', 'high'); // true
 * ```
 */
export function isHigherPriority(a: Priority, b: Priority): boolean {
  return comparePriority(a, b) < 0;
}

/**
 * A copy of `items` sorted most urgent first; items of equal priority keep their order (stable).
 *
 * @example
 * ```ts
 * sortByPriority(sessions, (s) => registry.priorityOf(s.id));
 * ```
 */
export function sortByPriority<T>(items: Iterable<T>, priorityOf: (item: T) => Priority): T[] {
  const ranked = [...items].map((item, index) => ({ item, index, rank: priorityRank(priorityOf(item)) }));
  ranked.sort((x, y) => x.rank - y.rank || x.index - y.index);
  return ranked.map((r) => r.item);
}

/** Every {@link QosClass}, most demanding first. */
export const QOS_CLASSES = Object.freeze(['voice', 'video', 'expedited', 'assured', 'best-effort'] as const);

/** A traffic class of a session's packets. */
export type QosClass = (typeof QOS_CLASSES)[number];

/** The Diffserv marking of a {@link QosClass}. */
export interface QosMarking {
  /** The DSCP value (0-63), RFC 2474. */
  readonly dscp: number;
  /** The per-hop behaviour name, e.g. `EF`, `AF41`, `CS5`, `DF`. */
  readonly phb: string;
  /** The RFC 4594 service class whose treatment this follows. */
  readonly serviceClass: string;
  /** The IPv4 TOS / IPv6 traffic-class byte: the DSCP shifted left by 2 (ECN bits zero). */
  readonly tos: number;
}

function marking(dscp: number, phb: string, serviceClass: string): QosMarking {
  return Object.freeze({ dscp, phb, serviceClass, tos: dscp << 2 });
}

/**
 * The DSCP of each {@link QosClass}, following the service classes of RFC 4594 §3 (Figure 3):
 * `voice` = Telephony (EF, 46); `video` = Multimedia Conferencing (AF41, 34); `expedited` =
 * Signaling (CS5, 40), for call signalling; `assured` = Low-Latency Data (AF21, 18); `best-effort`
 * = Standard (DF, 0). Data only: sipline does not set socket options from it.
 *
 * @example
 * ```ts
 * QOS_DSCP.voice.dscp; // 46
 * QOS_DSCP.voice.tos;  // 184 (0xB8)
 * ```
 */
export const QOS_DSCP: Readonly<Record<QosClass, QosMarking>> = Object.freeze({
  voice: marking(46, 'EF', 'Telephony'),
  video: marking(34, 'AF41', 'Multimedia Conferencing'),
  expedited: marking(40, 'CS5', 'Signaling'),
  assured: marking(18, 'AF21', 'Low-Latency Data'),
  'best-effort': marking(0, 'DF', 'Standard'),
});

/**
 * Whether a value is a {@link QosClass}.
 *
 * @example
 * ```ts
 * isQosClass('voice'); // true
 * ```
 */
export function isQosClass(value: unknown): value is QosClass {
  return typeof value === 'string' && (QOS_CLASSES as readonly string[]).includes(value);
}
