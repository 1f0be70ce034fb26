/**
 * The UI's read-only views of the live engine, built over the core's ports: the host audit (the
 * same pipeline as `warden audit`) and the container list for the picker. No I/O of its own:
 * run.ts hands in the engine port; tests use fakes.
 */
import { auditReport } from '../audit/run.js';
import { fleetAudit, type FleetEngine } from '../audit/fleet-run.js';
import type { AuditReport } from '../audit/types.js';
import type { BackupHistory } from '../checks/rules-backups.js';
import type { ContainerSummary, DockerReadPort } from '../engine/docker-read-port.js';

export interface LiveAuditOptions {
  now: () => Date;
  endpoint?: string;
  version?: string;
  signal?: AbortSignal;
  /** The backups scope: what this WARDEN_HOME's sessions recorded. */
  backups?: () => Promise<BackupHistory>;
}

/** Every container on the engine, every check, read-only. Throws DockerError when unreachable. */
export async function liveAudit(
  docker: DockerReadPort,
  opts: LiveAuditOptions,
): Promise<AuditReport> {
  const { report } = await auditReport({
    docker,
    ...(opts.signal ? { signal: opts.signal } : {}),
    tool: { name: 'warden', version: opts.version ?? '0.0.0' },
    now: opts.now(),
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.backups ? { backups: { history: opts.backups, now: opts.now() } } : {}),
  });
  return report;
}

/** Several engines side by side (fleet-run.ts): one report, a part per engine. */
export async function liveFleetAudit(
  engines: readonly FleetEngine[],
  opts: LiveAuditOptions,
): Promise<AuditReport> {
  const { report } = await fleetAudit(engines, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    tool: { name: 'warden', version: opts.version ?? '0.0.0' },
    now: opts.now(),
    ...(opts.backups ? { backups: { history: opts.backups, now: opts.now() } } : {}),
  });
  return report;
}

/** One row of the container picker. */
export interface ContainerRow {
  id: string;
  name: string;
  image: string;
  /** running, exited, paused, created… */
  state: string;
  networks: string[];
  /** Published ports, e.g. `0.0.0.0:8080->80/tcp`. */
  ports: string[];
}

export function containerRows(rows: readonly ContainerSummary[]): ContainerRow[] {
  return rows
    .map((r) => {
      const ports = [
        ...new Set(
          (r.Ports ?? [])
            .filter((p) => p.PublicPort)
            .map(
              (p) => `${p.IP ?? '0.0.0.0'}:${p.PublicPort}->${p.PrivatePort}/${p.Type ?? 'tcp'}`,
            ),
        ),
      ];
      return {
        id: r.Id,
        name: (r.Names?.[0] ?? r.Id.slice(0, 12)).replace(/^\//, ''),
        image: r.Image ?? '',
        state: r.State ?? 'unknown',
        networks: Object.keys(r.NetworkSettings?.Networks ?? {}),
        ports,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Rows whose name or image contains `filter` (case-insensitive). */
export function filterRows(rows: readonly ContainerRow[], filter: string): ContainerRow[] {
  const f = filter.trim().toLowerCase();
  if (!f) return [...rows];
  return rows.filter((r) => r.name.toLowerCase().includes(f) || r.image.toLowerCase().includes(f));
}
