/** Fake ShellPort, SignerPort and CheckRunner for UI tests. */
import { generateKeyPairSync, sign as edSign } from 'node:crypto';
import type { CheckOutcome, CheckRunner } from '../../src/engine/executors.js';
import type { ShellPort, ShellResult, ShellRun, SignerPort } from '../../src/engine/ports.js';

export interface FakeShell extends ShellPort {
  calls: ShellRun[];
}

/**
 * Emits `lines` then resolves with `exitCode`. With `hang`, stays running after the lines until
 * the signal aborts (then resolves cancelled).
 */
export function fakeShell(
  script: { lines?: string[]; exitCode?: number; hang?: boolean } = {},
): FakeShell {
  const calls: ShellRun[] = [];
  return {
    calls,
    async run(run): Promise<ShellResult> {
      calls.push(run);
      for (const l of script.lines ?? []) {
        await new Promise((r) => setTimeout(r, 1));
        run.onLine(l, 'stdout');
      }
      if (script.hang) {
        await new Promise<void>((resolve) => {
          if (run.signal.aborted) return resolve();
          run.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        return { cancelled: true, timedOut: false, durationMs: 5, signal: 'SIGTERM' };
      }
      return { exitCode: script.exitCode ?? 0, cancelled: false, timedOut: false, durationMs: 5 };
    },
  };
}

export function fakeSigner(): SignerPort & { publicKeyDer: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicKeyDer = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString(
    'base64',
  );
  return {
    publicKeyDer,
    async sign(bytes) {
      return {
        signature: edSign(null, bytes, privateKey).toString('base64'),
        publicKey: publicKeyDer,
      };
    },
  };
}

/** Fails on the first run (a root-user finding), passes on every later run. */
export function flipCheckRunner(): CheckRunner & { runs: number } {
  const runner = {
    ids: ['root-user'],
    runs: 0,
    async run(): Promise<CheckOutcome> {
      runner.runs++;
      const pass = runner.runs > 1;
      return {
        ok: pass,
        summary: pass ? '1 of 1 containers pass root-user' : '1 of 1 containers fail root-user',
        results: [
          {
            check: 'root-user',
            verdict: pass ? 'pass' : 'fail',
            severity: 'high',
            title: 'Container runs as root',
            target: 'container web',
            evidence: pass ? 'User=app' : 'User=(empty: root)',
            remediation: pass ? undefined : 'user: "10001:10001" in compose.yaml',
          },
        ],
      };
    },
  };
  return runner;
}
