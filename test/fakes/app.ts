/**
 * A minimal in-memory "App" for UI tests: runbooks from a list, a real Session over the memory
 * store, fake shell/signer/checks/actions, and the real session listing over that store.
 */
import type { App } from '../../src/cli/compose.js';
import { listSessions } from '../../src/cli/commands/sessions.js';
import type { ActionRunner, CheckOutcome, CheckRunner } from '../../src/engine/executors.js';
import { Session, type SessionDeps } from '../../src/engine/session.js';
import type { LoadedRunbook, Runbook, Severity, Step } from '../../src/runbook/types.js';
import type { ActionRecord } from '../../src/engine/state.js';
import type { Deps, InterruptedView } from '../../src/ui/hooks/useDeps.js';
import { containerRows, liveAudit, liveFleetAudit } from '../../src/ui/live.js';
import { fakeDocker, idOf, type FakeDocker } from './docker.js';
import { fixedClock, memoryStore, type MemoryStore } from './journal.js';
import { fakeShell, fakeSigner, flipCheckRunner, type FakeShell } from './ports.js';
import { keyFingerprint } from '../../src/journal/signature.js';

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

/**
 * A hardening checklist with three check steps (critical, high, low), a manual step and a
 * question: what the container-hardening runbook asks, small.
 */
export function hardeningRunbook(): Runbook {
  const check = (id: string, title: string, checks: string[], severity: Step['severity']) =>
    step({ id, title, type: 'check', checks, severity, params: { container: '{{container}}' } });
  return {
    id: 'mini-hardening',
    title: 'Mini hardening',
    kind: 'checklist',
    description: 'Three checks, a manual step and a question.',
    inputs: [{ id: 'container', title: 'Container', type: 'container', required: false }],
    phases: [
      {
        id: 'image',
        title: 'Image',
        steps: [
          step({ id: 'base-image', title: 'Use a minimal base image', severity: 'high' }),
          check('non-root', 'Run as a non-root user', ['root-user'], 'high'),
        ],
      },
      {
        id: 'isolation',
        title: 'Isolation',
        steps: [
          check('host-ns', 'Do not share host namespaces', ['host-pid'], 'critical'),
          check('limits', 'Set memory limits', ['memory-limit'], 'low'),
        ],
      },
      {
        id: 'review',
        title: 'Review',
        steps: [step({ id: 'lessons', title: 'What would we do differently?', answer: true })],
      },
    ],
  };
}

/**
 * Checks with fixed verdicts per check id (default: fail), each about container `web` with the
 * fake engine's id for it. `runs` counts the runs.
 */
export function verdictCheckRunner(
  pass: ReadonlySet<string> = new Set(),
  target = `container web (${idOf('web').slice(0, 12)})`,
): CheckRunner & { runs: string[] } {
  const runner = {
    ids: ['root-user', 'host-pid', 'memory-limit'],
    runs: [] as string[],
    async run(ids: readonly string[]): Promise<CheckOutcome> {
      runner.runs.push(ids.join(','));
      const results = ids.map((check) => ({
        check,
        verdict: pass.has(check) ? ('pass' as const) : ('fail' as const),
        severity: (check === 'host-pid'
          ? 'high'
          : check === 'root-user'
            ? 'medium'
            : 'low') as Severity,
        title: `${check} finding`,
        target,
        ...(pass.has(check) ? {} : { evidence: `${check} as found`, remediation: `fix ${check}` }),
      }));
      const ok = results.every((r) => r.verdict === 'pass');
      return {
        ok,
        summary: ok ? `${ids.join(', ')} pass` : `${ids.join(', ')} fail on web`,
        results,
      };
    },
  };
  return runner;
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

/** Fake incident actions: `plan` and `act` replace the default dry run and run. */
export function fakeActions(
  over: { plan?: ActionRunner['dryRun']; act?: ActionRunner['run'] } = {},
): ActionRunner & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    actions: [
      { id: 'isolate', title: 'Isolate', destructive: true, confirmParam: 'container' },
      { id: 'snapshot', title: 'Snapshot', destructive: false },
      { id: 'stop', title: 'Stop', destructive: true, confirmParam: 'container' },
    ],
    async dryRun(id, ctx) {
      if (over.plan) return over.plan(id, ctx);
      return { ok: true, summary: 'would disconnect web from 2 networks', data: {} };
    },
    async run(id, ctx) {
      ran.push(`${id}:${ctx.params.container}`);
      if (over.act) return over.act(id, ctx);
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
  opts: {
    shell?: FakeShell;
    runbooks?: Runbook[];
    docker?: FakeDocker;
    checks?: CheckRunner;
    actions?: ReturnType<typeof fakeActions>;
    targetSecrets?: SessionDeps['targetSecrets'];
    /** The engine the session's steps run against (named in confirmations, journaled). */
    engine?: SessionDeps['engine'];
    /** Docker contexts besides this engine (`default`), each its own fake engine. */
    contexts?: Record<string, FakeDocker>;
  } = {},
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
  const checks = (opts.checks ?? flipCheckRunner()) as CheckRunner & { runs: number };
  const actions = opts.actions ?? fakeActions();
  let n = 0;
  const signer = fakeSigner();
  const sessionDeps: SessionDeps = {
    store,
    shell,
    signer,
    clock: fixedClock(),
    checks,
    actions,
    ...(opts.targetSecrets ? { targetSecrets: opts.targetSecrets } : {}),
    ...(opts.engine ? { engine: opts.engine } : {}),
    randomHex: () => (n++).toString(16).padStart(6, '0'),
  };
  const runbooks = (opts.runbooks ?? [incidentRunbook(), checklistRunbook()]).map(loaded);
  // The fake signer plays this machine's key: its sign-offs are shown as made here.
  const knownKeys = async () => ({
    local: keyFingerprint(signer.publicKeyDer),
    trusted: new Set<string>(),
    given: new Set<string>(),
  });
  const deps: Deps = {
    animate: false,
    now: () => Date.parse('2025-01-15T03:10:00.000Z'),
    ports: {
      catalog: async () => ({ runbooks, broken: [] }),
      sessions: () => listSessions({ store, knownKeys } as unknown as App),
      sessionDeps: () => sessionDeps,
      operator: () => 'alice',
      audit: (signal, engines) => {
        const now = () => new Date('2026-06-15T12:00:00Z');
        if (!engines) return liveAudit(docker, { now, endpoint: 'unix:///fake.sock', signal });
        const fleet = engines.map((context) => ({
          context,
          endpoint: context === 'default' ? 'unix:///fake.sock' : `ssh://ops@${context}`,
          port: context === 'default' ? docker : opts.contexts![context]!,
        }));
        return liveFleetAudit(fleet, { now, signal });
      },
      engines: () => [
        { name: 'default', endpoint: 'unix:///fake.sock', current: true },
        ...Object.keys(opts.contexts ?? {}).map((name) => ({
          name,
          endpoint: `ssh://ops@${name}`,
          current: false,
        })),
      ],
      containers: async () => containerRows(await docker.listContainers({ all: true })),
      engine: async () => ({
        version: (await docker.info()).ServerVersion ?? '?',
        endpoint: 'unix:///fake.sock',
        containers: containerRows(await docker.listContainers({ all: true })),
      }),
      knownKeys,
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
