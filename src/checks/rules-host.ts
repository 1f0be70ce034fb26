/** Checks about what the container shares with the host: cgroups, low ports, mount propagation. */
import type { CheckDefinition } from './types.js';
import { bindLabel, locOf, namespaceIsHost, notApplicable, pass } from './helpers.js';
import type { PortModel } from './model.js';

const portNumber = (p: PortModel) => {
  const m = /^(\d+)(?:-(\d+))?$/.exec((p.hostPort ?? '').trim());
  return m ? Number(m[1]) : undefined;
};

export const hostChecks: CheckDefinition[] = [
  {
    id: 'cgroup-host',
    title: "Host's cgroup namespace shared",
    severity: 'medium',
    remediation: {
      compose: '# remove `cgroup: host` (the default on cgroup v2 is private)',
      run: 'remove `--cgroupns host`',
      live: false,
    },
    evaluate(m, ctx) {
      if (!namespaceIsHost(m.cgroupnsMode))
        return pass(m.cgroupnsMode ? `cgroup: ${m.cgroupnsMode}` : undefined);
      // On cgroup v1 the engine gives every container the host's cgroup namespace.
      if (m.source === 'live' && ctx.facts?.cgroupVersion === '1')
        return notApplicable('cgroup v1 engine: every container shares the host cgroup namespace');
      return { verdict: 'fail', evidence: 'cgroup: host', ...locOf(m, 'cgroup') };
    },
  },
  {
    id: 'cgroup-parent',
    title: 'Custom cgroup parent set',
    severity: 'low',
    cis: '5.25',
    remediation: {
      compose: '# remove `cgroup_parent` unless the host’s cgroup layout requires it',
      run: 'remove `--cgroup-parent`',
      live: false,
    },
    evaluate(m) {
      const parent = (m.cgroupParent ?? '').trim();
      if (!parent) return pass();
      // Outside the engine's own cgroup, the engine's limits and accounting may not apply.
      return {
        verdict: 'fail',
        evidence: `cgroup_parent: ${parent}`,
        ...locOf(m, 'cgroup_parent'),
      };
    },
  },
  {
    id: 'privileged-port',
    title: 'Privileged host port (below 1024) published',
    severity: 'low',
    cis: '5.8',
    remediation: {
      compose: 'ports:\n  - "8443:8443"   # a host port of 1024 or more; a proxy owns 80/443',
      run: '-p 8443:8443 (publish on a host port of 1024 or more)',
      live: false,
    },
    evaluate(m) {
      const hits = (m.ports ?? []).filter((p) => {
        const n = portNumber(p);
        return n !== undefined && n > 0 && n < 1024;
      });
      if (hits.length === 0) return pass();
      return {
        verdict: 'fail',
        evidence: hits.map((p) => `host port ${p.hostPort}->${p.containerPort}`).join(', '),
        ...locOf(m, 'ports', hits),
      };
    },
  },
  {
    id: 'bind-propagation',
    title: 'Bind mount propagation shared with the host',
    severity: 'medium',
    cis: '5.20',
    remediation: {
      compose:
        'volumes:\n  - type: bind\n    source: ./data\n    target: /data\n    bind:\n      propagation: rprivate',
      run: 'drop `shared`/`rshared` from the mount options (the default is rprivate)',
      live: false,
    },
    evaluate(m) {
      const hits = (m.mounts ?? []).filter((x) =>
        ['shared', 'rshared'].includes((x.propagation ?? '').toLowerCase()),
      );
      if (hits.length === 0) return pass();
      return {
        verdict: 'fail',
        evidence: hits.map((h) => `${bindLabel(h)} (propagation ${h.propagation})`).join(', '),
        ...locOf(m, 'volumes', hits),
      };
    },
  },
];
