/**
 * TLS material made with openssl for a test engine: a CA, a server certificate for 127.0.0.1, and
 * a client certificate signed by it; `other` is a second CA with a client certificate of its own
 * (which the engine must refuse).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });

function ca(dir: string, name: string): void {
  ssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.pem`,
    ],
    dir,
  );
}

function signed(dir: string, caName: string, name: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  ssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.csr`,
    ],
    dir,
  );
  ssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${caName}.pem`,
      '-CAkey',
      `${caName}-key.pem`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ],
    dir,
  );
}

export interface TestTls {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate from another CA. */
  otherCert: string;
  otherKey: string;
}

export function makeTls(): TestTls {
  const dir = mkdtempSync(join(tmpdir(), 'warden-tls-'));
  ca(dir, 'ca');
  signed(dir, 'ca', 'server', 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n');
  signed(dir, 'ca', 'client', 'extendedKeyUsage = clientAuth\n');
  ca(dir, 'other-ca');
  signed(dir, 'other-ca', 'other', 'extendedKeyUsage = clientAuth\n');
  const p = (f: string) => join(dir, f);
  return {
    dir,
    ca: p('ca.pem'),
    serverCert: p('server.pem'),
    serverKey: p('server-key.pem'),
    clientCert: p('client.pem'),
    clientKey: p('client-key.pem'),
    otherCert: p('other.pem'),
    otherKey: p('other-key.pem'),
  };
}
