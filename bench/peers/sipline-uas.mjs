// sipline's three-line server (issue 5): an auto-answer server with real media,
// the subject of the calls-per-second benchmark. Run by bench/calls.bench.mjs
// through child_process.fork:
//   node bench/peers/sipline-uas.mjs PORT
// Imports the compiled package from dist/ (`npm run bench` builds first). While
// the public API is not built yet it reports { type: 'unavailable', reason }
// and exits with code 3; otherwise { type: 'ready', port }. Answers
// { type: 'memory' } with { type: 'memory', usage, active } (active = manager.sessions().length) and exits on
// { type: 'stop' } or SIGTERM after closing the manager.
const port = Number(process.argv[2]);
const report = (msg) => (process.send ? process.send(msg) : console.log(JSON.stringify(msg)));

let api;
try {
  api = await import('../../dist/index.js');
} catch (err) {
  report({ type: 'unavailable', reason: `dist/index.js cannot be loaded (${err.message})` });
  process.exit(3);
}
if (typeof api.SessionManager?.new !== 'function') {
  report({ type: 'unavailable', reason: 'dist/index.js exports no SessionManager.new yet' });
  process.exit(3);
}

// The three lines (bound to loopback, as every benchmark peer is).
let manager;
try {
  manager = await api.SessionManager.new({ sip: { host: '127.0.0.1', port } });
} catch (err) {
  report({ type: 'unavailable', reason: `SessionManager.new failed: ${err?.code ?? ''} ${err?.message ?? err}`.trim() });
  process.exit(3);
}
manager.setCallHandler({ onIncomingCall: (call) => call.answer() });

let closing = false;
async function close() {
  if (closing) return;
  closing = true;
  try {
    await manager.close();
  } finally {
    process.exit(0);
  }
}
process.on('message', (msg) => {
  if (msg?.type === 'memory') {
    globalThis.gc?.();
    const sessions = typeof manager.sessions === 'function' ? manager.sessions().length : undefined;
    report({ type: 'memory', usage: process.memoryUsage(), active: sessions });
  } else if (msg?.type === 'stop') {
    void close();
  }
});
process.on('SIGTERM', () => void close());
report({ type: 'ready', port });
