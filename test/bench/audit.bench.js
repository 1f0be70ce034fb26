// Audit benchmarks. (1) A compose file with 200 anchors merged into 60 services (the issue 8 goal:
// under 1 s), beside a one-service file audited the same way in the same run. (2) 100 and 1000
// (BENCH_AUDIT_MAX) labelled running containers: `warden audit --format json` as a whole process,
// beside the API floor (a fresh process listing and inspecting every container with node:http),
// and with `--process-source top` to show what reading /proc saves.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleSrc, figure, median } from './common.js';
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
    // A fixture that did not load is a broken bench, not a met goal.
    if (big.targets !== 60 || ref.targets !== 1)
      throw new Error(`compose bench: audited ${big.targets} and ${ref.targets} services, expected 60 and 1`);
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

/**
 * The API floor: a fresh Node process that lists every container and inspects each one (16 at a
 * time) over the engine's socket with node:http and nothing else. What no audit can go below.
 */
const FLOOR = `import { request } from 'node:http';
const socketPath = (process.env.DOCKER_HOST || 'unix:///var/run/docker.sock').replace(/^unix:\\/\\//, '');
const get = (path) => new Promise((res, rej) => {
  const req = request({ socketPath, path, agent: keepAlive }, (r) => {
    const parts = []; r.on('data', (d) => parts.push(d));
    r.on('end', () => res(JSON.parse(Buffer.concat(parts).toString())));
  });
  req.on('error', rej); req.end();
});
import { Agent } from 'node:http';
const keepAlive = new Agent({ keepAlive: true, maxSockets: 16 });
const list = await get('/containers/json?all=1');
let next = 0, inspected = 0;
await Promise.all(Array.from({ length: 16 }, async () => {
  while (next < list.length) { const c = list[next++]; await get('/containers/' + c.Id + '/json'); inspected++; }
}));
console.log(JSON.stringify({ inspected }));
process.exit(0);
`;

/** Wall time of a whole process, from spawn to exit, and its last stdout line. */
function wall(argv) {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(argv[0], argv.slice(1), {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', rej);
    child.on('close', (code) => res({ ms: performance.now() - t0, code, out }));
  });
}

async function medianOf(n, fn) {
  const xs = [];
  for (let i = 0; i < n; i++) xs.push(await fn());
  return median(xs);
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
  const dir = mkdtempSync(join(tmpdir(), 'warden-bench-'));
  const floor = join(dir, 'floor.mjs');
  writeFileSync(floor, FLOOR);
  const sizes = [100, Number(process.env.BENCH_AUDIT_MAX ?? 1000)].filter((n, i) => i === 0 || n > 100);
  const runId = `bench-${randomBytes(4).toString('hex')}`;
  const made = [];
  const rows = [];
  try {
    const before = (await docker(['ps', '-aq'])).split('\n').filter(Boolean).length;
    for (const n of sizes) {
      const names = Array.from(
        { length: n - made.length },
        (_, i) => `wt-bench-${runId}-${made.length + i}`,
      );
      const t0 = Date.now();
      await inBatches(names, 16, (name) =>
        docker(['run', '-d', '--name', name, '--label', `${LABEL}=${runId}`, IMAGE, 'sleep', '3600']),
      );
      made.push(...names);
      const setupS = (Date.now() - t0) / 1000;
      const audit = (source) => async () => {
        const r = await wall([process.execPath, 'bin/warden.js', 'audit', '--format', 'json', '--fail-on', 'critical', '--process-source', source]);
        const report = JSON.parse(r.out);
        if (report.targets.length < n) throw new Error(`audited ${report.targets.length} < ${n}`);
        return { ms: r.ms, source: report.engine.processSource, targets: report.targets.length };
      };
      await audit('auto')(); // warm the engine's and the page cache once
      const rounds = 7;
      // Interleaved, so a noisy neighbour slows both alike.
      const floorRuns = [];
      const autoRuns = [];
      for (let i = 0; i < rounds; i++) {
        floorRuns.push((await wall([process.execPath, floor])).ms);
        autoRuns.push(await audit('auto')());
      }
      const floorMs = median(floorRuns);
      const autoMs = median(autoRuns.map((r) => r.ms));
      const topMs = await medianOf(n > 100 ? 1 : rounds, async () => (await audit('top')()).ms);
      rows.push({ n, autoMs, floorMs });
      console.log(
        `audit of ${n} running containers (${autoRuns[0].targets} on the engine, ${before} others before the run; setup ${setupS.toFixed(0)} s), whole process, median of ${rounds}, interleaved:`,
      );
      console.log(`  API floor (list + inspect each, node:http, fresh process): ${floorMs.toFixed(0)} ms`);
      console.log(`  warden audit --format json (processes from ${autoRuns[0].source}): ${autoMs.toFixed(0)} ms`);
      console.log(`  warden audit --process-source top (one engine top per container): ${topMs.toFixed(0)} ms`);
      figure(`audit ${n} containers vs API floor`, autoMs, floorMs, n === 100 ? 2 : undefined);
    }
    const [hundred, big] = rows;
    if (big) figure(`audit ${big.n} vs audit 100 containers`, big.autoMs, hundred.autoMs, (12 * big.n) / 1000);
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
  }
}
