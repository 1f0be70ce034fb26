/**
 * A fake DockerReadPort for UI tests: a few containers described by name, their list rows (with
 * networks and ports, as the engine's list carries) and inspect output; `down` makes every call
 * fail like a refused socket. Records every call.
 */
import type {
  ContainerInspect,
  ContainerSummary,
  DockerReadPort,
} from '../../src/engine/docker-read-port.js';
import { DockerError } from '../../src/errors.js';

export interface FakeContainer {
  name: string;
  image: string;
  state?: 'running' | 'exited' | 'paused' | 'created';
  networks?: string[];
  /** `hostPort:containerPort`. */
  ports?: string[];
  user?: string;
  privileged?: boolean;
  env?: string[];
  /** Hardened: non-root, limits, read-only rootfs, caps dropped, no-new-privileges, healthcheck. */
  hardened?: boolean;
  /** The container's id (default: derived from the name; a recreated container gets another). */
  id?: string;
}

export const DEMO_CONTAINERS: FakeContainer[] = [
  {
    name: 'web',
    image: 'nginx:1.27',
    networks: ['frontend', 'backend'],
    ports: ['8080:80'],
  },
  {
    name: 'db',
    image: 'postgres:16',
    networks: ['backend'],
    privileged: true,
    env: ['POSTGRES_PASSWORD=s3cr3t-planted-value-42'],
  },
  { name: 'worker', image: 'busybox:1', state: 'exited', hardened: true, user: '10001' },
];

export const UNREACHABLE = 'the Docker engine is not reachable at unix:///fake.sock (ECONNREFUSED)';

export interface FakeDocker extends DockerReadPort {
  calls: string[];
  containers: FakeContainer[];
  down: boolean;
  /** Holds `listContainers` until the returned function is called. */
  hold(): () => void;
}

export function idOf(name: string): string {
  return [...name]
    .map((c) => c.charCodeAt(0).toString(16))
    .join('')
    .padEnd(64, '0')
    .slice(0, 64);
}

function summary(c: FakeContainer): ContainerSummary {
  const row = {
    Id: c.id ?? idOf(c.name),
    Names: [`/${c.name}`],
    Image: c.image,
    State: c.state ?? 'running',
    Labels: {},
    Ports: (c.ports ?? []).map((p) => {
      const [host, inner] = p.split(':');
      return { IP: '0.0.0.0', PublicPort: Number(host), PrivatePort: Number(inner), Type: 'tcp' };
    }),
    NetworkSettings: {
      Networks: Object.fromEntries((c.networks ?? ['bridge']).map((n) => [n, {}])),
    },
  };
  return row as ContainerSummary;
}

function inspect(c: FakeContainer): ContainerInspect {
  const running = (c.state ?? 'running') === 'running';
  return {
    Id: c.id ?? idOf(c.name),
    Name: `/${c.name}`,
    Image: `sha256:${idOf(c.image)}`,
    AppArmorProfile: 'docker-default',
    State: { Status: c.state ?? 'running', Running: running },
    HostConfig: {
      NetworkMode: c.networks?.[0] ?? 'bridge',
      Privileged: c.privileged ?? false,
      PortBindings: Object.fromEntries(
        (c.ports ?? []).map((p) => {
          const [host, inner] = p.split(':');
          return [`${inner}/tcp`, [{ HostIp: '', HostPort: host }]];
        }),
      ),
      RestartPolicy: { Name: c.hardened ? 'on-failure' : 'no', MaximumRetryCount: 3 },
      ...(c.hardened
        ? {
            CapDrop: ['ALL'],
            ReadonlyRootfs: true,
            SecurityOpt: ['no-new-privileges:true'],
            Memory: 268435456,
            NanoCpus: 500000000,
            PidsLimit: 100,
          }
        : {}),
    },
    Config: {
      User: c.user ?? '',
      Env: c.env ?? [],
      Image: c.image,
      Labels: {},
      ...(c.hardened ? { Healthcheck: { Test: ['CMD', 'true'] } } : {}),
    },
    Mounts: [],
    NetworkSettings: {
      Networks: Object.fromEntries((c.networks ?? ['bridge']).map((n) => [n, { NetworkID: n }])),
    },
  };
}

export function fakeDocker(containers: FakeContainer[] = DEMO_CONTAINERS): FakeDocker {
  let held: Promise<void> | undefined;
  const fake: FakeDocker = {
    calls: [],
    containers,
    down: false,
    hold() {
      let release = () => {};
      held = new Promise<void>((r) => (release = r));
      return () => {
        held = undefined;
        release();
      };
    },
    async info() {
      fake.calls.push('info');
      check();
      return {
        Name: 'fakehost',
        ServerVersion: '27.0.0',
        SecurityOptions: ['name=seccomp,profile=default'],
      };
    },
    async listContainers(options) {
      fake.calls.push(`listContainers all=${options?.all === true}`);
      if (held) await held;
      check();
      return fake.containers.map(summary);
    },
    async inspectContainer(id) {
      fake.calls.push(`inspect ${id.slice(0, 12)}`);
      check();
      const c = fake.containers.find((x) => (x.id ?? idOf(x.name)) === id || x.name === id);
      if (!c) throw new DockerError(`no such container: ${id}`, 'not-found');
      return inspect(c);
    },
    async top(id) {
      fake.calls.push(`top ${id.slice(0, 12)}`);
      check();
      return { Titles: ['PID', 'USER', 'COMM', 'ARGS'], Processes: [['1', 'root', 'sh', 'sh']] };
    },
    async listNetworks() {
      fake.calls.push('listNetworks');
      check();
      const names = new Set(fake.containers.flatMap((c) => c.networks ?? ['bridge']));
      return [...names].map((n) => ({ Id: n, Name: n, Driver: 'bridge', Internal: false }));
    },
  };
  function check() {
    if (fake.down) throw new DockerError(UNREACHABLE, 'daemon-unreachable');
  }
  return fake;
}
