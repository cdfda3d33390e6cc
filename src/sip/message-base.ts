/**
 * Header storage shared by requests and responses (RFC 3261 §7.3): lines in wire order,
 * case-insensitive and compact-form-aware lookup, immutable modification and serialization.
 * {@link SipMessage} adds the typed accessors on top.
 */
import type { RawHeader } from './errors.js';
import { splitList } from './chars.js';
import { LIST_HEADERS, canonicalHeaderName, headerKey } from './header-names.js';
import type { Via } from './via.js';
import type { SipRequest } from './request.js';
import type { SipResponse } from './response.js';

/**
 * The raw side of a SIP message: header lines and body, lookup, modification, serialization.
 * Immutable: every `with...` method returns a new message.
 */
export abstract class SipMessageBase {
  /** Header lines in wire order: name as received, value unfolded and trimmed. */
  readonly headers: readonly RawHeader[];
  /** The body (exactly Content-Length octets when parsed). */
  readonly body: Buffer;
  #keys: readonly string[];
  #wire: Buffer | undefined;

  /**
   * @param headers - header lines in order
   * @param body - message body
   * @param keys - lookup keys of `headers` (lower-case, compact forms expanded), if already known
   */
  protected constructor(headers: readonly RawHeader[], body: Buffer, keys?: readonly string[]) {
    this.headers = headers;
    this.body = body;
    this.#keys = keys ?? headers.map((h) => headerKey(h.name));
  }

  /** The first line without CRLF. */
  abstract startLine(): string;

  /** A message of the same kind with other headers and body. */
  protected abstract rebuild(headers: readonly RawHeader[], body: Buffer): this;

  /** True for a request. */
  abstract isRequest(): this is SipRequest;

  /** True for a response. */
  abstract isResponse(): this is SipResponse;

  /** Raw value of the first header line with this name (any case, compact form or long form). */
  get(name: string): string | undefined {
    const key = headerKey(name);
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.headers[i]!.value;
    return undefined;
  }

  /**
   * Every value of a header in order. List headers (Via, Contact, Route, Allow...) are split on
   * commas outside quotes and angle brackets; other headers give one value per line.
   */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const keys = this.#keys;
    const split = LIST_HEADERS.has(key);
    const out: string[] = [];
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== key) continue;
      const v = this.headers[i]!.value;
      if (split) for (const e of splitList(v)) out.push(e);
      else out.push(v);
    }
    return out;
  }

  /** Number of header lines with this name. */
  count(name: string): number {
    const key = headerKey(name);
    let n = 0;
    for (const k of this.#keys) if (k === key) n++;
    return n;
  }

  /** True when at least one header line has this name. */
  has(name: string): boolean {
    return this.#keys.includes(headerKey(name));
  }

  // ---- immutable modification -------------------------------------------------------------

  /** A copy with a header line appended. */
  withHeader(name: string, value: string): this {
    return this.rebuild([...this.headers, { name, value }], this.body);
  }

  /** A copy with a header line inserted before the first line of the same name (or first of all). */
  withHeaderPrepended(name: string, value: string): this {
    const key = headerKey(name);
    const at = Math.max(0, this.#keys.indexOf(key));
    const headers = [...this.headers];
    headers.splice(at, 0, { name, value });
    return this.rebuild(headers, this.body);
  }

  /** A copy without any line of this header. */
  withoutHeader(name: string): this {
    const key = headerKey(name);
    return this.rebuild(
      this.headers.filter((_h, i) => this.#keys[i] !== key),
      this.body,
    );
  }

  /** A copy where every line of this header is replaced by `values` (one line each), in place of the first. */
  withReplacedHeader(name: string, values: readonly string[]): this {
    const key = headerKey(name);
    const out: RawHeader[] = [];
    let done = false;
    for (let i = 0; i < this.headers.length; i++) {
      if (this.#keys[i] !== key) out.push(this.headers[i]!);
      else if (!done) {
        for (const value of values) out.push({ name: this.headers[i]!.name, value });
        done = true;
      }
    }
    if (!done) for (const value of values) out.push({ name: canonicalHeaderName(name), value });
    return this.rebuild(out, this.body);
  }

  /** A copy whose top Via is `via` (RFC 3261 §18.2.1 received / RFC 3581 rport). */
  withTopVia(via: Via): this {
    const at = this.#keys.indexOf('via');
    if (at < 0) return this.withHeaderPrepended('Via', via.toString());
    const h = this.headers[at]!;
    const rest = splitList(h.value).slice(1);
    const headers = [...this.headers];
    headers[at] = { name: h.name, value: [via.toString(), ...rest].join(', ') };
    return this.rebuild(headers, this.body);
  }

  /** A copy with another body; Content-Length follows, Content-Type is replaced when given. */
  withBody(body: Buffer | string, contentType?: string): this {
    const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    let m = this.withReplacedHeader('Content-Length', [String(b.length)]);
    if (contentType !== undefined) m = m.withReplacedHeader('Content-Type', [contentType]);
    return m.rebuild(m.headers, b);
  }

  /**
   * The message as bytes. Header lines are written in order with their received names; the
   * Content-Length value is always the real body length (a header is added when absent).
   */
  serialize(): Buffer {
    if (this.#wire !== undefined) return this.#wire;
    let s = this.startLine() + '\r\n';
    let hasLength = false;
    const len = String(this.body.length);
    for (let i = 0; i < this.headers.length; i++) {
      const h = this.headers[i]!;
      if (this.#keys[i] === 'content-length') {
        hasLength = true;
        s += h.name + ': ' + len + '\r\n';
      } else s += h.name + ': ' + h.value + '\r\n';
    }
    if (!hasLength) s += 'Content-Length: ' + len + '\r\n';
    s += '\r\n';
    const head = Buffer.from(s, 'utf8');
    this.#wire = this.body.length === 0 ? head : Buffer.concat([head, this.body]);
    return this.#wire;
  }

  /** The serialized message as text (body decoded as UTF-8). */
  toString(): string {
    return this.serialize().toString('utf8');
  }

  /** Raw value of the first line with this lookup key (lower-case long form), or undefined. */
  protected firstValue(key: string): string | undefined {
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.headers[i]!.value;
    return undefined;
  }

  /** Every raw line value of a header, by lookup key (lower-case long form), unsplit. */
  protected lineValues(key: string): string[] {
    const out: string[] = [];
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) out.push(this.headers[i]!.value);
    return out;
  }
}
