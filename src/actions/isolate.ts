/**
 * isolate. Isolation takes the container off every network it is on, so it is left with its
 * loopback interface only: it keeps running (and `docker exec` works) for forensics, but it
 * reaches nothing and nothing reaches it: not the host, not any bridge gateway, not its former
 * neighbours, not other isolated containers, not the outside. (An `--internal` quarantine network,
 * as earlier versions used, still routes to the host on its gateway and between its members.) It
 * needs nothing but the Engine API, so it works on remote engines too. What is undone later is
 * written down first (isolation-record.ts); the way back is unisolate.ts.
 */
import { join } from 'node:path';
import { DockerError } from '../errors.js';
import { isCancellation } from '../engine/cancel.js';
import type { ActionOutcome, StepContext } from '../engine/executors.js';
import type { ControlInspect } from '../engine/docker-control-port.js';
import type { DockerPort } from '../engine/ports.js';
import { failed, flag, inspectTarget, nameOf, ok, plan, refOf, type ActionDeps } from './common.js';
import {
  attachmentsOf,
  legacyQuarantine,
  publishedPorts,
  recordPath,
  writeRecord,
} from './isolation-record.js';
import {
  GATEWAY_BRIDGE,
  needsGatewayCheck,
  refusalAdvice,
  swarmTaskOf,
  taskCaveats,
} from './isolate-task.js';

export { attachmentsOf, type Attachment, type IsolationRecord } from './isolation-record.js';

/** What the engine shows after isolation: the equivalent of probing from inside, recorded. */
export interface IsolationCheck {
  /** Networks the container is still attached to (must be none). */
  networks: string[];
  /** Published ports still bound (must be none). */
  publishedPorts: string[];
  /** Each former network, and whether its endpoint list still holds the container. */
  formerNetworks: { network: string; stillListed: boolean | 'unknown' }[];
  /**
   * For a swarm task (or a container that was on an overlay network): whether `docker_gwbridge`,
   * which such a container reaches the host and the outside through without listing it among its
   * networks, still holds an endpoint of it.
   */
  gatewayBridge?: { network: string; stillListed: boolean | 'unknown' };
  running: boolean;
  /** True when nothing above leaves a path in or out. */
  sealed: boolean;
}

/** Containers that share the network stack of the host or of another container cannot be cut off. */
export function unsupportedMode(c: ControlInspect): string | undefined {
  const mode = c.HostConfig?.NetworkMode ?? '';
  if (mode === 'host')
    return `${nameOf(c)} uses --network host: it shares the host's network and cannot be isolated by taking networks away; pause or stop it instead (warden pause|stop ${nameOf(c)})`;
  if (mode.startsWith('container:'))
    return `${nameOf(c)} shares the network of ${mode.slice('container:'.length)}: isolate that container, or pause or stop this one`;
  return undefined;
}

/** The containers on each network besides `c`: who loses it, by name and alias. */
async function peersOf(docker: DockerPort, c: ControlInspect, nets: string[]) {
  const out: Record<string, string[]> = {};
  for (const n of nets) {
    try {
      const inspected = await docker.inspectNetwork(n);
      out[n] = Object.entries(inspected.Containers ?? {})
        .filter(([id]) => id !== c.Id)
        .map(([id, x]) => x.Name ?? id.slice(0, 12))
        .sort();
    } catch {
      out[n] = [];
    }
  }
  return out;
}

export async function isolateDryRun(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await inspectTarget(docker, ctx);
  const before = attachmentsOf(c);
  const why = unsupportedMode(c);
  if (why)
    return failed(why, {
      action: 'isolate',
      container: refOf(c),
      before,
      offer: ['pause', 'stop'],
    });
  const id = c.Id.slice(0, 12);
  const calls = [
    ...before.map((a) => `POST /networks/${a.network}/disconnect {Container: ${id}, Force: true}`),
    ...(flag(ctx, 'pause') ? [`POST /containers/${id}/pause`] : []),
    `GET /containers/${id}/json (verify: no network left, no port bound)`,
  ];
  const ports = publishedPorts(c);
  const peers = await peersOf(
    docker,
    c,
    before.map((a) => a.network),
  );
  const cut = before.map((a) => {
    const p = peers[a.network] ?? [];
    const names = [...a.aliases, ...(a.ipv4Address ? [a.ipv4Address] : [])];
    return `${a.network}${names.length ? ` (as ${names.join(', ')})` : ''}${p.length ? ` shared with ${p.join(', ')}` : ''}`;
  });
  const task = swarmTaskOf(c);
  const caveats = task ? taskCaveats(task) : [];
  const radius =
    `${nameOf(c)} is cut off from ${cut.join('; ') || 'no networks (it has none)'}` +
    (ports.length ? `; published ports stop answering (${ports.join(' ')})` : '') +
    '; it keeps running with loopback only' +
    (caveats.length ? `; ${caveats.join('; ')}` : '');
  return plan('isolate', refOf(c), calls, radius, {
    before,
    ports,
    peers,
    method: 'no-network',
    ...(task ? { swarmTask: task, warnings: caveats } : {}),
  });
}

export async function isolate(deps: ActionDeps, ctx: StepContext): Promise<ActionOutcome> {
  const docker = deps.docker();
  const c = await inspectTarget(docker, ctx);
  const ref = refOf(c);
  const legacy = legacyQuarantine(deps);
  const before = attachmentsOf(c);
  const why = unsupportedMode(c);
  if (why)
    return failed(why, { action: 'isolate', container: ref, before, offer: ['pause', 'stop'] });

  // An earlier version's quarantine network is left too, but it is not part of the plan.
  const seen = before.filter((a) => a.network !== legacy);
  const path = recordPath(deps, ref.id);
  await deps.files.mkdirPrivate(join(deps.home, 'quarantine'));
  // Written down before anything changes: unisolate needs it even if we crash halfway.
  const record = await writeRecord(deps, ctx, c, seen, path);
  const left: string[] = [];
  const task = swarmTaskOf(c);
  const refused: { network: string; why: string }[] = [];
  const base = {
    action: 'isolate',
    container: ref,
    record: path,
    method: 'no-network',
    ...(task ? { swarmTask: task } : {}),
  };
  for (const a of before) {
    if (ctx.signal.aborted) {
      const still = before.filter((b) => !left.includes(b.network)).map((b) => b.network);
      return {
        ok: false,
        cancelled: true,
        summary: `cancelled by the operator: ${ref.name} left ${left.join(', ') || 'no network'} but is still on ${still.join(', ')}: isolate again to finish, or unisolate to undo`,
        data: { ...base, before: record.before, left, stillAttached: still },
      };
    }
    ctx.onOutput(`disconnecting from ${a.network}`);
    try {
      await docker.disconnectNetwork(a.network, ref.id, true);
    } catch (err) {
      // A task's swarm-managed network may be refused; the others are still cut, and it is said.
      const refusal =
        err instanceof DockerError && !['daemon-unreachable', 'permission'].includes(err.kind);
      if (!task || !refusal || isCancellation(err, ctx.signal)) throw err;
      const net = await docker.inspectNetwork(a.network).catch(() => undefined);
      refused.push({ network: a.network, why: refusalAdvice(task, a.network, net, err) });
      ctx.onOutput(`! ${refused[refused.length - 1]!.why}`);
      continue;
    }
    left.push(a.network);
  }
  if (record.paused && !c.State?.Paused && c.State?.Running) {
    ctx.onOutput('pausing');
    await docker.pauseContainer(ref.id);
  }
  const check = await verifyIsolation(
    docker,
    ref.id,
    before.map((a) => a.network),
  );
  const data = {
    ...base,
    before: record.before,
    ports: record.ports ?? [],
    after: check.networks,
    verification: check,
    paused: (await docker.inspectDetailed(ref.id)).State?.Paused === true,
    ...(refused.length ? { refused } : {}),
    ...(task ? { warnings: taskCaveats(task) } : {}),
  };
  if (refused.length)
    return failed(
      `${ref.name} is NOT isolated: ${refused.map((r) => r.why).join('; ')}${left.length ? `; it did leave ${left.join(', ')}` : ''}`,
      data,
    );
  if (!check.sealed)
    return failed(
      `${ref.name} is NOT sealed off: ${[
        ...check.networks.map((n) => `still on ${n}`),
        ...check.publishedPorts.map((p) => `port ${p} still bound`),
        ...(check.gatewayBridge && check.gatewayBridge.stillListed !== false
          ? [`still on ${check.gatewayBridge.network} (its way out to the host)`]
          : []),
      ].join(', ')}`,
      data,
    );
  ctx.onOutput(
    `verified: no network, no published port; ${check.running ? 'still running' : 'not running'}`,
  );
  return ok(
    `${ref.name} isolated: cut off from ${record.before.map((a) => a.network).join(', ') || 'no networks'}; no network left but loopback${check.gatewayBridge ? ` (nor ${check.gatewayBridge.network})` : ''}, no port bound${data.paused ? ', paused' : ''}${check.running ? '; still running for forensics' : ''}${task ? `; task ${task.taskName} of swarm service ${task.service}: the swarm still routes its share of traffic here and replaces the task if this container stops` : ''}`,
    data,
  );
}

/** Reads back what the engine says: no network, no bound port, no former network listing it. */
export async function verifyIsolation(
  docker: DockerPort,
  id: string,
  former: string[],
): Promise<IsolationCheck> {
  const after = await docker.inspectDetailed(id);
  const networks = Object.keys(after.NetworkSettings?.Networks ?? {});
  const ports = publishedPorts(after);
  const formerNetworks: IsolationCheck['formerNetworks'] = [];
  const drivers: (string | undefined)[] = [];
  for (const n of former) {
    const { check, driver } = await listedOn(docker, n, after.Id);
    drivers.push(driver);
    formerNetworks.push(check);
  }
  const gatewayBridge = needsGatewayCheck(after, drivers)
    ? (await listedOn(docker, GATEWAY_BRIDGE, after.Id)).check
    : undefined;
  return {
    networks,
    publishedPorts: ports,
    formerNetworks,
    ...(gatewayBridge ? { gatewayBridge } : {}),
    running: after.State?.Running === true,
    sealed:
      networks.length === 0 &&
      ports.length === 0 &&
      formerNetworks.every((f) => f.stillListed === false) &&
      (gatewayBridge?.stillListed ?? false) === false,
  };
}

/**
 * Whether a network's endpoint list holds the container (a network that is gone does not), and
 * the network's driver when it answered.
 */
async function listedOn(
  docker: DockerPort,
  network: string,
  id: string,
): Promise<{ check: IsolationCheck['formerNetworks'][number]; driver?: string }> {
  try {
    const net = await docker.inspectNetwork(network);
    const stillListed = Object.keys(net.Containers ?? {}).includes(id);
    return { check: { network, stillListed }, driver: net.Driver };
  } catch (err) {
    const gone = err instanceof DockerError && err.kind === 'not-found';
    return { check: { network, stillListed: gone ? false : 'unknown' } };
  }
}
