/**
 * The incident action verbs for scripting: warden snapshot|isolate|unisolate|pause|unpause|stop|
 * restart|kill|backup|restore|eradicate <target>. Each is recorded: in the session given with
 * --session, else in the one open incident session of that container or a new ad-hoc one (see
 * verb-session.ts). Exit 0 ok, 1 the action failed, 2 usage/engine errors, 130 cancelled (SIGINT
 * or SIGTERM: the action stops, what it had done is recorded). The container verbs take a swarm
 * service's task instead (`--task web.1`, task-target.ts): they then run on its node's engine.
 * The service verbs (scale-to-zero, …) are in service-actions.ts.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UserError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { runVerb, verbOptions, type VerbOptions } from '../run-verb.js';
import { containerArg, incidentStartArg, readableFileArg, secondsArg, sinceArg } from '../args.js';
import { taskArg, taskTarget } from '../task-target.js';
import { resolveService } from '../../actions/task-locate.js';
import { registerServiceActionCommands } from './service-actions.js';

export { EXIT_CANCELLED, runVerb, type VerbOptions } from '../run-verb.js';

function common(cmd: Command, destructive: boolean, task = false): Command {
  if (task)
    cmd.option(
      '--task <task>',
      "a swarm service's task instead of a container (SERVICE.SLOT, e.g. web.1): found through the manager, acted on through its node's engine",
      taskArg,
    );
  return verbOptions(cmd, destructive, 'session, paths, hashes, networks');
}

export function registerActionCommands(program: Command, ctx: CommandContext): void {
  const { io, handle } = ctx;
  const run = (action: string, params: Record<string, string | undefined>, opts: VerbOptions) =>
    handle(async () => {
      const given = Object.fromEntries(
        Object.entries(params).filter(([, v]) => v !== undefined),
      ) as Record<string, string>;
      if (opts.task === undefined) {
        if ('container' in params && !given.container)
          throw new UserError(
            `${action} needs a container`,
            `name one, or a swarm service's task: warden ${action} --task SERVICE.SLOT`,
          );
        // A service verb's service is found before anything is recorded, as a container is.
        if (given.service) await resolveService(ctx.app().docker(), given.service);
        return runVerb(ctx.app(), io, action, given, opts);
      }
      if (given.container) throw new UserError(`name a container or --task ${opts.task}, not both`);
      // Found before anything is recorded: an unknown task or unreachable node records nothing.
      const t = await taskTarget(ctx.app(), io, opts.task);
      return runVerb(t.app, io, action, { ...given, ...t.params }, opts);
    });
  registerServiceActionCommands(program, ctx, run);

  common(
    program
      .command('snapshot')
      .description('collect evidence: logs, inspect (env masked), processes, changes, events')
      .argument('[container]', 'container name or id', containerArg)
      .option('--since <time>', 'logs since: unix seconds, ISO time, or 30m/2h/1d', sinceArg)
      .option('--export', 'also export the filesystem as filesystem.tar')
      .option('--commit', 'also commit an image warden-evidence/<name>:<session>'),
    false,
    true,
  ).action(
    (
      container: string | undefined,
      o: VerbOptions & { since?: string; export?: boolean; commit?: boolean },
    ) =>
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
      .argument('[container]', 'container name or id', containerArg)
      .option('--pause', 'also pause it')
      .option('--snapshot-first', 'take a snapshot in the same session first')
      .option('--reason <text>', 'why isolating without a complete snapshot (recorded)'),
    true,
    true,
  ).action((container: string | undefined, o: VerbOptions & { pause?: boolean }) =>
    run('isolate', { container, pause: o.pause ? 'true' : undefined }, o),
  );

  common(
    program
      .command('unisolate')
      .description('restore the recorded networks, aliases and addresses; unpause')
      .argument('[container]', 'container name or id', containerArg),
    false,
    true,
  ).action((container: string | undefined, o: VerbOptions) => run('unisolate', { container }, o));

  for (const [verb, what, destructive] of [
    ['pause', 'pause a container', false],
    ['unpause', 'unpause a container', false],
  ] as const) {
    common(
      program
        .command(verb)
        .description(what)
        .argument('[container]', 'container name or id', containerArg),
      destructive,
      true,
    ).action((container: string | undefined, o: VerbOptions) => run(verb, { container }, o));
  }
  for (const [verb, what, destructive] of [
    ['stop', 'stop a container', true],
    ['restart', 'restart a container', false],
  ] as const) {
    common(
      program
        .command(verb)
        .description(what)
        .argument('[container]', 'container name or id', containerArg)
        .option('--timeout <seconds>', 'seconds before the engine kills it', secondsArg),
      destructive,
      true,
    ).action((container: string | undefined, o: VerbOptions & { timeout?: string }) =>
      run(verb, { container, timeout: o.timeout }, o),
    );
  }
  common(
    program
      .command('kill')
      .description('send a signal to a container (recorded)')
      .argument('[container]', 'container name or id', containerArg)
      .option('-s, --signal <signal>', 'signal to send', 'SIGKILL'),
    true,
    true,
  ).action((container: string | undefined, o: VerbOptions & { signal?: string }) =>
    run('kill', { container, signal: o.signal }, o),
  );

  common(
    program
      .command('backup')
      .description(
        'archive the volumes and bind mounts of a container (gzip, optional AES-256-GCM)',
      )
      .argument('[container]', 'container name or id', containerArg)
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
    true,
  ).action(
    (
      container: string | undefined,
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
      .argument('[container]', 'container name or id', containerArg)
      .option('--snapshot-first', 'take a snapshot in the same session first')
      .option('--reason <text>', 'why removing without a complete snapshot (recorded)'),
    true,
    true,
  ).action((container: string | undefined, o: VerbOptions) =>
    run('eradicate', { container, reason: o.reason }, o),
  );
}
