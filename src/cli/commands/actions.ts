/**
 * The incident action verbs for scripting: warden snapshot|isolate|unisolate|pause|unpause|stop|
 * restart|kill|backup|restore|eradicate <target>. Each is recorded: in the session given with
 * --session, else in the one open incident session of that container or a new ad-hoc one (see
 * verb-session.ts). Exit 0 ok, 1 the action failed, 2 usage/engine errors, 130 cancelled (SIGINT
 * or SIGTERM: the action stops, what it had done is recorded).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UserError } from '../../errors.js';
import type { Progress } from '../../engine/executors.js';
import { formatBytes } from '../../actions/progress.js';
import type { AdHocResult, Session } from '../../engine/session.js';
import type { App } from '../compose.js';
import type { Io } from '../io.js';
import type { CommandContext } from '../context.js';
import { openVerbSession } from '../verb-session.js';
import {
  containerArg,
  incidentStartArg,
  readableFileArg,
  secondsArg,
  sessionRefArg,
  sinceArg,
} from '../args.js';
import { jsonText } from '../../engine/terminal-text.js';

export interface VerbOptions {
  session?: string;
  dryRun?: boolean;
  json?: boolean;
  yes?: boolean;
  reason?: string;
  snapshotFirst?: boolean;
}

const ENGINE_KINDS = new Set(['daemon-unreachable', 'not-found', 'permission', 'usage']);

/** Exit code of a cancelled verb (as a shell reports a command ended by SIGINT). */
export const EXIT_CANCELLED = 130;

function exitCodeOf(r: AdHocResult): number {
  if (r.outcome === 'ok') return 0;
  if (r.outcome === 'cancelled') return EXIT_CANCELLED;
  // A backup refused on verification is bad input: nothing was written.
  if (typeof r.data.refused === 'string') return 2;
  return ENGINE_KINDS.has(String(r.data.errorKind ?? '')) ? 2 : 1;
}

function printHuman(io: Io, app: App, sessionId: string, r: AdHocResult): void {
  const d = r.data;
  const line = `${r.outcome === 'ok' ? (d.dryRun ? 'dry run' : 'ok') : r.outcome.toUpperCase()}: ${r.summary}\n`;
  const v = d.verification as { sealed?: boolean; networks?: string[] } | undefined;
  if (r.outcome === 'ok') io.out(line);
  else io.err(`warden: ${line}`);
  if (d.dryRun && Array.isArray(d.calls)) {
    io.out('  engine calls:\n');
    for (const c of d.calls as string[]) io.out(`    ${c}\n`);
    io.out(`  blast radius: ${String(d.blastRadius ?? '')}\n`);
  }
  const dir = typeof d.dir === 'string' ? join(app.store.sessionDir(sessionId), d.dir) : undefined;
  if (dir) io.out(`  directory: ${dir}\n`);
  if (typeof d.manifestSha256 === 'string') io.out(`  manifest sha256: ${d.manifestSha256}\n`);
  if (v?.sealed) io.out('  verified: no network but loopback, no published port\n');
  if (Array.isArray(d.warnings))
    for (const w of d.warnings as string[]) io.err(`  warning: ${w}\n`);
  io.out(`  session: ${sessionId}\n`);
}

export async function runVerb(
  app: App,
  io: Io,
  action: string,
  params: Record<string, string>,
  opts: VerbOptions,
): Promise<number> {
  const runner = app.actions();
  const desc = runner?.actions.find((a) => a.id === action);
  if (!runner || !desc) throw new UserError(`action "${action}" is not available in this build`);
  const target = params.container ?? '';
  if (desc.destructive && !opts.dryRun && !opts.yes)
    throw new UserError(
      `${action} ${target} is destructive and needs --yes`,
      `preview it first: warden ${action} ${target} --dry-run`,
    );
  const session = await openVerbSession(app, io, action, target, opts);
  const ac = new AbortController();
  // The first SIGINT/SIGTERM cancels: the action stops within seconds and its result entry says
  // what was done. A second one exits at once (the journal then shows the action interrupted).
  // A repeat within a second is the same signal: conf's exit hook (when-exit) re-raises it.
  let signals = 0;
  let firstAt = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signals > 0 && Date.now() - firstAt < 1000) return;
    signals++;
    firstAt ||= Date.now();
    if (signals > 1) {
      io.err(`warden: ${sig} again: exiting now; the journal shows ${action} interrupted\n`);
      process.exit(EXIT_CANCELLED);
    }
    io.err(`warden: ${sig}: cancelling ${action}; recording what was done…\n`);
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const results: AdHocResult[] = [];
  const progress = progressPrinter(io, opts.json === true);
  try {
    const common = {
      signal: ac.signal,
      dryRun: opts.dryRun,
      confirmed: opts.yes,
      onOutput: opts.json ? undefined : (l: string) => io.err(`  ${l}\n`),
      onProgress: progress,
    };
    if (opts.snapshotFirst && !opts.dryRun) {
      const snap = await session.runAdHoc('snapshot', { container: target }, common);
      results.push(snap);
      if (snap.outcome !== 'ok' && !opts.reason) {
        return finish(io, app, session, results, opts);
      }
    }
    results.push(
      await session.runAdHoc(action, params, { ...common, overrideReason: opts.reason }),
    );
    return finish(io, app, session, results, opts);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await session.close();
  }
}

/** Progress on stderr, a line every few seconds (never with --json, whose stdout is data). */
function progressPrinter(io: Io, json: boolean): ((p: Progress) => void) | undefined {
  if (json) return undefined;
  let last = 0;
  let lastLabel = '';
  return (p) => {
    const now = Date.now();
    const done = p.seconds !== undefined;
    if (p.label === lastLabel && now - last < 2000 && !p.uncancellable && !done) return;
    last = now;
    lastLabel = p.label;
    if (p.bytes !== undefined) {
      const rate = p.rate ? `${formatBytes(p.rate)}/s` : undefined;
      // Running: `12 MiB at 40 MiB/s`; done: `258 MiB in 0.7 s (371 MiB/s)`.
      const tail = done
        ? ` in ${(p.seconds ?? 0).toFixed(1)} s${rate ? ` (${rate})` : ''}`
        : rate
          ? ` at ${rate}`
          : '';
      io.err(`  ${p.label}: ${formatBytes(p.bytes)}${tail}\n`);
    } else if (p.deadline && !p.uncancellable)
      io.err(`  ${p.label}: ${p.deadlineLabel ?? 'deadline'} at ${p.deadline}\n`);
  };
}

function finish(io: Io, app: App, session: Session, results: AdHocResult[], opts: VerbOptions) {
  const last = results[results.length - 1];
  if (!last) return 2;
  if (opts.json) {
    const one = (r: AdHocResult) => ({
      session: session.id,
      journal: session.journalPath,
      sessionDir: app.store.sessionDir(session.id),
      action: r.data.action,
      outcome: r.outcome,
      summary: r.summary,
      dryRun: r.data.dryRun === true,
      entryHash: r.resultHash,
      ...r.data,
    });
    const out = results.length === 1 ? one(last) : { ...one(last), steps: results.map(one) };
    io.out(jsonText(out) + '\n');
  } else for (const r of results) printHuman(io, app, session.id, r);
  for (const r of results) if (r.outcome !== 'ok') return exitCodeOf(r);
  return 0;
}

function common(cmd: Command, destructive: boolean): Command {
  cmd
    .option(
      '--session <id>',
      'record in this session (default: a new ad-hoc session)',
      sessionRefArg,
    )
    .option('--dry-run', 'list the engine calls and the blast radius; change nothing')
    .option('--json', 'print the result as JSON (session, paths, hashes, networks)');
  if (destructive) cmd.option('-y, --yes', 'confirm the destructive action (non-interactive)');
  return cmd;
}

export function registerActionCommands(program: Command, ctx: CommandContext): void {
  const { io, handle } = ctx;
  const run = (action: string, params: Record<string, string | undefined>, opts: VerbOptions) =>
    handle(() =>
      runVerb(
        ctx.app(),
        io,
        action,
        Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<
          string,
          string
        >,
        opts,
      ),
    );

  common(
    program
      .command('snapshot')
      .description('collect evidence: logs, inspect (env masked), processes, changes, events')
      .argument('<container>', 'container name or id', containerArg)
      .option('--since <time>', 'logs since: unix seconds, ISO time, or 30m/2h/1d', sinceArg)
      .option('--export', 'also export the filesystem as filesystem.tar')
      .option('--commit', 'also commit an image warden-evidence/<name>:<session>'),
    false,
  ).action(
    (container: string, o: VerbOptions & { since?: string; export?: boolean; commit?: boolean }) =>
      run(
        'snapshot',
        {
          container,
          since: o.since,
          export: o.export ? 'true' : undefined,
          commit: o.commit ? 'true' : undefined,
        },
        o,
      ),
  );

  common(
    program
      .command('isolate')
      .description(
        'take a container off every network: it keeps running, reaches nothing (recorded, reversible)',
      )
      .argument('<container>', 'container name or id', containerArg)
      .option('--pause', 'also pause it')
      .option('--snapshot-first', 'take a snapshot in the same session first')
      .option('--reason <text>', 'why isolating without a complete snapshot (recorded)'),
    true,
  ).action((container: string, o: VerbOptions & { pause?: boolean }) =>
    run('isolate', { container, pause: o.pause ? 'true' : undefined }, o),
  );

  common(
    program
      .command('unisolate')
      .description('restore the recorded networks, aliases and addresses; unpause')
      .argument('<container>', 'container name or id', containerArg),
    false,
  ).action((container: string, o: VerbOptions) => run('unisolate', { container }, o));

  for (const [verb, what, destructive] of [
    ['pause', 'pause a container', false],
    ['unpause', 'unpause a container', false],
  ] as const) {
    common(
      program
        .command(verb)
        .description(what)
        .argument('<container>', 'container name or id', containerArg),
      destructive,
    ).action((container: string, o: VerbOptions) => run(verb, { container }, o));
  }
  for (const [verb, what, destructive] of [
    ['stop', 'stop a container', true],
    ['restart', 'restart a container', false],
  ] as const) {
    common(
      program
        .command(verb)
        .description(what)
        .argument('<container>', 'container name or id', containerArg)
        .option('--timeout <seconds>', 'seconds before the engine kills it', secondsArg),
      destructive,
    ).action((container: string, o: VerbOptions & { timeout?: string }) =>
      run(verb, { container, timeout: o.timeout }, o),
    );
  }
  common(
    program
      .command('kill')
      .description('send a signal to a container (recorded)')
      .argument('<container>', 'container name or id', containerArg)
      .option('-s, --signal <signal>', 'signal to send', 'SIGKILL'),
    true,
  ).action((container: string, o: VerbOptions & { signal?: string }) =>
    run('kill', { container, signal: o.signal }, o),
  );

  common(
    program
      .command('backup')
      .description(
        'archive the volumes and bind mounts of a container (gzip, optional AES-256-GCM)',
      )
      .argument('<container>', 'container name or id', containerArg)
      .option('--volume <name>', 'only this volume (name or mount path)')
      .option('--encrypt', 'encrypt with AES-256-GCM (needs --key-file)')
      .addOption(
        new Option('--compression <codec>', 'gzip (smaller, on every core) or none (faster)')
          .choices(['gzip', 'none'])
          .default('gzip'),
      )
      .option(
        '--key-file <file>',
        '32-byte key (raw or hex), or a passphrase (scrypt)',
        readableFileArg,
      ),
    false,
  ).action(
    (
      container: string,
      o: VerbOptions & {
        volume?: string;
        encrypt?: boolean;
        keyFile?: string;
        compression?: string;
      },
    ) => {
      if (o.encrypt && !o.keyFile)
        return handle(() => {
          throw new UserError('--encrypt needs --key-file FILE');
        });
      return run(
        'backup',
        {
          container,
          volume: o.volume,
          encrypt: o.encrypt ? 'true' : undefined,
          keyFile: o.keyFile,
          compression: o.compression,
        },
        o,
      );
    },
  );

  common(
    program
      .command('restore')
      .description('verify a backup (hash, GCM tag, paths), then write it into a container')
      .argument('<backup>', 'backup directory (holds manifest.json)')
      .requiredOption('--to <container>', 'container to restore into', containerArg)
      .option('--key-file <file>', 'key of an encrypted backup', readableFileArg)
      .option('--volume <name>', 'only this volume (name or mount path)')
      .option('--stop', 'stop the container while writing, start it after')
      .option('--no-restart', 'do not restart a running container after writing')
      .option(
        '--incident-start <time>',
        'warn when the backup is newer than this (ISO time, HH:MM UTC, or 2h ago)',
        incidentStartArg,
      ),
    true,
  ).action(
    (
      backupRef: string,
      o: VerbOptions & {
        to: string;
        keyFile?: string;
        volume?: string;
        stop?: boolean;
        restart?: boolean;
        incidentStart?: string;
      },
    ) => {
      const home = ctx.app().home;
      const local = resolve(backupRef);
      const inHome = join(home, 'sessions', backupRef);
      const backup = existsSync(local) ? local : existsSync(inHome) ? inHome : backupRef;
      return run(
        'restore',
        {
          container: o.to,
          backup,
          keyFile: o.keyFile,
          volume: o.volume,
          stop: o.stop ? 'true' : undefined,
          restart: o.restart === false ? 'false' : undefined,
          incidentStart: o.incidentStart,
        },
        o,
      );
    },
  );

  common(
    program
      .command('restore-test')
      .description(
        "restore a container's backup into scratch volumes, compare every file's SHA-256, remove them (the container is not touched)",
      )
      .argument('<container>', 'the container the backup was taken from', containerArg)
      .option(
        '--backup <dir>',
        'backup directory (default: the newest complete one of this session)',
      )
      .option('--key-file <file>', 'key of an encrypted backup', readableFileArg)
      .option('--volume <name>', 'only this volume (name or mount path)'),
    false,
  ).action(
    (
      container: string,
      o: VerbOptions & { backup?: string; keyFile?: string; volume?: string },
    ) => {
      const home = ctx.app().home;
      const ref = o.backup;
      const backup =
        ref === undefined || ref === 'latest'
          ? 'latest'
          : existsSync(resolve(ref))
            ? resolve(ref)
            : existsSync(join(home, 'sessions', ref))
              ? join(home, 'sessions', ref)
              : ref;
      return run('restore-test', { container, backup, keyFile: o.keyFile, volume: o.volume }, o);
    },
  );

  common(
    program
      .command('eradicate')
      .description('remove a container (only after a complete snapshot, or with a recorded reason)')
      .argument('<container>', 'container name or id', containerArg)
      .option('--snapshot-first', 'take a snapshot in the same session first')
      .option('--reason <text>', 'why removing without a complete snapshot (recorded)'),
    true,
  ).action((container: string, o: VerbOptions) =>
    run('eradicate', { container, reason: o.reason }, o),
  );
}
