/**
 * The logs part of a snapshot: the container's stdout and stderr (demultiplexed, each line with
 * its timestamp) into `stdout.log` and `stderr.log`, hashed as they are written. A container that
 * prints its own credentials must not put them in the evidence: the values of its credential-like
 * variables are replaced, also where the engine split them across pieces of a long line;
 * everything else is kept. Whatever arrived is kept and hashed, also when the stream broke off
 * or was cancelled.
 */
import { join } from 'node:path';
import { untilCancelled } from '../engine/cancel.js';
import type { StepContext } from '../engine/executors.js';
import type { DockerControlPort, LogChunk } from '../engine/docker-control-port.js';
import type { ActionDeps } from './common.js';
import type { HashingWriter, WrittenFile } from './files-port.js';
import { LogMasker } from './log-mask.js';
import { ByteMeter } from './progress.js';
import { writeBehind, type WriteBehind } from './write-behind.js';

type Stream = LogChunk['stream'];
const STREAMS = ['stdout', 'stderr'] as const;

export async function writeLogs(
  deps: Pick<ActionDeps, 'files'>,
  docker: Pick<DockerControlPort, 'containerLogs'>,
  id: string,
  dir: string,
  o: {
    since?: number;
    secrets: Buffer[];
    signal: AbortSignal;
    ctx: Pick<StepContext, 'onProgress'>;
    onBytes: (n: number) => void;
    onMasked: (hits: number) => void;
    /** Each file once closed (fsynced), also after an error. */
    onClosed: (stream: Stream, written: WrittenFile) => void;
  },
): Promise<void> {
  const writers: Partial<Record<Stream, HashingWriter>> = {};
  const open = async (s: Stream) =>
    (writers[s] ??= await deps.files.createWriter(join(dir, `${s}.log`)));
  await open('stdout');
  await open('stderr');
  const meter = new ByteMeter(o.ctx, 'logs');
  // One write per stream in flight while the next piece is read (write-behind.ts).
  const behind: Partial<Record<Stream, WriteBehind>> = {};
  try {
    const logs = await docker.containerLogs(id, {
      timestamps: true,
      ...(o.since !== undefined ? { since: o.since } : {}),
      signal: o.signal,
    });
    const maskers: Partial<Record<Stream, LogMasker>> = {};
    const put = async (s: Stream, data: Uint8Array, hits: number) => {
      o.onMasked(hits);
      if (data.length === 0) return;
      const w = writers[s] ?? (await open(s));
      await (behind[s] ??= writeBehind(w)).write(data);
      o.onBytes(data.length);
      meter.add(data.length);
    };
    try {
      for await (const chunk of untilCancelled(logs, o.signal)) {
        if (!o.secrets.length) {
          await put(chunk.stream, chunk.data, 0);
          continue;
        }
        const m = (maskers[chunk.stream] ??= new LogMasker(o.secrets, !chunk.unframed));
        const masked = m.push(chunk.data, chunk.continuations);
        await put(chunk.stream, masked.data, masked.hits);
      }
    } finally {
      // The few bytes a masker holds back (a secret may have been starting) are written too.
      for (const s of STREAMS) {
        const m = maskers[s];
        if (!m) continue;
        const rest = m.end();
        await put(s, rest.data, rest.hits);
      }
      for (const s of STREAMS) await behind[s]?.settle();
    }
  } finally {
    meter.flush();
    // Nothing in flight when a file is closed (settled above unless something threw).
    await Promise.allSettled(Object.values(behind).map((b) => b.settle()));
    for (const s of STREAMS) {
      const w = writers[s];
      if (w) o.onClosed(s, await w.close());
    }
  }
}
