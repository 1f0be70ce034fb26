/** DockerControlPort over dockerode: the engine calls incident actions make, errors classified. */
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type {
  ByteStream,
  ControlInspect,
  DockerControlPort,
  EngineEvent,
  FsChange,
  LogChunk,
  NetworkInspect,
  VolumeInspect,
} from '../../engine/docker-control-port.js';
import { LOG_TIMESTAMP_MAX } from '../../engine/docker-control-port.js';
import { engineCalls, type DockerEndpoint } from './client.js';
import { engineName } from './names.js';
import { createSwarmControlAdapter } from './swarm.js';

/** Streams the engine answers with; errors mid-stream are classified too. */
async function* classified(
  stream: NodeJS.ReadableStream,
  fail: (err: unknown) => Error,
): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    }
  } catch (err) {
    throw fail(err);
  } finally {
    (stream as Readable).destroy?.();
  }
}

/**
 * Splits the engine's multiplexed log stream (8-byte header: stream, 0, 0, 0, big-endian size)
 * into runs per stream. Works on whole socket chunks so a GiB of small lines stays fast; memory is
 * bounded by one chunk plus one partial frame.
 *
 * A frame that continues a line the stream has not finished (the engine's 16 KiB pieces of a long
 * line, each with its own timestamp) is named in `continuations`, and its first bytes arrive in
 * one chunk, so a masker can see the piece's timestamp whole.
 */
export async function* demuxLogs(source: AsyncIterable<Uint8Array>): AsyncGenerator<LogChunk> {
  let pending: Buffer = Buffer.alloc(0);
  let need = 0; // payload bytes still owed to the current frame
  let cur: 'stdout' | 'stderr' = 'stdout';
  /** Per stream: did its last byte end a line (or has it sent nothing yet)? */
  const lineDone = { stdout: true, stderr: true };
  for await (const raw of source) {
    const buf: Buffer = pending.length
      ? Buffer.concat([pending, raw])
      : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    pending = Buffer.alloc(0);
    // Runs of consecutive frames from the same stream, as slices; joined once per run.
    const runs: {
      stream: 'stdout' | 'stderr';
      parts: Buffer[];
      bytes: number;
      continuations: number[];
    }[] = [];
    const run = (stream: 'stdout' | 'stderr') => {
      const last = runs[runs.length - 1];
      if (last && last.stream === stream) return last;
      const next = { stream, parts: [], bytes: 0, continuations: [] };
      runs.push(next);
      return next;
    };
    let off = 0;
    while (off < buf.length) {
      if (need > 0) {
        const take = Math.min(need, buf.length - off);
        const r = run(cur);
        r.parts.push(buf.subarray(off, off + take));
        r.bytes += take;
        lineDone[cur] = buf[off + take - 1] === 0x0a;
        off += take;
        need -= take;
        continue;
      }
      if (buf.length - off < 8) {
        pending = Buffer.from(buf.subarray(off));
        break;
      }
      const stream = buf[off] === 2 ? 'stderr' : 'stdout';
      const size = buf.readUInt32BE(off + 4);
      const continues = size > 0 && !lineDone[stream];
      if (continues && buf.length - off - 8 < Math.min(size, LOG_TIMESTAMP_MAX)) {
        pending = Buffer.from(buf.subarray(off));
        break;
      }
      cur = stream;
      need = size;
      off += 8;
      if (continues) {
        const r = run(cur);
        r.continuations.push(r.bytes);
      }
    }
    for (const r of runs) {
      if (r.bytes === 0) continue;
      const data = r.parts.length === 1 ? r.parts[0]! : Buffer.concat(r.parts);
      yield r.continuations.length
        ? { stream: r.stream, data, continuations: r.continuations }
        : { stream: r.stream, data };
    }
  }
}

/**
 * The engine reads `since`/`until` as `seconds.nanoseconds`: a fraction must carry nine digits
 * (`.5` would read as 5 ns), so `until: now` does not drop the events of the current second.
 */
export function timestamp(seconds: number): string {
  // Milliseconds are all the precision Warden has (Date); they are exact in a double.
  const ms = Math.round(seconds * 1000);
  const whole = Math.floor(ms / 1000);
  const frac = ms - whole * 1000;
  return frac > 0 ? `${whole}.${String(frac * 1_000_000).padStart(9, '0')}` : String(whole);
}

export function createDockerControlAdapter(
  docker: Docker,
  endpoint: DockerEndpoint,
): DockerControlPort {
  const { fail, call } = engineCalls(endpoint);
  const containerOf = (id: string) => docker.getContainer(engineName('container', id));
  const networkOf = (id: string) => docker.getNetwork(engineName('network', id));
  /** A raw streaming GET through the modem (dockerode buffers some of these otherwise). */
  const dialStream = (
    path: string,
    options: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<NodeJS.ReadableStream> =>
    new Promise((resolve, reject) => {
      docker.modem.dial(
        {
          path,
          method: 'GET',
          options,
          isStream: true,
          ...(signal ? { abortSignal: signal } : {}),
          statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        },
        (err: unknown, stream: unknown) =>
          err ? reject(err) : resolve(stream as NodeJS.ReadableStream),
      );
    });

  return {
    ...createSwarmControlAdapter(docker, endpoint),
    inspectDetailed: (id) =>
      call(
        `inspect container ${id}`,
        async () => (await containerOf(id).inspect()) as unknown as ControlInspect,
      ),

    async containerLogs(id, options = {}) {
      const what = `read the logs of ${id}`;
      const info = await call(`inspect container ${id}`, () => containerOf(id).inspect());
      const stream = await call(what, () =>
        dialStream(
          `/containers/${engineName('container', id)}/logs?`,
          {
            stdout: true,
            stderr: true,
            follow: false,
            timestamps: options.timestamps ?? true,
            ...(options.since !== undefined ? { since: options.since } : {}),
            ...(options.until !== undefined ? { until: options.until } : {}),
            ...(options.tail !== undefined ? { tail: options.tail } : {}),
          },
          options.signal,
        ),
      );
      const bytes = classified(stream, (e) => fail(e, what));
      if (info.Config?.Tty) {
        return (async function* () {
          for await (const data of bytes) yield { stream: 'stdout' as const, data, unframed: true };
        })();
      }
      return demuxLogs(bytes);
    },

    containerChanges: (id) =>
      call(`list filesystem changes of ${id}`, async () => {
        // With no changes the engine answers `null`, which dockerode hands back as raw bytes.
        const raw = (await containerOf(id).changes()) as unknown;
        const rows: unknown =
          raw instanceof Uint8Array ? JSON.parse(Buffer.from(raw).toString('utf8') || 'null') : raw;
        return Array.isArray(rows) ? (rows as FsChange[]) : [];
      }),

    async events(query) {
      const what = 'read engine events';
      const limit = query.limit ?? 1000;
      const stream = await call(what, () =>
        docker.getEvents({
          since: timestamp(query.since),
          until: timestamp(query.until),
          ...(query.filters ? { filters: JSON.stringify(query.filters) } : {}),
          ...(query.signal ? { abortSignal: query.signal } : {}),
        } as unknown as Parameters<Docker['getEvents']>[0]),
      );
      const out: EngineEvent[] = [];
      let rest = '';
      for await (const chunk of classified(stream, (e) => fail(e, what))) {
        rest += Buffer.from(chunk).toString('utf8');
        let nl: number;
        while ((nl = rest.indexOf('\n')) >= 0) {
          const line = rest.slice(0, nl).trim();
          rest = rest.slice(nl + 1);
          if (!line) continue;
          try {
            out.push(JSON.parse(line) as EngineEvent);
          } catch {
            /* a partial or odd line: skip */
          }
          if (out.length >= limit) return out;
        }
      }
      return out;
    },

    async exportContainer(id, signal) {
      const what = `export the filesystem of ${id}`;
      const stream = await call(
        what,
        () =>
          containerOf(id).export(
            signal ? { abortSignal: signal } : {},
          ) as unknown as Promise<NodeJS.ReadableStream>,
      );
      return classified(stream, (e) => fail(e, what));
    },

    commitContainer: (id, o) =>
      call(`commit ${id} to ${o.repo}:${o.tag}`, async () => {
        const r = (await containerOf(id).commit({
          repo: o.repo,
          tag: o.tag,
          comment: o.comment,
          pause: o.pause ?? true,
        })) as { Id?: string };
        return { id: r.Id ?? '' };
      }),

    inspectNetwork: (id) =>
      call(
        `inspect network ${id}`,
        async () => (await networkOf(id).inspect()) as unknown as NetworkInspect,
      ),

    createNetwork: (o) =>
      call(`create network ${o.name}`, async () => {
        const n = await docker.createNetwork({
          Name: o.name,
          Driver: o.driver ?? 'bridge',
          Internal: o.internal ?? false,
          Labels: o.labels ?? {},
          CheckDuplicate: true,
        });
        return { id: n.id };
      }),

    connectNetwork: (network, container, o = {}) =>
      call(`connect ${container} to network ${network}`, async () => {
        const ipam =
          o.ipv4Address || o.ipv6Address
            ? {
                IPAMConfig: {
                  ...(o.ipv4Address ? { IPv4Address: o.ipv4Address } : {}),
                  ...(o.ipv6Address ? { IPv6Address: o.ipv6Address } : {}),
                },
              }
            : {};
        await networkOf(network).connect({
          Container: container,
          EndpointConfig: {
            ...(o.aliases?.length ? { Aliases: o.aliases } : {}),
            ...(o.links?.length ? { Links: o.links } : {}),
            ...ipam,
          },
        });
      }),

    disconnectNetwork: (network, container, force = false) =>
      call(`disconnect ${container} from network ${network}`, async () => {
        await networkOf(network).disconnect({ Container: container, Force: force });
      }),

    removeNetwork: (id) =>
      call(`remove network ${id}`, async () => void (await networkOf(id).remove())),

    startContainer: (id) => call(`start ${id}`, async () => void (await containerOf(id).start())),
    pauseContainer: (id) => call(`pause ${id}`, async () => void (await containerOf(id).pause())),
    unpauseContainer: (id) =>
      call(`unpause ${id}`, async () => void (await containerOf(id).unpause())),
    stopContainer: (id, t) =>
      call(
        `stop ${id}`,
        async () => void (await containerOf(id).stop(t !== undefined ? { t } : {})),
      ),
    restartContainer: (id, t) =>
      call(
        `restart ${id}`,
        async () => void (await containerOf(id).restart(t !== undefined ? { t } : {})),
      ),
    killContainer: (id, signal) =>
      call(
        `kill ${id}${signal ? ` with ${signal}` : ''}`,
        async () => void (await containerOf(id).kill(signal ? { signal } : {})),
      ),
    removeContainer: (id, o = {}) =>
      call(
        `remove ${id}`,
        async () => void (await containerOf(id).remove({ force: o.force ?? false, v: false })),
      ),

    async getArchive(id, path, signal) {
      const what = `read ${path} from ${id}`;
      const stream = await call(
        what,
        () =>
          containerOf(id).getArchive({
            path,
            ...(signal ? { abortSignal: signal } : {}),
          }) as unknown as Promise<NodeJS.ReadableStream>,
      );
      return classified(stream, (e) => fail(e, what));
    },

    putArchive: (id, path, tar: ByteStream, signal?: AbortSignal) =>
      call(`write into ${path} of ${id}`, async () => {
        const body = Readable.from(tar, { objectMode: false });
        const res = (await containerOf(id).putArchive(body, {
          path,
          ...(signal ? { abortSignal: signal } : {}),
        })) as unknown as NodeJS.ReadableStream | undefined;
        // The engine answers once the whole body is read; drain whatever it sends.
        if (res && typeof (res as Readable).resume === 'function') (res as Readable).resume();
      }),

    inspectVolume: (name) =>
      call(
        `inspect volume ${name}`,
        async () =>
          (await docker
            .getVolume(engineName('volume', name))
            .inspect()) as unknown as VolumeInspect,
      ),

    createVolume: (o) =>
      call(`create volume ${o.name}`, async () => {
        await docker.createVolume({ Name: o.name, Labels: o.labels ?? {} });
      }),
    removeVolume: (name) =>
      call(
        `remove volume ${name}`,
        async () => void (await docker.getVolume(engineName('volume', name)).remove()),
      ),
    createScratchContainer: (o) =>
      call(`create container ${o.name}`, async () => {
        const c: { id: string } = await docker.createContainer({
          name: o.name,
          Image: o.image,
          Labels: o.labels ?? {},
          NetworkDisabled: true,
          HostConfig: {
            NetworkMode: 'none',
            Mounts: o.volumes.map((v) => ({
              Type: 'volume' as const,
              Source: v.name,
              Target: v.target,
              VolumeOptions: {
                NoCopy: true,
                Labels: {},
                DriverConfig: { Name: 'local', Options: {} },
              },
            })),
          },
        });
        return { id: c.id };
      }),
  };
}
