/**
 * The swarm's services, judged by their task template (`TaskTemplate.ContainerSpec`, resources,
 * published ports): what every task container of the service will run with. The container checks'
 * own lists and tests decide (dangerous capabilities, the socket, sensitive paths, credential
 * names); the fix is the `docker service update` of the service. Pure.
 */
import type { Severity } from '../runbook/types.js';
import { bindLabel, cleanPath, isDockerSocket, isSensitiveBind, normalizeCap } from './helpers.js';
import { swarmFix } from './remediation.js';
import { DANGEROUS_CAPS } from './rules-privilege.js';
import type { SwarmCheckDefinition, SwarmVerdict } from './rules-swarm.js';
import { serviceTarget, type SwarmFacts, type SwarmServiceModel } from './swarm-model.js';
import type { CheckVerdictDetail } from './types.js';

/** Capabilities that make a task as strong as a privileged container. */
const PRIVILEGED_CAPS = ['ALL', 'SYS_ADMIN'];

/** One verdict per service, with the fix for that service when it fails. */
const perService =
  (judge: (s: SwarmServiceModel) => CheckVerdictDetail) =>
  (f: SwarmFacts): SwarmVerdict[] =>
    f.services.map((s) => ({ target: serviceTarget(s), detail: judge(s) }));

const pass = (evidence?: string): CheckVerdictDetail =>
  evidence ? { verdict: 'pass', evidence } : { verdict: 'pass' };

/** A failing verdict whose fix is one `docker service update` of the service. */
function failWith(
  s: SwarmServiceModel,
  evidence: string,
  flags: readonly string[],
  extra: { severity?: Severity; before?: string[]; after?: string } = {},
): CheckVerdictDetail {
  const update = `docker service update ${flags.join(' ')} ${s.name}`;
  const command =
    [...(extra.before ?? []), update].join(' && ') + (extra.after ? `   # ${extra.after}` : '');
  return {
    verdict: 'fail',
    evidence,
    ...(extra.severity ? { severity: extra.severity } : {}),
    remediation: { swarm: command, run: command },
  };
}

const isRoot = (m: { type: string; source?: string }) =>
  m.type === 'bind' && m.source !== undefined && cleanPath(m.source) === '/';

const secretName = (label: string) => label.toLowerCase().replace(/[^a-z0-9_.-]+/g, '_');

export const SERVICE_CHECKS: readonly SwarmCheckDefinition[] = [
  {
    id: 'swarm-service-privileged',
    title:
      "A service's tasks are privileged in all but name (ALL/SYS_ADMIN, the Docker socket, the host's root)",
    severity: 'critical',
    cis: '5.5',
    remediation: swarmFix(
      'docker service update --cap-drop SYS_ADMIN --mount-rm /var/run/docker.sock <service>',
    ),
    evaluate: perService((s) => {
      const caps = s.capAdd.map(normalizeCap).filter((c) => PRIVILEGED_CAPS.includes(c));
      const mounts = s.mounts.filter((m) => isDockerSocket(m) || isRoot(m));
      const unconfined = [
        ...(s.seccomp === 'unconfined' ? ['seccomp unconfined'] : []),
        ...(s.apparmor === 'disabled' ? ['apparmor disabled'] : []),
        ...(s.selinuxDisabled ? ['selinux disabled'] : []),
      ];
      if (!caps.length && !mounts.length && !unconfined.length) return pass();
      const evidence = [
        ...(caps.length ? [`cap_add: ${caps.join(', ')}`] : []),
        ...mounts.map(
          (m) =>
            `mount ${bindLabel(m)}${isRoot(m) ? " (the host's root)" : ' (the Docker socket)'}`,
        ),
        ...unconfined,
      ].join('; ');
      const flags = [
        ...caps.map((c) => `--cap-drop ${c}`),
        ...[...new Set(mounts.map((m) => m.target))].map((t) => `--mount-rm ${t}`),
      ];
      if (!flags.length)
        return {
          verdict: 'fail',
          evidence,
          remediation: {
            swarm: `docker service rm ${s.name}   # then create it again without the ${unconfined.join(', ')} profile: service update cannot change it`,
            run: `docker service rm ${s.name}`,
          },
        };
      return failWith(
        s,
        evidence,
        flags,
        unconfined.length
          ? { after: `${unconfined.join(', ')}: recreate the service without it` }
          : {},
      );
    }),
  },
  {
    id: 'swarm-service-dangerous-capability',
    title: "A service's tasks add a dangerous capability",
    severity: 'high',
    cis: '5.4',
    remediation: swarmFix('docker service update --cap-drop NET_ADMIN <service>'),
    evaluate: perService((s) => {
      const added = s.capAdd.map(normalizeCap);
      const bad = added.filter((c) => DANGEROUS_CAPS.includes(c) && !PRIVILEGED_CAPS.includes(c));
      if (!bad.length) return pass(added.length ? `cap_add: ${added.join(', ')}` : undefined);
      return failWith(
        s,
        `cap_add: ${bad.join(', ')}`,
        bad.map((c) => `--cap-drop ${c}`),
      );
    }),
  },
  {
    id: 'swarm-service-sensitive-mount',
    title: "A service's tasks mount a sensitive host path",
    severity: 'high',
    cis: '5.6',
    remediation: swarmFix('docker service update --mount-rm <target> <service>'),
    evaluate: perService((s) => {
      const hits = s.mounts.filter((m) => isSensitiveBind(m) && !isRoot(m) && !isDockerSocket(m));
      if (!hits.length) return pass();
      return failWith(
        s,
        hits.map(bindLabel).join(', '),
        [...new Set(hits.map((m) => `--mount-rm ${m.target}`))],
        {
          severity: hits.some((h) => !h.readOnly) ? 'high' : 'medium',
          after: 'mount a dedicated directory or volume instead (--mount-add)',
        },
      );
    }),
  },
  {
    id: 'swarm-service-cap-drop',
    title: "A service's tasks keep the default capabilities (no --cap-drop ALL)",
    severity: 'medium',
    cis: '5.4',
    remediation: swarmFix('docker service update --cap-drop ALL <service>'),
    evaluate: perService((s) => {
      const dropped = s.capDrop.map(normalizeCap);
      if (dropped.includes('ALL')) return pass('cap_drop: ALL');
      return failWith(
        s,
        dropped.length ? `cap_drop: ${dropped.join(', ')}` : 'cap_drop not set',
        ['--cap-drop ALL'],
        {
          after: 'then --cap-add only what the process needs (NET_BIND_SERVICE …)',
        },
      );
    }),
  },
  {
    id: 'swarm-service-root-user',
    title: "A service's tasks run as root",
    severity: 'medium',
    cis: '4.1',
    remediation: swarmFix('docker service update --user 1000:1000 <service>'),
    evaluate: perService((s) => {
      const rootish = (u: string) => ['', 'root', '0'].includes(u.trim().split(':')[0] ?? '');
      const user = (s.user ?? '').trim();
      if (user && !rootish(user)) return pass(`user: ${user}`);
      if (!user && s.imageUser && !rootish(s.imageUser))
        return pass(`user not set; the image runs as ${s.imageUser}`);
      const evidence = user
        ? `user: ${user}`
        : s.imageUser !== undefined
          ? `user not set; the image runs as ${s.imageUser || 'root'}`
          : 'user not set (the image default applies, usually root)';
      return failWith(s, evidence, ['--user 1000:1000']);
    }),
  },
  {
    id: 'swarm-service-writable-rootfs',
    title: "A service's tasks have a writable root filesystem",
    severity: 'medium',
    cis: '5.13',
    remediation: swarmFix('docker service update --read-only <service>'),
    evaluate: perService((s) =>
      s.readOnly
        ? pass('read_only: true')
        : failWith(s, 'read_only: false', ['--read-only'], {
            after: 'with --mount-add type=tmpfs,target=/tmp where it must write',
          }),
    ),
  },
  {
    id: 'swarm-service-limits',
    title: "A service's tasks have no memory, CPU or PIDs limit",
    severity: 'low',
    cis: '5.11–5.12',
    remediation: swarmFix(
      'docker service update --limit-memory 512M --limit-cpu 1 --limit-pids 200 <service>',
    ),
    evaluate: perService((s) => {
      const missing = [
        ...(s.memoryBytes ? [] : [['memory', '--limit-memory 512M']]),
        ...(s.nanoCpus ? [] : [['cpu', '--limit-cpu 1']]),
        ...(s.pids ? [] : [['pids', '--limit-pids 200']]),
      ];
      const set = [
        ...(s.memoryBytes ? [`memory ${Math.round(s.memoryBytes / 1048576)}M`] : []),
        ...(s.nanoCpus ? [`cpu ${s.nanoCpus / 1e9}`] : []),
        ...(s.pids ? [`pids ${s.pids}`] : []),
      ].join(', ');
      if (!missing.length) return pass(`limits: ${set}`);
      return failWith(
        s,
        `no ${missing.map((m) => m[0]).join(', ')} limit${set ? ` (limits: ${set})` : ''}`,
        missing.map((m) => m[1] as string),
      );
    }),
  },
  {
    id: 'swarm-service-secret-env',
    title: 'A service passes a secret in its environment or command line, not as a Docker secret',
    severity: 'high',
    cis: '7.4',
    remediation: swarmFix(
      'printf \'%s\' "$DB_PASSWORD" | docker secret create <service>_db_password - && docker service update --env-rm DB_PASSWORD --secret-add source=<service>_db_password,target=db_password --env-add DB_PASSWORD_FILE=/run/secrets/db_password <service>',
    ),
    evaluate: perService((s) => {
      if (!s.secrets.length) {
        const fine = [...s.references, ...s.dockerSecrets.map((d) => `secret ${d}`)];
        return pass(fine.length ? `${fine.join(', ')}: files, not values` : undefined);
      }
      const env = s.secrets.filter((c) => c.from === 'env');
      const flags = s.secrets.filter((c) => c.from === 'command');
      const before = env.map(
        (c) => `printf '%s' "$${c.name}" | docker secret create ${s.name}_${secretName(c.name)} -`,
      );
      const update = env.flatMap((c) => [
        `--env-rm ${c.name}`,
        `--secret-add source=${s.name}_${secretName(c.name)},target=${secretName(c.name)}`,
        `--env-add ${c.name}_FILE=/run/secrets/${secretName(c.name)}`,
      ]);
      const evidence = s.secrets.map((c) => `${c.label}=***`).join(', ');
      const note = flags.length
        ? `${flags.map((c) => c.label).join(', ')}: read it from /run/secrets/ instead (docker service update --args …)`
        : undefined;
      if (!update.length) {
        const command = `docker service update --args '…' ${s.name}   # ${note ?? ''}`;
        return { verdict: 'fail', evidence, remediation: { swarm: command, run: command } };
      }
      return failWith(s, evidence, update, { before, ...(note ? { after: note } : {}) });
    }),
  },
  {
    id: 'swarm-service-ingress-publish',
    title: "A service publishes a port through the routing mesh: on every node's interfaces",
    severity: 'low',
    remediation: swarmFix(
      'docker service update --publish-rm published=8080,target=80 --publish-add published=8080,target=80,mode=host <service>',
    ),
    evaluate: perService((s) => {
      const text = (p: SwarmServiceModel['ports'][number]) =>
        `${p.published ?? '?'}->${p.target}/${p.protocol} ${p.mode}`;
      const ingress = s.ports.filter((p) => p.mode === 'ingress' && p.published !== undefined);
      if (!ingress.length)
        return pass(s.ports.length ? s.ports.map(text).join(', ') : 'no published port');
      const spec = (p: (typeof ingress)[number]) =>
        `published=${p.published},target=${p.target}${p.protocol === 'tcp' ? '' : `,protocol=${p.protocol}`}`;
      return failWith(
        s,
        `${ingress.map(text).join(', ')}: 0.0.0.0 on every node, whichever runs a task`,
        ingress.flatMap((p) => [`--publish-rm ${spec(p)}`, `--publish-add ${spec(p)},mode=host`]),
        { after: 'host mode binds only where a task runs; firewall it to the interface meant' },
      );
    }),
  },
];
