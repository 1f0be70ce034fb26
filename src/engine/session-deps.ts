/** What a Session is built with: the ports the composition root (or a test) hands in. */
import type { ActionRunner, CheckRunner, EngineRef } from './executors.js';
import type { KnownSecret } from './masking.js';
import type { Clock, SessionStorePort, ShellPort, SignerPort } from './ports.js';

export interface SessionDeps {
  store: SessionStorePort;
  shell: ShellPort;
  signer: SignerPort;
  clock: Clock;
  checks?: CheckRunner;
  actions?: ActionRunner;
  /**
   * The values of these containers' credential-like environment variables, by the reference
   * asked for, so what the operator types can be masked before it is journaled. Kept in memory
   * only; a container that cannot be read is left out.
   */
  targetSecrets?(containers: readonly string[]): Promise<Map<string, KnownSecret[]>>;
  /**
   * The engine checks and actions run against (address, context, its ID and name): recorded
   * with every check and action step, and in the evidence manifests. Never throws.
   */
  engine?(): Promise<EngineRef | undefined>;
  /** Random hex for session ids. */
  randomHex(bytes: number): string;
  /** Seconds before a command step without its own `timeout` is stopped (default 600). */
  defaultCommandTimeoutS?: number;
}

/** What executors need: the deps, and how to mask a line of output before it is shown or kept. */
export interface ExecEnv {
  deps: SessionDeps;
  maskOutput(line: string): string;
}
