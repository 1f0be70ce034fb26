/** Builds a real Session over the real file journal in a temp WARDEN_HOME. */
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSessionStore } from '../../src/journal/file.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import type { LoadedRunbook } from '../../src/runbook/types.js';
import type { SessionDeps } from '../../src/engine/session.js';
import type { ShellPort, SignerPort } from '../../src/engine/ports.js';

export function tempHome(prefix = 'warden-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function loadedFrom(text: string, file = 'inline.yaml'): LoadedRunbook {
  const r = parseRunbook(text, file);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.line}:${i.col} ${i.message}`).join('\n'));
  return { runbook: r.runbook, origin: 'path', file, sha256: 'f'.repeat(64) };
}

export function realSigner(): SignerPort {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pub = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');
  return {
    sign: async (bytes) => ({
      signature: sign(null, bytes, privateKey).toString('base64'),
      publicKey: pub,
    }),
  };
}

export const noShell: ShellPort = {
  run: async () => {
    throw new Error('no shell in this test');
  },
};

export function deps(home: string, over: Partial<SessionDeps> = {}): SessionDeps {
  let n = 0;
  const clock = { now: () => new Date(Date.UTC(2026, 10, 23, 8, 0, 0, n++)) };
  return {
    store: createFileSessionStore(home, clock),
    shell: noShell,
    signer: realSigner(),
    clock,
    randomHex: () => 'abc123',
    ...over,
  };
}

export const twoPhaseRunbook = `id: demo
title: Demo checklist
kind: checklist
description: Two phases to exercise the engine.
phases:
  - id: prepare
    title: Prepare
    steps:
      - { id: a, title: First, guidance: Do A. }
      - { id: b, title: Second, guidance: Do B., requires: [a] }
  - id: finish
    title: Finish
    steps:
      - { id: c, title: Third, guidance: Do C. }
`;
