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
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SignerPort } from '../engine/ports.js';
import { UserError } from '../errors.js';
import type { KnownKeys } from '../journal/key-trust.js';
import { keyFingerprint } from '../journal/signature.js';

export function keyPaths(home: string): {
  dir: string;
  privateKey: string;
  publicKey: string;
  trustedDir: string;
} {
  const dir = join(home, 'keys');
  return {
    dir,
    privateKey: join(dir, 'signing-ed25519.pem'),
    publicKey: join(dir, 'signing-ed25519.pub.pem'),
    /** Public keys (PEM, one a file) whose sign-offs are shown as made with a trusted key. */
    trustedDir: join(dir, 'trusted'),
  };
}

/** `sha256:<hex>` of a PEM public key; a UserError naming the file when it is not one. */
export async function fingerprintOfPemFile(path: string): Promise<string> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    throw new UserError(
      `cannot read the key ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  try {
    const der = createPublicKey(pem).export({ type: 'spki', format: 'der' }) as Buffer;
    return keyFingerprint(der.toString('base64'));
  } catch {
    throw new UserError(`${path} is not a PEM public key`);
  }
}

/**
 * The keys a sign-off can be matched to: this home's own key (if one was made), the keys in
 * keys/trusted/, and `extra` (--trusted-key files: an unreadable one is an error). Only `extra`
 * counts for `verify --trusted-key`; see verify.ts.
 */
export async function loadKnownKeys(
  home: string,
  extra: readonly string[] = [],
): Promise<KnownKeys> {
  const p = keyPaths(home);
  let local: string | undefined;
  try {
    local = await fingerprintOfPemFile(p.publicKey);
  } catch {
    local = undefined; // no key made on this machine yet
  }
  const trusted = new Set<string>();
  let names: string[] = [];
  try {
    names = (await readdir(p.trustedDir)).filter((n) => n.endsWith('.pem')).sort();
  } catch {
    names = [];
  }
  for (const n of names) {
    try {
      trusted.add(await fingerprintOfPemFile(join(p.trustedDir, n)));
    } catch {
      /* a file that is not a key trusts nothing */
    }
  }
  const given = new Set(await Promise.all(extra.map(fingerprintOfPemFile)));
  for (const fp of given) trusted.add(fp);
  return { ...(local ? { local } : {}), trusted, given };
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
