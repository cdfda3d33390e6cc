#!/usr/bin/env node
// Parser throughput, issue 2 §4: sipline's SIP message parser against the
// `sip` package's (npm `sip` 0.0.6) and SIP.js's (0.21) on the same corpus,
// each made to produce the same set of headers in structured form.
//
// Run with `npm run bench parser` (builds first; this file imports dist/).
// Options: --rounds N (default 9), --round-ms N (default 700), --no-doc
// (do not rewrite docs/performance.md).
//
// What "parsed" means for each parser is written out in docs/performance.md
// ("What each parser is made to do"); keep the adapters below and that text
// in step.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

import { parseMessage } from '../dist/sip/index.js';
import { Core as SipJsCore, Grammar as SipJsGrammar } from 'sip.js';

import { loadCorpus } from './lib/corpus.mjs';
import { measure } from './lib/timing.mjs';
import { markdownTable, formatInt, formatRatio } from './lib/table.mjs';
import { machineFacts } from './lib/machine.mjs';
import { writeDocSection } from './lib/doc-section.mjs';
import { recordSummary } from './lib/summary.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const sip = require('sip');
const sipJsVersion = JSON.parse(readFileSync(join(here, '../node_modules/sip.js/package.json'), 'utf8')).version;
const sipVersion = JSON.parse(readFileSync(join(here, '../node_modules/sip/package.json'), 'utf8')).version;

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const rounds = opt('--rounds', 9);
const roundMs = opt('--round-ms', 700);
const writeDoc = !args.includes('--no-doc');

const corpus = loadCorpus(join(here, 'corpus'));
const expected = JSON.parse(readFileSync(join(here, 'corpus/expected.json'), 'utf8'));
const buffers = corpus.map((c) => c.bytes);
const N = buffers.length;

// ---------------------------------------------------------------------------
// Adapters. Each `full*` takes the datagram's Buffer, parses it and forces the
// structured form of: request URI, every Via, From, To (with their URIs),
// Call-ID, CSeq, every Contact (with its URI), Max-Forwards, Content-Type,
// Content-Length, every Route and Record-Route, Authorization and
// WWW-Authenticate. It returns the library's own objects so that `view*`
// (not timed) can check them against bench/corpus/expected.json.
// ---------------------------------------------------------------------------

/** sipline: parseMessage takes bytes; every accessor is lazy and cached, so each is read once. */
function fullSipline(buf) {
  const m = parseMessage(buf);
  return {
    m,
    ruri: m.uri, // SipResponse has no uri: undefined
    via: m.via,
    from: m.from,
    to: m.to,
    callId: m.callId,
    cseq: m.cseq,
    contact: m.contact,
    maxForwards: m.maxForwards,
    contentType: m.contentType,
    contentLength: m.contentLength,
    route: m.route,
    recordRoute: m.recordRoute,
    authorization: m.authorization,
    wwwAuthenticate: m.wwwAuthenticate,
  };
}

/**
 * `sip`: parse() accepts the Buffer (it converts with toString('binary')
 * itself) and already structures Via, From/To/Contact (name-addr, params),
 * CSeq, Content-Length, Route/Record-Route (with URIs), Authorization and
 * WWW-Authenticate. What it leaves as text is finished here with its own
 * parseUri (request URI, From/To/Contact URIs) or Number() (Max-Forwards).
 * Call-ID and Content-Type stay strings: it has no parser for them.
 */
function fullSip(buf) {
  const m = sip.parse(buf);
  const h = m.headers;
  const contact = h.contact;
  return {
    m,
    ruri: m.method !== undefined ? sip.parseUri(m.uri) : undefined,
    via: h.via,
    from: h.from,
    fromUri: sip.parseUri(h.from.uri),
    to: h.to,
    toUri: sip.parseUri(h.to.uri),
    callId: h['call-id'],
    cseq: h.cseq,
    contact,
    contactUris: Array.isArray(contact) ? contact.map((c) => sip.parseUri(c.uri)) : undefined,
    maxForwards: h['max-forwards'] !== undefined ? Number(h['max-forwards']) : undefined,
    contentType: h['content-type'],
    contentLength: h['content-length'],
    route: h.route,
    recordRoute: h['record-route'],
    authorization: h.authorization,
    wwwAuthenticate: h['www-authenticate'],
  };
}

const SipJsParser = SipJsCore.Parser;
const quietLogger = { error() {}, warn() {}, log() {}, debug() {} };

// SIP.js stores each header line as { raw, parsed }. What its parseMessage
// already parsed is read from `parsed` directly (calling parseHeader again
// would re-run headerize() on the name and, for a parsed value of 0 such as
// Content-Length: 0, its whole grammar, since its cache test is truthiness:
// work a real SIP.js user would not pay). parseHeader(name, i) is called only
// for values it has not parsed yet. `name` is SIP.js's own spelling.

/** The structured first value of header `name`, parsed by SIP.js if not yet. */
function sipJsOne(msg, name) {
  const list = msg.headers[name];
  if (list === undefined) return undefined;
  const p = list[0].parsed;
  return p !== undefined ? p : msg.parseHeader(name, 0);
}

/** Every structured value of header `name`, parsed by SIP.js where not yet. */
function sipJsAll(msg, name) {
  const list = msg.headers[name];
  if (list === undefined) return undefined;
  const out = [];
  for (let i = 0; i < list.length; i++) {
    const p = list[i].parsed;
    out.push(p !== undefined ? p : msg.parseHeader(name, i));
  }
  return out;
}

/**
 * SIP.js: Parser.parseMessage takes a string, so the Buffer -> string
 * conversion is inside the timed loop (a UDP/TCP transport receives Buffers).
 * It parses the request URI, the first Via, From, To, Call-ID, CSeq, Contact,
 * Record-Route, Max-Forwards, Content-Type, Content-Length and
 * WWW-Authenticate while parsing; the other Via values are forced through its
 * parseHeader('via', i). Its grammar has no Route or Authorization rule:
 * Route values go through the Record_Route rule (same syntax), Authorization
 * through the WWW_Authenticate rule, which accepts the credentials but keeps
 * only realm, nonce, opaque and algorithm (less work than a full parse).
 */
function fullSipJs(buf) {
  const msg = SipJsParser.parseMessage(buf.toString(), quietLogger);
  const routes = msg.headers.Route;
  let route;
  if (routes !== undefined) {
    route = [];
    for (const r of routes) route.push(...SipJsGrammar.parse(r.raw, 'Record_Route'));
  }
  const auth = msg.headers.Authorization;
  return {
    m: msg,
    ruri: msg.ruri,
    via: sipJsAll(msg, 'Via'),
    from: msg.from,
    to: msg.to,
    callId: msg.callId,
    cseq: sipJsOne(msg, 'CSeq'),
    contact: sipJsAll(msg, 'Contact'),
    maxForwards: sipJsOne(msg, 'Max-Forwards'),
    contentType: sipJsOne(msg, 'Content-Type'),
    contentLength: sipJsOne(msg, 'Content-Length'),
    route,
    recordRoute: sipJsAll(msg, 'Record-Route'),
    authorization: auth === undefined ? undefined : auth.map((a) => SipJsGrammar.parse(a.raw, 'WWW_Authenticate')),
    wwwAuthenticate: sipJsAll(msg, 'WWW-Authenticate'),
  };
}

// ---------------------------------------------------------------------------
// Views (not timed): the same facts from each library's objects, compared with
// the expectations, so a parser that skips work or gets it wrong cannot win.
// ---------------------------------------------------------------------------

const unq = (s) => (typeof s === 'string' && s.startsWith('"') ? s.slice(1, -1) : s);
const nul = (v) => (v === undefined || v === '' ? null : v);

function viewSipline(r) {
  const m = r.m;
  const auth = r.authorization?.[0] ?? r.wwwAuthenticate?.[0];
  return {
    kind: m.method ?? m.status,
    ruriHost: nul(r.ruri?.host),
    callId: r.callId,
    viaCount: r.via.length,
    topBranch: r.via[0].branch,
    secondViaHost: nul(r.via[1]?.host),
    cseq: r.cseq.seq,
    cseqMethod: r.cseq.method,
    fromTag: nul(r.from.tag),
    fromHost: r.from.uri.host,
    toTag: nul(r.to.tag),
    toHost: r.to.uri.host,
    contactHost: nul(r.contact?.[0]?.uri?.host),
    maxForwards: nul(r.maxForwards),
    contentType: r.contentType ? `${r.contentType.type}/${r.contentType.subtype}` : null,
    contentLength: r.contentLength,
    recordRouteHost: nul(r.recordRoute?.[0]?.uri.host),
    routeHost: nul(r.route?.[0]?.uri.host),
    authRealm: nul(auth?.params?.get?.('realm') ?? auth?.realm),
    authNonce: nul(auth?.params?.get?.('nonce') ?? auth?.nonce),
  };
}

function viewSip(r) {
  const m = r.m;
  const auth = r.authorization?.[0] ?? r.wwwAuthenticate?.[0];
  return {
    kind: m.method ?? m.status,
    ruriHost: nul(r.ruri?.host),
    callId: r.callId,
    viaCount: r.via.length,
    topBranch: r.via[0].params.branch,
    secondViaHost: nul(r.via[1]?.host),
    cseq: r.cseq.seq,
    cseqMethod: r.cseq.method,
    fromTag: nul(r.from.params.tag),
    fromHost: r.fromUri.host,
    toTag: nul(r.to.params.tag),
    toHost: r.toUri.host,
    contactHost: nul(r.contactUris?.[0]?.host),
    maxForwards: nul(r.maxForwards),
    contentType: nul(r.contentType),
    contentLength: r.contentLength,
    recordRouteHost: nul(r.recordRoute?.[0]?.uri.host),
    routeHost: nul(r.route?.[0]?.uri.host),
    authRealm: nul(unq(auth?.realm)),
    authNonce: nul(unq(auth?.nonce)),
  };
}

function viewSipJs(r) {
  const m = r.m;
  const auth = r.authorization?.[0] ?? r.wwwAuthenticate?.[0];
  return {
    kind: m.method !== undefined && m.statusCode === undefined ? m.method : m.statusCode,
    ruriHost: nul(r.ruri?.host),
    callId: r.callId,
    viaCount: r.via.length,
    topBranch: r.via[0].branch,
    secondViaHost: nul(r.via[1]?.host),
    cseq: r.cseq.value,
    cseqMethod: r.cseq.method,
    fromTag: nul(r.from.getParam('tag')),
    fromHost: r.from.uri.host,
    toTag: nul(r.to.getParam('tag')),
    toHost: r.to.uri.host,
    contactHost: nul(r.contact?.[0]?.uri.host),
    maxForwards: nul(r.maxForwards),
    contentType: nul(r.contentType),
    contentLength: r.contentLength,
    recordRouteHost: nul(r.recordRoute?.[0]?.uri.host),
    routeHost: nul(r.route?.[0]?.parsed.uri.host),
    authRealm: nul(auth?.realm),
    authNonce: nul(auth?.nonce),
  };
}

const contenders = [
  { name: 'sipline', label: 'sipline', full: fullSipline, view: viewSipline },
  { name: 'sip', label: `sip ${sipVersion}`, full: fullSip, view: viewSip },
  { name: 'sip.js', label: `SIP.js ${sipJsVersion}`, full: fullSipJs, view: viewSipJs },
];

// ---------------------------------------------------------------------------
// 1. Correctness gate.
// ---------------------------------------------------------------------------
let wrong = 0;
for (const c of contenders) {
  for (const { name, bytes } of corpus) {
    let got;
    try {
      got = c.view(c.full(bytes));
    } catch (err) {
      console.error(`${c.name}: ${name}: threw ${err?.stack ?? err}`);
      wrong++;
      continue;
    }
    const want = expected[name];
    if (!want) throw new Error(`bench/corpus/expected.json has no entry for ${name}`);
    for (const key of Object.keys(want)) {
      if (got[key] !== want[key]) {
        console.error(`${c.name}: ${name}: ${key} = ${JSON.stringify(got[key])}, expected ${JSON.stringify(want[key])}`);
        wrong++;
      }
    }
  }
}
if (wrong > 0) {
  console.error(`\n${wrong} wrong value(s): not timing parsers that give wrong answers.`);
  process.exit(1);
}
console.log(`corpus: ${N} messages (${corpus.map((c) => c.name.replace(/\.sip$/, '')).join(', ')}), ` +
  `${buffers.reduce((s, b) => s + b.length, 0)} octets; every parser verified on every message.\n`);

// ---------------------------------------------------------------------------
// 2. Timing. Each call parses the next corpus message in turn, from the same
// nine Buffers for every parser. None of the three keeps state between calls
// (sipline's accessor cache lives on the message object, which is new each
// time), so reusing the Buffers does not let anyone skip work.
// ---------------------------------------------------------------------------
const results = measure(
  contenders.map((c) => ({
    name: c.name,
    fn: (i) => c.full(buffers[i % N]).via.length,
  })),
  { rounds, roundMs, log: (l) => console.log(`  ${l}`) },
);

const by = Object.fromEntries(results.map((r) => [r.name, r]));
const ours = by.sipline.cpu;
const fasterPeer = results.filter((r) => r.name !== 'sipline').sort((a, b) => b.cpu - a.cpu)[0];
const facts = machineFacts();

const table = markdownTable(
  [
    { title: 'parser' },
    { title: 'msgs/s (CPU time)', align: 'right' },
    { title: 'µs/msg', align: 'right' },
    { title: 'sipline ÷ this', align: 'right' },
    { title: 'msgs/s (wall clock)', align: 'right' },
  ],
  contenders.map((c) => {
    const r = by[c.name];
    return [c.label, formatInt(r.cpu), (1e6 / r.cpu).toFixed(2), formatRatio(ours / r.cpu), formatInt(r.wall)];
  }),
);
const ratio = ours / fasterPeer.cpu;
const verdict = `sipline / faster peer (${contenders.find((c) => c.name === fasterPeer.name).label}): **${formatRatio(ratio)}** ` +
  `(target 3.00x: ${ratio >= 3 ? 'met' : 'NOT met'})`;
const meta = `Node ${facts.node}, ${facts.cpu}, ${facts.cores} cores, ${facts.date}; ` +
  `median of ${rounds} interleaved rounds of ${roundMs} ms per parser after a warm-up; ` +
  `ratios from CPU time; command: \`npm run bench parser\`.`;

console.log(`\n${table}\n\n${verdict}\n\n${meta}`);
recordSummary('parser', [{
  figure: 'SIP messages parsed per CPU-second (µs/msg)',
  sipline: `${formatInt(ours)} (${(1e6 / ours).toFixed(2)})`,
  peer: `${formatInt(fasterPeer.cpu)} (${(1e6 / fasterPeer.cpu).toFixed(2)}), ${contenders.find((c) => c.name === fasterPeer.name).label}`,
  ratio: formatRatio(ratio), target: '>= 3x',
}]);

if (writeDoc) {
  const docPath = join(here, '../docs/performance.md');
  writeDocSection(docPath, 'parser', 'SIP message parser', `${table}\n\n${verdict}\n\n${meta}`);
  console.log(`\nwrote the table into docs/performance.md`);
}
