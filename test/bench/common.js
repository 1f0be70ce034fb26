// Helpers for the benchmarks: the docker CLI for setup, /usr/bin/time for wall time and peak RSS.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'warden.js');
export const IMAGE = 'warden-test/busybox:1';

export function docker(args, opts = {}) {
  return execFileSync('docker', args, { encoding: 'utf8', maxBuffer: 1 << 26, ...opts }).trim();
}

export function engineUp() {
  return spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
}

export function hasImage() {
  return spawnSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' }).status === 0;
}

/** Runs argv (through sh -c when `shell` is given) under /usr/bin/time: seconds and peak MiB. */
export function measure(argv, env = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...argv], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 26,
  });
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  const [sec, kb] = last.split(' ');
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr.slice(-500)}`);
  return { seconds: Number(sec), peakMiB: Math.round(Number(kb) / 1024), stdout: r.stdout };
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function rm(path) {
  rmSync(path, { recursive: true, force: true });
}

export async function waitExited(name, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (docker(['inspect', name, '--format', '{{.State.Status}}']) === 'exited') return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${name} did not finish in ${ms / 1000} s`);
}

export function mib(bytes) {
  return (bytes / (1 << 20)).toFixed(0);
}

/**
 * Imports a module of src/ (TypeScript) for bench setup: dist/ is one bundle whose internals are
 * not importable, so esbuild bundles the module on the fly into a temporary file.
 */
export async function importSrc(path) {
  const { pathToFileURL } = await import('node:url');
  const { dir, out } = await bundleSrc(path);
  try {
    return await import(pathToFileURL(out).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bundles a src/ module into a temporary .mjs (for a child process); remove `dir` after. */
export async function bundleSrc(path) {
  const { bundleSrc: bundle } = await import('../../scripts/bundle-src.js');
  return bundle(join(dirname(fileURLToPath(import.meta.url)), '..', '..'), path, '.warden-bench-');
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** One line of the summary: a figure beside its reference, their ratio, and the goal. */
export function figure(name, value, reference, goal, unit = 'ms') {
  const ratio = value / reference;
  const verdict = goal === undefined ? '' : ratio <= goal ? `  goal ≤ ${goal}×: met` : `  goal ≤ ${goal}×: NOT met`;
  console.log(
    `FIGURE ${name}: ${value.toFixed(unit === 's' ? 2 : 0)} ${unit} vs ${reference.toFixed(unit === 's' ? 2 : 0)} ${unit} → ${ratio.toFixed(2)}×${verdict}`,
  );
}
