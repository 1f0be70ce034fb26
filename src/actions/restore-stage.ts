/**
 * Each archive of a backup copied once into a private file (restore-verify.ts says why), its size
 * and SHA-256 against the manifest. An archive that is not encrypted is also checked while it is
 * copied: its bytes, as they reach the copy, go through the same gunzip and tar check as a later
 * pass would (checkArchive), so the restore reads it once before writing instead of twice. Its
 * SHA-256 is still compared first: a mismatch is the reason given, whatever the tar said. An
 * encrypted one is checked after the copy, once its header is read and the key derived.
 */
import { dirname, join } from 'node:path';
import { CancelledError, errorMessage } from '../errors.js';
import { isCancellation } from '../engine/cancel.js';
import { BackupIntegrityError, HEADER_BYTES, hasEncryptedHeader } from './backup-crypto.js';
import type { BackupArchive } from './backup.js';
import { NotRegularFileError, type StagedArchive } from './backup-sources.js';
import type { ActionDeps } from './common.js';
import { checkArchive, type LoadedManifest } from './restore-verify.js';

export type ArchiveCheck = Awaited<ReturnType<typeof checkArchive>>;

/** Chunks handed from the copy to the check, at most `room` waiting (the copy waits beyond). */
class ChunkQueue {
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private wake: (() => void) | undefined;
  private space: (() => void) | undefined;
  /** Set once the reader stopped (done or refused): what is pushed after is dropped. */
  closed = false;

  constructor(private readonly room = 4) {}

  async push(chunk: Uint8Array): Promise<void> {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.wake?.();
    while (this.chunks.length > this.room && !this.closed)
      await new Promise<void>((r) => (this.space = r));
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.chunks.length = 0;
    this.space?.();
  }

  async *read(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const next = this.chunks.shift();
      if (next) {
        this.space?.();
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }
}

/**
 * Copies one archive into a private file (a regular file in the backup directory, by its real
 * path) and checks its size and SHA-256 against the manifest: nothing else reads the original.
 * With `check`, an archive without an encryption header is also checked as it is copied; the
 * result is `checked` (undefined for an encrypted one, or one too short to tell).
 */
export async function stageArchive(
  deps: ActionDeps,
  loaded: Pick<LoadedManifest, 'dir' | 'realDir'>,
  a: BackupArchive,
  stagingDir: string,
  opts: {
    signal?: AbortSignal;
    onBytes?: (n: number) => void;
    check?: { gzipped: boolean };
  } = {},
): Promise<{ staged: StagedArchive; checked?: ArchiveCheck }> {
  if (typeof a.file !== 'string' || a.file.includes('/') || a.file === '..' || a.file === '.')
    throw new BackupIntegrityError(`manifest names a file outside the backup: ${String(a.file)}`);
  const path = join(loaded.dir, a.file);
  const real = await deps.sources.realPath(path);
  if (!real) throw new BackupIntegrityError(`${a.file} is missing`);
  if (dirname(real) !== loaded.realDir)
    throw new BackupIntegrityError(`${a.file} is a link to ${real}, outside the backup directory`);

  const queue = new ChunkQueue();
  let checking: Promise<ArchiveCheck> | undefined;
  let first = true;
  const onChunk = opts.check
    ? async (chunk: Uint8Array) => {
        if (first) {
          first = false;
          // Decided by the header, never the manifest; too short to tell: checked later.
          if (chunk.length < HEADER_BYTES || hasEncryptedHeader(Buffer.from(chunk))) {
            queue.close();
            return;
          }
          const source = { sha256: '', read: () => queue.read() };
          checking = checkArchive(source, a, undefined, {
            signal: opts.signal,
            gzipped: opts.check?.gzipped ?? true,
          }).finally(() => queue.close());
          // Awaited below, after the SHA-256; its failure is not unhandled meanwhile.
          checking.catch(() => undefined);
        }
        await queue.push(chunk);
      }
    : undefined;

  let staged: StagedArchive;
  try {
    staged = await deps.sources.stage(real, stagingDir, {
      signal: opts.signal,
      onBytes: opts.onBytes,
      ...(onChunk ? { onChunk } : {}),
    });
  } catch (err) {
    queue.close();
    if (isCancellation(err, opts.signal)) throw new CancelledError();
    if (err instanceof NotRegularFileError) throw new BackupIntegrityError(err.message);
    throw new BackupIntegrityError(`${a.file} cannot be copied for checking: ${errorMessage(err)}`);
  } finally {
    queue.end();
  }
  if (staged.sha256 !== a.sha256 || staged.bytes !== a.bytes) {
    queue.close();
    await staged.dispose();
    throw new BackupIntegrityError(
      staged.sha256 !== a.sha256
        ? `${a.file}: SHA-256 ${staged.sha256.slice(0, 16)}… does not match the manifest (${String(a.sha256).slice(0, 16)}…)`
        : `${a.file}: ${staged.bytes} bytes, the manifest says ${String(a.bytes)}`,
    );
  }
  if (!checking) return { staged };
  try {
    return { staged, checked: { ...(await checking), sha256: staged.sha256 } };
  } catch (err) {
    await staged.dispose();
    throw err;
  }
}
