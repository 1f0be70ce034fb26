/** Shared bits of the incident actions: deps, params, names, masking, outcomes. */
import { UserError } from '../errors.js';
import type { ActionOutcome, StepContext } from '../engine/executors.js';
import type { Clock, DockerPort, ShellPort } from '../engine/ports.js';
import type { ControlInspect } from '../engine/docker-control-port.js';
import { redact } from '../engine/redact.js';
import { maskSecrets } from '../checks/mask.js';
import { credentialValues, knownSecrets } from './evidence-mask.js';
import type { EvidenceFiles } from './files-port.js';
import type { BackupSources } from './backup-sources.js';

export interface ActionDeps {
  docker: () => DockerPort;
  /** `$WARDEN_HOME/sessions/<id>`. */
  sessionDir(sessionId: string): string;
  clock: Clock;
  files: EvidenceFiles;
  /** How restore reads a backup: real paths, regular files only, each archive copied once. */
  sources: BackupSources;
  /** `$WARDEN_HOME`: isolation records live in `quarantine/` there, across sessions. */
  home: string;
  /** For `scan-image` (trivy); without it the step gives guidance only. */
  shell?: ShellPort;
  /**
   * Name of the internal quarantine network that earlier versions moved isolated containers to.
   * Isolation no longer uses one (an isolated container has no network at all); it is still left
   * and removed when an old isolation is undone.
   */
  quarantineNetwork?: string;
  /**
   * What the journal of the session that took a backup recorded for it (by manifest path), so a
   * restore can tell an altered manifest from the one that was journaled. Undefined when the
   * backup does not live in a session of this WARDEN_HOME.
   */
  backupRecord?(manifestPath: string): Promise<JournaledBackup | undefined>;
}

export interface JournaledBackup {
  sessionId: string;
  /** The manifest's SHA-256 as journaled, or undefined when that journal has no such backup. */
  manifestSha256?: string;
  seq?: number;
  /** Whether that journal's hash chain verifies. */
  chainOk: boolean;
}

/** The shared quarantine network of earlier versions (see `ActionDeps.quarantineNetwork`). */
export const QUARANTINE_NETWORK = 'warden-quarantine';
export const QUARANTINE_LABEL = 'io.warden.quarantine';

export function param(ctx: StepContext, key: string): string {
  const v = ctx.params[key]?.trim();
  if (!v) throw new UserError(`action needs the "${key}" parameter`);
  return v;
}

export function optParam(ctx: StepContext, key: string): string | undefined {
  const v = ctx.params[key]?.trim();
  return v ? v : undefined;
}

export function flag(ctx: StepContext, key: string): boolean {
  const v = ctx.params[key]?.trim().toLowerCase();
  return v === 'true' || v === 'yes' || v === '1';
}

/** Thrown when the target's name now belongs to another container than the session worked on. */
export class TargetChangedError extends UserError {
  constructor(
    readonly expected: string,
    readonly found: ContainerRef,
  ) {
    super(
      `${found.name} is container ${found.id.slice(0, 12)}, not ${expected.slice(0, 12)} that this session worked on`,
      'pick it as the replacement of the original first (the session records it), or name the container explicitly',
    );
  }
}

/**
 * Inspects the action's target (`container` param). When the session knows which container the
 * name stood for (`expectId`), a different one is refused: an action must never land on a
 * re-created container by accident.
 */
export async function inspectTarget(docker: DockerPort, ctx: StepContext): Promise<ControlInspect> {
  const c = await docker.inspectDetailed(param(ctx, 'container'));
  const expect = optParam(ctx, 'expectId');
  if (expect && c.Id !== expect) throw new TargetChangedError(expect, refOf(c));
  return c;
}

export function nameOf(c: ControlInspect): string {
  return (c.Name ?? '').replace(/^\//, '') || c.Id.slice(0, 12);
}

export interface ContainerRef {
  id: string;
  name: string;
  image?: string;
}

export function refOf(c: ControlInspect): ContainerRef {
  return { id: c.Id, name: nameOf(c), image: c.Config?.Image ?? c.Image };
}

/** `20261123T080000.123Z`: sortable, filename-safe UTC time. */
export function stampOf(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '');
}

export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[._]+/, '') || 'x';
}

/** Secret values a container could leak into text we record: env values and its credentials. */
export function secretsOf(c: ControlInspect | undefined): string[] {
  return knownSecrets(c);
}

/**
 * Values of the container's credentials (credential-named variables and labels, credential
 * arguments of its command line), 4+ characters, for masking its logs byte for byte.
 */
export function secretEnvBuffers(c: ControlInspect | undefined): Buffer[] {
  const values = new Set<string>();
  for (const v of credentialValues(c)) {
    if (v.length >= 4) values.add(v);
    // A multi-line value (a PEM key) reaches the log a line at a time, each with a timestamp.
    if (v.includes('\n'))
      for (const line of v.split(/\r?\n/)) if (line.trim().length >= 8) values.add(line.trim());
  }
  return [...values].map((v) => Buffer.from(v, 'utf8'));
}

/** Masks free text for the journal: known env values, then credential patterns. */
export function maskText(text: string, secrets: readonly string[]): string {
  return redact(maskSecrets(text, secrets));
}

export function ok(summary: string, data: Record<string, unknown>): ActionOutcome {
  return { ok: true, summary, data };
}

export function failed(summary: string, data: Record<string, unknown>): ActionOutcome {
  return { ok: false, summary, data };
}

/** A dry run: the engine calls it would make and what loses connectivity. */
export function plan(
  action: string,
  container: ContainerRef | undefined,
  calls: string[],
  blastRadius: string,
  extra: Record<string, unknown> = {},
): ActionOutcome {
  return {
    ok: true,
    summary: `${action}: would make ${calls.length} engine call(s); nothing changed`,
    data: { action, container, calls, blastRadius, ...extra },
  };
}

export function status(c: ControlInspect): string {
  if (c.State?.Paused) return 'paused';
  return c.State?.Status ?? (c.State?.Running ? 'running' : 'unknown');
}
