/**
 * The audit pipeline shared by `warden audit` and the TUI's "Audit this host": read the models
 * (engine and/or compose), evaluate every check, build the report, and collect the secret values
 * seen so every rendering can be masked with them as a last net. Pure: ports are handed in.
 */
import { runAuditCore, type AuditInput } from '../checks/audit-core.js';
import { targetOf } from '../checks/catalog.js';
import { isDemoCredential, isSecretName, maskSecrets } from '../checks/mask.js';
import type { ContainerModel } from '../checks/model.js';
import { buildReport, targetKey, type BuildReportInput } from './report.js';
import type { AuditReport } from './types.js';

export interface AuditRunInput extends AuditInput {
  tool: { name: string; version: string };
  now: Date;
  endpoint?: string;
  ignores?: BuildReportInput['ignores'];
}

/** Values of credential-like variables (4+ characters, not a known demo value) in any model. */
export function secretValues(models: readonly ContainerModel[]): string[] {
  const out: string[] = [];
  for (const m of models)
    for (const v of m.env ?? [])
      if (v.value && v.value.length >= 4 && isSecretName(v.name) && !isDemoCredential(v.value))
        out.push(v.value);
  return out;
}

export async function auditReport(
  input: AuditRunInput,
): Promise<{ report: AuditReport; secrets: string[] }> {
  const { tool, now, endpoint, ignores, ...core } = input;
  const run = await runAuditCore(core);
  const states: Record<string, string | undefined> = {};
  for (const m of run.live) states[targetKey(targetOf(m))] = m.state;
  const report = buildReport({
    tool,
    now,
    engine: { ...run.engine, ...(endpoint ? { endpoint } : {}) },
    evaluations: run.evaluations,
    states,
    ...(ignores ? { ignores } : {}),
  });
  const secrets = secretValues([...run.live, ...run.composes.flatMap((c) => c.services)]);
  // The checks mask what they report; this is the last net every caller gets.
  const mask = (t: string) => (secrets.length ? maskSecrets(t, secrets) : t);
  return {
    report: {
      ...report,
      findings: report.findings.map((f) => ({ ...f, evidence: mask(f.evidence) })),
      suppressed: report.suppressed.map((f) => ({ ...f, evidence: mask(f.evidence) })),
    },
    secrets,
  };
}
