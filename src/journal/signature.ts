/**
 * Sign-off signatures: Ed25519 over the JCS (RFC 8785) form of
 * {type:"warden-signoff", session, head, signer, statement, signedAt}, where `head` is the hash of
 * the entry before the sign-off. The public key (SPKI DER, base64) travels in the entry, so a
 * journal verifies on its own; its fingerprint lets a reviewer match it to a known key.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { canonicalJson } from './jcs.js';
import type { JournalEntry } from './types.js';

export interface SignoffPayload {
  type: 'warden-signoff';
  session: string;
  head: string;
  signer: string;
  statement: string;
  signedAt: string;
}

export interface SignoffData extends Omit<SignoffPayload, 'type' | 'session'> {
  algorithm: 'Ed25519';
  publicKey: string;
  keyFingerprint: string;
  signature: string;
}

export function signoffBytes(p: SignoffPayload): Buffer {
  return Buffer.from(canonicalJson(p), 'utf8');
}

export function keyFingerprint(publicKeyDerBase64: string): string {
  return (
    'sha256:' + createHash('sha256').update(Buffer.from(publicKeyDerBase64, 'base64')).digest('hex')
  );
}

export function verifySignoff(entry: JournalEntry): { ok: true } | { ok: false; reason: string } {
  const d = entry.data as Partial<SignoffData>;
  if (
    d.algorithm !== 'Ed25519' ||
    !d.publicKey ||
    !d.signature ||
    !d.head ||
    d.signer === undefined
  ) {
    return { ok: false, reason: 'missing algorithm, key, signature or head' };
  }
  if (d.head !== entry.prev)
    return { ok: false, reason: 'signed head is not the entry before the sign-off' };
  if (keyFingerprint(d.publicKey) !== d.keyFingerprint)
    return { ok: false, reason: 'key fingerprint does not match the key' };
  try {
    const key = createPublicKey({
      key: Buffer.from(d.publicKey, 'base64'),
      format: 'der',
      type: 'spki',
    });
    const bytes = signoffBytes({
      type: 'warden-signoff',
      session: entry.session,
      head: d.head,
      signer: d.signer,
      statement: d.statement ?? '',
      signedAt: d.signedAt ?? '',
    });
    return verify(null, bytes, key, Buffer.from(d.signature, 'base64'))
      ? { ok: true }
      : { ok: false, reason: 'signature does not match' };
  } catch (err) {
    return { ok: false, reason: `bad key or signature (${(err as Error).message})` };
  }
}
