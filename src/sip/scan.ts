/**
 * Character classes of the fast paths (RFC 3261 §25.1) and the run scanner they share: one table
 * lookup per character, no regular expression, no match arrays.
 */

/** hostname / IPv4address characters: `A-Z a-z 0-9 . - _`. */
export const HOST_CH = 1;
/** SIP URI user characters without escapes (unreserved / user-unreserved): `A-Z a-z 0-9 - _ . ! ~ * ' ( ) & = + $ , ; ? /`. */
export const USER_CH = 2;
/** URI parameter name characters of the fast path (a token without `%`). */
export const URI_PNAME_CH = 4;
/** URI parameter value characters of the fast path below 128: visible ASCII but `; ? % " < >`. */
export const URI_PVALUE_CH = 8;
/** token characters (§25.1 token), for generic-param names. */
export const TOKEN_CH = 16;
/** generic-param value characters of the fast path below 128: visible ASCII but `; , " < >`. */
export const GEN_PVALUE_CH = 32;

function build(): Uint8Array {
  const t = new Uint8Array(128);
  const add = (chars: string, bit: number): void => {
    for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)]! |= bit;
  };
  const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  add(alnum + '.-_', HOST_CH);
  add(alnum + "-_.!~*'()&=+$,;?/", USER_CH);
  add(alnum + "!'*+-._`~", URI_PNAME_CH);
  add(alnum + "!%'*+-._`~", TOKEN_CH);
  for (let c = 33; c < 127; c++) {
    const ch = String.fromCharCode(c);
    if (';?%"<>'.indexOf(ch) < 0) t[c]! |= URI_PVALUE_CH;
    if (';,"<>'.indexOf(ch) < 0) t[c]! |= GEN_PVALUE_CH;
  }
  return t;
}

/** Class bits of each ASCII character. */
const CLASS = build();

/**
 * The end of the run of characters of class `bit` in `s[i, n)`: the index of the first character
 * outside the class, or `n`. Characters from 128 up belong to the run only when `high` is true.
 */
export function runEnd(s: string, i: number, n: number, bit: number, high: boolean): number {
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 128 ? (CLASS[c]! & bit) === 0 : !high) break;
    i++;
  }
  return i;
}

/**
 * A port of 1 to 5 digits at `s[i]`: the value times 8 plus the digit count (so that a single
 * number carries both without allocating), or -1 when there is no digit or the value exceeds
 * 65535. Digits after the fifth are left for the caller to reject.
 */
export function scanPort(s: string, i: number, n: number): number {
  const lim = n < i + 5 ? n : i + 5;
  let v = 0;
  let j = i;
  while (j < lim) {
    const d = s.charCodeAt(j) - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    j++;
  }
  if (j === i || v > 65535) return -1;
  return v * 8 + (j - i);
}
