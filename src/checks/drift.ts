/**
 * Drift: a live container created from a compose service that no longer matches the file on a
 * hardening setting. Pure. Only settings the file states explicitly are compared where the
 * image could otherwise supply a value (user, healthcheck).
 */
import type { ContainerModel } from './model.js';
import type { Evaluation } from './types.js';
import { DRIFT_CHECK, targetOf } from './catalog.js';
import { namespaceIsHost, normalizeCap, securityOpts } from './helpers.js';
import { isAllInterfaces } from './rules-exposure.js';

interface Difference {
  setting: string;
  file: string;
  container: string;
}

const capSet = (caps: string[] | undefined) =>
  [...new Set((caps ?? []).map(normalizeCap))].sort().join(',') || '(none)';

function secFlags(m: ContainerModel): Record<string, boolean> {
  const o = securityOpts(m);
  return {
    'no-new-privileges': o.some((x) => x.key === 'no-new-privileges' && x.value !== 'false'),
    'seccomp=unconfined': o.some((x) => x.key === 'seccomp' && x.value === 'unconfined'),
    'apparmor=unconfined': o.some((x) => x.key === 'apparmor' && x.value === 'unconfined'),
    'label=disable': o.some((x) => x.key === 'label' && x.value.startsWith('disable')),
  };
}

const publicPorts = (m: ContainerModel) =>
  [...new Set((m.ports ?? []).filter((p) => isAllInterfaces(p.hostIp)).map((p) => p.containerPort))]
    .sort()
    .join(',') || '(none)';

const restartLabel = (m: ContainerModel) => {
  const r = m.restart ?? { name: 'no' };
  const name = r.name || 'no';
  return name === 'on-failure' && r.maxRetries ? `on-failure:${r.maxRetries}` : name;
};

const roBinds = (m: ContainerModel) =>
  (m.mounts ?? [])
    .filter((x) => x.type === 'bind')
    .map((x) => `${x.target}:${x.readOnly ? 'ro' : 'rw'}`)
    .sort()
    .join(',') || '(none)';

export function differences(file: ContainerModel, live: ContainerModel): Difference[] {
  const out: Difference[] = [];
  const cmp = (setting: string, a: string, b: string) => {
    if (a !== b) out.push({ setting, file: a, container: b });
  };
  const bool = (v: boolean | undefined) => String(v === true);
  cmp('privileged', bool(file.privileged), bool(live.privileged));
  cmp('read_only', bool(file.readOnlyRootfs), bool(live.readOnlyRootfs));
  if ((file.user ?? '') !== '') cmp('user', file.user ?? '', live.user ?? '');
  for (const [setting, key] of [
    ['network_mode', 'networkMode'],
    ['pid', 'pidMode'],
    ['ipc', 'ipcMode'],
    ['uts', 'utsMode'],
    ['userns_mode', 'usernsMode'],
  ] as const) {
    const a = namespaceIsHost(file[key]) ? 'host' : 'private';
    const b = namespaceIsHost(live[key]) ? 'host' : 'private';
    cmp(setting, a, b);
  }
  cmp('cap_add', capSet(file.capAdd), capSet(live.capAdd));
  cmp('cap_drop', capSet(file.capDrop), capSet(live.capDrop));
  const fs = secFlags(file);
  const ls = secFlags(live);
  for (const k of Object.keys(fs)) cmp(`security_opt ${k}`, String(fs[k]), String(ls[k]));
  cmp('mem_limit', String(file.memoryLimit ?? 0), String(live.memoryLimit ?? 0));
  cmp(
    'pids_limit',
    String(Math.max(0, file.pidsLimit ?? 0)),
    String(Math.max(0, live.pidsLimit ?? 0)),
  );
  cmp('cpus', (file.cpuLimit ?? 0).toFixed(2), (live.cpuLimit ?? 0).toFixed(2));
  cmp('restart', restartLabel(file), restartLabel(live));
  cmp('ports on all interfaces', publicPorts(file), publicPorts(live));
  cmp('bind mounts', roBinds(file), roBinds(live));
  cmp(
    'privileged devices',
    String((file.devices ?? []).length),
    String((live.devices ?? []).length),
  );
  if (file.healthcheck && !file.healthcheck.disabled)
    cmp('healthcheck', 'set', live.healthcheck && !live.healthcheck.disabled ? 'set' : 'none');
  return out;
}

/** The drift evaluation of one live container against its compose service. */
export function evaluateDrift(file: ContainerModel, live: ContainerModel): Evaluation {
  const diffs = differences(file, live);
  const target = {
    ...targetOf(live),
    ...(file.file !== undefined ? { file: file.file } : {}),
    service: file.service ?? file.name,
    ...(file.line !== undefined ? { line: file.line } : {}),
  };
  return {
    check: DRIFT_CHECK.id,
    verdict: diffs.length ? 'fail' : 'pass',
    severity: DRIFT_CHECK.severity,
    title: DRIFT_CHECK.title,
    target,
    ...(diffs.length
      ? {
          evidence: diffs
            .map((d) => `${d.setting}: file ${d.file}, container ${d.container}`)
            .join('; '),
        }
      : {}),
    remediation: DRIFT_CHECK.remediation,
    refs: {},
  };
}
