/**
 * unisolate: the recorded networks, aliases and addresses back, exactly; or, for a recorded
 * replacement of a removed container, the original's network plan (reconnect.ts works out the
 * steps). The isolation record is closed afterwards.
 */
import { join } from 'node:path';
import type { ActionOutcome, StepContext } from '../engine/executors.js';
import type { ControlInspect } from '../engine/docker-control-port.js';
import {
  failed,
  inspectTarget,
  nameOf,
  ok,
  optParam,
  plan,
  refOf,
  type ActionDeps,
} from './common.js';
import { unsupportedMode } from './isolate.js';
import {
  attachmentsOf,
  closeRecord,
  legacyQuarantine,
  publishedPorts,
  readRecord,
} from './isolation-record.js';
import { reconnectPlan, type ReconnectStep } from './reconnect.js';

/** The isolation record to undo: the container's own, or the original's for a replacement. */
async function recordFor(deps: ActionDeps, ctx: StepContext, c: ControlInspect) {
  const replaces = optParam(ctx, 'replaces');
  const id = replaces && replaces !== c.Id ? replaces : c.Id;
  return { rec: await readRecord(deps, id), replacing: id !== c.Id ? id : undefined };
}

function describe(s: ReconnectStep, id: string): string {
  if (s.kind === 'leave')
    return `POST /networks/${s.network}/disconnect {Container: ${id}} (${s.why})`;
  return `${s.kind === 'reattach' ? `POST /networks/${s.network}/disconnect {Container: ${id}}, then ` : ''}POST /networks/${s.network}/connect {Container: ${id}, Aliases: [${s.aliases.join(', ')}]${s.ipv4Address ? `, IPv4Address: ${s.ipv4Address}` : ''}${s.ipv6Address ? `, IPv6Address: ${s.ipv6Address}` : ''}}`;
}

export async function unisolateDryRun(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await inspectTarget(docker, ctx);
  const { rec, replacing } = await recordFor(deps, ctx, c);
  if (!rec)
    return failed(
      `no isolation record for ${replacing ? `the container ${nameOf(c)} replaces` : nameOf(c)}`,
      {
        action: 'unisolate',
        container: refOf(c),
      },
    );
  const { steps, warnings } = await reconnectPlan(docker, c, rec, legacyQuarantine(deps));
  const id = c.Id.slice(0, 12);
  return plan(
    'unisolate',
    refOf(c),
    [
      ...(c.State?.Paused ? [`POST /containers/${id}/unpause`] : []),
      ...steps.map((s) => describe(s, id)),
    ],
    `none lost; ${nameOf(c)} becomes reachable again on ${rec.before.map((a) => a.network).join(', ') || 'no networks'}${replacing ? ` (the network plan of ${rec.container.name}, which it replaces)` : ''}`,
    { before: rec.before, steps, warnings, ...(replacing ? { replaces: rec.container } : {}) },
  );
}

export async function unisolate(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await inspectTarget(docker, ctx);
  const ref = refOf(c);
  const { rec, replacing } = await recordFor(deps, ctx, c);
  if (!rec)
    return failed(
      `no isolation record for ${replacing ? `${replacing.slice(0, 12)} (replaced by ${ref.name})` : ref.name} in ${join(deps.home, 'quarantine')}: was it isolated by warden?`,
      { action: 'unisolate', container: ref },
    );
  const legacy = legacyQuarantine(deps);
  if (unsupportedMode(c))
    return failed(`${ref.name} shares another network stack: it cannot be given networks`, {
      action: 'unisolate',
      container: ref,
    });
  if (c.State?.Paused && !replacing) {
    ctx.onOutput('unpausing');
    await docker.unpauseContainer(ref.id);
  }
  const { steps, warnings } = await reconnectPlan(docker, c, rec, legacy);
  const done: string[] = [];
  for (const w of warnings) ctx.onOutput(`warning: ${w}`);
  const base = {
    action: 'unisolate',
    container: ref,
    restored: rec.before,
    isolatedIn: rec.session,
    ...(replacing ? { replaces: rec.container } : {}),
    warnings,
  };
  for (const s of steps) {
    if (ctx.signal.aborted)
      return {
        ok: false,
        cancelled: true,
        summary: `cancelled by the operator: ${done.length ? `did ${done.join(', ')}` : 'nothing reconnected'}; not yet: ${steps
          .slice(done.length)
          .map((x) => `${x.kind} ${x.network}`)
          .join(', ')}; run unisolate again to finish`,
        data: { ...base, done },
      };
    if (s.kind === 'leave') {
      ctx.onOutput(`leaving ${s.network} (${s.why})`);
      await docker.disconnectNetwork(s.network, ref.id, true);
    } else {
      if (s.kind === 'reattach') {
        ctx.onOutput(`re-attaching to ${s.network} with the recorded aliases`);
        await docker.disconnectNetwork(s.network, ref.id, true);
      } else ctx.onOutput(`reconnecting to ${s.network}`);
      await docker.connectNetwork(s.network, ref.id, {
        aliases: s.aliases,
        links: s.links,
        ...(s.ipv4Address ? { ipv4Address: s.ipv4Address } : {}),
        ...(s.ipv6Address ? { ipv6Address: s.ipv6Address } : {}),
      });
    }
    done.push(`${s.kind} ${s.network}`);
  }
  const after = await docker.inspectDetailed(ref.id);
  const now = attachmentsOf(after);
  const missing = rec.before.filter((b) => {
    const n = now.find((x) => x.network === b.network);
    const planned = steps.find((s) => s.network === b.network);
    const wantIp = planned && planned.kind !== 'leave' ? planned.ipv4Address : b.ipv4Address;
    return (
      !n ||
      !b.aliases.every((a) => n.aliases.includes(a)) ||
      (!replacing && (b.ipv4Address ?? '') !== (n.ipv4Address ?? '')) ||
      (replacing && wantIp !== undefined && wantIp !== n.ipv4Address)
    );
  });
  const data = {
    ...base,
    done,
    after: now,
    ports: publishedPorts(after),
    paused: after.State?.Paused === true,
  };
  if (missing.length)
    return failed(
      `could not restore ${missing.map((m) => m.network).join(', ')} exactly${warnings.length ? `: ${warnings.join('; ')}` : ''}`,
      data,
    );
  await closeRecord(deps, rec, ref, replacing);
  return ok(
    replacing
      ? `${ref.name} (replacing ${rec.container.name}) reconnected to ${rec.before.map((a) => a.network).join(', ') || 'no networks'} with the recorded aliases${warnings.length ? `; WARNING: ${warnings[0]}` : ''}`
      : `${ref.name} restored to ${rec.before.map((a) => a.network).join(', ') || 'no networks'}${rec.quarantine ? `; left ${rec.quarantine}` : ''}`,
    data,
  );
}
