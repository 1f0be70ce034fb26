// Time to the first frame of `warden` (the home screen) in a real terminal (tmux), beside the same
// measurement of `node -e` printing one line: the ratio is what warden adds to starting Node.
// The WARDEN_HOME holds 20 sessions, so the frame includes reading and verifying their journals.
// Run: npm run build && node test/bench/run.js first-frame
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BIN, figure, importSrc, median, rm, tempDir } from './common.js';

const RUNS = 7;
const root = join(import.meta.dirname, '..', '..');

function tmux(socket, args) {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

/** Milliseconds from starting `argv` in a fresh 80×24 tmux pane until the screen shows `marker`. */
async function timeToScreen(argv, env, marker) {
  const socket = `warden-bench-${randomBytes(4).toString('hex')}`;
  const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const started = performance.now();
  tmux(socket, [
    'new-session',
    '-d',
    '-x',
    '80',
    '-y',
    '24',
    ...envArgs,
    `${argv.map(quote).join(' ')}; sleep 30`,
  ]);
  try {
    for (;;) {
      const screen = tmux(socket, ['capture-pane', '-p']);
      if (screen.includes(marker)) return performance.now() - started;
      if (performance.now() - started > 20_000)
        throw new Error(`no "${marker}" on screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  }
}

async function seedSessions(home, n) {
  const { Session } = await importSrc('src/engine/session.ts');
  const { createFileSessionStore } = await importSrc('src/journal/file.ts');
  const { parseRunbook } = await importSrc('src/runbook/parse.ts');
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(join(root, 'runbooks', 'backup-and-recovery.yaml'), 'utf8');
  const parsed = parseRunbook(text, 'backup-and-recovery.yaml');
  const loaded = { runbook: parsed.runbook, origin: 'bundled', file: 'x', sha256: 'f'.repeat(64) };
  const clock = { now: () => new Date() };
  const deps = {
    store: createFileSessionStore(home, clock),
    shell: { run: async () => ({ timedOut: false, cancelled: false, durationMs: 0 }) },
    signer: { sign: async () => ({ signature: '', publicKey: '' }) },
    clock,
    randomHex: () => randomBytes(3).toString('hex'),
  };
  for (let i = 0; i < n; i++) {
    const s = await Session.start(deps, loaded, {}, 'bench');
    for (const id of s.state.order.slice(0, 5)) await s.addNote(id, `note ${i}`);
    await s.close();
  }
}

export default async function firstFrame() {
  if (spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status !== 0) {
    console.log('first-frame: skipped (no tmux)');
    return;
  }
  const home = tempDir('warden-bench-ff-');
  try {
    await seedSessions(home, 20);
    const env = { WARDEN_HOME: home, NO_COLOR: '1', TERM: 'xterm-256color' };
    const node = [];
    const warden = [];
    const filled = [];
    for (let i = 0; i < RUNS; i++) {
      node.push(
        await timeToScreen(
          [process.execPath, '-e', "console.log('WARDEN ready')"],
          env,
          'WARDEN ready',
        ),
      );
      // The first frame: the home screen with its runbooks and sessions (read from disk).
      warden.push(await timeToScreen([process.execPath, BIN], env, 'Sessions in progress'));
      // The engine line filled in afterwards (or the reason it cannot be).
      filled.push(await timeToScreen([process.execPath, BIN], env, 'containers,'));
    }
    const n = median(node);
    const w = median(warden);
    const f = median(filled);
    console.log(
      `first-frame: home screen drawn in ${w.toFixed(0)} ms (median of ${RUNS}), ` +
        `\`node -e\` printing a line: ${n.toFixed(0)} ms → ${(w / n).toFixed(1)}× node's start; ` +
        `engine line filled in at ${f.toFixed(0)} ms (20 sessions on disk)`,
    );
    // The goal is absolute (400 ms from launch); tmux's own start is in both figures.
    figure('home screen drawn (tmux 80x24) vs 400 ms', w, 400, 1);
    figure('home screen drawn vs node -e printing a line', w, n);
  } finally {
    rm(home);
  }
}
