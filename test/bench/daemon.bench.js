// The daemon scope (CIS sections 2 and 3) of a local engine: a whole `warden audit --scope
// daemon` process beside the docker CLI reading the same facts (`docker info` and `docker network
// inspect bridge`, two processes) and beside `node -e 0`. Median of 5 each, same run.
import { spawnSync } from 'node:child_process';
import { BIN, engineUp, figure, median } from './common.js';

function wallMs(argv) {
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), {
    stdio: 'ignore',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.status !== 0 && r.status !== 1 && r.status !== 2)
    throw new Error(`${argv.join(' ')} failed`);
  return performance.now() - t0;
}

const medianOf = (n, f) => median(Array.from({ length: n }, f));

export default async function daemonBench() {
  if (!engineUp()) {
    console.log('daemon bench skipped: no Docker engine');
    return;
  }
  const warden = medianOf(5, () =>
    wallMs([process.execPath, BIN, 'audit', '--scope', 'daemon', '--format', 'json']),
  );
  const cli = medianOf(
    5,
    () => wallMs(['docker', 'info']) + wallMs(['docker', 'network', 'inspect', 'bridge']),
  );
  const node = medianOf(5, () => wallMs([process.execPath, '-e', '0']));
  figure('audit --scope daemon vs docker info + network inspect (CLI)', warden, cli);
  figure('audit --scope daemon vs node -e 0', warden, node);
}
