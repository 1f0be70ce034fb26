/**
 * The way back from isolation: which networks to (re)connect, with which aliases, links and
 * addresses, from the isolation record. For the original container it is its own plan, exactly;
 * for a replacement (the original was removed) it is the original's plan, with static addresses
 * only where no other container holds them now. Read-only: unisolate carries the steps out.
 */
import { DockerError } from '../errors.js';
import type { ControlInspect } from '../engine/docker-control-port.js';
import type { DockerPort } from '../engine/ports.js';
import { attachmentsOf, type IsolationRecord } from './isolation-record.js';

export type ReconnectStep =
  | {
      kind: 'connect' | 'reattach';
      network: string;
      aliases: string[];
      links: string[];
      ipv4Address?: string;
      ipv6Address?: string;
    }
  | { kind: 'leave'; network: string; why: string };

/** Addresses held on `network` by containers other than `self`, without their prefix length. */
async function takenAddresses(docker: DockerPort, network: string, self: string) {
  const net = await docker.inspectNetwork(network);
  const taken = new Map<string, string>();
  for (const [id, ep] of Object.entries(net.Containers ?? {})) {
    if (id === self) continue;
    const ip = ep.IPv4Address?.split('/')[0];
    if (ip) taken.set(ip, ep.Name ?? id.slice(0, 12));
  }
  return taken;
}

export interface ReconnectPlan {
  steps: ReconnectStep[];
  /** What cannot be restored as recorded (an address taken, a network gone). */
  warnings: string[];
}

export async function reconnectPlan(
  docker: DockerPort,
  c: ControlInspect,
  rec: IsolationRecord,
  legacyQuarantine: string,
): Promise<ReconnectPlan> {
  const replacing = c.Id !== rec.container.id;
  const now = attachmentsOf(c);
  const steps: ReconnectStep[] = [];
  const warnings: string[] = [];
  for (const b of rec.before) {
    let taken: Map<string, string>;
    try {
      taken = await takenAddresses(docker, b.network, c.Id);
    } catch (err) {
      if (!(err instanceof DockerError && err.kind === 'not-found')) throw err;
      warnings.push(
        `network ${b.network} no longer exists: recreate it (docker network create ${b.network}), then run unisolate again`,
      );
      continue;
    }
    const holder = b.ipv4Address ? taken.get(b.ipv4Address) : undefined;
    const ipv4 = replacing && holder ? undefined : b.ipv4Address;
    if (holder)
      warnings.push(
        `${b.ipv4Address} on ${b.network} is held by ${holder}: ${c.Name?.replace(/^\//, '')} gets a dynamic address there`,
      );
    const want = {
      network: b.network,
      aliases: b.aliases,
      links: b.links,
      ...(ipv4 ? { ipv4Address: ipv4 } : {}),
      ...(b.ipv6Address && !replacing ? { ipv6Address: b.ipv6Address } : {}),
    };
    const cur = now.find((n) => n.network === b.network);
    if (!cur) steps.push({ kind: 'connect', ...want });
    else if (
      !b.aliases.every((a) => cur.aliases.includes(a)) ||
      (ipv4 !== undefined && cur.ipv4Address !== ipv4)
    )
      steps.push({ kind: 'reattach', ...want });
  }
  for (const q of new Set([rec.quarantine, legacyQuarantine].filter((x): x is string => !!x)))
    if (now.some((n) => n.network === q))
      steps.push({
        kind: 'leave',
        network: q,
        why: 'the quarantine network of an earlier version',
      });
  return { steps, warnings };
}
