/**
 * Free ports on 127.0.0.1 for tests that must tell a peer (SIPp) a port number
 * in advance. The port is probed by binding and closing; a tiny race with
 * other processes remains, so callers retry on EADDRINUSE where they can.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

function bindUdp(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => { s.close(); resolve(undefined); });
    s.bind(port, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

function bindTcp(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(undefined));
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address();
      const p = typeof addr === 'object' && addr ? addr.port : undefined;
      srv.close(() => resolve(p));
    });
  });
}

/** A port free for both UDP and TCP on 127.0.0.1 (at most 50 attempts). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const p = await bindUdp(0);
    if (p === undefined) continue;
    if ((await bindTcp(p)) === p) return p;
  }
  throw new Error('no free UDP+TCP port found on 127.0.0.1 after 50 attempts');
}
