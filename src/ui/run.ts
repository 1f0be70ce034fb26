/** Entry to the Ink UI: renders the root, waits for it to exit, releases the session's lock. */
import { createElement } from 'react';
import { render } from 'ink';
import { inspectInterrupted } from '../actions/interrupted.js';
import type { App as WardenApp } from '../cli/compose.js';
import { listSessions } from '../cli/commands/sessions.js';
import { wardenVersion } from '../cli/version.js';
import { readBackupHistory } from '../cli/backup-history.js';
import { App, type SessionHolder, type TuiStart } from './app.js';
import { DepsProvider, type Deps } from './hooks/useDeps.js';
import { KeyInputProvider } from './hooks/keyInput.js';
import { containerRows, liveAudit } from './live.js';

export type { TuiStart };

export function depsFromApp(app: WardenApp, animate: boolean): Deps {
  return {
    animate,
    ports: {
      catalog: () => app.catalog(),
      sessions: () => listSessions(app),
      sessionDeps: () => app.sessionDeps(),
      operator: () => app.operator(),
      audit: (signal) =>
        liveAudit(app.docker(), {
          now: () => app.clock.now(),
          endpoint: app.dockerEndpoint,
          version: wardenVersion(),
          signal,
          backups: () => readBackupHistory(app.store),
        }),
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
