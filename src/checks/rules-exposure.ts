/** Checks about what the container exposes: secrets, ports, networks, images, processes. */
import type { CheckDefinition } from './types.js';
import { locOf, notApplicable, pass } from './helpers.js';
import type { PortModel } from './model.js';
import { floatingTag } from './images.js';

/** Ports that usually carry an admin UI or a database: published on all interfaces → high. */
export const ADMIN_PORTS = new Set([
  22, 2375, 2376, 3000, 3100, 3306, 5000, 5050, 5432, 5601, 5984, 6379, 7474, 8086, 8500, 8888,
  9000, 9090, 9093, 9200, 9300, 11211, 15672, 27017, 1433, 1521,
]);

export function isAllInterfaces(hostIp: string | undefined): boolean {
  const ip = (hostIp ?? '').trim().replace(/^\[|\]$/g, '');
  return ip === '' || ip === '0.0.0.0' || ip === '::' || ip === '0:0:0:0:0:0:0:0';
}

function portNumber(s: string | undefined): number | undefined {
  const m = /^(\d+)/.exec(s ?? '');
  return m ? Number(m[1]) : undefined;
}

function portLabel(p: PortModel): string {
  const ip = p.hostIp ?? '';
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return `${host || '*'}:${p.hostPort || '(random)'}->${p.containerPort}`;
}

export { isFloatingImage } from './images.js';

export const exposureChecks: CheckDefinition[] = [
  {
    id: 'public-port',
    title: 'Port published on all interfaces',
    severity: 'medium',
    cis: '5.14',
    remediation: {
      compose: 'ports:\n  - "127.0.0.1:8080:80"',
      run: '-p 127.0.0.1:8080:80 (bind to a specific interface)',
      live: false,
    },
    evaluate(m) {
      const hits = (m.ports ?? []).filter((p) => isAllInterfaces(p.hostIp));
      if (hits.length === 0) return pass();
      const admin = hits.some((p) => {
        const n = [portNumber(p.hostPort), portNumber(p.containerPort)];
        return n.some((x) => x !== undefined && ADMIN_PORTS.has(x));
      });
      return {
        verdict: 'fail',
        severity: admin ? 'high' : 'medium',
        evidence: hits.map(portLabel).join(', '),
        ...locOf(m, 'ports', hits),
      };
    },
  },
  {
    id: 'default-bridge',
    title: 'Attached to the default bridge network',
    severity: 'low',
    cis: '5.30',
    remediation: {
      compose: 'networks: [backend]   # a user-defined network (internal: true where possible)',
      run: '--network my-net (created with `docker network create [--internal] my-net`)',
      live: false,
    },
    evaluate(m) {
      const mode = (m.networkMode ?? '').toLowerCase();
      if (mode === 'host' || mode === 'none' || mode.startsWith('container:'))
        return notApplicable(`network_mode: ${mode}`);
      const onBridge =
        mode === 'bridge' ||
        (m.source === 'live' && mode === 'default') ||
        (m.networks ?? []).includes('bridge');
      if (!onBridge)
        return pass(m.networks?.length ? `networks: ${m.networks.join(', ')}` : undefined);
      return {
        verdict: 'fail',
        evidence: 'network: bridge (default)',
        ...locOf(m, 'network_mode'),
      };
    },
  },
  {
    id: 'latest-tag',
    title: 'Image not pinned (no tag, :latest or another floating tag, and no digest)',
    severity: 'low',
    remediation: {
      compose: 'image: postgres:16.4@sha256:<digest>',
      run: 'use `image:tag@sha256:<digest>`',
      live: false,
    },
    evaluate(m) {
      if (!m.image) return notApplicable('no image (built from a Dockerfile)');
      if (m.localImage)
        return notApplicable(
          m.source === 'compose'
            ? 'built locally (build:, or pull_policy never/build): never pulled by tag'
            : 'a local image (no registry digest): never pulled by tag',
        );
      const f = floatingTag(m.image);
      if (f === undefined) return pass(`image: ${m.image}`);
      return {
        verdict: 'fail',
        evidence: f === 'floating' ? `image: ${m.image} (a floating tag)` : `image: ${m.image}`,
        ...locOf(m, 'image'),
      };
    },
  },
  {
    id: 'sshd-running',
    title: 'sshd running inside the container',
    severity: 'medium',
    cis: '5.7',
    remediation: {
      compose: '# remove sshd from the image; use `docker exec` for access',
      run: 'remove sshd from the image; use `docker exec`',
      live: false,
    },
    evaluate(m) {
      if (m.source !== 'live') return notApplicable('processes are only known for live containers');
      if (!m.running || !m.processes) return notApplicable('container is not running');
      const hits = m.processes.filter((p) => {
        const first = p.args.trim().split(/\s+/)[0] ?? '';
        return (
          p.comm === 'sshd' ||
          first.replace(/:$/, '').split('/').pop() === 'sshd' ||
          /^sshd:/.test(p.args)
        );
      });
      if (hits.length === 0) return pass();
      return {
        verdict: 'fail',
        evidence: hits.map((p) => `pid ${p.pid ?? '?'}: ${p.comm ?? 'sshd'}`).join(', '),
      };
    },
  },
];
