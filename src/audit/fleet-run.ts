/**
 * A fleet audit: several engines audited side by side (at most FLEET_PARALLEL at once), merged
 * into one report (fleet.ts). An engine that does not answer, or stops answering mid-run, is a
 * part without a report (with why), never an error; the others go on. Shared by `warden audit
 * --context a,b` and the TUI's Audit. Ports are handed in.
 */
import { isUnreachable } from '../checks/audit-core.js';
import { mapLimit } from '../checks/collect.js';
import type { DockerReadPort } from '../engine/docker-read-port.js';
import { UserError, errorMessage } from '../errors.js';
import { mergeFleet, type FleetPart } from './fleet.js';
import { auditReport, type AuditRunInput } from './run.js';
import type { AuditReport } from './types.js';

/** Engines of a fleet audited at once: each engine's audit is itself a few dozen calls at once. */
export const FLEET_PARALLEL = 8;

export interface FleetEngine {
  context: string;
  endpoint: string;
  port: DockerReadPort;
}

export async function fleetAudit(
  engines: readonly FleetEngine[],
  input: Omit<AuditRunInput, 'docker' | 'endpoint'>,
): Promise<{ report: AuditReport; parts: FleetPart[] }> {
  const parts = await mapLimit(engines, FLEET_PARALLEL, async (e): Promise<FleetPart> => {
    try {
      const { report } = await auditReport({ ...input, docker: e.port, endpoint: e.endpoint });
      return { context: e.context, endpoint: e.endpoint, report };
    } catch (err) {
      if (!isUnreachable(err) && !(err instanceof UserError)) throw err;
      return { context: e.context, endpoint: e.endpoint, message: errorMessage(err) };
    }
  });
  return {
    report: mergeFleet(parts, { tool: input.tool, scannedAt: input.now.toISOString() }),
    parts,
  };
}
