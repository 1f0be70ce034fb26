/**
 * SignerPort: an Ed25519 key pair under $WARDEN_HOME/keys/, created on first use.
 * Private key PEM 0600 in a 0700 directory; the public key travels in each sign-off entry.
 */
import {
  generateKeyPairSync,
  createPrivateKey,
  createPublicKey,
  sign as edSign,
  type KeyObject,
} from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SignerPort } from '../engine/ports.js';

export function keyPaths(home: string): { dir: string; privateKey: string; publicKey: string } {
  const dir = join(home, 'keys');
  return {
    dir,
    privateKey: join(dir, 'signing-ed25519.pem'),
    publicKey: join(dir, 'signing-ed25519.pub.pem'),
  };
}

async function loadOrCreate(home: string): Promise<KeyObject> {
  const p = keyPaths(home);
  try {
    return createPrivateKey(await readFile(p.privateKey, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(p.dir, { recursive: true, mode: 0o700 });
  await chmod(p.dir, 0o700);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // 'wx': never overwrite a key another process created meanwhile.
  try {
    await writeFile(p.privateKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
      flag: 'wx',
    });
    await writeFile(p.publicKey, publicKey.export({ type: 'spki', format: 'pem' }), {
      mode: 0o644,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      return createPrivateKey(await readFile(p.privateKey, 'utf8'));
    throw err;
  }
  return privateKey;
}

export function createSigner(home: string): SignerPort {
  let key: Promise<KeyObject> | undefined;
  return {
    async sign(bytes) {
      key ??= loadOrCreate(home);
      const k = await key;
      const publicKey = (
        createPublicKey(k).export({ type: 'spki', format: 'der' }) as Buffer
      ).toString('base64');
      return { signature: edSign(null, bytes, k).toString('base64'), publicKey };
    },
  };
}
