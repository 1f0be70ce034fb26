/** What checks produce, and how one verdict becomes an evaluation. Pure. */
import type { Severity } from '../runbook/types.js';
import type { ContainerModel, EngineFacts } from './model.js';

export type CheckVerdict = 'pass' | 'fail' | 'not-applicable';

export interface CheckContext {
  /** Engine facts; `undefined` when no engine was reached (compose-only audit). */
  facts?: EngineFacts;
}

/** What one check says about one target. */
export interface CheckVerdictDetail {
  verdict: CheckVerdict;
  /** Overrides the check's default severity (e.g. a read-only sensitive mount is medium). */
  severity?: Severity;
  /** The setting as found, secrets masked. */
  evidence?: string;
  /** Compose: the line of the offending setting. */
  line?: number;
  /** Compose: the file holding that line, when it is not the audited file (extends, env_file). */
  file?: string;
  /** A fix specific to what was found (the product's own variable), replacing the default's. */
  remediation?: Partial<Remediation>;
  /** Why the check does not apply, for not-applicable verdicts. */
  reason?: string;
}

export interface Remediation {
  /** A compose snippet (YAML, service level). */
  compose: string;
  /** `docker run` flags. */
  run: string;
  /** True when `docker update` can fix it on a running container; otherwise it needs a recreate. */
  live: boolean;
  /** Images: the Dockerfile change that fixes it. */
  dockerfile?: string;
  /** The daemon: the daemon.json key that fixes it (`run` then holds the dockerd flag). */
  daemon?: string;
  /**
   * The host: the command run on the engine's machine that fixes it (a chown, an audit rule);
   * neither compose, `docker run` nor daemon.json can. `run` then repeats it.
   */
  host?: string;
  /** A Warden command that fixes it (take a backup, test a restore). `run` then repeats it. */
  warden?: string;
  /**
   * A swarm: the command run against a manager that fixes it (`docker service update …`,
   * `docker swarm update …`, `docker network create --opt encrypted …`). `run` then repeats it.
   */
  swarm?: string;
}

export interface CheckDefinition {
  id: string;
  title: string;
  severity: Severity;
  /** CIS Docker Benchmark v1.6 section, when one matches. */
  cis?: string;
  remediation: Remediation;
  evaluate(model: ContainerModel, ctx: CheckContext): CheckVerdictDetail;
}

/**
 * A check over a whole stack (a compose file's services, or the engine's containers): one verdict
 * per model, in the order given. Used for what no single container shows: a secret shared by two
 * services, a host directory written by two.
 */
export interface StackCheckDefinition {
  id: string;
  title: string;
  severity: Severity;
  cis?: string;
  remediation: Remediation;
  evaluate(models: readonly ContainerModel[], ctx: CheckContext): CheckVerdictDetail[];
}

export interface FindingTarget {
  /**
   * `engine`: the daemon itself (its configuration, CIS section 2) and its machine; `user`: an
   * account of that machine (a member of the socket's group); `network`: an engine's network, or
   * a compose file's (with `file`); `swarm`: the swarm an engine manages (CIS section 7), `node`
   * one of its nodes, `service` one of its services.
   */
  kind:
    | 'container'
    | 'compose'
    | 'image'
    | 'engine'
    | 'user'
    | 'network'
    | 'swarm'
    | 'node'
    | 'service';
  name: string;
  /** A fleet audit: the Docker context the target was audited through. */
  context?: string;
  id?: string;
  /** Compose: the audited file (the one named on the command line). */
  file?: string;
  service?: string;
  /**
   * Compose: the line in the audited file: the setting's, or the service's when the setting is
   * written in another file (see `location`).
   */
  line?: number;
}

/** Where a compose setting is written: the audited file or the one it extends or reads. */
export interface SourceLocation {
  file: string;
  line: number;
}

/** One check evaluated against one target. Findings are the `fail` ones. */
export interface Evaluation {
  check: string;
  verdict: CheckVerdict;
  severity: Severity;
  title: string;
  target: FindingTarget;
  evidence?: string;
  reason?: string;
  remediation: Remediation;
  refs: { cis?: string; dockle?: string };
  /** Compose: the file and line holding the offending setting. */
  location?: SourceLocation;
}

/** What every check definition carries, whatever it judges. */
export interface CheckMeta {
  id: string;
  title: string;
  severity: Severity;
  cis?: string;
  dockle?: string;
  remediation: Remediation;
}

/**
 * One check's verdict on one target as an evaluation: the verdict's severity, evidence, reason
 * and fix refine the check's own.
 */
export function evaluationOf(
  c: CheckMeta,
  target: FindingTarget,
  d: CheckVerdictDetail,
): Evaluation {
  return {
    check: c.id,
    verdict: d.verdict,
    severity: d.severity ?? c.severity,
    title: c.title,
    target,
    ...(d.evidence !== undefined ? { evidence: d.evidence } : {}),
    ...(d.reason !== undefined ? { reason: d.reason } : {}),
    remediation: d.remediation ? { ...c.remediation, ...d.remediation } : c.remediation,
    refs: { ...(c.cis ? { cis: c.cis } : {}), ...(c.dockle ? { dockle: c.dockle } : {}) },
  };
}
