// A port free for both UDP and TCP on 127.0.0.1, for benchmark peers that
// must be told their port in advance (a small race with other processes
// remains).
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

const udp = (port) => new Promise((resolve) => {
  const s = createSocket('udp4');
  s.once('error', () => { s.close(); resolve(undefined); });
  s.bind(port, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const tcp = (port) => new Promise((resolve) => {
  const srv = createServer();
  srv.once('error', () => resolve(false));
  srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
});

/** @returns {Promise<number>} */
export async function freePort() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const p = await udp(0);
    if (p !== undefined && (await tcp(p))) return p;
  }
  throw new Error('no free UDP+TCP port on 127.0.0.1 after 50 attempts');
}
