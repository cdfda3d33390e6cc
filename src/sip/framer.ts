/**
 * Stream framing for connection-oriented transports (TCP, TLS, WebSocket without message framing):
 * RFC 3261 §18.3 (Content-Length is mandatory on streams) and RFC 5626 §4.4.1 keep-alives
 * (CRLFCRLF ping, CRLF pong).
 */
import createDebug from 'debug';
import { SipParseError } from './errors.js';
import { DEFAULT_SIP_LIMITS, type SipLimits } from './parser.js';
import { parseUint } from './headers/basic.js';

/** What {@link StreamFramer.push} yields. */
export type FramerEvent =
  | { readonly type: 'message'; readonly data: Buffer }
  | { readonly type: 'keepalive'; readonly kind: 'ping' | 'pong' }
  | { readonly type: 'error'; readonly error: SipParseError };

/** Options of a {@link StreamFramer}. */
export interface StreamFramerOptions {
  /** Size limit (only `maxMessageSize` is used by the framer). */
  readonly limits?: Partial<SipLimits>;
  /**
   * When true (a client that sent a ping), a lone CRLF at the end of the received data is reported
   * as a pong at once. When false (default), the framer waits for the next octets to tell a pong
   * (CRLF) from a ping (CRLFCRLF), so the result never depends on how the stream was chunked.
   */
  readonly eagerPong?: boolean;
}

const enum State {
  Between,
  Headers,
  Body,
  Failed,
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const debug = createDebug('sipline:sip');

/**
 * Cuts a byte stream into SIP messages.
 *
 * Each {@link StreamFramer.push} returns the events completed by that chunk. Work is linear in the
 * input: the header terminator search resumes where it stopped and the internal buffer grows by
 * doubling. On a framing error (no Content-Length, a message over `maxMessageSize`, a malformed
 * Content-Length) an `{ type: 'error' }` event is returned, carrying a `SipParseError` with
 * `fatal: true`; the framer then refuses further input (every later push returns `[]`) and the
 * transport must close the connection. Messages are copied out, so the caller may keep them.
 */
export class StreamFramer {
  #store: Buffer = Buffer.allocUnsafe(4096);
  #start = 0; // first unconsumed octet
  #end = 0; // end of valid data
  #scan = 0; // where the header terminator search resumes
  #state = State.Between;
  #bodyEnd = 0;
  readonly #maxSize: number;
  readonly #eagerPong: boolean;

  /** @param options - limits and keep-alive handling */
  constructor(options: StreamFramerOptions = {}) {
    this.#maxSize = options.limits?.maxMessageSize ?? DEFAULT_SIP_LIMITS.maxMessageSize;
    this.#eagerPong = options.eagerPong ?? false;
  }

  /** True after a framing error: the connection must be closed. */
  get failed(): boolean {
    return this.#state === State.Failed;
  }

  /** Octets received but not yet part of a complete message. */
  get pending(): number {
    return this.#end - this.#start;
  }

  /** Feeds a chunk; returns the messages and keep-alives it completed. */
  push(chunk: Buffer): FramerEvent[] {
    if (this.#state === State.Failed) return [];
    this.#append(chunk);
    const out: FramerEvent[] = [];
    for (;;) {
      if (this.#state === State.Between) {
        if (!this.#between(out)) break;
      } else if (this.#state === State.Headers) {
        if (!this.#headers(out)) break;
      } else if (this.#state === State.Body) {
        if (this.#end < this.#bodyEnd) break;
        out.push({ type: 'message', data: Buffer.from(this.#store.subarray(this.#start, this.#bodyEnd)) });
        this.#start = this.#bodyEnd;
        this.#state = State.Between;
      } else break;
    }
    this.#flushFailure(out);
    if (this.#start === this.#end) {
      this.#start = this.#end = this.#scan = 0;
    }
    return out;
  }

  #append(chunk: Buffer): void {
    const need = this.#end + chunk.length;
    if (need > this.#store.length) {
      const live = this.#end - this.#start;
      if (live + chunk.length <= this.#store.length / 2) {
        this.#store.copy(this.#store, 0, this.#start, this.#end);
      } else {
        let size = this.#store.length * 2;
        while (size < live + chunk.length) size *= 2;
        const next = Buffer.allocUnsafe(size);
        this.#store.copy(next, 0, this.#start, this.#end);
        this.#store = next;
      }
      this.#scan -= this.#start;
      this.#bodyEnd -= this.#start;
      this.#start = 0;
      this.#end = live;
    }
    chunk.copy(this.#store, this.#end);
    this.#end += chunk.length;
  }

  /** Between messages: keep-alives and leading CRLFs. Returns false when more data is needed. */
  #between(out: FramerEvent[]): boolean {
    const s = this.#store;
    const avail = this.#end - this.#start;
    if (avail === 0) return false;
    if (s[this.#start] === 13) {
      if (avail < 2) return false;
      if (s[this.#start + 1] !== 10) return this.#fail('Stray CR between messages');
      if (avail < 4) {
        if (avail === 2 && this.#eagerPong) {
          this.#start += 2;
          out.push({ type: 'keepalive', kind: 'pong' });
          return true;
        }
        if (avail === 3 && s[this.#start + 2] !== 13) {
          this.#start += 2;
          out.push({ type: 'keepalive', kind: 'pong' });
          return true;
        }
        return false;
      }
      if (s[this.#start + 2] === 13 && s[this.#start + 3] === 10) {
        this.#start += 4;
        out.push({ type: 'keepalive', kind: 'ping' });
      } else {
        this.#start += 2;
        out.push({ type: 'keepalive', kind: 'pong' });
      }
      return true;
    }
    if (s[this.#start] === 10) {
      this.#start += 1; // a bare LF between messages is ignored
      return true;
    }
    this.#state = State.Headers;
    this.#scan = this.#start;
    return true;
  }

  #headers(_out: FramerEvent[]): boolean {
    const s = this.#store;
    const from = Math.max(this.#start, this.#scan - 3);
    const idx = s.subarray(0, this.#end).indexOf(CRLFCRLF, from);
    if (idx < 0) {
      this.#scan = this.#end;
      if (this.#end - this.#start > this.#maxSize) return this.#fail('Header section exceeds the size limit', 'too-large');
      return false;
    }
    const headEnd = idx + 4;
    const cl = this.#contentLength(this.#start, idx);
    if (cl === undefined) return false; // failed inside
    if (headEnd - this.#start + cl > this.#maxSize) {
      return this.#fail(`Message of ${headEnd - this.#start + cl} octets exceeds ${this.#maxSize}`, 'too-large');
    }
    this.#bodyEnd = headEnd + cl;
    this.#state = State.Body;
    return true;
  }

  /** Finds Content-Length (or `l`) among the header lines in [from, to). */
  #contentLength(from: number, to: number): number | undefined {
    const head = this.#store.toString('latin1', from, to);
    let found: number | undefined;
    let pos = head.indexOf('\n') + 1;
    while (pos > 0 && pos < head.length) {
      let e = head.indexOf('\n', pos);
      if (e < 0) e = head.length;
      const c = head.charCodeAt(pos) | 0x20;
      if (c === 0x6c || c === 0x63) {
        const colon = head.indexOf(':', pos);
        if (colon > 0 && colon < e) {
          const name = head.slice(pos, colon).trimEnd().toLowerCase();
          if (name === 'l' || name === 'content-length') {
            let value = head.slice(colon + 1, e).trim();
            // a folded value continues on the next lines
            while (e + 1 < head.length && (head.charCodeAt(e + 1) === 32 || head.charCodeAt(e + 1) === 9)) {
              const n = head.indexOf('\n', e + 1);
              const ne = n < 0 ? head.length : n;
              value = (value + ' ' + head.slice(e + 1, ne).trim()).trim();
              e = ne;
            }
            const v = parseUint(value);
            if (v === undefined) {
              this.#fail(`Invalid Content-Length "${value.slice(0, 20)}"`, 'bad-header');
              return undefined;
            }
            if (found !== undefined && found !== v) {
              this.#fail('Conflicting Content-Length values', 'bad-header');
              return undefined;
            }
            found = v;
          }
        }
      }
      pos = e + 1;
    }
    if (found === undefined) this.#fail('Missing Content-Length on a stream', 'missing-header');
    return found;
  }

  #fail(message: string, reason: SipParseError['reason'] = 'malformed-start-line'): false {
    debug('stream framing failed: %s', message);
    this.#state = State.Failed;
    this.#failure = new SipParseError(reason, message, {
      header: reason === 'bad-header' || reason === 'missing-header' ? 'Content-Length' : undefined,
      status: reason === 'too-large' ? 513 : 400,
      responseReason: reason === 'too-large' ? 'Message Too Large' : 'Bad Request - Invalid Content-Length',
      fatal: true,
    });
    return false;
  }

  #failure: SipParseError | undefined;

  /** Drains the error event, if the last step failed (internal). */
  #flushFailure(out: FramerEvent[]): void {
    if (this.#failure !== undefined) {
      out.push({ type: 'error', error: this.#failure });
      this.#failure = undefined;
    }
  }
}
