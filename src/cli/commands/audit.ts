/** `warden audit`: hardening audit of the live engine and/or compose files. Headless. */
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CommandContext } from '../context.js';
import { containerListArg } from '../args.js';
import { wardenVersion } from '../version.js';
import type { DockerReadPort } from '../../engine/docker-read-port.js';
import { DockerError, ExternalError, UserError, errorMessage } from '../../errors.js';
import { SEVERITIES, type Severity } from '../../runbook/types.js';
import { auditReport } from '../../audit/run.js';
import { fleetAudit } from '../../audit/fleet-run.js';
import { exitCodeFor } from '../../audit/report.js';
import { formatJson } from '../../audit/format-json.js';
import { formatSarif, type SarifOptions } from '../../audit/format-sarif.js';
import { formatJunit } from '../../audit/format-junit.js';
import { formatTable } from '../../audit/format-table.js';
import type { AuditReport } from '../../audit/types.js';
import type { BackupHistory } from '../../checks/rules-backups.js';
import { readBackupHistory } from '../backup-history.js';

export const AUDIT_FORMATS = ['table', 'json', 'sarif', 'junit'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export interface AuditOptions {
  compose?: string[];
  container?: string[];
  format?: string;
  failOn?: string;
  ignoreFile?: string;
  output?: string;
  /** SARIF: the directory compose URIs are relative to (default: the git work tree, else cwd). */
  sourceRoot?: string;
  /** `containers,compose,networks,backups,daemon,host,swarm,images` (comma-separated; repeatable). */
  scope?: string[];
  imageMaxAgeDays?: string;
  rpoHours?: string;
  /** `auto` (this machine's /proc when the engine is local, else `top`) or `top`. */
  processSource?: string;
}

export interface Writable {
  write(text: string): unknown;
}

export interface AuditDeps {
  /** The engine; undefined means "no engine configured". A factory is called once, lazily. */
  docker?: DockerReadPort | (() => DockerReadPort | Promise<DockerReadPort>);
  /** Engine address for messages (e.g. `unix:///var/run/docker.sock`). */
  endpoint?: string;
  readFile: (path: string) => Promise<string>;
  writeFile?: (path: string, text: string) => Promise<void>;
  /** The backups scope: what this WARDEN_HOME's sessions recorded (read lazily). */
  backupHistory?: () => Promise<BackupHistory>;
  /** A fleet audit: the engines of these Docker contexts, audited side by side. */
  fleet?: {
    contexts: string[];
    dockerFor(context: string): { port: DockerReadPort; endpoint: string };
  };
  stdout: Writable;
  stderr: Writable;
  now: () => Date;
  env?: Readonly<Record<string, string | undefined>>;
  version?: string;
  /** The current directory, and the repository root SARIF URIs are made relative to. */
  cwd?: string;
  sourceRoot?: string;
}

const render: Record<AuditFormat, (r: AuditReport, o: SarifOptions) => string> = {
  table: formatTable,
  json: formatJson,
  sarif: formatSarif,
  junit: formatJunit,
};

/**
 * Every engine of the fleet at once: one that does not answer is reported as not reached (on
 * stderr too) and the others go on. The reports are merged, each target tagged with its context.
 */
async function fleetReport(
  fleet: NonNullable<AuditDeps['fleet']>,
  input: Omit<Parameters<typeof auditReport>[0], 'docker' | 'endpoint'>,
  deps: AuditDeps,
): Promise<AuditReport> {
  // A context that does not exist (a typo) is bad input: said before anything is audited.
  const engines = fleet.contexts.map((context) => ({ context, ...fleet.dockerFor(context) }));
  const { report, parts } = await fleetAudit(engines, input);
  for (const p of parts)
    if (!p.report) deps.stderr.write(`warden: context ${p.context} not reached: ${p.message}\n`);
  return report;
}

/** `--all-contexts`, or a `--context` naming several (`a,b`): the fleet to audit, if any. */
function fleetOf(
  app: ReturnType<CommandContext['app']>,
  opts: { allContexts?: boolean },
  cmd: Command,
): Pick<AuditDeps, 'fleet'> {
  const named = String((cmd.parent?.opts() as { context?: string } | undefined)?.context ?? '');
  const contexts = opts.allContexts
    ? app.contextNames()
    : named.includes(',')
      ? [
          ...new Set(
            named
              .split(',')
              .map((c) => c.trim())
              .filter(Boolean),
          ),
        ]
      : [];
  if (opts.allContexts && named)
    throw new UserError('--all-contexts and --context both name engines: give one of them');
  if (opts.allContexts && contexts.length === 0)
    throw new UserError(
      "--all-contexts: the docker CLI's store has no context",
      '`docker context create NAME --docker host=…` adds one',
    );
  return contexts.length ? { fleet: { contexts, dockerFor: (c) => app.dockerFor(c) } } : {};
}

/** Runs the audit and returns the exit code: 0 clean, 1 findings at/above fail-on, 2 error. */
export async function runAudit(options: AuditOptions, deps: AuditDeps): Promise<number> {
  try {
    const format = (options.format ?? 'table') as AuditFormat;
    if (!AUDIT_FORMATS.includes(format))
      throw new UserError(`unknown format ${options.format}; use ${AUDIT_FORMATS.join(', ')}`);
    const failOn = (options.failOn ?? 'high') as Severity;
    if (!SEVERITIES.includes(failOn) || failOn === 'info')
      throw new UserError(`unknown --fail-on ${options.failOn}; use critical, high, medium or low`);

    let ignores;
    if (options.ignoreFile) {
      let text: string;
      try {
        text = await deps.readFile(options.ignoreFile);
      } catch (err) {
        throw new UserError(`cannot read ignore file ${options.ignoreFile}: ${errorMessage(err)}`);
      }
      // Loaded only when asked for: it brings the schema library.
      const { parseIgnoreFile } = await import('../../audit/ignore-file.js');
      ignores = parseIgnoreFile(text, options.ignoreFile);
    }

    const scopes = options.scope?.length
      ? options.scope
          .flatMap((s) => s.split(','))
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
    const maxAge =
      options.imageMaxAgeDays === undefined ? undefined : Number(options.imageMaxAgeDays);
    if (maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge >= 0))
      throw new UserError(
        `--image-max-age-days takes a whole number of days, not ${options.imageMaxAgeDays}`,
      );
    const rpo = options.rpoHours === undefined ? undefined : Number(options.rpoHours);
    if (rpo !== undefined && !(Number.isFinite(rpo) && rpo > 0))
      throw new UserError(`--rpo-hours takes a positive number of hours, not ${options.rpoHours}`);
    const input = {
      composeFiles: options.compose ?? [],
      containers: options.container ?? [],
      readFile: deps.readFile,
      ...(deps.env ? { env: deps.env } : {}),
      ...(scopes ? { scopes } : {}),
      ...(options.processSource === 'top' ? { processSource: 'top' as const } : {}),
      images: { now: deps.now(), ...(maxAge !== undefined ? { maxAgeDays: maxAge } : {}) },
      swarm: { now: deps.now() },
      ...(deps.backupHistory
        ? {
            backups: {
              history: deps.backupHistory,
              now: deps.now(),
              ...(rpo !== undefined ? { rpoHours: rpo } : {}),
            },
          }
        : {}),
      tool: { name: 'warden', version: deps.version ?? '0.0.0' },
      now: deps.now(),
      ...(ignores ? { ignores } : {}),
    };
    let docker: DockerReadPort | undefined;
    let report: AuditReport;
    let unset: { file: string; names: string[] }[] = [];
    if (deps.fleet) {
      if ((options.compose?.length ?? 0) > 0)
        throw new UserError(
          'a fleet audit reads engines, not compose files: audit a compose file with one engine',
        );
      report = await fleetReport(deps.fleet, input, deps);
    } else {
      docker = typeof deps.docker === 'function' ? await deps.docker() : deps.docker;
      ({ report, unset } = await auditReport({
        ...input,
        ...(docker ? { docker } : {}),
        ...(deps.endpoint ? { endpoint: deps.endpoint } : {}),
      }));
    }
    const sourceRoot = options.sourceRoot ?? deps.sourceRoot;
    // No text rewriting here: the report holds no secret value (see audit/run.ts).
    const text = render[format](report, {
      ...(sourceRoot ? { sourceRoot } : {}),
      ...(deps.cwd ? { cwd: deps.cwd } : {}),
    });
    if (options.output) {
      if (!deps.writeFile) throw new UserError('writing --output is not available here');
      try {
        await deps.writeFile(options.output, text);
      } catch (err) {
        throw new UserError(`cannot write ${options.output}: ${errorMessage(err)}`);
      }
    } else deps.stdout.write(text);
    for (const e of report.expiredIgnores)
      deps.stderr.write(
        `warden: ignore entry for ${e.check} on ${e.target} expired on ${e.expires ?? '?'}\n`,
      );
    for (const u of unset)
      deps.stderr.write(
        `warden: ${u.file} requires variables that are not set: ${u.names.join(', ')} (audited as given at deploy time)\n`,
      );
    if (!report.engine.reached && (options.compose?.length ?? 0) > 0 && docker)
      deps.stderr.write(`warden: engine not reached; audited the compose file(s) only\n`);
    // A fleet none of whose engines answered audited nothing: an environment error, not a pass.
    // One that did not answer among others is reported (stderr, `engines`), not an error.
    if (deps.fleet && !(report.engines ?? []).some((e) => e.reached)) return 2;
    return exitCodeFor(report, failOn);
  } catch (err) {
    if (err instanceof UserError || err instanceof ExternalError || err instanceof DockerError) {
      deps.stderr.write(`warden: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The nearest directory at or above `dir` holding `.git` (a work tree), if any. */
export function gitWorkTree(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

export function registerAuditCommand(program: Command, ctx: CommandContext): void {
  program
    .command('audit')
    .description('audit the live Docker engine and/or compose files for hardening issues')
    .option('--compose <file>', 'compose file to audit (repeatable)', collect, [])
    .option('--container <name>', 'only this container (repeatable)', containerListArg, [])
    .addOption(
      new Option('--format <format>', 'output format').choices([...AUDIT_FORMATS]).default('table'),
    )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding at or above this remains')
        .choices(['critical', 'high', 'medium', 'low'])
        .default('high'),
    )
    .option(
      '--scope <scopes>',
      'what to audit: containers,compose,networks,backups,daemon,host,swarm,images (default: all but images; swarm on a swarm manager)',
      collect,
      [],
    )
    .option('--image-max-age-days <days>', 'images scope: older images fail image-old (365)')
    .option('--rpo-hours <hours>', 'backups scope: the newest backup must be this recent (24)')
    .option(
      '--all-contexts',
      "every Docker context of the docker CLI's store, side by side (a fleet audit; --context a,b for some)",
    )
    .addOption(
      new Option(
        '--process-source <source>',
        "processes of running containers: auto (this machine's /proc for a local engine, else the engine's top) or top",
      )
        .choices(['auto', 'top'])
        .default('auto'),
    )
    .option('--ignore-file <file>', 'YAML file of suppressions')
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option(
      '--source-root <dir>',
      'SARIF: make compose URIs relative to this directory (default: the git work tree)',
    )
    .action((opts: AuditOptions & { allContexts?: boolean }, cmd: Command) =>
      ctx.handle(async () => {
        const app = ctx.app();
        return runAudit(opts, {
          docker: () => app.docker(),
          endpoint: app.dockerEndpoint,
          readFile: (p) => app.readText(p),
          writeFile: (p, t) => app.writeText(p, t),
          backupHistory: () => readBackupHistory(app.store),
          ...fleetOf(app, opts, cmd),
          stdout: { write: (t: string) => ctx.io.out(t) },
          stderr: { write: (t: string) => ctx.io.err(t) },
          now: () => app.clock.now(),
          env: process.env,
          version: wardenVersion(),
          cwd: process.cwd(),
          sourceRoot: gitWorkTree(process.cwd()) ?? process.cwd(),
        });
      }),
    );
}
