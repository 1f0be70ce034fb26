/**
 * The swarm checks over facts as collect-swarm.ts builds them from the API's JSON: each check
 * both ways, the exact fix with the real names, and the collection's masking (an environment
 * value never reaches the model). swarm-live.test.ts runs them against a real single-node swarm.
 */
import { describe, expect, it } from 'vitest';
import { collectSwarm, swarmRole, type SwarmCapablePort } from '../../src/checks/collect-swarm.js';
import { fixParts } from '../../src/checks/remediation.js';
import { evaluateSwarm, SWARM_CHECKS } from '../../src/checks/rules-swarm.js';
import { ALL_CHECKS, checkScope } from '../../src/checks/all-checks.js';
import { targetKey, targetLabel } from '../../src/checks/targets.js';
import type {
  SwarmClusterModel,
  SwarmFacts,
  SwarmNetworkModel,
  SwarmNodeModel,
  SwarmServiceModel,
} from '../../src/checks/swarm-model.js';
import type { SwarmNetwork, SwarmService } from '../../src/engine/docker-swarm-port.js';

const NOW = new Date('2026-12-04T00:00:00Z');
const engine = { kind: 'engine' as const, name: 'mgr1' };

const cluster = (o: Partial<SwarmClusterModel> = {}): SwarmClusterModel => ({
  id: 'swarm1',
  name: 'default',
  autolock: true,
  nodeCertExpiryHours: 2160,
  snapshotInterval: 10000,
  keepOldSnapshots: 0,
  caNotBefore: '2026-10-01T00:00:00.000Z',
  ...o,
});
const node = (name: string, o: Partial<SwarmNodeModel> = {}): SwarmNodeModel => ({
  id: `id-${name}`,
  name,
  role: 'manager',
  availability: 'active',
  state: 'ready',
  engineVersion: '24.0.7',
  ...o,
});
const hardened = (o: Partial<SwarmServiceModel> = {}): SwarmServiceModel => ({
  id: 'svc-good',
  name: 'good',
  image: 'app:1',
  user: '1000:1000',
  capAdd: [],
  capDrop: ['ALL'],
  readOnly: true,
  mounts: [],
  secrets: [],
  references: [],
  dockerSecrets: [],
  memoryBytes: 64 << 20,
  nanoCpus: 500_000_000,
  pids: 64,
  ports: [],
  networks: [],
  ...o,
});
const overlay = (name: string, o: Partial<SwarmNetworkModel> = {}): SwarmNetworkModel => ({
  id: `net-${name}`,
  name,
  ingress: false,
  encrypted: true,
  attachable: false,
  internal: false,
  ...o,
});
const facts = (o: Partial<SwarmFacts> = {}): SwarmFacts => ({
  engine,
  cluster: cluster(),
  nodes: [node('m1', { leader: true }), node('m2'), node('m3')],
  services: [hardened()],
  networks: [overlay('backend')],
  ...o,
});

const run = (id: string, f: SwarmFacts) => evaluateSwarm(f, { now: NOW }, [id]);
const one = (id: string, f: SwarmFacts) => {
  const [e] = run(id, f);
  if (!e) throw new Error(`no verdict for ${id}`);
  return e;
};

describe('swarm scope registry', () => {
  it('registers every swarm check in the swarm scope, with a swarm-manager fix', () => {
    for (const c of SWARM_CHECKS) {
      expect(checkScope(c.id)).toBe('swarm');
      expect(c.remediation.swarm).toMatch(/^(docker |printf |upgrade )/);
    }
    expect(ALL_CHECKS.filter((c) => c.scope === 'swarm')).toHaveLength(SWARM_CHECKS.length);
    expect(new Set(SWARM_CHECKS.map((c) => c.id)).size).toBe(SWARM_CHECKS.length);
  });

  it('CIS v1.6 section 7 numbers: managers 7.1, overlay 7.3, secrets 7.4, autolock 7.5, node certs 7.7, CA 7.8', () => {
    const cis = Object.fromEntries(SWARM_CHECKS.map((c) => [c.id, c.cis]));
    expect(cis).toMatchObject({
      'swarm-manager-count': '7.1',
      'swarm-overlay-unencrypted': '7.3',
      'swarm-service-secret-env': '7.4',
      'swarm-autolock': '7.5',
      'swarm-cert-expiry': '7.7',
      'swarm-ca-rotation': '7.8',
    });
  });

  it('targets: the swarm, a node, a service, each with its own key and label', () => {
    const t = { kind: 'service' as const, name: 'web', id: 'abc' };
    expect(targetKey(t)).toBe('service:abc');
    expect(targetLabel(t)).toBe('service web');
    expect(targetLabel({ kind: 'node', name: 'm1' })).toBe('node m1');
    expect(targetKey({ kind: 'swarm', name: 'default', id: 's1' })).toBe('swarm:s1');
  });

  it('a fix is labelled as run on a swarm manager', () => {
    const e = one('swarm-autolock', facts({ cluster: cluster({ autolock: false }) }));
    expect(fixParts(e.remediation)).toEqual([
      {
        label: 'on a swarm manager',
        text: expect.stringContaining('docker swarm update --autolock=true'),
      },
    ]);
  });
});

describe('not a swarm manager', () => {
  it('every check is not applicable on the engine, with the reason', () => {
    const evs = evaluateSwarm(
      {
        engine,
        reason: 'not a swarm manager: this engine is in no swarm',
        nodes: [],
        services: [],
        networks: [],
      },
      { now: NOW },
    );
    expect(evs).toHaveLength(SWARM_CHECKS.length);
    for (const e of evs) {
      expect(e.verdict).toBe('not-applicable');
      expect(e.target).toEqual(engine);
      expect(e.reason).toMatch(/^not a swarm manager/);
    }
  });

  it('swarmRole tells a manager, a worker, a locked swarm and no swarm apart', () => {
    expect(
      swarmRole({ Swarm: { ControlAvailable: true, LocalNodeState: 'active' } } as never),
    ).toEqual({ manager: true });
    expect(swarmRole({}).reason).toBe('not a swarm manager: this engine is in no swarm');
    expect(
      swarmRole({ Swarm: { LocalNodeState: 'active', ControlAvailable: false } } as never).reason,
    ).toMatch(/worker/);
    expect(swarmRole({ Swarm: { LocalNodeState: 'locked' } } as never).reason).toMatch(/locked/);
  });
});

describe('the swarm itself', () => {
  it('autolock: on passes, off fails (CIS 7.5)', () => {
    expect(one('swarm-autolock', facts()).verdict).toBe('pass');
    const off = one('swarm-autolock', facts({ cluster: cluster({ autolock: false }) }));
    expect(off.verdict).toBe('fail');
    expect(off.target).toEqual({ kind: 'swarm', name: 'default', id: 'swarm1' });
  });

  it('node certificate expiry: 90 days or less passes, longer fails', () => {
    expect(one('swarm-cert-expiry', facts()).evidence).toContain('90 days (the default');
    expect(
      one('swarm-cert-expiry', facts({ cluster: cluster({ nodeCertExpiryHours: 48 }) })).verdict,
    ).toBe('pass');
    const long = one(
      'swarm-cert-expiry',
      facts({ cluster: cluster({ nodeCertExpiryHours: 8760 }) }),
    );
    expect(long.verdict).toBe('fail');
    expect(long.evidence).toContain('365 days');
    expect(long.remediation.swarm).toBe('docker swarm update --cert-expiry 2160h');
  });

  it('root CA: rotated within a year passes, older fails, an external CA is not applicable', () => {
    expect(one('swarm-ca-rotation', facts()).verdict).toBe('pass');
    const old = one(
      'swarm-ca-rotation',
      facts({ cluster: cluster({ caNotBefore: '2024-01-01T00:00:00.000Z' }) }),
    );
    expect(old.verdict).toBe('fail');
    expect(old.remediation.swarm).toBe('docker swarm ca --rotate');
    expect(
      one('swarm-ca-rotation', facts({ cluster: cluster({ externalCa: true }) })).verdict,
    ).toBe('not-applicable');
  });

  it('Raft: no old snapshots kept passes, some kept fails', () => {
    expect(one('swarm-raft-snapshots', facts()).verdict).toBe('pass');
    const kept = one(
      'swarm-raft-snapshots',
      facts({ cluster: cluster({ keepOldSnapshots: 5, autolock: false }) }),
    );
    expect(kept.verdict).toBe('fail');
    expect(kept.evidence).toContain('keep old snapshots 5');
    expect(kept.remediation.swarm).toBe('docker swarm update --max-snapshots 0');
  });

  it('managers (CIS 7.1): 3 pass; 1 fails low with the workers to promote; 2 fails medium', () => {
    expect(one('swarm-manager-count', facts()).verdict).toBe('pass');
    const single = one(
      'swarm-manager-count',
      facts({
        nodes: [
          node('m1', { leader: true }),
          node('w1', { role: 'worker' }),
          node('w2', { role: 'worker' }),
        ],
      }),
    );
    expect(single).toMatchObject({ verdict: 'fail', severity: 'low' });
    expect(single.remediation.swarm).toBe('docker node promote w1 w2');
    const even = one(
      'swarm-manager-count',
      facts({ nodes: [node('m1', { leader: true }), node('m2')] }),
    );
    expect(even).toMatchObject({ verdict: 'fail', severity: 'medium' });
    expect(even.remediation.swarm).toBe('docker node demote m2');
    const alone = one('swarm-manager-count', facts({ nodes: [node('m1', { leader: true })] }));
    expect(alone.remediation.swarm).toContain('docker swarm join-token manager');
  });

  it('node availability: active and ready pass; drained, paused or down is noted (info)', () => {
    const evs = run(
      'swarm-node-availability',
      facts({
        nodes: [
          node('m1'),
          node('w1', { role: 'worker', availability: 'drain' }),
          node('w2', { role: 'worker', state: 'down' }),
        ],
      }),
    );
    expect(evs.map((e) => [e.target.name, e.verdict, e.severity])).toEqual([
      ['m1', 'pass', 'info'],
      ['w1', 'fail', 'info'],
      ['w2', 'fail', 'info'],
    ]);
    expect(evs[1]?.target.kind).toBe('node');
    expect(evs[1]?.remediation.swarm).toBe('docker node update --availability active w1');
    expect(evs[2]?.remediation.swarm).toContain('docker node rm w2');
  });

  it('engine versions: one version passes, several fail naming the nodes behind', () => {
    expect(one('swarm-engine-versions', facts()).verdict).toBe('pass');
    const mixed = one(
      'swarm-engine-versions',
      facts({ nodes: [node('m1'), node('m2', { engineVersion: '20.10.24+dfsg1' }), node('m3')] }),
    );
    expect(mixed.verdict).toBe('fail');
    expect(mixed.evidence).toBe('24.0.7 on m1, m3; 20.10.24+dfsg1 on m2');
    expect(mixed.remediation.swarm).toContain('docker node update --availability drain m2');
    expect(mixed.remediation.swarm).not.toContain(' m1');
  });

  it('overlay encryption (CIS 7.3): encrypted passes; plain fails with the move of its services', () => {
    expect(one('swarm-overlay-unencrypted', facts()).verdict).toBe('pass');
    const f = facts({
      networks: [overlay('front', { encrypted: false, attachable: true })],
      services: [hardened({ name: 'web', networks: ['front'] })],
    });
    const plain = one('swarm-overlay-unencrypted', f);
    expect(plain.verdict).toBe('fail');
    expect(plain.target).toEqual({ kind: 'network', name: 'front', id: 'net-front' });
    expect(plain.remediation.swarm).toBe(
      'docker network create --driver overlay --attachable --opt encrypted front-encrypted && docker service update --network-rm front --network-add front-encrypted web && docker network rm front',
    );
    const ingress = one(
      'swarm-overlay-unencrypted',
      facts({ networks: [overlay('ingress', { ingress: true, encrypted: false })] }),
    );
    expect(ingress.remediation.swarm).toBe(
      'docker network rm ingress && docker network create --driver overlay --ingress --opt encrypted ingress',
    );
  });
});

describe("services' task templates", () => {
  const bad = (o: Partial<SwarmServiceModel>) =>
    facts({ services: [hardened({ name: 'bad', ...o })] });

  it('a hardened service passes every service check', () => {
    const evs = evaluateSwarm(facts(), { now: NOW }).filter((e) => e.target.kind === 'service');
    expect(evs.length).toBe(9);
    expect(evs.filter((e) => e.verdict !== 'pass').map((e) => e.check)).toEqual([]);
  });

  it('privileged in all but name: SYS_ADMIN, ALL, the socket, the host root', () => {
    const e = one(
      'swarm-service-privileged',
      bad({
        capAdd: ['CAP_SYS_ADMIN'],
        mounts: [
          {
            type: 'bind',
            source: '/var/run/docker.sock',
            target: '/var/run/docker.sock',
            readOnly: false,
          },
          { type: 'bind', source: '/', target: '/host', readOnly: true },
        ],
      }),
    );
    expect(e).toMatchObject({ verdict: 'fail', severity: 'critical' });
    expect(e.evidence).toContain('cap_add: SYS_ADMIN');
    expect(e.evidence).toContain("/:/host:ro (the host's root)");
    expect(e.remediation.swarm).toBe(
      'docker service update --cap-drop SYS_ADMIN --mount-rm /var/run/docker.sock --mount-rm /host bad',
    );
    expect(one('swarm-service-privileged', bad({ capAdd: ['ALL'] })).remediation.swarm).toBe(
      'docker service update --cap-drop ALL bad',
    );
    const seccomp = one('swarm-service-privileged', bad({ seccomp: 'unconfined' }));
    expect(seccomp.verdict).toBe('fail');
    expect(seccomp.remediation.swarm).toContain('docker service rm bad');
  });

  it('dangerous capabilities other than the privileged ones', () => {
    expect(
      one('swarm-service-dangerous-capability', bad({ capAdd: ['NET_BIND_SERVICE'] })).verdict,
    ).toBe('pass');
    const e = one(
      'swarm-service-dangerous-capability',
      bad({ capAdd: ['NET_ADMIN', 'SYS_PTRACE'] }),
    );
    expect(e.verdict).toBe('fail');
    expect(e.remediation.swarm).toBe(
      'docker service update --cap-drop NET_ADMIN --cap-drop SYS_PTRACE bad',
    );
    // SYS_ADMIN is the privileged check's, not reported twice.
    expect(one('swarm-service-dangerous-capability', bad({ capAdd: ['SYS_ADMIN'] })).verdict).toBe(
      'pass',
    );
  });

  it('sensitive host paths: high read-write, medium read-only; a volume passes', () => {
    const rw = one(
      'swarm-service-sensitive-mount',
      bad({ mounts: [{ type: 'bind', source: '/etc', target: '/cfg', readOnly: false }] }),
    );
    expect(rw).toMatchObject({ verdict: 'fail', severity: 'high', evidence: '/etc:/cfg' });
    expect(rw.remediation.swarm).toContain('docker service update --mount-rm /cfg bad');
    const ro = one(
      'swarm-service-sensitive-mount',
      bad({ mounts: [{ type: 'bind', source: '/etc', target: '/cfg', readOnly: true }] }),
    );
    expect(ro.severity).toBe('medium');
    expect(
      one(
        'swarm-service-sensitive-mount',
        bad({ mounts: [{ type: 'volume', source: 'data', target: '/data', readOnly: false }] }),
      ).verdict,
    ).toBe('pass');
  });

  it('capabilities not dropped, root user, writable root filesystem', () => {
    const caps = one('swarm-service-cap-drop', bad({ capDrop: [] }));
    expect(caps).toMatchObject({ verdict: 'fail', evidence: 'cap_drop not set' });
    expect(caps.remediation.swarm).toMatch(/^docker service update --cap-drop ALL bad/);
    const root = one('swarm-service-root-user', bad({ user: undefined }));
    expect(root).toMatchObject({
      verdict: 'fail',
      evidence: 'user not set (the image default applies, usually root)',
    });
    expect(root.remediation.swarm).toBe('docker service update --user 1000:1000 bad');
    expect(one('swarm-service-root-user', bad({ user: '0:0' })).verdict).toBe('fail');
    expect(one('swarm-service-root-user', bad({ user: undefined, imageUser: 'app' })).verdict).toBe(
      'pass',
    );
    expect(one('swarm-service-root-user', bad({ user: undefined, imageUser: '' })).evidence).toBe(
      'user not set; the image runs as root',
    );
    const rw = one('swarm-service-writable-rootfs', bad({ readOnly: false }));
    expect(rw.verdict).toBe('fail');
    expect(rw.remediation.swarm).toMatch(/^docker service update --read-only bad/);
  });

  it('limits: all three pass; the missing ones are the fix', () => {
    const e = one('swarm-service-limits', bad({ memoryBytes: undefined, pids: undefined }));
    expect(e).toMatchObject({
      verdict: 'fail',
      evidence: 'no memory, pids limit (limits: cpu 0.5)',
    });
    expect(e.remediation.swarm).toBe(
      'docker service update --limit-memory 512M --limit-pids 200 bad',
    );
  });

  it('secrets in env (CIS 7.4): names only, the fix moves each into a Docker secret', () => {
    const e = one(
      'swarm-service-secret-env',
      bad({ secrets: [{ label: 'DB_PASSWORD', name: 'DB_PASSWORD', from: 'env' }] }),
    );
    expect(e).toMatchObject({ verdict: 'fail', severity: 'high', evidence: 'DB_PASSWORD=***' });
    expect(e.remediation.swarm).toBe(
      `printf '%s' "$DB_PASSWORD" | docker secret create bad_db_password - && docker service update --env-rm DB_PASSWORD --secret-add source=bad_db_password,target=db_password --env-add DB_PASSWORD_FILE=/run/secrets/db_password bad`,
    );
    const ok = one(
      'swarm-service-secret-env',
      bad({ references: ['DB_PASSWORD_FILE'], dockerSecrets: ['db'] }),
    );
    expect(ok).toMatchObject({
      verdict: 'pass',
      evidence: 'DB_PASSWORD_FILE, secret db: files, not values',
    });
  });

  it('published ports: host mode passes, ingress mode fails low with the switch to host mode', () => {
    expect(
      one(
        'swarm-service-ingress-publish',
        bad({ ports: [{ protocol: 'tcp', target: 80, published: 8081, mode: 'host' }] }),
      ),
    ).toMatchObject({ verdict: 'pass', evidence: '8081->80/tcp host' });
    const e = one(
      'swarm-service-ingress-publish',
      bad({ ports: [{ protocol: 'udp', target: 53, published: 5353, mode: 'ingress' }] }),
    );
    expect(e).toMatchObject({ verdict: 'fail', severity: 'low' });
    expect(e.remediation.swarm).toMatch(
      /^docker service update --publish-rm published=5353,target=53,protocol=udp --publish-add published=5353,target=53,protocol=udp,mode=host bad/,
    );
  });
});

describe('collection', () => {
  const SECRET = 'Zx9-not-a-real-value-4f1c2b7e9d';
  const svc: SwarmService = {
    ID: 'svc1',
    Spec: {
      Name: 'api',
      TaskTemplate: {
        ContainerSpec: {
          Image: 'app:1@sha256:' + 'a'.repeat(64),
          Env: [`DB_PASSWORD=${SECRET}`, 'ADMIN_PASSWORD=/run/secrets/admin', 'MODE=prod'],
          Args: ['--requirepass', SECRET],
          CapabilityAdd: ['CAP_NET_ADMIN'],
          Mounts: [
            { Type: 'bind', Source: '/var/run/docker.sock', Target: '/var/run/docker.sock' },
          ],
        },
        Resources: { Limits: { MemoryBytes: 1 << 26 } },
        Networks: [{ Target: 'n1' }],
      },
      EndpointSpec: {
        Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' }],
      },
    },
  };
  const port = (swarm: Record<string, unknown> = {}): SwarmCapablePort => ({
    info: async () =>
      ({
        Name: 'mgr1',
        ID: 'E1',
        Swarm: { ControlAvailable: true, LocalNodeState: 'active', ...swarm },
      }) as never,
    listContainers: async () => [],
    inspectContainer: async () => {
      throw new Error('unused');
    },
    top: async () => ({}),
    listNetworks: async () => [],
    inspectImage: async () => ({ Config: { User: 'app' } }),
    inspectSwarm: async () => ({
      ID: 'S1',
      Spec: {
        Name: 'default',
        Raft: { SnapshotInterval: 10000, KeepOldSnapshots: 0 },
        CAConfig: { NodeCertExpiry: 7_776_000_000_000_000 },
        EncryptionConfig: { AutoLockManagers: false },
      },
    }),
    listNodes: async () => [
      {
        ID: 'N1',
        Spec: { Role: 'manager', Availability: 'active' },
        Description: { Hostname: 'mgr1', Engine: { EngineVersion: '20.10.24' } },
        Status: { State: 'ready' },
        ManagerStatus: { Leader: true },
      },
    ],
    listServices: async () => [svc],
    listOverlayNetworks: async (): Promise<SwarmNetwork[]> => [
      { Id: 'n1', Name: 'front', Driver: 'overlay', Options: {} },
      { Id: 'n2', Name: 'back', Driver: 'overlay', Options: { encrypted: '' } },
    ],
  });

  it('normalizes the API JSON; secret values never reach the model', async () => {
    const f = await collectSwarm(port());
    expect(JSON.stringify(f)).not.toContain(SECRET);
    expect(f.cluster).toMatchObject({
      id: 'S1',
      autolock: false,
      nodeCertExpiryHours: 2160,
      keepOldSnapshots: 0,
    });
    expect(f.nodes).toEqual([
      {
        id: 'N1',
        name: 'mgr1',
        role: 'manager',
        availability: 'active',
        state: 'ready',
        leader: true,
        engineVersion: '20.10.24',
      },
    ]);
    const s = f.services[0];
    expect(s).toMatchObject({
      name: 'api',
      image: 'app:1',
      imageUser: 'app',
      capAdd: ['CAP_NET_ADMIN'],
      memoryBytes: 1 << 26,
      networks: ['front'],
      references: ['ADMIN_PASSWORD'],
      ports: [{ protocol: 'tcp', target: 80, published: 8080, mode: 'ingress' }],
    });
    expect(s?.secrets.map((c) => c.label)).toEqual(['DB_PASSWORD', 'command --requirepass']);
    expect(f.networks.map((n) => [n.name, n.encrypted])).toEqual([
      ['front', false],
      ['back', true],
    ]);
    const evs = evaluateSwarm(f, { now: NOW });
    expect(JSON.stringify(evs)).not.toContain(SECRET);
    expect(evs.find((e) => e.check === 'swarm-service-secret-env')?.evidence).toBe(
      'DB_PASSWORD=***, command --requirepass=***',
    );
  });

  it('a worker is not asked the swarm calls', async () => {
    const p = port({ ControlAvailable: false });
    p.listServices = async () => {
      throw new Error('a worker has no services to list');
    };
    const f = await collectSwarm(p);
    expect(f.reason).toMatch(/^not a swarm manager: this engine is a swarm worker/);
    expect(f.services).toEqual([]);
  });
});
