// Fleet audit: three engines × 100 running containers. The default engine plus two private ones
// this bench starts (own socket, data and exec roots, own network namespace: `unshare --net`, unix
// socket only; ../shared/DOCKER.md), each a context of a temporary DOCKER_CONFIG. Whole
// `warden audit --format json` processes, median of 3, interleaved: each engine alone, then
// `--context bench-a,bench-b,bench-c`. The goal: the fleet takes ≤ 1.5× the slowest single engine
// (the engines are audited side by side, not one after another). `node -e 0` is the process start.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BIN, IMAGE, figure, median, rm, tempDir } from './common.js';

const run = promisify(execFile);
const LABEL = 'warden.test=fleet-bench';
const PER_ENGINE = 100;
const ROUNDS = 3;
const DEFAULT_SOCKET = '/var/run/docker.sock';

async function docker(socket, args, opts = {}) {
  const r = await run('docker', ['-H', `unix://${socket}`, ...args], {
    maxBuffer: 64 << 20,
    ...opts,
  });
  return r.stdout.trim();
}

const answers = (socket) =>
  spawnSync('docker', ['-H', `unix://${socket}`, 'info', '--format', '{{.ServerVersion}}'], {
    stdio: 'ignore',
  }).status === 0;

async function inBatches(items, size, fn) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

// As test/helpers/docker.ts `ensureTestImage`: the test image from the host's static busybox.
const APPLETS = 'sh ls cat echo sleep tar mkdir date id ps top nc wget httpd ip ping rm touch head tail wc sha256sum dd seq yes true false env kill chmod cp mv'.split(' ');

function ensureImage() {
  if (spawnSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' }).status === 0) return;
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
  if (!busybox) throw new Error('busybox-static is not installed (apt-get install busybox-static)');
  const root = tempDir('warden-img-');
  try {
    for (const d of ['bin', 'tmp', 'etc', 'data', 'usr/sbin']) mkdirSync(join(root, d), { recursive: true });
    copyFileSync(busybox, join(root, 'bin/busybox'));
    for (const a of APPLETS) symlinkSync('busybox', join(root, 'bin', a));
    symlinkSync('../../bin/busybox', join(root, 'usr/sbin/sshd'));
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/data:/bin/sh\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\napp:x:1000:\n');
    const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 256 << 20 }).stdout;
    const r = spawnSync('docker', ['import', '-c', 'CMD ["sh"]', '-', IMAGE], { input: tar });
    if (r.status !== 0) throw new Error(`docker import failed: ${r.stderr}`);
  } finally {
    rm(root);
  }
}

/** A private engine in its own network namespace; `dir` holds everything it writes. */
async function startEngine(dir) {
  const socket = join(dir, 'd.sock');
  const log = openSync(join(dir, 'log'), 'w');
  const child = spawn(
    'unshare',
    [
      '--net',
      'dockerd',
      '--host',
      `unix://${socket}`,
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'd.pid'),
      '--iptables=false',
      '--bridge',
      'none',
    ],
    { stdio: ['ignore', log, log], detached: true },
  );
  child.unref();
  closeSync(log);
  const engine = { dir, socket, child };
  const deadline = Date.now() + 30_000;
  while (!answers(socket)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      const tail = readFileSync(join(dir, 'log'), 'utf8').trim().split('\n').slice(-3).join(' | ');
      throw Object.assign(new Error(`private engine did not start: ${tail}`), { engine });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const image = spawnSync('docker', ['save', IMAGE], { maxBuffer: 256 << 20 }).stdout;
  await new Promise((res, rej) => {
    const load = spawn('docker', ['-H', `unix://${socket}`, 'load', '-q'], { stdio: ['pipe', 'ignore', 'inherit'] });
    load.on('error', rej);
    load.on('close', (code) => (code === 0 ? res() : rej(new Error(`docker load exited ${code}`))));
    load.stdin.end(image);
  });
  return engine;
}

/** Mount points at or under `dir`, deepest first. */
function mountsUnder(dir) {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m) => m && (m === dir || m.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
}

async function stopEngine({ dir, child }) {
  let pid = 0;
  try {
    pid = Number(readFileSync(join(dir, 'd.pid'), 'utf8'));
  } catch {
    pid = child.pid ?? 0;
  }
  if (pid) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const end = Date.now() + 30_000;
    for (;;) {
      try {
        process.kill(pid, 0);
      } catch {
        break;
      }
      if (Date.now() > end) {
        console.log(`fleet bench: engine ${pid} did not stop in 30 s; killing it`);
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (mountsUnder(join(dir, 'data')).length)
    spawnSync('umount', ['-R', '-l', join(dir, 'data')], { stdio: 'ignore' });
  for (const m of mountsUnder(dir)) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
  rm(dir);
}

/** Removes the containers this run made (its label and run id) on one engine. */
async function removeMine(socket, runLabel) {
  const ids = (await docker(socket, ['ps', '-aq', '--filter', `label=${LABEL}`, '--filter', `label=${runLabel}`]))
    .split('\n')
    .filter(Boolean);
  const chunks = Array.from({ length: Math.ceil(ids.length / 50) }, (_, i) => ids.slice(i * 50, i * 50 + 50));
  await inBatches(chunks, 4, (chunk) => docker(socket, ['rm', '-f', ...chunk]));
  return ids.length;
}

/** Wall time of a whole process, from spawn to exit; exit 0 or 1 (findings) is a completed audit. */
function wall(argv, env) {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(argv[0], argv.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', rej);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0 && code !== 1) rej(new Error(`${argv.join(' ')} exited ${code}: ${err.slice(-500)}`));
      else res({ ms, out, err });
    });
  });
}

export default async function fleetBench() {
  if (!answers(DEFAULT_SOCKET)) {
    console.log('fleet bench skipped: no Docker engine');
    return;
  }
  const can =
    process.getuid?.() === 0 &&
    spawnSync('which', ['dockerd'], { stdio: 'ignore' }).status === 0 &&
    spawnSync('which', ['unshare'], { stdio: 'ignore' }).status === 0;
  if (!can) {
    console.log('fleet bench skipped: starting private engines needs root, dockerd and unshare');
    return;
  }
  ensureImage();
  const runId = randomBytes(4).toString('hex');
  const runLabel = `warden.bench.run=${runId}`;
  const prefix = `wt-fleet-${runId}-`;
  const config = tempDir('warden-fleet-config-');
  const env = { DOCKER_CONFIG: config };
  const engines = [];
  const sockets = { 'bench-a': DEFAULT_SOCKET };
  try {
    const t0 = Date.now();
    const started = await Promise.allSettled([0, 1].map(() => startEngine(tempDir('warden-fleet-engine-'))));
    for (const s of started) {
      if (s.status === 'fulfilled') engines.push(s.value);
      else if (s.reason?.engine) engines.push(s.reason.engine);
    }
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    sockets['bench-b'] = engines[0].socket;
    sockets['bench-c'] = engines[1].socket;
    const engineS = (Date.now() - t0) / 1000;
    for (const [name, socket] of Object.entries(sockets)) {
      const r = spawnSync('docker', ['context', 'create', name, '--docker', `host=unix://${socket}`], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`docker context create ${name} failed: ${r.stderr}`);
    }
    const t1 = Date.now();
    const names = Array.from({ length: PER_ENGINE }, (_, i) => `${prefix}${i}`);
    await Promise.all(
      Object.values(sockets).map((socket) =>
        inBatches(names, 8, (name) =>
          docker(socket, [
            'run', '-d', '--name', name, '--label', LABEL, '--label', runLabel,
            '--network', 'none', IMAGE, 'sleep', '3600',
          ]),
        ),
      ),
    );
    const setupS = (Date.now() - t1) / 1000;
    const others = {};
    for (const [name, socket] of Object.entries(sockets))
      others[name] = (await docker(socket, ['ps', '-aq'])).split('\n').filter(Boolean).length - PER_ENGINE;

    const contexts = Object.keys(sockets);
    /** One audit process; checks that every engine asked for is in the report with its containers. */
    const audit = async (ctxs) => {
      const r = await wall([process.execPath, BIN, 'audit', '--context', ctxs.join(','), '--format', 'json'], env);
      const report = JSON.parse(r.out);
      const perContext = {};
      for (const c of ctxs) {
        const ts = ctxs.length > 1 ? report.targets.filter((t) => t.context === c) : report.targets;
        const containers = ts.filter((t) => t.kind === 'container');
        const mine = containers.filter((t) => t.name.startsWith(prefix) && t.state === 'running').length;
        if (mine < PER_ENGINE) throw new Error(`audit of ${ctxs.join(',')}: ${mine} of this run's ${PER_ENGINE} containers on ${c}`);
        perContext[c] = { mine, containers: containers.length };
      }
      if (ctxs.length > 1) {
        const reached = (report.engines ?? []).filter((e) => e.reached).map((e) => e.context);
        if (ctxs.some((c) => !reached.includes(c)))
          throw new Error(`fleet audit reached ${reached.join(', ')} of ${ctxs.join(', ')}: ${r.err.trim()}`);
      }
      const sources = (report.engines ?? [report.engine]).map((e) => e.processSource ?? '?');
      return { ms: r.ms, perContext, sources };
    };

    // Warm the engines' and the page caches once.
    for (const c of contexts) await audit([c]);
    const fleetCheck = await audit(contexts);
    const node = [];
    const single = Object.fromEntries(contexts.map((c) => [c, []]));
    const fleet = [];
    for (let i = 0; i < ROUNDS; i++) {
      node.push((await wall([process.execPath, '-e', '0'], env)).ms);
      for (const c of contexts) single[c].push((await audit([c])).ms);
      fleet.push((await audit(contexts)).ms);
    }
    const nodeMs = median(node);
    const singleMs = Object.fromEntries(contexts.map((c) => [c, median(single[c])]));
    const [slowest, slowestMs] = Object.entries(singleMs).sort((a, b) => b[1] - a[1])[0];
    const fleetMs = median(fleet);

    console.log(
      `fleet of ${contexts.length} engines × ${PER_ENGINE} running containers (private engines started in ${engineS.toFixed(0)} s, containers in ${setupS.toFixed(0)} s; ` +
        `other containers already there: ${contexts.map((c) => `${c} ${others[c]}`).join(', ')})`,
    );
    console.log(
      `  fleet report: ${contexts.map((c) => `${c} ${fleetCheck.perContext[c].mine} of this run's (${fleetCheck.perContext[c].containers} containers)`).join(', ')}; processes from ${fleetCheck.sources.join(', ')}`,
    );
    console.log(`  whole processes, median of ${ROUNDS}, interleaved:`);
    console.log(`  node -e 0 (process start): ${nodeMs.toFixed(0)} ms`);
    for (const c of contexts)
      console.log(`  warden audit --context ${c} --format json: ${singleMs[c].toFixed(0)} ms (runs ${single[c].map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`  slowest single engine: ${slowest}, ${slowestMs.toFixed(0)} ms`);
    console.log(`  warden audit --context ${contexts.join(',')} --format json: ${fleetMs.toFixed(0)} ms (runs ${fleet.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`  sum of the single engines (a serial fleet): ${Object.values(singleMs).reduce((a, b) => a + b, 0).toFixed(0)} ms`);
    figure(`fleet audit ${contexts.length}×${PER_ENGINE} vs slowest single engine`, fleetMs, slowestMs, 1.5);
    figure('fleet audit vs node -e 0', fleetMs, nodeMs);
  } finally {
    for (const socket of Object.values(sockets)) {
      try {
        await removeMine(socket, runLabel);
      } catch (err) {
        console.log(`fleet bench: cleanup on ${socket} failed: ${err.message}`);
      }
    }
    for (const e of engines) await stopEngine(e);
    rm(config);
  }
}
