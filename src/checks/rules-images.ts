/**
 * Image checks (CIS Docker Benchmark v1.6 section 4, sprawl of section 6, Dockle's CIS-DI and
 * DKL checks) over one image facts model. Pure. Evidence names variables, steps and paths, never
 * a value: the credential rules are those of mask.ts and secret-values.ts.
 *
 * setuid/setgid policy: every setuid/setgid file of the final filesystem is listed; the check
 * fails only on files outside EXPECTED_SETID (the distributions' own su, passwd, mount...).
 */
import type { Severity } from '../runbook/types.js';
import type { LayerScan } from './image-layers.js';
import { MASK, splitEnv } from './mask.js';
import { classifyValue, commandCredentials, isCredentialName } from './secret-values.js';
import { shellWords } from './shell-words.js';
import type { CheckVerdictDetail, Remediation } from './types.js';

export interface ImageFacts {
  id: string;
  tags: string[];
  created?: string;
  user?: string;
  /** `Healthcheck.Test` as the image declares it. */
  healthcheck?: string[];
  env: string[];
  /** History, oldest first: the step's command and whether it made a layer. */
  history: { createdBy: string; layer: boolean }[];
  /** Containers (any state) created from this image. */
  usedBy: string[];
  /** The layer walk; undefined when it was not done. */
  layers?: LayerScan;
}

export interface ImageCheckContext {
  now: Date;
  maxAgeDays: number;
}

export interface ImageCheckDefinition {
  id: string;
  title: string;
  severity: Severity;
  cis?: string;
  dockle?: string;
  remediation: Remediation & { dockerfile?: string };
  evaluate(f: ImageFacts, ctx: ImageCheckContext): CheckVerdictDetail;
}

const rebuild = (dockerfile: string, run = 'rebuild the image and redeploy') => ({
  compose: `# not a compose setting: rebuild the image with\n# ${dockerfile.split('\n').join('\n# ')}`,
  run,
  live: false,
  dockerfile,
});

const pass = (evidence?: string): CheckVerdictDetail => ({
  verdict: 'pass',
  ...(evidence ? { evidence } : {}),
});
const fail = (evidence: string): CheckVerdictDetail => ({ verdict: 'fail', evidence });

/** `|2 TOKEN=x FOO=y /bin/sh -c ...`: the build args a RUN step saw, as history records them. */
export function historyArgs(createdBy: string): { name: string; value: string }[] {
  const m = /^\|(\d+) (.*)$/s.exec(createdBy);
  if (!m) return [];
  return shellWords(m[2] ?? '')
    .slice(0, Number(m[1]))
    .map((w) => splitEnv(w))
    .map((e) => ({ name: e.name, value: e.value ?? '' }));
}

/** Credentials a history step carries: build args, `K=V` words, `--password x`, URL passwords. */
export function historyCredentials(createdBy: string): string[] {
  const found: string[] = [];
  for (const a of historyArgs(createdBy))
    if (isCredentialName(a.name) && classifyValue(a.value).kind === 'secret')
      found.push(`ARG ${a.name}=${MASK}`);
  const words = shellWords(createdBy.replace(/^\|\d+ /, ''));
  for (const w of words) {
    const { name, value } = splitEnv(w);
    if (
      value !== undefined &&
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) &&
      isCredentialName(name) &&
      classifyValue(value).kind === 'secret' &&
      !found.includes(`ARG ${name}=${MASK}`)
    )
      found.push(`${name}=${MASK}`);
  }
  for (const c of commandCredentials(words))
    if (c.kind === 'secret') found.push(`${c.flag ?? c.label} ${MASK}`);
  return [...new Set(found)];
}

/** setuid/setgid files the distributions ship on purpose. */
export const EXPECTED_SETID = new Set(
  [
    'bin/su',
    'bin/mount',
    'bin/umount',
    'bin/ping',
    'bin/ping6',
    'bin/fusermount',
    'bin/passwd',
    'bin/chsh',
    'bin/chfn',
    'bin/newgrp',
    'bin/gpasswd',
    'bin/chage',
    'bin/expiry',
    'bin/wall',
    'bin/write',
    'bin/crontab',
    'bin/ssh-agent',
    'bin/sudo',
    'sbin/unix_chkpwd',
    'sbin/pam_extrausers_chkpwd',
    'lib/openssh/ssh-keysign',
    'libexec/openssh/ssh-keysign',
    'lib/dbus-1.0/dbus-daemon-launch-helper',
  ].flatMap((p) => [`/${p}`, `/usr/${p}`]),
);

const layerText = (f: { layer: number; deletedIn?: number }) =>
  f.deletedIn !== undefined
    ? `present in layer ${f.layer}, deleted later (layer ${f.deletedIn}): still extractable`
    : `layer ${f.layer}`;

const dayMs = 86_400_000;

export const IMAGE_CHECKS: readonly ImageCheckDefinition[] = [
  {
    id: 'image-user-root',
    title: 'Image runs as root (no USER set)',
    severity: 'medium',
    cis: '4.1',
    dockle: 'CIS-DI-0001',
    remediation: rebuild('RUN adduser -D -u 10001 app\nUSER 10001'),
    evaluate: (f) => {
      const u = (f.user ?? '').trim();
      if (u === '') return fail('User is not set: containers run as root');
      if (/^(root|0)(:.*)?$/.test(u)) return fail(`User=${u}`);
      return pass(`User=${u}`);
    },
  },
  {
    id: 'image-no-healthcheck',
    title: 'Image declares no HEALTHCHECK',
    severity: 'low',
    cis: '4.6',
    dockle: 'CIS-DI-0006',
    remediation: rebuild('HEALTHCHECK --interval=30s CMD ["/app/healthcheck"]'),
    evaluate: (f) => {
      const t = f.healthcheck ?? [];
      if (t.length === 0 || t[0] === 'NONE') return fail('no HEALTHCHECK instruction');
      return pass(`HEALTHCHECK ${t[0]}`);
    },
  },
  {
    id: 'image-secret-env',
    title: 'Credential in the image ENV',
    severity: 'high',
    cis: '4.10',
    dockle: 'CIS-DI-0010',
    remediation: rebuild(
      'remove the ENV line; pass the secret at run time (docker secret, a *_FILE variable)',
    ),
    evaluate: (f) => {
      const hits = f.env
        .map((e) => splitEnv(e))
        .filter((e) => isCredentialName(e.name) && classifyValue(e.value).kind === 'secret')
        .map((e) => `${e.name}=${MASK}`);
      return hits.length ? fail(`ENV ${hits.join(', ')}`) : pass();
    },
  },
  {
    id: 'image-secret-history',
    title: 'Credential in the image history (ARG or a build command)',
    severity: 'high',
    cis: '4.10',
    dockle: 'CIS-DI-0010',
    remediation: rebuild(
      'RUN --mount=type=secret,id=token TOKEN=$(cat /run/secrets/token) ...\n(build with --secret id=token,src=FILE; never ARG or ENV for secrets)',
    ),
    evaluate: (f) => {
      const hits = f.history.flatMap((h, i) =>
        historyCredentials(h.createdBy).map((c) => `step ${i + 1}: ${c}`),
      );
      return hits.length ? fail(hits.join('; ')) : pass();
    },
  },
  {
    id: 'image-add-remote',
    title: 'ADD of a remote URL in the build',
    severity: 'medium',
    cis: '4.9',
    dockle: 'CIS-DI-0009',
    remediation: rebuild(
      'RUN wget -O /file URL && echo "SHA256  /file" | sha256sum -c -   (or COPY a verified file)',
    ),
    evaluate: (f) => {
      const hits = f.history
        .map((h, i) => ({ i, m: /\bADD\s+(?:--\S+\s+)*(https?:\/\/\S+)/i.exec(h.createdBy) }))
        .filter((x) => x.m)
        .map((x) => `step ${x.i + 1}: ADD ${x.m?.[1]?.replace(/\/\/[^/@]*@/, `//${MASK}@`)}`);
      return hits.length ? fail(hits.join('; ')) : pass();
    },
  },
  {
    id: 'image-credential-file',
    title: 'Credential file in an image layer',
    severity: 'critical',
    cis: '4.10',
    dockle: 'CIS-DI-0010',
    remediation: rebuild(
      'do not COPY credentials into the build context (.dockerignore them); use RUN --mount=type=secret;\na file deleted in a later layer is still in the image: rebuild without it',
    ),
    evaluate: (f) => {
      if (!f.layers) return { verdict: 'not-applicable', reason: 'layers not scanned' };
      const hits = f.layers.credentialFiles.map((c) => `${c.path} (${c.kind}, ${layerText(c)})`);
      return hits.length ? fail(hits.join('; ')) : pass(`${f.layers.files} files scanned`);
    },
  },
  {
    id: 'image-setuid',
    title: 'Unexpected setuid/setgid file in the image',
    severity: 'medium',
    cis: '4.8',
    dockle: 'CIS-DI-0008',
    remediation: rebuild('RUN chmod a-s /path/to/file   (or remove it)'),
    evaluate: (f) => {
      if (!f.layers) return { verdict: 'not-applicable', reason: 'layers not scanned' };
      const present = f.layers.setid.filter((s) => s.deletedIn === undefined);
      const list = (xs: typeof present) => xs.map((s) => `${s.path} (${s.mode})`).join(', ');
      const odd = present.filter((s) => !EXPECTED_SETID.has(s.path));
      if (odd.length) return fail(`unexpected: ${list(odd)}`);
      return pass(present.length ? `expected only: ${list(present)}` : 'none');
    },
  },
  {
    id: 'image-old',
    title: 'Image older than the allowed age',
    severity: 'low',
    cis: '4.4',
    remediation: rebuild(
      'rebuild from an updated base image (docker build --pull) and redeploy',
      'docker build --pull ...',
    ),
    evaluate: (f, ctx) => {
      const t = f.created ? Date.parse(f.created) : NaN;
      if (Number.isNaN(t)) return { verdict: 'not-applicable', reason: 'no build time recorded' };
      const days = Math.floor((ctx.now.getTime() - t) / dayMs);
      const ev = `created ${f.created?.slice(0, 10)} (${days} days ago; limit ${ctx.maxAgeDays})`;
      return days > ctx.maxAgeDays ? fail(ev) : pass(ev);
    },
  },
  {
    id: 'image-dangling',
    title: 'Dangling image (no tag)',
    severity: 'low',
    cis: '6.1',
    remediation: {
      compose: '# not a compose setting',
      run: 'docker image prune',
      live: true,
    },
    evaluate: (f) =>
      f.tags.length === 0 ? fail('untagged (<none>:<none>)') : pass(f.tags.join(', ')),
  },
  {
    id: 'image-unused',
    title: 'Image used by no container (sprawl)',
    severity: 'low',
    cis: '6.1',
    remediation: {
      compose: '# not a compose setting',
      run: 'docker image rm IMAGE   (or docker image prune -a after review)',
      live: true,
    },
    evaluate: (f) =>
      f.usedBy.length === 0
        ? fail('no container (running or stopped) uses it')
        : pass(`used by ${f.usedBy.length} container(s)`),
  },
];
