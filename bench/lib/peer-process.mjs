// Runs a benchmark peer (bench/peers/*.mjs) in its own Node process, so the
// load generator, the peer under test and the benchmark driver never share an
// event loop. Peers talk over the IPC channel: { type: 'ready', port },
// { type: 'unavailable', reason }, { type: 'memory', usage, ... }.
import { fork } from 'node:child_process';

/**
 * Starts `script PORT` and waits (at most `readyMs`) for it to say ready or
 * unavailable.
 *
 * @param {string} script  absolute path of the peer
 * @param {number} port    SIP port it must listen on (127.0.0.1)
 * @param {{ readyMs?: number, cwd?: string }} [opts]
 * @returns {Promise<{ available: true, memory: () => Promise<any>, stop: () => Promise<void>, log: () => string }
 *   | { available: false, reason: string }>}
 */
export async function startPeer(script, port, opts = {}) {
  const child = fork(script, [String(port)], {
    cwd: opts.cwd,
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  const keep = (d) => { out = (out + d.toString('utf8')).slice(-8000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const first = await Promise.race([
    new Promise((resolve) => {
      const onMessage = (m) => {
        if (m?.type === 'ready' || m?.type === 'unavailable') {
          child.off('message', onMessage);
          resolve(m);
        }
      };
      child.on('message', onMessage);
    }),
    exited.then((code) => ({ type: 'unavailable', reason: `exited (${code}) before it was ready: ${out.trim().slice(-1000)}` })),
    new Promise((resolve) => setTimeout(() => resolve({ type: 'timeout' }), opts.readyMs ?? 10_000)),
  ]);
  if (first.type !== 'ready') {
    child.kill('SIGKILL');
    await exited;
    return { available: false, reason: first.type === 'timeout' ? `not ready within ${opts.readyMs ?? 10_000} ms` : first.reason };
  }
  return {
    available: true,
    log: () => out,
    memory: () => new Promise((resolve, reject) => {
      const timer = setTimeout(() => { child.off('message', onMessage); reject(new Error('peer did not report its memory within 10 s')); }, 10_000);
      const onMessage = (m) => {
        if (m?.type !== 'memory') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      child.send({ type: 'memory' });
    }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'stop' });
      const gone = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 7_000))]);
      if (!gone) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
