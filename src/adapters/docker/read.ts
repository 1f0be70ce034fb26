/** DockerReadPort over dockerode: the engine calls the audit reads, errors classified. */
import type Docker from 'dockerode';
import type {
  ContainerInspect,
  ContainerSummary,
  ContainerTop,
  DockerReadPort,
  EngineInfo,
  ImageInspect,
  NetworkSummary,
  VolumeOptions,
} from '../../engine/docker-read-port.js';
import { classifyDockerError, type DockerEndpoint } from './client.js';

export const DEFAULT_PS_ARGS = '-eo pid,user,comm,args';

export function createDockerReadAdapter(docker: Docker, endpoint: DockerEndpoint): DockerReadPort {
  const fail = (err: unknown, what: string) => classifyDockerError(err, what, endpoint.display);
  return {
    async info(): Promise<EngineInfo> {
      try {
        return (await docker.info()) as EngineInfo;
      } catch (err) {
        throw fail(err, 'read engine info');
      }
    },

    async listContainers(options = {}): Promise<ContainerSummary[]> {
      try {
        const filters = options.labels?.length ? { label: options.labels } : undefined;
        const rows = await docker.listContainers({
          all: options.all ?? false,
          ...(filters ? { filters: JSON.stringify(filters) } : {}),
        });
        return rows as unknown as ContainerSummary[];
      } catch (err) {
        throw fail(err, 'list containers');
      }
    },

    async inspectContainer(idOrName: string): Promise<ContainerInspect> {
      try {
        return (await docker.getContainer(idOrName).inspect()) as unknown as ContainerInspect;
      } catch (err) {
        throw fail(err, `inspect container ${idOrName}`);
      }
    },

    async top(idOrName: string, psArgs = DEFAULT_PS_ARGS): Promise<ContainerTop> {
      try {
        return (await docker.getContainer(idOrName).top({ ps_args: psArgs })) as ContainerTop;
      } catch (err) {
        const e = fail(err, `list processes of ${idOrName}`);
        // Some engines (or a host ps without -o) reject custom ps args: fall back to the default.
        if (e.kind === 'unknown' && psArgs) {
          try {
            return (await docker.getContainer(idOrName).top()) as ContainerTop;
          } catch (err2) {
            throw fail(err2, `list processes of ${idOrName}`);
          }
        }
        throw e;
      }
    },

    async inspectImage(idOrName: string): Promise<ImageInspect> {
      try {
        return (await docker.getImage(idOrName).inspect()) as unknown as ImageInspect;
      } catch (err) {
        throw fail(err, `inspect image ${idOrName}`);
      }
    },

    async volumeOptions(name: string): Promise<VolumeOptions> {
      try {
        return (await docker.getVolume(name).inspect()) as unknown as VolumeOptions;
      } catch (err) {
        throw fail(err, `inspect volume ${name}`);
      }
    },

    async listNetworks(): Promise<NetworkSummary[]> {
      try {
        return (await docker.listNetworks()) as unknown as NetworkSummary[];
      } catch (err) {
        throw fail(err, 'list networks');
      }
    },
  };
}
