/**
 * Backup encryption: AES-256-GCM over the whole gzip stream.
 * File layout: header (40 bytes) | ciphertext | 16-byte GCM tag. The header is authenticated as
 * additional data: "WDNBAK01" | kdf (0 raw key, 1 scrypt) | log2 N | r | p | salt (16) | IV (12).
 * Key file: 32 raw bytes, or 64 hex characters (a raw key), else its text (trimmed, at least 12
 * characters) is a passphrase stretched with scrypt (N=2^15, r=8, p=1) and the per-file salt.
 * Only the parameters Warden writes are accepted on reading: a header asking for others (say a
 * cost that takes minutes and gigabytes) is refused before any key is derived.
 */
import {
  createCipheriv,
  createDecipheriv,
  randomBytes,
  scryptSync,
  type DecipherGCM,
} from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { UserError } from '../errors.js';

const MAGIC = Buffer.from('WDNBAK01');
export const HEADER_BYTES = 40;
/** Bytes to read from the start of a file to tell whether it is a warden encrypted backup. */
export const MAGIC_BYTES = MAGIC.length;

/** Whether a file's first bytes are the header of a warden encrypted backup. */
export function hasEncryptedHeader(head: Uint8Array): boolean {
  return Buffer.from(head.buffer, head.byteOffset, head.byteLength)
    .subarray(0, MAGIC.length)
    .equals(MAGIC);
}
const TAG_BYTES = 16;
export const SCRYPT = { logN: 15, r: 8, p: 1 } as const;

export interface KeyMaterial {
  kind: 'raw' | 'passphrase';
  secret: Buffer;
}

export class BackupIntegrityError extends UserError {
  constructor(message: string) {
    super(message, 'the backup was changed or damaged, or the key is wrong; nothing was written');
  }
}

export function parseKeyFile(buf: Buffer): KeyMaterial {
  if (buf.length === 32) return { kind: 'raw', secret: Buffer.from(buf) };
  const text = buf.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return { kind: 'raw', secret: Buffer.from(text, 'hex') };
  if (text.length < 12)
    throw new UserError(
      'the key file holds neither a 32-byte key nor a passphrase of at least 12 characters',
      'create one: head -c 32 /dev/urandom > backup.key && chmod 600 backup.key',
    );
  return { kind: 'passphrase', secret: Buffer.from(text, 'utf8') };
}

function deriveKey(km: KeyMaterial, salt: Buffer): Buffer {
  if (km.kind === 'raw') return km.secret;
  const N = 2 ** SCRYPT.logN;
  return scryptSync(km.secret, salt, 32, {
    N,
    r: SCRYPT.r,
    p: SCRYPT.p,
    maxmem: 256 * N * SCRYPT.r,
  });
}

/**
 * Why an encrypted backup's header is refused (undefined when it is one Warden writes): bad magic,
 * an unknown KDF, or KDF parameters other than Warden's own. Reads the header only: no key is
 * derived, so a hostile header costs nothing.
 */
export function headerProblem(head: Uint8Array): string | undefined {
  const h = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (h.length < HEADER_BYTES) return 'the encrypted backup is truncated (no complete header)';
  if (!h.subarray(0, MAGIC.length).equals(MAGIC))
    return 'not a warden encrypted backup (bad header)';
  const kdf = h[8] ?? -1;
  if (kdf !== 0 && kdf !== 1) return `unknown key derivation ${kdf} in the header`;
  const [logN, r, p] = [h[9] ?? 0, h[10] ?? 0, h[11] ?? 0];
  if (logN !== SCRYPT.logN || r !== SCRYPT.r || p !== SCRYPT.p)
    return `the header asks for scrypt N=2^${logN}, r=${r}, p=${p}; Warden writes only N=2^${SCRYPT.logN}, r=${SCRYPT.r}, p=${SCRYPT.p}`;
  return undefined;
}

export function encryptionInfo(km: KeyMaterial): Record<string, unknown> {
  return km.kind === 'raw'
    ? { cipher: 'aes-256-gcm', kdf: 'none (raw 256-bit key)' }
    : {
        cipher: 'aes-256-gcm',
        kdf: 'scrypt',
        N: 2 ** SCRYPT.logN,
        r: SCRYPT.r,
        p: SCRYPT.p,
        saltBytes: 16,
      };
}

export function encryptTransform(km: KeyMaterial): Transform {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const header = Buffer.concat([
    MAGIC,
    Buffer.from([km.kind === 'raw' ? 0 : 1, SCRYPT.logN, SCRYPT.r, SCRYPT.p]),
    salt,
    iv,
  ]);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(km, salt), iv);
  cipher.setAAD(header);
  let started = false;
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      if (!started) {
        started = true;
        this.push(header);
      }
      cb(null, cipher.update(chunk));
    },
    flush(cb: TransformCallback) {
      if (!started) this.push(header);
      this.push(cipher.final());
      cb(null, cipher.getAuthTag());
    },
  });
}

/** Decrypts; fails in flush (after the last byte) when the tag does not match. */
export function decryptTransform(km: KeyMaterial): Transform {
  let head: Buffer = Buffer.alloc(0);
  let tail: Buffer = Buffer.alloc(0);
  let decipher: DecipherGCM | undefined;
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      try {
        let buf = chunk;
        if (!decipher) {
          head = Buffer.concat([head, chunk]);
          if (head.length < HEADER_BYTES) return cb();
          const header = head.subarray(0, HEADER_BYTES);
          const problem = headerProblem(header);
          if (problem) throw new BackupIntegrityError(problem);
          const kdf = header[8];
          if ((kdf === 1) !== (km.kind === 'passphrase'))
            throw new BackupIntegrityError(
              `the backup was encrypted with a ${kdf === 1 ? 'passphrase' : 'raw key'}, the key file holds a ${km.kind === 'raw' ? 'raw key' : 'passphrase'}`,
            );
          const salt = header.subarray(12, 28);
          const iv = header.subarray(28, 40);
          decipher = createDecipheriv('aes-256-gcm', deriveKey(km, salt), iv);
          decipher.setAAD(Buffer.from(header));
          buf = head.subarray(HEADER_BYTES);
        }
        const all = tail.length ? Buffer.concat([tail, buf]) : buf;
        if (all.length <= TAG_BYTES) {
          tail = Buffer.from(all);
          return cb();
        }
        tail = Buffer.from(all.subarray(all.length - TAG_BYTES));
        cb(null, decipher.update(all.subarray(0, all.length - TAG_BYTES)));
      } catch (err) {
        cb(err as Error);
      }
    },
    flush(cb: TransformCallback) {
      if (!decipher || tail.length !== TAG_BYTES)
        return cb(new BackupIntegrityError('the encrypted backup is truncated'));
      try {
        decipher.setAuthTag(tail);
        cb(null, decipher.final());
      } catch {
        cb(
          new BackupIntegrityError(
            'GCM authentication failed: the backup was tampered with, truncated, or the key is wrong',
          ),
        );
      }
    },
  });
}
