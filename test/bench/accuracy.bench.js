// Precision and recall by check on the hand-labelled compose fixtures: every directory under
// test/fixtures/compose with an expected.yaml (the stacks/ ones reproduce whole real-world stacks),
// which lists, per service, the scored checks an auditor expects to fail.
// `node test/bench/run.js accuracy` prints the table; `--json` (run directly) prints the figures.
import { readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { importSrc } from './common.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const FIXTURES = join(root, 'test/fixtures/compose');

/** Fixture directories (relative to FIXTURES) holding an expected.yaml, two levels deep. */
async function labelledFixtures() {
  const out = [];
  for (const d of await readdir(FIXTURES, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    if (existsSync(join(FIXTURES, d.name, 'expected.yaml'))) out.push(d.name);
    for (const e of await readdir(join(FIXTURES, d.name), { withFileTypes: true }))
      if (e.isDirectory() && existsSync(join(FIXTURES, d.name, e.name, 'expected.yaml')))
        out.push(`${d.name}/${e.name}`);
  }
  return out.sort();
}

/**
 * Scored: checks about what a file sets. Left out: checks that fire on the absence of a setting
 * (limits, health check, restart, user, read-only root, cap_drop, no-new-privileges, default
 * bridge) and live-only ones (sshd-running, drift, apparmor on this host): on compose stacks they
 * fire on nearly every service and measure nothing about judgement.
 */
export const SCORED = [
  'privileged',
  'docker-socket',
  'sensitive-mount',
  'host-network',
  'host-pid',
  'host-ipc',
  'host-uts',
  'host-userns',
  'cgroup-host',
  'cgroup-parent',
  'privileged-port',
  'bind-propagation',
  'dangerous-capability',
  'seccomp-unconfined',
  'host-devices',
  'demo-credential',
  'secret-in-env',
  'weak-secret',
  'reused-secret',
  'public-port',
  'latest-tag',
  'writable-bind',
  'shared-writable-path',
  'tmpfs-options',
  'search-security-disabled',
  'postgres-auth',
  'grafana-anonymous',
  'default-admin-password',
  'internal-service-exposed',
  'cassandra-auth',
  'redis-auth',
  'admin-ui-public',
];

export async function measureAccuracy() {
  // dist/ is one bundle whose internals are not importable: bundle the audit core on the fly.
  const { runAuditCore } = await importSrc('src/checks/audit-core.ts');
  const per = new Map(SCORED.map((c) => [c, { tp: 0, fp: 0, fn: 0 }]));
  const misses = [];
  const stacks = await labelledFixtures();
  let services = 0;
  for (const stack of stacks) {
    const file = join('test/fixtures/compose', stack, 'compose.yaml');
    const expected = parse(await readFile(join(FIXTURES, stack, 'expected.yaml'), 'utf8')) ?? {};
    const run = await runAuditCore({
      composeFiles: [file],
      readFile: (p) => readFile(resolve(root, p), 'utf8'),
      env: {},
    });
    const found = new Set(
      run.evaluations
        .filter((e) => e.verdict === 'fail' && per.has(e.check))
        .map((e) => `${e.target.service}|${e.check}`),
    );
    const names = run.composes[0].services.map((s) => s.name);
    for (const s of Object.keys(expected))
      if (!names.includes(s)) throw new Error(`${stack}/expected.yaml names no service ${s}`);
    for (const s of names) {
      if (!(s in expected)) throw new Error(`${stack}/expected.yaml does not label ${s}`);
      services++;
      const want = new Set(expected[s] ?? []);
      for (const c of want) if (!per.has(c)) throw new Error(`${stack}/${s}: ${c} is not scored`);
      for (const c of SCORED) {
        const got = found.has(`${s}|${c}`);
        const w = want.has(c);
        const row = per.get(c);
        if (got && w) row.tp++;
        else if (got) {
          row.fp++;
          misses.push({ stack, service: s, check: c, kind: 'false positive' });
        } else if (w) {
          row.fn++;
          misses.push({ stack, service: s, check: c, kind: 'false negative' });
        }
      }
    }
  }
  const total = { tp: 0, fp: 0, fn: 0 };
  for (const r of per.values()) for (const k of ['tp', 'fp', 'fn']) total[k] += r[k];
  return { stacks: stacks.length, services, per: Object.fromEntries(per), total, misses };
}

const ratio = (a, b) => (b === 0 ? '—' : `${((100 * a) / b).toFixed(0)} %`);

export default async function accuracyBench() {
  const r = await measureAccuracy();
  console.log(`accuracy on ${r.stacks} labelled compose fixtures, ${r.services} services`);
  console.log('| check | TP | FP | FN | precision | recall |');
  console.log('|---|---|---|---|---|---|');
  for (const [c, x] of Object.entries(r.per)) {
    if (x.tp + x.fp + x.fn === 0) continue;
    console.log(
      `| ${c} | ${x.tp} | ${x.fp} | ${x.fn} | ${ratio(x.tp, x.tp + x.fp)} | ${ratio(x.tp, x.tp + x.fn)} |`,
    );
  }
  const t = r.total;
  console.log(
    `| **all scored checks** | ${t.tp} | ${t.fp} | ${t.fn} | ${ratio(t.tp, t.tp + t.fp)} | ${ratio(t.tp, t.tp + t.fn)} |`,
  );
  for (const m of r.misses) console.log(`${m.kind}: ${m.stack} ${m.service} ${m.check}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--json')) console.log(JSON.stringify(await measureAccuracy()));
  else await accuracyBench();
}
