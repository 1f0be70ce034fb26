// Audit benchmarks. (1) A compose file with 200 anchors merged into 60 services (the issue 8 goal:
// under 1 s), beside a one-service file audited the same way in the same run. (2) N = 10, 100, 500
// labelled running containers; wall time and peak RSS of `warden audit --format json` (the built
// handler from dist/, in a child process per run).
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleSrc } from './common.js';
import { promisify } from 'node:util';

const run = promisify(execFile);
const IMAGE = 'warden-test/busybox:1';
const LABEL = 'warden.test';
const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');

async function docker(args) {
  return (await run('docker', args, { maxBuffer: 64 << 20 })).stdout.trim();
}

async function inBatches(items, size, fn) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/** Runs the audit in a fresh node process; it prints one JSON line with its own figures. */
function measure(script) {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [script], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', rej);
    child.on('close', () => {
      try {
        res(JSON.parse(out.trim().split('\n').at(-1)));
      } catch (e) {
        rej(new Error(`bad measurement output: ${out.slice(0, 200)} (${e})`));
      }
    });
  });
}

/** Times runAudit on compose files in a fresh process: the first (cold) run and the best of 3. */
export async function composeFileBench() {
  const bundled = await bundleSrc('src/cli/commands/audit.ts');
  const handler = bundled.out;
  const dir = mkdtempSync(join(tmpdir(), 'warden-bench-'));
  const small = join(dir, 'compose.yaml');
  writeFileSync(small, 'services:\n  app:\n    image: example/app:1.0.0\n    read_only: true\n');
  const script = join(dir, 'compose-measure.mjs');
  writeFileSync(
    script,
    `import { runAudit } from ${JSON.stringify(handler)};
import { readFile } from 'node:fs/promises';
const file = process.argv[2];
const times = [];
let targets = 0;
for (let i = 0; i < 4; i++) {
  const t0 = performance.now();
  await runAudit({ compose: [file], format: 'json' }, {
    readFile: (p) => readFile(p, 'utf8'),
    stdout: { write: (s) => { targets = JSON.parse(s).targets.length; } },
    stderr: process.stderr,
    now: () => new Date(),
    env: {},
  });
  times.push(performance.now() - t0);
}
console.log(JSON.stringify({ cold: times[0], warm: Math.min(...times.slice(1)), targets }));
`,
  );
  const run = (file) =>
    new Promise((res, rej) => {
      const child = spawn(process.execPath, [script, file], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', rej);
      child.on('close', () => res(JSON.parse(out.trim().split('\n').at(-1))));
    });
  try {
    const big = await run(join(root, 'test/fixtures/compose/anchors/compose.yaml'));
    const ref = await run(small);
    console.log(
      `compose, 200 anchors into ${big.targets} services: first run ${big.cold.toFixed(0)} ms, ` +
        `warm ${big.warm.toFixed(0)} ms; one service: first run ${ref.cold.toFixed(0)} ms, warm ` +
        `${ref.warm.toFixed(1)} ms (ratio warm ${(big.warm / ref.warm).toFixed(0)}x for 60x the services)`,
    );
    console.log(
      `compose goal (200 anchors into 60 services < 1000 ms): ${big.cold < 1000 ? 'met' : 'NOT met'} (first run in a fresh process)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(bundled.dir, { recursive: true, force: true });
  }
}

export default async function auditBench() {
  await composeFileBench();
  try {
    await docker(['info', '--format', '{{.ServerVersion}}']);
  } catch {
    console.log('audit bench skipped: no Docker engine');
    return;
  }
  try {
    await docker(['image', 'inspect', IMAGE]);
  } catch {
    console.log(
      `audit bench skipped: ${IMAGE} missing (run the integration tests once to build it)`,
    );
    return;
  }
  const bundled = await bundleSrc('test/bench/audit-entry.ts');
  const dir = mkdtempSync(join(tmpdir(), 'warden-bench-'));
  const script = join(dir, 'measure.mjs');
  writeFileSync(
    script,
    `import { runAudit, createDockerClient, resolveEndpoint, createDockerReadAdapter } from ${JSON.stringify(bundled.out)};
import { readFile } from 'node:fs/promises';
const t0 = performance.now();
const ep = resolveEndpoint();
let bytes = 0;
const code = await runAudit({ format: 'json' }, {
  docker: createDockerReadAdapter(createDockerClient(ep), ep),
  readFile: (p) => readFile(p, 'utf8'),
  stdout: { write: (s) => { bytes += s.length; try { globalThis.__last = JSON.parse(s); } catch {} } },
  stderr: process.stderr,
  now: () => new Date(),
});
const ms = performance.now() - t0;
const targets = globalThis.__last?.targets?.length ?? -1;
console.log(JSON.stringify({ code, ms, targets, bytes, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
`,
  );
  const runId = `bench-${randomBytes(4).toString('hex')}`;
  const made = [];
  const rows = [];
  try {
    for (const n of [10, 100, 500]) {
      const names = Array.from(
        { length: n - made.length },
        (_, i) => `wt-bench-${runId}-${made.length + i}`,
      );
      const t0 = Date.now();
      await inBatches(names, 16, (name) =>
        docker([
          'run',
          '-d',
          '--name',
          name,
          '--label',
          `${LABEL}=${runId}`,
          IMAGE,
          'sleep',
          '3600',
        ]),
      );
      made.push(...names);
      const setupS = (Date.now() - t0) / 1000;
      await measure(script); // warm the engine's caches once
      const samples = [];
      for (let i = 0; i < 3; i++) samples.push(await measure(script));
      samples.sort((a, b) => a.ms - b.ms);
      const median = samples[1];
      rows.push({ n, ...median });
      console.log(
        `audit N=${n} (audited ${median.targets} containers on the engine): ` +
          `median ${median.ms.toFixed(0)} ms (min ${samples[0].ms.toFixed(0)}, max ${samples[2].ms.toFixed(0)}), ` +
          `peak RSS ${median.maxRssMb.toFixed(0)} MB, output ${(median.bytes / 1024).toFixed(0)} KiB ` +
          `[setup ${setupS.toFixed(1)} s]`,
      );
    }
    const per = rows.map(
      (r) => `${(r.ms / Math.max(1, r.targets)).toFixed(2)} ms/container at N=${r.n}`,
    );
    console.log(`audit growth: ${per.join(', ')}`);
    const hundred = rows.find((r) => r.n === 100);
    console.log(
      `audit goal (100 containers < 1000 ms): ${hundred && hundred.ms < 1000 ? 'met' : 'NOT met'}`,
    );
  } finally {
    const ids = await docker(['ps', '-aq', '--filter', `label=${LABEL}=${runId}`]);
    const list = ids.split('\n').filter(Boolean);
    await inBatches(
      Array.from({ length: Math.ceil(list.length / 50) }, (_, i) =>
        list.slice(i * 50, i * 50 + 50),
      ),
      4,
      (chunk) => docker(['rm', '-f', ...chunk]),
    );
    rmSync(dir, { recursive: true, force: true });
    rmSync(bundled.dir, { recursive: true, force: true });
  }
}
