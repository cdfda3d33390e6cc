import { SiplineError } from '../util/index.js';

/**
 * Why a SIP message (or one of its header fields) could not be parsed.
 *
 * - `malformed-start-line`: the request or status line is not `Method SP URI SP Version` /
 *   `Version SP Code SP Reason` (RFC 3261 §7.1, §7.2).
 * - `bad-version`: a SIP version other than `SIP/2.0` (a request gets 505, §8.2.6 / §21.5.7).
 * - `bad-method`: the method is not a token.
 * - `bad-header`: a header line or a header value does not follow its grammar.
 * - `missing-header`: a header field that is needed is absent.
 * - `duplicate-header`: a header that may appear once appears several times.
 * - `cseq-method-mismatch`: the CSeq method differs from the request method (§8.2.6 / RFC 4475 3.1.2.16).
 * - `content-length-mismatch`: fewer body octets than Content-Length announces (§18.3).
 * - `too-large`: a configured limit (size, header count, line length) was exceeded.
 * - `bad-uri`: a URI that does not follow RFC 3261 §19.1 / §25.
 * - `unsupported-uri-scheme`: a URI scheme other than sip, sips or tel (a Request-URI gets 416, §8.2.2.1).
 * - `bad-status-code`: a status code that is not three digits 100-699 (the response is dropped).
 * - `incomplete`: the header section does not end with an empty line.
 * - `internal`: a defect in the parser itself (never expected; reported instead of leaking another error).
 */
export type SipParseReason =
  | 'malformed-start-line'
  | 'bad-version'
  | 'bad-method'
  | 'bad-header'
  | 'missing-header'
  | 'duplicate-header'
  | 'cseq-method-mismatch'
  | 'content-length-mismatch'
  | 'too-large'
  | 'bad-uri'
  | 'unsupported-uri-scheme'
  | 'bad-status-code'
  | 'incomplete'
  | 'internal';

/** One header line as it appeared on the wire: name as received, value unfolded and trimmed. */
export interface RawHeader {
  /** The header name exactly as received (may be a compact form such as `v`). */
  readonly name: string;
  /** The value with line folding replaced by a single space and surrounding whitespace removed. */
  readonly value: string;
}

/**
 * What could be recovered from a message that failed to parse: enough for the layer above to build
 * a 400 (or 505, 416, 501...) response per RFC 3261 §8.2.6 (Via, From, To, Call-ID, CSeq copied).
 */
export interface SipParsePartial {
  /** True when the start line looked like a request, false for a response, undefined if unknown. */
  readonly isRequest?: boolean;
  /** Request method when the request line could be read. */
  readonly method?: string;
  /** Request-URI text as received. */
  readonly requestUri?: string;
  /** Status code of a response, when it could be read. */
  readonly statusCode?: number;
  /** Every header line that could be read, in wire order. */
  readonly headers: readonly RawHeader[];
  /** Raw Via header values (each line, possibly comma-joined), in order. */
  readonly via: readonly string[];
  /** Raw From value. */
  readonly from?: string;
  /** Raw To value. */
  readonly to?: string;
  /** Raw Call-ID value. */
  readonly callId?: string;
  /** Raw CSeq value. */
  readonly cseq?: string;
}

/** Options of a {@link SipParseError}. */
export interface SipParseErrorInit {
  /** The header at fault, in its canonical long form (e.g. `Content-Length`). */
  header?: string;
  /** The status the UA should answer with; undefined means drop silently. */
  status?: number;
  /** Reason phrase to use in that answer. */
  responseReason?: string;
  /** True when a stream transport must close the connection (framing is lost). */
  fatal?: boolean;
  /** What could be read of the message. */
  partial?: SipParsePartial;
  /** Underlying error, if any. */
  cause?: unknown;
}

/**
 * The only error the SIP message layer throws for bad input (RFC 3261 §7, §19, §20, §25).
 * It says why ({@link SipParseError.reason}), which header, and how to answer
 * ({@link SipParseError.status} and {@link SipParseError.responseReason}), or that the message must be
 * dropped silently ({@link SipParseError.silent}).
 */
export class SipParseError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_SIP_PARSE';
  /** Machine-readable reason. */
  readonly reason: SipParseReason;
  /** The offending header, canonical long name, when known. */
  readonly header: string | undefined;
  /** Response status to send (400, 505, 416, 501, 513); undefined when the message must be dropped. */
  readonly status: number | undefined;
  /** Reason phrase for that response, e.g. `Bad Request - Invalid Content-Length`. */
  readonly responseReason: string | undefined;
  /** True when a stream connection must be closed because framing is lost. */
  readonly fatal: boolean;
  /** What could be recovered of the message, for building the response. */
  readonly partial: SipParsePartial | undefined;

  /**
   * @param reason - why parsing failed
   * @param message - human-readable detail
   * @param init - header, status, partial message...
   */
  constructor(reason: SipParseReason, message: string, init: SipParseErrorInit = {}) {
    super('ERR_SIP_PARSE', message, init.cause === undefined ? undefined : { cause: init.cause });
    this.reason = reason;
    this.header = init.header;
    this.status = init.status;
    this.responseReason = init.responseReason;
    this.fatal = init.fatal ?? false;
    this.partial = init.partial;
  }

  /** True when no response must be sent (a broken response, a bad status code...). */
  get silent(): boolean {
    return this.status === undefined;
  }

  /** A copy of this error with other response/partial details (used as errors move up the parser). */
  withDetails(init: SipParseErrorInit): SipParseError {
    return new SipParseError(this.reason, this.message, {
      header: init.header ?? this.header,
      status: 'status' in init ? init.status : this.status,
      responseReason: 'responseReason' in init ? init.responseReason : this.responseReason,
      fatal: init.fatal ?? this.fatal,
      partial: init.partial ?? this.partial,
      cause: this.cause,
    });
  }
}

/** Shorthand used by header parsers: a `bad-header` error naming the header. */
export function badHeader(header: string, detail: string): SipParseError {
  return new SipParseError('bad-header', `Invalid ${header} header: ${detail}`, {
    header,
    status: 400,
    responseReason: `Bad Request - Invalid ${header}`,
  });
}
