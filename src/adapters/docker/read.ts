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
import { engineCalls, type DockerEndpoint } from './client.js';
import { engineIsLocal } from './endpoint.js';
import { createDaemonProcessReader, createPathStatReader } from './daemon-process.js';
import { createAuditRulesReader, createHostAccountsReader } from './engine-host.js';
import { createHostProcessReader } from './host-processes.js';
import { engineName, imageRef } from './names.js';
import { createSwarmReadAdapter } from './swarm.js';
import type { DockerSwarmReadPort } from '../../engine/docker-swarm-port.js';

export const DEFAULT_PS_ARGS = '-eo pid,user,comm,args';

export function createDockerReadAdapter(
  docker: Docker,
  endpoint: DockerEndpoint,
): DockerReadPort & DockerSwarmReadPort {
  const { call } = engineCalls(endpoint);
  const containerOf = (id: string) => docker.getContainer(engineName('container', id));
  return {
    ...createSwarmReadAdapter(docker, endpoint),
    ...(engineIsLocal(endpoint)
      ? {
          hostProcesses: createHostProcessReader(),
          daemonProcess: createDaemonProcessReader(),
          statPaths: createPathStatReader(),
          hostAccounts: createHostAccountsReader(),
          auditRules: createAuditRulesReader(),
        }
      : {}),
    info: () => call('read engine info', async () => (await docker.info()) as EngineInfo),

    listContainers: (options = {}) =>
      call('list containers', async () => {
        const filters = options.labels?.length ? { label: options.labels } : undefined;
        const rows = await docker.listContainers({
          all: options.all ?? false,
          ...(filters ? { filters: JSON.stringify(filters) } : {}),
        });
        return rows as unknown as ContainerSummary[];
      }),

    inspectContainer: (idOrName) =>
      call(
        `inspect container ${idOrName}`,
        async () => (await containerOf(idOrName).inspect()) as unknown as ContainerInspect,
      ),

    async top(idOrName: string, psArgs = DEFAULT_PS_ARGS): Promise<ContainerTop> {
      const what = `list processes of ${idOrName}`;
      try {
        return await call(
          what,
          async () => (await containerOf(idOrName).top({ ps_args: psArgs })) as ContainerTop,
        );
      } catch (e) {
        // Some engines (or a host ps without -o) reject custom ps args: fall back to the default.
        if ((e as { kind?: string }).kind === 'unknown' && psArgs)
          return call(what, async () => (await containerOf(idOrName).top()) as ContainerTop);
        throw e;
      }
    },

    inspectImage: (idOrName) =>
      call(
        `inspect image ${idOrName}`,
        async () =>
          (await docker.getImage(imageRef(idOrName)).inspect()) as unknown as ImageInspect,
      ),

    volumeOptions: (name) =>
      call(
        `inspect volume ${name}`,
        async () =>
          (await docker
            .getVolume(engineName('volume', name))
            .inspect()) as unknown as VolumeOptions,
      ),

    listNetworks: () =>
      call(
        'list networks',
        async () => (await docker.listNetworks()) as unknown as NetworkSummary[],
      ),
  };
}
