/**
 * Read-only actions for the runbook: triage (processes, recent engine events, last log lines,
 * filesystem changes), secrets (what the container could read, names only), health, scan-image.
 */
import type { ActionOutcome, StepContext } from '../engine/executors.js';
import type { EngineEvent, FsChange } from '../engine/docker-control-port.js';
import { DockerError, UserError, errorMessage } from '../errors.js';
import { throwIfCancelled } from '../engine/cancel.js';
import { isSecretName, splitEnv } from '../checks/mask.js';
import {
  failed,
  inspectTarget,
  maskText,
  nameOf,
  ok,
  QUARANTINE_NETWORK,
  optParam,
  plan,
  refOf,
  secretsOf,
  status,
  type ActionDeps,
} from './common.js';
import { eventsWithCoverage, type EventsCoverage } from './events.js';
import { readRecord } from './isolation-record.js';

const KIND = ['modified', 'added', 'deleted'];

export async function triage(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await inspectTarget(docker, ctx);
  const ref = refOf(c);
  const secrets = secretsOf(c);
  const out = (l: string) => ctx.onOutput(maskText(l, secrets));
  const problems: string[] = [];
  out(
    `${ref.name} (${ref.id.slice(0, 12)}) image ${ref.image ?? '?'}: ${status(c)}, started ${c.State?.StartedAt ?? '?'}`,
  );

  let processes: string[] = [];
  try {
    const top = await docker.top(ref.id);
    processes = (top.Processes ?? []).map((p) => maskText(p.join(' '), secrets));
    out(`processes (${processes.length}): ${(top.Titles ?? []).join(' ')}`);
    for (const p of processes.slice(0, 20)) out(`  ${p}`);
  } catch (err) {
    if (!(err instanceof DockerError && err.kind === 'not-running'))
      problems.push(errorMessage(err));
  }

  throwIfCancelled(ctx.signal);
  let events: EngineEvent[] = [];
  let coverage: EventsCoverage | undefined;
  try {
    const got = await eventsWithCoverage(docker, c, {
      now: deps.clock.now(),
      windowS: 3600,
      limit: 200,
      signal: ctx.signal,
    });
    events = got.events;
    coverage = got.coverage;
    out(
      coverage.complete
        ? `engine events since ${coverage.since}: ${events.length}`
        : `engine events since ${coverage.since} only (${coverage.reason}): ${events.length}`,
    );
    for (const e of events.slice(-20))
      out(`  ${new Date((e.time ?? 0) * 1000).toISOString()} ${e.Type ?? ''} ${e.Action ?? ''}`);
  } catch (err) {
    throwIfCancelled(ctx.signal);
    problems.push(errorMessage(err));
  }

  throwIfCancelled(ctx.signal);
  const lines = Number(optParam(ctx, 'lines') ?? '50');
  const logTail: string[] = [];
  try {
    let rest = '';
    for await (const chunk of await docker.containerLogs(ref.id, {
      tail: lines,
      timestamps: true,
      signal: ctx.signal,
    })) {
      rest += Buffer.from(chunk.data).toString('utf8');
      const parts = rest.split('\n');
      rest = parts.pop() ?? '';
      for (const l of parts)
        logTail.push(`${chunk.stream === 'stderr' ? '! ' : ''}${maskText(l, secrets)}`);
    }
    if (rest) logTail.push(maskText(rest, secrets));
    out(`last ${logTail.length} log line(s):`);
    for (const l of logTail) out(`  ${l}`);
  } catch (err) {
    throwIfCancelled(ctx.signal);
    problems.push(errorMessage(err));
  }

  throwIfCancelled(ctx.signal);
  let changes: FsChange[] = [];
  try {
    changes = await docker.containerChanges(ref.id);
    out(`filesystem changes: ${changes.length}`);
    for (const ch of changes.slice(0, 30)) out(`  ${KIND[ch.Kind] ?? ch.Kind} ${ch.Path}`);
  } catch (err) {
    problems.push(errorMessage(err));
  }

  const data = {
    action: 'triage',
    container: ref,
    status: status(c),
    processes: processes.slice(0, 100),
    events: events
      .slice(-50)
      .map((e) => ({ time: e.time, type: e.Type, action: maskText(e.Action ?? '', secrets) })),
    logTail: logTail.slice(-50),
    changes: changes.slice(0, 100),
    changesTotal: changes.length,
    ...(coverage ? { eventsCoverage: coverage } : {}),
    problems: problems.map((p) => maskText(p, secrets)),
  };
  const summary = `${ref.name}: ${processes.length} process(es), ${events.length} engine event(s) ${coverage && !coverage.complete ? `since ${coverage.since} only` : 'in the last hour'}, ${changes.length} filesystem change(s)`;
  return data.problems.length ? failed(`${summary}; ${data.problems[0]}`, data) : ok(summary, data);
}

export async function triageDryRun(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const c = await inspectTarget(deps.docker(), ctx);
  const id = c.Id.slice(0, 12);
  return plan(
    'triage',
    refOf(c),
    [
      `GET /containers/${id}/top`,
      `GET /events?since=-1h`,
      `GET /containers/${id}/logs?tail=50`,
      `GET /containers/${id}/changes`,
    ],
    'none (read-only)',
  );
}

/** Secrets the container could read: env names (values never shown), secret and key mounts. */
export async function secretsInventory(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const c = await inspectTarget(deps.docker(), ctx);
  const ref = refOf(c);
  const env = (c.Config?.Env ?? []).map(splitEnv);
  const secretEnv = env.filter((e) => e.value && isSecretName(e.name)).map((e) => `${e.name}=***`);
  const otherEnv = env.filter((e) => e.value && !isSecretName(e.name)).map((e) => `${e.name}=***`);
  const mounts = (c.Mounts ?? [])
    .filter((m) =>
      /secret|key|cred|token|\.pem|\.env|docker\.sock|kube|\.ssh|aws/i.test(
        `${m.Source ?? ''} ${m.Destination ?? ''}`,
      ),
    )
    .map((m) => `${m.Type ?? '?'} ${m.Name ?? m.Source ?? ''} -> ${m.Destination ?? ''}`);
  const steps = [
    ...secretEnv.map(
      (e) =>
        `rotate ${e.split('=')[0]} (environment of ${ref.name}): issue a new value, update the service, revoke the old one`,
    ),
    ...mounts.map((m) => `rotate what ${m} holds`),
    `review the other environment variables (${otherEnv.length}) for credentials not named as such`,
  ];
  for (const s of steps) ctx.onOutput(s);
  return ok(
    `${ref.name}: ${secretEnv.length} credential-like variable(s), ${mounts.length} secret-looking mount(s) to rotate`,
    {
      action: 'secrets',
      container: ref,
      secretEnv,
      otherEnv,
      mounts,
      steps,
    },
  );
}

export async function health(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const c = await inspectTarget(deps.docker(), ctx);
  const ref = refOf(c);
  const st = status(c);
  const h = c.State?.Health?.Status;
  const nets = Object.keys(c.NetworkSettings?.Networks ?? {});
  // Still isolated: its own record, or (for a replacement) the original's, not yet undone.
  const isolation =
    (await readRecord(deps, ref.id)) ??
    (optParam(ctx, 'replaces')
      ? await readRecord(deps, optParam(ctx, 'replaces') ?? '')
      : undefined);
  const planned = isolation?.before.map((a) => a.network) ?? [];
  const data = {
    action: 'health',
    container: ref,
    status: st,
    health: h ?? 'none',
    networks: nets,
    ...(isolation ? { isolatedSince: isolation.isolatedAt } : {}),
  };
  if (st !== 'running') return failed(`${ref.name} is ${st}`, data);
  if (h && h !== 'healthy') return failed(`${ref.name} is running but ${h}`, data);
  const quarantine = deps.quarantineNetwork ?? QUARANTINE_NETWORK;
  if (nets.includes(quarantine))
    return failed(`${ref.name} is running but still on the quarantine network ${quarantine}`, data);
  if (isolation)
    return failed(
      `${ref.name} is running but still isolated (since ${isolation.isolatedAt}): reconnect it first${planned.length ? ` (${planned.join(', ')})` : ''}`,
      data,
    );
  const mode = c.HostConfig?.NetworkMode ?? '';
  if (nets.length === 0 && mode !== 'host' && !mode.startsWith('container:') && mode !== 'none')
    return failed(`${ref.name} is running but on no network: nothing can reach it`, data);
  return ok(
    `${ref.name} is running${h ? ' and healthy' : ' (no healthcheck)'}; networks: ${nets.join(', ')}`,
    data,
  );
}

export async function scanImage(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const c = await inspectTarget(deps.docker(), ctx);
  const ref = refOf(c);
  const image = ref.image ?? c.Image ?? '';
  // A missing scanner is no verdict on the image: the error leaves the step pending (not failed),
  // saying what to do. The engine records it as an attempt.
  const missing = () =>
    new UserError(
      `Trivy is not installed: install it (https://trivy.dev) and run the step again; or scan by hand (trivy image --severity HIGH,CRITICAL ${image}, grype or docker scout) and d marks it done with what you found; s skips it with a reason`,
    );
  if (!deps.shell) throw missing();
  // The engine keeps what is printed (ctx.onOutput) as the result's tail: count lines only.
  let lines = 0;
  const r = await deps.shell.run({
    argv: ['trivy', 'image', '--quiet', '--severity', 'HIGH,CRITICAL', image],
    timeoutMs: 10 * 60_000,
    signal: ctx.signal,
    onLine: (l) => {
      lines++;
      ctx.onOutput(l);
    },
  });
  const data = {
    action: 'scan-image',
    container: ref,
    image,
    exitCode: r.exitCode ?? null,
  };
  if (r.startError) throw missing();
  if (r.exitCode !== 0)
    return failed(`trivy image ${image} exited ${r.exitCode ?? r.signal ?? '?'}`, data);
  return ok(`trivy image ${image}: done (${lines} line(s) of findings)`, data);
}

export function readOnlyPlan(action: string, what: string) {
  return async (deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> => {
    const c = await inspectTarget(deps.docker(), ctx);
    return plan(
      action,
      refOf(c),
      [`GET /containers/${c.Id.slice(0, 12)}/json`, ...(what ? [what] : [])],
      `none (read-only) for ${nameOf(c)}`,
    );
  };
}
