/**
 * Dependency injection for the UI: one context, one hook that throws outside its provider. The UI
 * reaches the engine only through these ports and the Session it opens with them.
 */
import type { KnownKeys } from '../../journal/key-trust.js';
import { createContext, createElement, useContext, type ReactNode } from 'react';
import type { AuditReport } from '../../audit/types.js';
import type { SessionDeps } from '../../engine/session.js';
import type { ActionRecord } from '../../engine/state.js';
import type { Catalog } from '../../runbook/load.js';
import type { SessionRow } from '../../cli/commands/sessions.js';

import type { ContainerRow } from '../live.js';

export type { SessionRow, ContainerRow };

/** What an interrupted action left behind, re-read from the live engine and the disk. */
export interface InterruptedView {
  /** One line each, e.g. `still attached to web-net`. */
  facts: string[];
  safeToRetry: boolean;
  advice: string;
}

/** The engine as the home screen shows it: version, endpoint, containers. */
export interface EngineView {
  version: string;
  endpoint: string;
  containers: ContainerRow[];
}

/** What the home screen draws from disk at once: runbooks and sessions. */
export interface HomeData {
  catalog: Catalog;
  sessions: SessionRow[];
}

/** An engine the audit may cover: the one chosen as the docker CLI would, or a Docker context. */
export interface EngineChoice {
  /** `default` (DOCKER_HOST, the setting, the socket) or the context's name. */
  name: string;
  endpoint: string;
  /** The engine every other screen talks to. */
  current: boolean;
}

export interface UiPorts {
  catalog(): Promise<Catalog>;
  /** Sessions on disk, newest first (status, progress, locked by another process). */
  sessions(): Promise<SessionRow[]>;
  sessionDeps(): SessionDeps;
  operator(): string;
  /**
   * The full read-only audit (every container, every check) of the current engine, or of these
   * engines side by side (names of `engines()`), one report with a part per engine.
   */
  audit(signal: AbortSignal, engines?: readonly string[]): Promise<AuditReport>;
  /** The engines an audit may cover: the current one first, then the other Docker contexts. */
  engines(): EngineChoice[];
  /** Containers on the live engine, stopped ones included. Throws DockerError when unreachable. */
  containers(): Promise<ContainerRow[]>;
  /** The engine's version and containers. Throws DockerError when unreachable. */
  engine(): Promise<EngineView>;
  /** Re-reads live state for an interrupted action of a session (read-only). */
  interrupted(sessionId: string, rec: ActionRecord): Promise<InterruptedView>;
  /** This machine's and the trusted signing keys: whose key made a sign-off. */
  knownKeys(): Promise<KnownKeys>;
}

export interface Deps {
  ports: UiPorts;
  /** Animation (spinner, clocks) only when stdout is a terminal. */
  animate: boolean;
  /** Now in ms, for clocks on screen (tests fix it). Default Date.now. */
  now?: () => number;
}

const DepsContext = createContext<Deps | undefined>(undefined);

export function DepsProvider({ deps, children }: { deps: Deps; children?: ReactNode }) {
  return createElement(DepsContext.Provider, { value: deps }, children);
}

export function useDeps(): Deps {
  const deps = useContext(DepsContext);
  if (!deps) throw new Error('useDeps() used outside <DepsProvider>');
  return deps;
}
