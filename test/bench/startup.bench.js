// `warden --version` beside `node -e 0`: wall and CPU (user + system) time, median of 9 runs each,
// interleaved so load from other work on the machine falls on both. Goal: ≤ 2× node's start.
import { spawnSync } from 'node:child_process';
import { BIN, figure, median } from './common.js';

function run(argv) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', ...argv], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  const [e, u, s] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { wall: e * 1000, cpu: (u + s) * 1000 };
}

export default async function startupBench() {
  const node = [];
  const version = [];
  const help = [];
  for (let i = 0; i < 9; i++) {
    node.push(run([process.execPath, '-e', '0']));
    version.push(run([process.execPath, BIN, '--version']));
    help.push(run([process.execPath, BIN, '--help']));
  }
  const m = (xs, k) => median(xs.map((x) => x[k]));
  figure('warden --version CPU vs node -e 0', m(version, 'cpu'), m(node, 'cpu'), 2);
  figure('warden --version wall vs node -e 0', m(version, 'wall'), m(node, 'wall'), 2);
  figure('warden --help (loads every command module) wall vs node -e 0', m(help, 'wall'), m(node, 'wall'));
}
