/** Checks about privilege and isolation: privileged, socket, mounts, namespaces, caps, MAC. */
import type { CheckDefinition } from './types.js';
import { namespaceChecks } from './rules-namespaces.js';
import {
  bindLabel,
  isDockerSocket,
  isSensitiveBind,
  isSocketDir,
  locOf,
  namespaceIsHost,
  normalizeCap,
  notApplicable,
  pass,
  securityOpts,
} from './helpers.js';

export const DANGEROUS_CAPS = [
  'ALL',
  'SYS_ADMIN',
  'NET_ADMIN',
  'SYS_PTRACE',
  'SYS_MODULE',
  'DAC_READ_SEARCH',
  'DAC_OVERRIDE',
  'SYS_RAWIO',
  'NET_RAW',
  'SYS_BOOT',
  'SYS_TIME',
  'SYS_RESOURCE',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'BPF',
  'PERFMON',
  'LINUX_IMMUTABLE',
  'SYSLOG',
  'MKNOD',
];

export const privilegeChecks: CheckDefinition[] = [
  {
    id: 'privileged',
    title: 'Container runs in privileged mode',
    severity: 'critical',
    cis: '5.5',
    remediation: {
      compose: 'privileged: false\ncap_add: [ONLY_WHAT_IS_NEEDED]',
      run: 'remove `--privileged`; add only the capabilities needed with `--cap-add`',
      live: false,
    },
    evaluate(m) {
      if (m.privileged !== true) return pass();
      return { verdict: 'fail', evidence: 'privileged: true', ...locOf(m, 'privileged') };
    },
  },
  {
    id: 'docker-socket',
    title: 'Docker socket mounted into the container',
    severity: 'critical',
    cis: '5.32',
    remediation: {
      compose:
        '# remove the docker.sock volume; use a socket proxy with a narrow allow-list if needed',
      run: 'remove `-v /var/run/docker.sock:...`',
      live: false,
    },
    evaluate(m) {
      const hits = (m.mounts ?? []).filter(isDockerSocket);
      if (hits.length === 0) return pass();
      return {
        verdict: 'fail',
        evidence: hits
          .map((h) => `${bindLabel(h)}${isSocketDir(h) ? ' (holds the Docker socket)' : ''}`)
          .join(', '),
        ...locOf(m, 'volumes', hits),
      };
    },
  },
  {
    id: 'sensitive-mount',
    title: 'Sensitive host path mounted',
    severity: 'high',
    cis: '5.6',
    remediation: {
      compose: 'volumes:\n  - ./app-data:/data   # a dedicated directory, not a system path',
      run: 'mount a dedicated directory instead of a system path; `:ro` at the very least',
      live: false,
    },
    evaluate(m) {
      const hits = (m.mounts ?? []).filter(isSensitiveBind);
      if (hits.length === 0) return pass();
      return {
        verdict: 'fail',
        severity: hits.some((h) => !h.readOnly) ? 'high' : 'medium',
        evidence: hits.map(bindLabel).join(', '),
        ...locOf(m, 'volumes', hits),
      };
    },
  },
  ...namespaceChecks,
  {
    id: 'dangerous-capability',
    title: 'Dangerous capability added',
    severity: 'high',
    cis: '5.4',
    remediation: {
      compose: 'cap_drop: [ALL]\ncap_add: [NET_BIND_SERVICE]   # only what the process needs',
      run: 'remove the `--cap-add` flags listed; `--cap-drop ALL` then add back only what is needed',
      live: false,
    },
    evaluate(m) {
      const added = (m.capAdd ?? []).map(normalizeCap);
      const bad = added.filter((c) => DANGEROUS_CAPS.includes(c));
      if (bad.length === 0) return pass(added.length ? `cap_add: ${added.join(', ')}` : undefined);
      // With the host's PID namespace, SYS_PTRACE (or ALL) attaches to host processes: an escape.
      const ptraceHost =
        namespaceIsHost(m.pidMode) && (bad.includes('SYS_PTRACE') || bad.includes('ALL'));
      return {
        verdict: 'fail',
        ...(ptraceHost ? { severity: 'critical' as const } : {}),
        evidence: `cap_add: ${bad.join(', ')}${ptraceHost ? ' with pid: host (can trace host processes)' : ''}`,
        ...locOf(m, 'cap_add'),
      };
    },
  },
  {
    id: 'capabilities-not-dropped',
    title: 'Default capabilities not dropped',
    severity: 'medium',
    cis: '5.4',
    remediation: {
      compose: 'cap_drop: [ALL]',
      run: '--cap-drop ALL',
      live: false,
    },
    evaluate(m) {
      const dropped = (m.capDrop ?? []).map(normalizeCap);
      if (dropped.includes('ALL')) return pass('cap_drop: ALL');
      return {
        verdict: 'fail',
        evidence: dropped.length ? `cap_drop: ${dropped.join(', ')}` : 'cap_drop not set',
        ...locOf(m, 'cap_drop'),
      };
    },
  },
  {
    id: 'seccomp-unconfined',
    title: 'Seccomp profile disabled',
    severity: 'high',
    cis: '5.22',
    remediation: {
      compose: '# remove `seccomp:unconfined` from security_opt (the default profile applies)',
      run: 'remove `--security-opt seccomp=unconfined`',
      live: false,
    },
    evaluate(m) {
      const hit = securityOpts(m).find((o) => o.key === 'seccomp' && o.value === 'unconfined');
      if (!hit) return pass();
      return {
        verdict: 'fail',
        evidence: 'security_opt: seccomp=unconfined',
        ...locOf(m, 'security_opt'),
      };
    },
  },
  {
    id: 'apparmor-unconfined',
    title: 'AppArmor/SELinux confinement disabled',
    severity: 'medium',
    cis: '5.2',
    remediation: {
      compose: '# remove `apparmor:unconfined` / `label:disable` from security_opt',
      run: 'remove `--security-opt apparmor=unconfined` / `--security-opt label=disable`',
      live: false,
    },
    evaluate(m, ctx) {
      const opts = securityOpts(m);
      const apparmorOff =
        opts.some((o) => o.key === 'apparmor' && o.value === 'unconfined') ||
        (m.source === 'live' && m.appArmorProfile === 'unconfined');
      const selinuxOff = opts.some((o) => o.key === 'label' && /^disable/.test(o.value));
      const facts = ctx.facts;
      // Without an engine the deployment host is unknown: an explicit opt-out is still reported.
      const apparmorHost = facts ? facts.apparmor : true;
      const selinuxHost = facts ? facts.selinux : true;
      if (facts && !facts.apparmor && !facts.selinux)
        return notApplicable('the engine has neither AppArmor nor SELinux');
      const evidence: string[] = [];
      if (apparmorOff && apparmorHost) evidence.push('security_opt: apparmor=unconfined');
      if (selinuxOff && selinuxHost) evidence.push('security_opt: label=disable');
      if (evidence.length === 0) return pass();
      return { verdict: 'fail', evidence: evidence.join(', '), ...locOf(m, 'security_opt') };
    },
  },
  {
    id: 'no-new-privileges',
    title: 'no-new-privileges not set',
    severity: 'medium',
    cis: '5.26',
    remediation: {
      compose: 'security_opt:\n  - no-new-privileges:true',
      run: '--security-opt no-new-privileges',
      live: false,
    },
    evaluate(m, ctx) {
      const opt = securityOpts(m).find((o) => o.key === 'no-new-privileges');
      if (opt && (opt.value === '' || opt.value === 'true')) return pass('no-new-privileges');
      if (ctx.facts?.noNewPrivileges && !(opt && opt.value === 'false'))
        return pass('daemon-wide no-new-privileges');
      return {
        verdict: 'fail',
        evidence: opt ? `no-new-privileges:${opt.value}` : 'no-new-privileges not set',
        ...locOf(m, 'security_opt'),
      };
    },
  },
  {
    id: 'root-user',
    title: 'Container runs as root',
    severity: 'medium',
    cis: '4.1',
    remediation: {
      compose: 'user: "1000:1000"',
      run: '--user 1000:1000',
      live: false,
    },
    evaluate(m, ctx) {
      const user = (m.user ?? '').trim();
      const name = user.split(':')[0] ?? '';
      if (user !== '' && name !== 'root' && name !== '0') return pass(`user: ${user}`);
      const mapped = ctx.facts && (ctx.facts.rootless || ctx.facts.userns);
      return {
        verdict: 'fail',
        // Rootless engines and userns-remap map container root to an unprivileged host user.
        severity: mapped && !namespaceIsHost(m.usernsMode) ? 'low' : 'medium',
        evidence:
          user === ''
            ? m.source === 'compose'
              ? 'user not set (the image default applies, usually root)'
              : 'user not set (root)'
            : `user: ${user}`,
        ...locOf(m, 'user'),
      };
    },
  },
  {
    id: 'writable-rootfs',
    title: 'Root filesystem is writable',
    severity: 'medium',
    cis: '5.13',
    remediation: {
      compose: 'read_only: true\ntmpfs:\n  - /tmp:rw,noexec,nosuid,size=64m',
      run: '--read-only --tmpfs /tmp:rw,noexec,nosuid,size=64m',
      live: false,
    },
    evaluate(m) {
      if (m.readOnlyRootfs === true) return pass('read_only: true');
      return { verdict: 'fail', evidence: 'read_only: false', ...locOf(m, 'read_only') };
    },
  },
  {
    id: 'host-devices',
    title: 'Host devices passed through',
    severity: 'medium',
    cis: '5.18',
    remediation: {
      compose: '# remove `devices:`; if one is needed, map it read-only (`/dev/x:/dev/x:r`)',
      run: 'remove `--device`',
      live: false,
    },
    evaluate(m) {
      const devices = m.devices ?? [];
      if (devices.length === 0) return pass();
      return {
        verdict: 'fail',
        evidence: `devices: ${devices.join(', ')}`,
        ...locOf(m, 'devices'),
      };
    },
  },
];
