// A minimal UAS on the npm `sip` package (0.0.6), the reference peer of the
// calls-per-second benchmark: answers INVITE with 200 + SDP (its own To tag and
// a Contact), absorbs ACK, answers BYE (and anything else but CANCEL) with 200.
// No media. Run by bench/calls.bench.mjs through child_process.fork:
//   node bench/peers/sip-package-uas.mjs PORT
// Reports { type: 'ready', port } (or { type: 'unavailable', reason }) over the
// IPC channel, answers { type: 'memory' } with { type: 'memory', usage, calls, active }, and
// exits on { type: 'stop' } or SIGTERM.
import { randomBytes } from 'node:crypto';

const port = Number(process.argv[2]);
const host = '127.0.0.1';
const report = (msg) => (process.send ? process.send(msg) : console.log(JSON.stringify(msg)));

let sip;
try {
  sip = (await import('sip')).default;
} catch (err) {
  report({ type: 'unavailable', reason: `the npm package "sip" cannot be loaded (${err.message})` });
  process.exit(3);
}

const tagPrefix = randomBytes(4).toString('hex');
let counter = 0;
let calls = 0;
let active = 0; // INVITEs answered minus BYEs answered: the established dialogs
const sdp = (sessionId) => [
  'v=0', `o=- ${sessionId} 1 IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0',
  'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', '',
].join('\r\n');

sip.start({ address: host, port, publicAddress: host, tcp: false }, (rq) => {
  if (rq.method === 'ACK') return;
  if (rq.method === 'INVITE') {
    calls++;
    active++;
    const to = rq.headers.to;
    const tag = `${tagPrefix}${(++counter).toString(36)}`;
    sip.send(sip.makeResponse(rq, 200, 'OK', {
      headers: {
        to: { ...to, params: { ...to.params, tag } },
        contact: [{ uri: `sip:uas@${host}:${port}` }],
        'content-type': 'application/sdp',
      },
      content: sdp(counter),
    }));
    return;
  }
  if (rq.method === 'CANCEL') return; // nothing is ever pending: every INVITE is answered at once
  if (rq.method === 'BYE') active--;
  sip.send(sip.makeResponse(rq, 200, 'OK'));
});

process.on('message', (msg) => {
  if (msg?.type === 'memory') {
    globalThis.gc?.();
    report({ type: 'memory', usage: process.memoryUsage(), calls, active });
  } else if (msg?.type === 'stop') {
    sip.stop();
    process.exit(0);
  }
});
process.on('SIGTERM', () => { sip.stop(); process.exit(0); });
// The package binds without a callback: give the socket a moment before saying ready.
setTimeout(() => report({ type: 'ready', port }), 200);
