/**
 * Throwaway certificates for TLS/WSS tests: a self-signed CA and a server certificate for
 * 127.0.0.1 / localhost signed by it, made with the `openssl` CLI in a temporary directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM texts of a test PKI. */
export interface TestPki {
  /** The CA certificate (trust anchor). */
  readonly ca: string;
  /** Server certificate (SAN IP:127.0.0.1, DNS:localhost), signed by the CA. */
  readonly cert: string;
  /** Key of `cert`. */
  readonly key: string;
  /** A second, unrelated self-signed CA (trusting it must not help). */
  readonly otherCa: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** Make a CA and a server certificate valid for a day (P-256 keys: fast). */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'sipline-pki-'));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    for (const name of ['ca', 'other']) {
      openssl(dir, ['req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '1',
        '-subj', `/CN=sipline test ${name}`, '-addext', 'basicConstraints=critical,CA:TRUE',
        '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    }
    openssl(dir, ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
    writeFileSync(join(dir, 'ext.cnf'), [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature,keyAgreement',
      'extendedKeyUsage=serverAuth,clientAuth',
      '',
    ].join('\n'));
    openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', 'server.crt', '-days', '1', '-extfile', 'ext.cnf']);
    const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
    return { ca: read('ca.crt'), cert: read('server.crt'), key: read('server.key'), otherCa: read('other.crt') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
