/** The ActionRunner the engine calls: every incident action by id, with its dry run. */
import { UserError } from '../errors.js';
import type {
  ActionDescription,
  ActionOutcome,
  ActionRunner,
  StepContext,
} from '../engine/executors.js';
import { backup, backupDryRun } from './backup.js';
import type { ActionDeps } from './common.js';
import { isolate, isolateDryRun } from './isolate.js';
import { unisolate, unisolateDryRun } from './unisolate.js';
import { lifecycle, lifecycleDryRun, type LifecycleVerb } from './lifecycle.js';
import { restore, restoreDryRun } from './restore.js';
import { restoreTest, restoreTestDryRun } from './restore-test.js';
import { snapshot, snapshotDryRun } from './snapshot.js';
import { scaleToZero, scaleToZeroDryRun, unscale, unscaleDryRun } from './service-scale.js';
import {
  serviceNetworkRestore,
  serviceNetworkRestoreDryRun,
  serviceNetworkRm,
  serviceNetworkRmDryRun,
} from './service-network.js';
import {
  health,
  readOnlyPlan,
  scanImage,
  secretsInventory,
  triage,
  triageDryRun,
} from './triage.js';

export type { ActionDeps } from './common.js';

type Fn = (deps: ActionDeps, ctx: StepContext) => Promise<ActionOutcome>;

interface ActionDef extends ActionDescription {
  run: Fn;
  dryRun: Fn;
}

const lc = (verb: LifecycleVerb, title: string, destructive: boolean): ActionDef => ({
  id: verb,
  title,
  destructive,
  ...(destructive ? { confirmParam: 'container' } : {}),
  run: (d, c) => lifecycle(d, verb, c),
  dryRun: (d, c) => lifecycleDryRun(d, verb, c),
});

export const ACTIONS: readonly ActionDef[] = [
  {
    id: 'triage',
    title: 'Triage: processes, engine events, last log lines, filesystem changes',
    destructive: false,
    run: triage,
    dryRun: triageDryRun,
  },
  {
    id: 'snapshot',
    title: 'Snapshot evidence (logs, inspect, processes, changes, events)',
    destructive: false,
    run: (d, c) => snapshot(d, c),
    dryRun: snapshotDryRun,
  },
  {
    id: 'preserve-logs',
    title: 'Preserve the logs (stdout and stderr, timestamped, hashed)',
    destructive: false,
    run: (d, c) => snapshot(d, c, ['logs']),
    dryRun: snapshotDryRun,
  },
  {
    id: 'isolate',
    title: 'Isolate: take it off every network (loopback only; it keeps running)',
    destructive: true,
    confirmParam: 'container',
    run: isolate,
    dryRun: isolateDryRun,
  },
  {
    id: 'unisolate',
    title:
      'Unisolate: restore the recorded networks, aliases and addresses (or give them to its replacement)',
    destructive: false,
    run: unisolate,
    dryRun: unisolateDryRun,
  },
  lc('pause', 'Pause the container', false),
  lc('unpause', 'Unpause the container', false),
  lc('stop', 'Stop the container', true),
  lc('restart', 'Restart the container', false),
  lc('kill', 'Kill the container (signal recorded)', true),
  lc('eradicate', 'Remove the container (volumes and image kept)', true),
  {
    id: 'backup',
    title: 'Back up volumes and bind mounts (gzip, optional AES-256-GCM)',
    destructive: false,
    run: backup,
    dryRun: backupDryRun,
  },
  {
    id: 'restore',
    title: 'Restore volumes from a verified backup',
    destructive: true,
    confirmParam: 'container',
    run: restore,
    dryRun: restoreDryRun,
  },
  {
    id: 'restore-test',
    title:
      'Test a backup: restore it into scratch volumes and compare every file (original untouched)',
    destructive: false,
    run: restoreTest,
    dryRun: restoreTestDryRun,
  },
  {
    id: 'secrets',
    title: 'List the secrets the container could read (names only)',
    destructive: false,
    run: secretsInventory,
    dryRun: readOnlyPlan('secrets', ''),
  },
  {
    id: 'scan-image',
    title: "Scan the container's image (trivy image)",
    destructive: false,
    run: scanImage,
    dryRun: readOnlyPlan('scan-image', 'trivy image <image> (local process)'),
  },
  {
    id: 'health',
    title: 'Verify health: running, healthcheck, networks',
    destructive: false,
    run: health,
    dryRun: readOnlyPlan('health', ''),
  },
  {
    id: 'scale-to-zero',
    title: 'Scale a swarm service to 0 (replica count recorded; every task stops)',
    destructive: true,
    confirmParam: 'service',
    run: scaleToZero,
    dryRun: scaleToZeroDryRun,
  },
  {
    id: 'unscale',
    title: 'Scale a swarm service back to its recorded replica count',
    destructive: false,
    run: unscale,
    dryRun: unscaleDryRun,
  },
  {
    id: 'service-network-rm',
    title: 'Take a swarm service off a network (attachment recorded; tasks are replaced)',
    destructive: true,
    confirmParam: 'service',
    run: serviceNetworkRm,
    dryRun: serviceNetworkRmDryRun,
  },
  {
    id: 'service-network-restore',
    title: 'Put a swarm service back on a network it was taken off (as recorded)',
    destructive: false,
    run: serviceNetworkRestore,
    dryRun: serviceNetworkRestoreDryRun,
  },
];

const STOPS = new Set(['stop', 'kill', 'restart', 'eradicate']);

/**
 * An action on a swarm task's container (params `taskId`, `service`, `task`, `node`: the CLI's
 * `--task`) records which task, service and node in its result's data, as `swarm`.
 */
function withSwarm(id: string, ctx: StepContext, out: ActionOutcome): ActionOutcome {
  const p = ctx.params;
  if (!p.taskId) return out;
  // Stopping a task's container does not stop the service: the swarm starts another task.
  const replaced = STOPS.has(id)
    ? [
        `the swarm replaces task ${p.task} with a new one once its container stops: to stop the service's tasks, warden scale-to-zero ${p.service} --yes`,
      ]
    : [];
  const warnings = [...(Array.isArray(out.data.warnings) ? out.data.warnings : []), ...replaced];
  const swarm = {
    service: p.service,
    task: p.task,
    taskId: p.taskId,
    node: p.node,
    ...(p.nodeName ? { nodeName: p.nodeName } : {}),
  };
  return {
    ...out,
    data: {
      ...out.data,
      swarm: { ...swarm, ...(out.data.swarm ?? {}) },
      ...(warnings.length ? { warnings } : {}),
    },
  };
}

export function createActionRunner(deps: ActionDeps): ActionRunner {
  const byId = new Map(ACTIONS.map((a) => [a.id, a]));
  const get = (id: string) => {
    const a = byId.get(id);
    if (!a) throw new UserError(`unknown action "${id}"`, `known: ${[...byId.keys()].join(', ')}`);
    return a;
  };
  return {
    actions: ACTIONS.map(({ id, title, destructive, confirmParam }) => ({
      id,
      title,
      destructive,
      ...(confirmParam ? { confirmParam } : {}),
    })),
    dryRun: async (id, ctx) => withSwarm(id, ctx, await get(id).dryRun(deps, ctx)),
    run: async (id, ctx) => withSwarm(id, ctx, await get(id).run(deps, ctx)),
  };
}
