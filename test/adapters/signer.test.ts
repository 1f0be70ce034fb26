import { statSync } from 'node:fs';
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSigner, keyPaths } from '../../src/adapters/signer.js';
import { tempHome } from '../helpers/session.js';

describe('signer adapter', () => {
  it('creates an Ed25519 key on first use (0600 in a 0700 dir) and reuses it', async () => {
    const home = tempHome();
    const a = await createSigner(home).sign(Buffer.from('hello'));
    const p = keyPaths(home);
    expect(statSync(p.privateKey).mode & 0o777).toBe(0o600);
    expect(statSync(p.dir).mode & 0o777).toBe(0o700);
    const b = await createSigner(home).sign(Buffer.from('hello'));
    expect(b.publicKey).toBe(a.publicKey);
    const key = createPublicKey({
      key: Buffer.from(a.publicKey, 'base64'),
      format: 'der',
      type: 'spki',
    });
    expect(verify(null, Buffer.from('hello'), key, Buffer.from(a.signature, 'base64'))).toBe(true);
    expect(verify(null, Buffer.from('hellO'), key, Buffer.from(a.signature, 'base64'))).toBe(false);
  });
});
