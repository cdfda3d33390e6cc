/**
 * The start line of a SIP message (RFC 3261 §7.1 Request-Line, §7.2 Status-Line), and the error
 * helper shared with the framing in parser.ts.
 */
import { SipParseError } from './errors.js';
import { isToken, trimLws } from './chars.js';

/** What the start line says. */
export interface StartLine {
  request: boolean;
  method?: string;
  uriText?: string;
  status?: number;
  reason?: string;
}

/** A parse error with the status and reason phrase a UAS would answer with. */
export function fail(reason: SipParseError['reason'], message: string, status: number | undefined, responseReason?: string) {
  return new SipParseError(reason, message, {
    status,
    responseReason: responseReason ?? (status === 505 ? 'Version Not Supported' : 'Bad Request'),
  });
}

/** Parses `Method SP Request-URI SP SIP-Version` (the URI is parsed later). */
export function parseRequestLine(line: string): StartLine {
  // fast path: `METHOD SP URI SP SIP/2.0` with single spaces
  const n = line.length - (line.charCodeAt(line.length - 1) === 13 ? 1 : 0);
  if (n > 10 && line.charCodeAt(n - 8) === 32 && line.startsWith('SIP/2.0', n - 7)) {
    const sp = line.indexOf(' ');
    if (sp > 0 && sp < n - 9) {
      const method = line.slice(0, sp);
      const uriText = line.slice(sp + 1, n - 8);
      const last = uriText.charCodeAt(uriText.length - 1);
      if (isToken(method) && uriText.charCodeAt(0) !== 32 && last !== 32 && last !== 9) {
        return { request: true, method, uriText };
      }
    }
  }
  const l = trimLws(line);
  let sp = 0;
  while (sp < l.length && l.charCodeAt(sp) !== 32 && l.charCodeAt(sp) !== 9) sp++;
  let last = l.length - 1;
  while (last > sp && l.charCodeAt(last) !== 32 && l.charCodeAt(last) !== 9) last--;
  if (sp >= l.length || last <= sp) throw fail('malformed-start-line', `Malformed request line "${l.slice(0, 60)}"`, 400);
  const method = l.slice(0, sp);
  if (!isToken(method)) throw fail('bad-method', `Bad method "${method.slice(0, 40)}"`, 400, 'Bad Request - Invalid Method');
  const version = l.slice(last + 1);
  if (!isVersion(version)) throw fail('malformed-start-line', `Bad SIP version "${version.slice(0, 20)}"`, 400);
  if (version.toUpperCase() !== 'SIP/2.0') throw fail('bad-version', `Unsupported version ${version}`, 505);
  const uriText = trimLws(l.slice(sp, last));
  if (uriText.length === 0) throw fail('malformed-start-line', 'Missing Request-URI', 400);
  return { request: true, method, uriText };
}

/** Parses `SIP-Version SP Status-Code SP Reason-Phrase`. */
export function parseStatusLine(line: string): StartLine {
  const l = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
  if (l.startsWith('SIP/2.0 ') && (l.length === 11 || l.charCodeAt(11) === 32)) {
    const c0 = l.charCodeAt(8) - 48;
    const c1 = l.charCodeAt(9) - 48;
    const c2 = l.charCodeAt(10) - 48;
    if (c0 >= 1 && c0 <= 6 && c1 >= 0 && c1 <= 9 && c2 >= 0 && c2 <= 9) {
      return { request: false, status: c0 * 100 + c1 * 10 + c2, reason: l.slice(12) };
    }
  }
  const sp = l.indexOf(' ');
  const version = sp < 0 ? l : l.slice(0, sp);
  if (!isVersion(version)) throw fail('malformed-start-line', `Malformed status line "${l.slice(0, 60)}"`, undefined);
  if (version.toUpperCase() !== 'SIP/2.0') throw fail('bad-version', `Unsupported version ${version}`, undefined);
  const code = l.slice(sp + 1, sp + 4);
  const after = l.charCodeAt(sp + 4);
  const status = /^[1-6]\d\d$/.test(code) ? Number(code) : NaN;
  if (Number.isNaN(status) || !(Number.isNaN(after) || after === 32)) {
    throw fail('bad-status-code', `Bad status code in "${l.slice(0, 60)}"`, undefined);
  }
  return { request: false, status, reason: l.slice(sp + 5) };
}

/** True for `SIP/x.y` (any case, 1 to 3 digits each). */
function isVersion(v: string): boolean {
  return /^SIP\/\d{1,3}\.\d{1,3}$/i.test(v);
}
