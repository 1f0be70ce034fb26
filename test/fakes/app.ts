/**
 * A minimal in-memory "App" for UI tests: runbooks from a list, a real Session over the memory
 * store, fake shell/signer/checks/actions, and the real session listing over that store.
 */
import type { App } from '../../src/cli/compose.js';
import { listSessions } from '../../src/cli/commands/sessions.js';
import type { ActionRunner, CheckRunner } from '../../src/engine/executors.js';
import { Session, type SessionDeps } from '../../src/engine/session.js';
import type { LoadedRunbook, Runbook, Step } from '../../src/runbook/types.js';
import type { ActionRecord } from '../../src/engine/state.js';
import type { Deps, InterruptedView } from '../../src/ui/hooks/useDeps.js';
import { containerRows, liveAudit } from '../../src/ui/live.js';
import { fakeDocker, type FakeDocker } from './docker.js';
import { fixedClock, memoryStore, type MemoryStore } from './journal.js';
import { fakeShell, fakeSigner, flipCheckRunner, type FakeShell } from './ports.js';

export function step(p: Partial<Step> & Pick<Step, 'id'>): Step {
  return {
    title: p.id,
    type: 'manual',
    guidance: `Guidance for ${p.id}.`,
    refs: [],
    requires: [],
    confirm: 'none',
    params: {},
    ...p,
  };
}

export function incidentRunbook(): Runbook {
  return {
    id: 'container-compromise',
    title: 'Container compromise',
    kind: 'incident',
    description: 'A container is suspected compromised.',
    inputs: [
      { id: 'container', title: 'Container', type: 'container', required: true, default: 'web' },
    ],
    phases: [
      {
        id: 'contain',
        title: 'Contain',
        steps: [
          step({
            id: 'confirm-alert',
            title: 'Confirm the alert',
            guidance: 'Read the alert.\nCheck the dashboard for the container.\nCall the owner.',
          }),
          step({
            id: 'capture-state',
            title: 'Capture container state',
            type: 'command',
            command: ['docker', 'inspect', '{{container}}'],
          }),
          step({
            id: 'isolate',
            title: 'Isolate the container',
            type: 'action',
            action: 'isolate',
            params: { container: '{{container}}' },
            requires: ['capture-state'],
          }),
        ],
      },
      {
        id: 'verify',
        title: 'Verify',
        steps: [
          step({
            id: 'check-root',
            title: 'No container runs as root',
            type: 'check',
            checks: ['root-user'],
          }),
          step({
            id: 'restart',
            title: 'Restart the service',
            type: 'command',
            command: ['systemctl', 'restart', 'app'],
            confirm: 'yes',
          }),
          step({ id: 'write-up', title: 'Write the summary' }),
        ],
      },
    ],
  };
}

export function checklistRunbook(): Runbook {
  return {
    id: 'container-hardening',
    title: 'Container hardening',
    kind: 'checklist',
    description: 'Harden containers.',
    inputs: [{ id: 'host', title: 'Host name', type: 'string', required: true }],
    phases: [
      { id: 'users', title: 'Users', steps: [step({ id: 'no-root', title: 'Run as non-root' })] },
    ],
  };
}

export function loaded(runbook: Runbook): LoadedRunbook {
  return {
    runbook,
    origin: 'bundled',
    file: `/runbooks/${runbook.id}.yaml`,
    sha256: 'a'.repeat(64),
  };
}

export function fakeActions(): ActionRunner & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    actions: [{ id: 'isolate', title: 'Isolate', destructive: true, confirmParam: 'container' }],
    async dryRun() {
      return { ok: true, summary: 'would disconnect web from 2 networks', data: {} };
    },
    async run(id, ctx) {
      ran.push(`${id}:${ctx.params.container}`);
      return { ok: true, summary: `disconnected ${ctx.params.container}`, data: {} };
    },
  };
}

export interface Harness {
  store: MemoryStore;
  docker: FakeDocker;
  /** Calls of the `interrupted` port, and what it answers. */
  interrupted: { calls: { sessionId: string; rec: ActionRecord }[]; answer: InterruptedView };
  shell: FakeShell;
  checks: CheckRunner & { runs: number };
  actions: ReturnType<typeof fakeActions>;
  sessionDeps: SessionDeps;
  deps: Deps;
  runbooks: LoadedRunbook[];
  start(runbook?: Runbook, inputs?: Record<string, string>): Promise<Session>;
}

export function harness(
  opts: { shell?: FakeShell; runbooks?: Runbook[]; docker?: FakeDocker } = {},
): Harness {
  const docker = opts.docker ?? fakeDocker();
  const interrupted: Harness['interrupted'] = {
    calls: [],
    answer: {
      facts: ['web is running', 'still attached to frontend, backend', 'not on warden-quarantine'],
      safeToRetry: true,
      advice: 'run isolate again: it picks up where it stopped',
    },
  };
  const store = memoryStore(fixedClock());
  const shell = opts.shell ?? fakeShell({ lines: ['line one', 'line two'], exitCode: 0 });
  const checks = flipCheckRunner();
  const actions = fakeActions();
  let n = 0;
  const sessionDeps: SessionDeps = {
    store,
    shell,
    signer: fakeSigner(),
    clock: fixedClock(),
    checks,
    actions,
    randomHex: () => (n++).toString(16).padStart(6, '0'),
  };
  const runbooks = (opts.runbooks ?? [incidentRunbook(), checklistRunbook()]).map(loaded);
  const deps: Deps = {
    animate: false,
    ports: {
      catalog: async () => ({ runbooks, broken: [] }),
      sessions: () => listSessions({ store } as unknown as App),
      sessionDeps: () => sessionDeps,
      operator: () => 'alice',
      audit: (signal) =>
        liveAudit(docker, {
          now: () => new Date('2026-06-15T12:00:00Z'),
          endpoint: 'unix:///fake.sock',
          signal,
        }),
      containers: async () => containerRows(await docker.listContainers({ all: true })),
      interrupted: async (sessionId, rec) => {
        interrupted.calls.push({ sessionId, rec });
        return interrupted.answer;
      },
    },
  };
  return {
    store,
    docker,
    interrupted,
    shell,
    checks,
    actions,
    sessionDeps,
    deps,
    runbooks,
    start: (runbook = incidentRunbook(), inputs = {}) =>
      Session.start(sessionDeps, loaded(runbook), inputs, 'alice'),
  };
}
