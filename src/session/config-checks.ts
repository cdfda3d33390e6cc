/**
 * Small validators behind {@link resolveConfig}: each checks one value and throws a
 * {@link ConfigError} naming the option's path.
 *
 * @module
 */
import { isIP, isIPv4 } from 'node:net';
import { ConfigError } from './errors.js';

/** Describe a value for an error message without dumping large objects. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return `a ${typeof value}`;
}

/** Join a parent path and a key: `join('', 'sip')` is `sip`, `join('sip', 'port')` is `sip.port`. */
export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Check that `value` is a plain object whose keys are all in `allowed`; an unknown key is
 * reported with the closest allowed name when one is near (typo detection).
 */
export function checkSection(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(path === '' ? 'config' : path, `must be an object, got ${describe(value)}`);
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    throw new ConfigError(path === '' ? 'config' : path, 'must be a plain object');
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      const near = closest(key, allowed);
      const hint = near === undefined ? `known options: ${allowed.join(', ')}` : `did you mean ${join(path, near)}?`;
      throw new ConfigError(join(path, key), `unknown option (${hint})`);
    }
  }
  return value as Record<string, unknown>;
}

/** The allowed name closest to `key` (case-insensitive match, or edit distance at most 2). */
export function closest(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    if (candidate.toLowerCase() === lower) return candidate;
    const d = editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning `limit`) once it is certain to reach `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      row.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin >= limit) return limit;
    prev = row;
  }
  return Math.min(prev[b.length], limit);
}

/** Check an integer within `[min, max]`. */
export function checkInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ConfigError(path, `must be an integer, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new ConfigError(path, `must be from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** Check a string. */
export function checkString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ConfigError(path, `must be a string, got ${describe(value)}`);
  return value;
}

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Check a host: an IPv4 literal, an IPv6 literal (brackets optional; returned without them), or a
 * DNS name (RFC 1123 labels, at most 253 characters). Returns the host as it should be used.
 */
export function checkHost(value: unknown, path: string): string {
  const raw = checkString(value, path);
  const host = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (isIP(host) === 6) return host.toLowerCase();
  if (host !== raw) throw new ConfigError(path, `${describe(raw)} is not an IPv6 address`);
  if (isIPv4(host)) return host;
  if (/^[\d.]+$/.test(host)) throw new ConfigError(path, `${describe(raw)} is not an IPv4 address`);
  if (host.length === 0 || host.length > 253 || !host.split('.').every((l) => LABEL.test(l))) {
    throw new ConfigError(path, `${describe(raw)} is not an IP address or host name`);
  }
  return host.toLowerCase();
}

/** True for the wildcard bind addresses `0.0.0.0` and `::`. */
export function isUnspecifiedAddress(host: string): boolean {
  return host === '0.0.0.0' || isIP(host) === 6 && /^[0:]+$/.test(host);
}

/** The host as it appears in a URI: IPv6 literals in brackets (RFC 3261 §25.1 `IPv6reference`). */
export function uriHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** Check printable header text: no control characters, not empty, at most `max` characters. */
export function checkHeaderText(value: unknown, path: string, max: number): string {
  const text = checkString(value, path).trim();
  if (text.length === 0) throw new ConfigError(path, 'must not be empty');
  if (text.length > max) throw new ConfigError(path, `must be at most ${max} characters`);
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new ConfigError(path, 'must not contain control characters or line breaks');
  return text;
}

/** `T` with every nested property and array element read-only. */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** Deep-freeze plain objects and arrays (no cycles); returns its argument, typed read-only. */
export function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}
