/**
 * Typed errors. Adapters classify failures into these; the entry point maps them to exit codes
 * (UserError/ExternalError → 2 with a one-line message, BugError → 70-ish with details).
 */

/** The user can fix it: bad input, bad arguments, a broken runbook, a missing container. */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    /** What to try next, shown after the message. */
    readonly hint?: string,
    /** Exit code for the CLI; 2 (usage/environment) unless said otherwise. */
    readonly exitCode: number = 2,
  ) {
    super(message);
  }
}

/** Something outside failed: the Docker engine, an external command, the disk. */
export class ExternalError extends Error {
  override readonly name = 'ExternalError';
  constructor(
    message: string,
    readonly details: {
      /** Command or endpoint that failed, e.g. `GET /containers/x/json` or `trivy image`. */
      target?: string;
      /** Status or exit code, or a classification such as `daemon-unreachable`. */
      code?: string | number;
      /** Last lines of stderr, already masked. */
      stderrTail?: string;
      hint?: string;
    } = {},
    readonly exitCode: number = 2,
  ) {
    super(message);
  }
}

/** A programming error. Shown with details because it is ours to fix. */
export class BugError extends Error {
  override readonly name = 'BugError';
}

/** Docker-specific classifications that callers branch on. */
export type DockerErrorKind =
  'daemon-unreachable' | 'not-found' | 'not-running' | 'conflict' | 'permission' | 'unknown';

export class DockerError extends ExternalError {
  constructor(
    message: string,
    readonly kind: DockerErrorKind,
    details: ExternalError['details'] = {},
  ) {
    super(message, { ...details, code: details.code ?? kind });
  }
}

/** The operator cancelled (the `c` key, Ctrl-C, quit, SIGINT/SIGTERM): not a failure of the work. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(message = 'cancelled by the operator') {
    super(message);
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
