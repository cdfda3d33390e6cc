// sipline's lower layers alone (transport + transactions + UA core, no
// session engine, no media) answering every INVITE with 200 + SDP: shows what
// the signalling stack can carry before the session layer adds its cost.
// Opt-in server of bench/calls.bench.mjs (CALLS_SERVERS=sipline-core,...).
//   node bench/peers/sipline-core-uas.mjs PORT
// Same IPC protocol as the other peers ({ type: 'ready' | 'unavailable' | 'memory' }).
const port = Number(process.argv[2]);
const host = '127.0.0.1';
const report = (msg) => (process.send ? process.send(msg) : console.log(JSON.stringify(msg)));

let dialog, transaction, transport;
try {
  [dialog, transaction, transport] = await Promise.all([
    import('../../dist/dialog/index.js'), import('../../dist/transaction/index.js'), import('../../dist/transport/index.js'),
  ]);
} catch (err) {
  report({ type: 'unavailable', reason: `dist/ lower layers cannot be loaded (${err.message})` });
  process.exit(3);
}

const wire = await transport.TransportLayer.create({ host, port, transports: ['UDP', 'TCP'] });
// Lingering transactions (Timer J: 32 s per BYE; RFC 6026 Accepted: 32 s per INVITE) count against
// maxTransactions, whose default (10,000) caps a sustained load near 150 calls/s. Raised here so the
// ladder measures the stack, not that limit: CORE_MAX_TX overrides.
const maxTransactions = Number(process.env.CORE_MAX_TX ?? 1_000_000);
const transactions = new transaction.TransactionLayer(wire, { maxTransactions });
const core = new dialog.UserAgentCore({ transactions, transport: wire, identity: `<sip:uas@${host}>` });
const sdp = [
  'v=0', `o=- 1 1 IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0',
  'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', '',
].join('\r\n');
core.setInviteHandler((invite) => { invite.accept({ body: sdp }); });

async function close() {
  core.close();
  await new Promise((r) => setTimeout(r, 20));
  transactions.close();
  await wire.close();
  process.exit(0);
}
process.on('message', (msg) => {
  if (msg?.type === 'memory') {
    globalThis.gc?.();
    report({ type: 'memory', usage: process.memoryUsage(), active: core.dialogs.length });
  } else if (msg?.type === 'stop') {
    void close();
  }
});
process.on('SIGTERM', () => void close());
report({ type: 'ready', port });
