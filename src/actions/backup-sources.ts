/**
 * How a restore reads a backup: each file resolved to its real path, refused unless it is a
 * regular file, and read once. An archive is copied into a private file that the restore then
 * verifies and writes from, so what is written is what was verified whatever happens to the
 * backup directory meanwhile (a rename, a named pipe, a file swapped during `--stop`).
 * Implemented by src/adapters/backup-sources-fs.ts.
 */

/** A private copy of an archive (0600, unlinked once open: nothing else can open it by name). */
export interface StagedArchive {
  /** The real path of the file it was copied from. */
  readonly realPath: string;
  readonly bytes: number;
  readonly sha256: string;
  /** The copy's bytes from the first; each call reads the same open file again. */
  read(): AsyncIterable<Uint8Array>;
  /** Closes the copy and removes what is left of it. */
  dispose(): Promise<void>;
}

export interface BackupSources {
  /** The real path (symlinks resolved); undefined when nothing is there. */
  realPath(path: string): Promise<string | undefined>;
  /** Reads a regular file whole (at most `maxBytes`); refuses FIFOs, devices, directories. */
  readRegular(path: string, maxBytes: number): Promise<{ realPath: string; data: Buffer }>;
  /**
   * Copies a regular file into a private file in a new directory under `stagingDir` (0700),
   * hashing it on the way; refuses FIFOs, devices and directories (never blocks on one).
   */
  stage(
    path: string,
    stagingDir: string,
    opts?: {
      signal?: AbortSignal;
      onBytes?: (n: number) => void;
      /** Each block as it reached the copy, in order, never reused; awaited before the next. */
      onChunk?: (chunk: Uint8Array) => void | Promise<void>;
    },
  ): Promise<StagedArchive>;
}

/** The path is not a regular file (or cannot be read as one): refused before anything is read. */
export class NotRegularFileError extends Error {
  override readonly name = 'NotRegularFileError';
}
