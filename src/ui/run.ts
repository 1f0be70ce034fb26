/** Entry to the Ink UI: renders the root, waits for it to exit, releases the session's lock. */
import { createElement } from 'react';
import { render } from 'ink';
import { inspectInterrupted } from '../actions/interrupted.js';
import type { App as WardenApp } from '../cli/compose.js';
import { listSessions } from '../cli/commands/sessions.js';
import { wardenVersion } from '../cli/version.js';
import { readBackupHistory } from '../cli/backup-history.js';
import { App, type SessionHolder, type TuiStart } from './app.js';
import { DepsProvider, type Deps, type EngineChoice } from './hooks/useDeps.js';
import { KeyInputProvider } from './hooks/keyInput.js';
import { containerRows, liveAudit, liveFleetAudit } from './live.js';
import { errorMessage } from '../errors.js';

export type { TuiStart };

/** The current engine's name among the choices: its context, or `default`. */
function currentName(app: WardenApp): string {
  return /\(context (.+)\)$/.exec(app.dockerEndpoint)?.[1] ?? 'default';
}

const bare = (endpoint: string) => endpoint.replace(/ \(context .+\)$/, '');

function engineChoices(app: WardenApp): EngineChoice[] {
  const current = currentName(app);
  const others = app.contextNames().filter((n) => n !== current);
  return [
    { name: current, endpoint: bare(app.dockerEndpoint), current: true },
    ...others.map((name) => {
      let endpoint: string;
      try {
        endpoint = bare(app.dockerFor(name).endpoint);
      } catch (err) {
        endpoint = `unusable: ${errorMessage(err)}`;
      }
      return { name, endpoint, current: false };
    }),
  ];
}

export function depsFromApp(app: WardenApp, animate: boolean): Deps {
  const auditInput = (signal: AbortSignal) => ({
    now: () => app.clock.now(),
    version: wardenVersion(),
    signal,
    backups: () => readBackupHistory(app.store),
  });
  return {
    animate,
    ports: {
      catalog: () => app.catalog(),
      sessions: () => listSessions(app),
      sessionDeps: () => app.sessionDeps(),
      operator: () => app.operator(),
      audit: async (signal, engines) => {
        const current = currentName(app);
        if (!engines || (engines.length === 1 && engines[0] === current))
          return liveAudit(app.docker(), { ...auditInput(signal), endpoint: app.dockerEndpoint });
        // A context that cannot be used (a broken one) is said before anything is audited.
        const fleet = engines.map((context) =>
          context === current
            ? { context, endpoint: app.dockerEndpoint, port: app.docker() }
            : { context, ...app.dockerFor(context) },
        );
        return liveFleetAudit(fleet, auditInput(signal));
      },
      engines: () => engineChoices(app),
      containers: async () => containerRows(await app.docker().listContainers({ all: true })),
      engine: async () => {
        const docker = app.docker();
        const [v, rows] = await Promise.all([
          docker.version(),
          docker.listContainers({ all: true }),
        ]);
        return { version: v.version, endpoint: v.endpoint, containers: containerRows(rows) };
      },
      interrupted: (sessionId, rec) => inspectInterrupted(app.actionDeps(), sessionId, rec),
      knownKeys: () => app.knownKeys(),
    },
  };
}

export async function runTui(app: WardenApp, start: TuiStart): Promise<number> {
  const holder: SessionHolder = {};
  const deps = depsFromApp(app, process.stdout.isTTY === true);
  const instance = render(
    createElement(
      DepsProvider,
      { deps },
      createElement(KeyInputProvider, null, createElement(App, { start, holder })),
    ),
    {
      exitOnCtrlC: false,
    },
  );
  try {
    await instance.waitUntilExit();
  } finally {
    const session = holder.current;
    holder.current = undefined;
    await session?.close();
  }
  return 0;
}
