/**
 * What incident actions need from the disk: private directories, files streamed to disk with their
 * SHA-256 computed on the way (memory bounded whatever the size), and reads for verification.
 * Implemented by src/adapters/evidence-fs.ts.
 */

export interface WrittenFile {
  bytes: number;
  sha256: string;
}

/** A file being written: 0600, hashed as it goes, fsynced on close. */
export interface HashingWriter {
  readonly path: string;
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes, fsyncs and closes; returns size and hash. */
  close(): Promise<WrittenFile>;
  /** Closes without the fsync (after a failure); keeps what was written. */
  abort(): Promise<WrittenFile>;
}

export interface EvidenceFiles {
  /** mkdir -p with mode 0700 on every directory it creates (and on the leaf). */
  mkdirPrivate(path: string): Promise<void>;
  createWriter(path: string): Promise<HashingWriter>;
  /** Streams `source` into `path` (0600); on a source error the partial file stays and it rethrows. */
  writeStream(path: string, source: AsyncIterable<Uint8Array>): Promise<WrittenFile>;
  /** Creates `path` (0600, fsynced); fails when it exists. */
  writeFile(path: string, data: string | Uint8Array): Promise<WrittenFile>;
  /** Writes `path` whole or not at all: a new file beside it, fsynced, renamed over it. */
  replaceFile(path: string, data: string | Uint8Array): Promise<WrittenFile>;
  readFile(path: string): Promise<Buffer>;
  readStream(path: string): AsyncIterable<Uint8Array>;
  /** Undefined when the file does not exist. */
  hashFile(path: string): Promise<WrittenFile | undefined>;
  exists(path: string): Promise<boolean>;
  mode(path: string): Promise<number | undefined>;
  /** Names in a directory; empty when it does not exist. */
  list(dir: string): Promise<string[]>;
  /** Removes a file; no error when it is already gone. */
  remove(path: string): Promise<void>;
}
