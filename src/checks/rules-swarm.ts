/**
 * The `swarm` audit scope (CIS Docker Benchmark v1.6 section 7, plus the services' task
 * templates in rules-swarm-services.ts): the swarm's own settings, its managers and nodes, and its
 * overlay networks. Pure: collect-swarm.ts reads the facts. Every fix is the command run against a
 * manager, with the real names.
 *
 * On an engine that is not a swarm manager every check is not applicable, with that reason.
 */
import type { Severity } from '../runbook/types.js';
import { swarmFix } from './remediation.js';
import { SERVICE_CHECKS } from './rules-swarm-services.js';
import {
  nodeTarget,
  overlayTarget,
  swarmTarget,
  type SwarmFacts,
  type SwarmNodeModel,
} from './swarm-model.js';
import type { CheckVerdictDetail, Evaluation, FindingTarget, Remediation } from './types.js';
import { evaluationOf } from './types.js';

export interface SwarmContext {
  now: Date;
}

export interface SwarmVerdict {
  target: FindingTarget;
  detail: CheckVerdictDetail;
}

export interface SwarmCheckDefinition {
  id: string;
  title: string;
  severity: Severity;
  cis?: string;
  remediation: Remediation & { swarm: string };
  /** One verdict per target judged (the swarm, each node, each service, each network). */
  evaluate(f: SwarmFacts, ctx: SwarmContext): SwarmVerdict[];
}

/** The default node certificate lifetime: 90 days. */
export const DEFAULT_CERT_EXPIRY_HOURS = 90 * 24;
/** A root CA older than this has not been rotated in a year (CIS 7.8: "as appropriate"). */
export const CA_MAX_AGE_DAYS = 365;
const DAY = 86_400_000;

const pass = (evidence: string): CheckVerdictDetail => ({ verdict: 'pass', evidence });
const fail = (
  evidence: string,
  more: Partial<Omit<CheckVerdictDetail, 'verdict' | 'evidence'>> = {},
): CheckVerdictDetail => ({ verdict: 'fail', evidence, ...more });
const na = (reason: string): CheckVerdictDetail => ({ verdict: 'not-applicable', reason });

/** One verdict on the swarm itself. */
const onSwarm =
  (
    judge: (
      c: NonNullable<SwarmFacts['cluster']>,
      f: SwarmFacts,
      ctx: SwarmContext,
    ) => CheckVerdictDetail,
  ) =>
  (f: SwarmFacts, ctx: SwarmContext): SwarmVerdict[] =>
    f.cluster ? [{ target: swarmTarget(f.cluster), detail: judge(f.cluster, f, ctx) }] : [];

const hours = (h: number) => (h % 24 === 0 ? `${h / 24} days` : `${h} hours`);

/** Higher first: `24.0.7` before `20.10.24+dfsg1`. */
function byVersion(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.+-]/).map((p) => Number(p) || 0);
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (y[i] ?? 0) - (x[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** The managers' fix: an odd number of at least 3, from the workers there are. */
function managerFix(managers: SwarmNodeModel[], workers: SwarmNodeModel[]): Partial<Remediation> {
  const n = managers.length;
  let command: string;
  if (n % 2 === 0) {
    const spare = managers.find((m) => !m.leader) ?? managers[0];
    const worker = workers[0];
    command = worker
      ? `docker node promote ${worker.name}   # or demote one: docker node demote ${spare?.name ?? '<manager>'}`
      : `docker node demote ${spare?.name ?? '<manager>'}`;
  } else if (n > 7) {
    const spares = managers.filter((m) => !m.leader).slice(0, n - 7);
    command = `docker node demote ${spares.map((m) => m.name).join(' ')}`;
  } else {
    const want = Math.max(3, n + 2) - n;
    const promote = workers.slice(0, want).map((w) => w.name);
    command = promote.length
      ? `docker node promote ${promote.join(' ')}${promote.length < want ? `   # and join ${want - promote.length} more manager(s): docker swarm join-token manager` : ''}`
      : `docker swarm join-token manager   # run the join it prints on ${want} more machine(s)`;
  }
  return { swarm: command, run: command };
}

export const CLUSTER_CHECKS: readonly SwarmCheckDefinition[] = [
  {
    id: 'swarm-autolock',
    title: 'Swarm managers are not auto-locked: their TLS and Raft keys sit unencrypted on disk',
    severity: 'medium',
    cis: '7.5',
    remediation: swarmFix(
      'docker swarm update --autolock=true   # keep the unlock key it prints (docker swarm unlock-key) off the managers',
    ),
    evaluate: onSwarm((c) =>
      c.autolock === undefined
        ? na('the swarm does not report its encryption configuration')
        : c.autolock
          ? pass('autolock: true')
          : fail(
              'autolock: false (the default): a stolen manager disk holds the keys to the Raft log and its secrets',
            ),
    ),
  },
  {
    id: 'swarm-cert-expiry',
    title: 'Node certificates live longer than the default 90 days',
    severity: 'medium',
    cis: '7.7',
    remediation: swarmFix(`docker swarm update --cert-expiry ${DEFAULT_CERT_EXPIRY_HOURS}h`),
    evaluate: onSwarm((c) => {
      const h = c.nodeCertExpiryHours;
      if (h === undefined) return na('the swarm does not report its node certificate expiry');
      if (h > DEFAULT_CERT_EXPIRY_HOURS)
        return fail(
          `node certificate expiry ${hours(h)}: a stolen node certificate stays valid that long`,
        );
      return pass(
        `node certificate expiry ${hours(h)}${h === DEFAULT_CERT_EXPIRY_HOURS ? ' (the default; shorter with --cert-expiry if your policy asks)' : ''}`,
      );
    }),
  },
  {
    id: 'swarm-ca-rotation',
    title: "The swarm's root CA has not been rotated for a year",
    severity: 'low',
    cis: '7.8',
    remediation: swarmFix('docker swarm ca --rotate'),
    evaluate: onSwarm((c, _f, ctx) => {
      if (c.externalCa) return na('an external CA signs the node certificates: rotate it there');
      if (c.caRotationInProgress) return pass('a root CA rotation is in progress');
      if (!c.caNotBefore) return na("the swarm's root CA certificate could not be read");
      const days = Math.floor((ctx.now.getTime() - Date.parse(c.caNotBefore)) / DAY);
      const since = `root CA valid since ${c.caNotBefore.slice(0, 10)} (${days} days)`;
      return days > CA_MAX_AGE_DAYS ? fail(`${since}: never rotated in a year`) : pass(since);
    }),
  },
  {
    id: 'swarm-raft-snapshots',
    title: "Managers keep old Raft snapshots: removed secrets' records stay on their disks",
    severity: 'low',
    remediation: swarmFix('docker swarm update --max-snapshots 0'),
    evaluate: onSwarm((c) => {
      const keep = c.keepOldSnapshots;
      if (keep === undefined) return na('the swarm does not report its Raft settings');
      const interval =
        c.snapshotInterval !== undefined ? `, snapshot interval ${c.snapshotInterval}` : '';
      return keep > 0
        ? fail(
            `keep old snapshots ${keep}${interval}${c.autolock ? '' : ' (and no autolock: their key is beside them)'}`,
          )
        : pass(`keep old snapshots 0${interval}`);
    }),
  },
  {
    id: 'swarm-manager-count',
    title: 'Swarm managers are not an odd number of 3 to 7 (no fault tolerance, or no quorum gain)',
    severity: 'medium',
    cis: '7.1',
    remediation: swarmFix('docker node promote <worker>   # or docker node demote <manager>'),
    evaluate: onSwarm((_c, f) => {
      const managers = f.nodes.filter((n) => n.role === 'manager');
      const workers = f.nodes.filter((n) => n.role === 'worker' && n.state !== 'down');
      const n = managers.length;
      const names = managers.map((m) => `${m.name}${m.leader ? ' (leader)' : ''}`).join(', ');
      if (n === 0) return na('no manager listed');
      if (n % 2 === 1 && n >= 3 && n <= 7) return pass(`${n} managers: ${names}`);
      const why =
        n === 1
          ? 'one manager: losing it loses control of the swarm'
          : n % 2 === 0
            ? `${n} managers: an even number tolerates no more failures than ${n - 1} and splits the quorum`
            : `${n} managers: more than Raft needs, each one holds the swarm's keys`;
      return fail(`${why} (${names})`, {
        severity: n % 2 === 0 ? 'medium' : 'low',
        remediation: managerFix(managers, workers),
      });
    }),
  },
  {
    id: 'swarm-node-availability',
    title: 'A node is drained, paused or down',
    severity: 'info',
    remediation: swarmFix('docker node update --availability active <node>'),
    evaluate: (f) =>
      f.nodes.map((n) => {
        const off = n.availability && n.availability !== 'active';
        const down = n.state && n.state !== 'ready';
        const what = `availability ${n.availability ?? '?'}, state ${n.state ?? '?'}`;
        if (!off && !down) return { target: nodeTarget(n), detail: pass(what) };
        const command = off
          ? `docker node update --availability active ${n.name}`
          : `docker node rm ${n.name}   # if it is gone for good; else bring its engine back`;
        return {
          target: nodeTarget(n),
          detail: fail(`${n.role} ${what}`, { remediation: { swarm: command, run: command } }),
        };
      }),
  },
  {
    id: 'swarm-engine-versions',
    title: 'Nodes run different engine versions',
    severity: 'low',
    remediation: swarmFix('upgrade every node to one engine version'),
    evaluate: onSwarm((_c, f) => {
      const versions = new Map<string, string[]>();
      for (const n of f.nodes) {
        const v = n.engineVersion ?? 'unknown';
        versions.set(v, [...(versions.get(v) ?? []), n.name]);
      }
      const sorted = [...versions.keys()].sort(byVersion);
      const text = sorted.map((v) => `${v} on ${(versions.get(v) ?? []).join(', ')}`).join('; ');
      if (sorted.length <= 1) return pass(text || 'no node listed');
      const newest = sorted[0] ?? '';
      const behind = sorted.slice(1).flatMap((v) => versions.get(v) ?? []);
      const command = behind
        .map(
          (n) =>
            `docker node update --availability drain ${n} && (upgrade Docker on ${n} to ${newest}) && docker node update --availability active ${n}`,
        )
        .join('\n');
      return fail(text, { remediation: { swarm: command, run: command } });
    }),
  },
  {
    id: 'swarm-overlay-unencrypted',
    title: 'An overlay network does not encrypt its data plane',
    severity: 'medium',
    cis: '7.3',
    remediation: swarmFix('docker network create --driver overlay --opt encrypted <name>'),
    evaluate: (f) =>
      f.networks.map((n) => {
        if (n.encrypted) return { target: overlayTarget(n), detail: pass('encrypted') };
        const users = f.services.filter((s) => s.networks.includes(n.name)).map((s) => s.name);
        const flags = `${n.attachable ? ' --attachable' : ''}${n.internal ? ' --internal' : ''}`;
        const next = `${n.name}-encrypted`;
        const command = n.ingress
          ? [
              `docker network rm ${n.name}`,
              `docker network create --driver overlay --ingress --opt encrypted ${n.name}`,
            ].join(' && ')
          : [
              `docker network create --driver overlay${flags} --opt encrypted ${next}`,
              ...users.map(
                (s) => `docker service update --network-rm ${n.name} --network-add ${next} ${s}`,
              ),
              `docker network rm ${n.name}`,
            ].join(' && ');
        const note = n.ingress
          ? ' (the routing mesh: recreate it while no service publishes a port)'
          : users.length
            ? ` (services: ${users.join(', ')})`
            : '';
        return {
          target: overlayTarget(n),
          detail: fail(
            `overlay without the encrypted option${note}: traffic between nodes is plain VXLAN`,
            {
              remediation: { swarm: command, run: command },
            },
          ),
        };
      }),
  },
];

/** Every swarm check: the swarm's, then the services'. */
export const SWARM_CHECKS: readonly SwarmCheckDefinition[] = [...CLUSTER_CHECKS, ...SERVICE_CHECKS];

export function evaluateSwarm(
  f: SwarmFacts,
  ctx: SwarmContext,
  ids?: readonly string[],
): Evaluation[] {
  const checks = ids ? SWARM_CHECKS.filter((c) => ids.includes(c.id)) : SWARM_CHECKS;
  return checks.flatMap((c) =>
    f.reason
      ? [evaluationOf(c, f.engine, na(f.reason))]
      : c.evaluate(f, ctx).map((v) => evaluationOf(c, v.target, v.detail)),
  );
}
