// Log snapshot of 1 GiB of container logs: `warden snapshot` (logs part dominates) beside
// `docker logs --timestamps > file` on the same container. Goal: no slower, peak memory < 150 MB.
// BENCH_LOG_MIB overrides the size (default 1024).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, IMAGE, docker, engineUp, figure, hasImage, measure, mib, rm, tempDir, waitExited } from './common.js';

export default async function snapshotBench() {
  if (!engineUp() || !hasImage()) {
    console.log(`skipped: needs a Docker engine and ${IMAGE} (run the integration tests once to build it)`);
    return;
  }
  const sizeMiB = Number(process.env.BENCH_LOG_MIB ?? 1024);
  const name = `wt-bench-logs-${process.pid}`;
  const home = tempDir('warden-bench-');
  const out = tempDir('warden-bench-out-');
  try {
    const line = 'x'.repeat(99);
    const t0 = Date.now();
    docker(['run', '-d', '--label', 'warden.test=bench', '--name', name, IMAGE, 'sh', '-c',
      `yes ${line} | head -c ${sizeMiB * 1024 * 1024}`]);
    await waitExited(name, 15 * 60_000);
    console.log(`generated ${sizeMiB} MiB of logs (100-byte lines) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const file = join(out, 'docker-logs.txt');
    const d = measure(['sh', '-c', `docker logs --timestamps ${name} > ${file} 2>&1`]);
    const dBytes = statSync(file).size;
    rm(file);

    const w = measure([process.execPath, BIN, 'snapshot', name, '--json'], { WARDEN_HOME: home, NO_COLOR: '1' });
    const res = JSON.parse(w.stdout);
    const logs = res.files.filter((f) => f.kind.startsWith('logs-')).reduce((n, f) => n + f.bytes, 0);

    console.log(`docker logs --timestamps > file : ${d.seconds.toFixed(1)} s, ${mib(dBytes)} MiB written, ${(dBytes / (1 << 20) / d.seconds).toFixed(0)} MiB/s (docker CLI peak ${d.peakMiB} MiB)`);
    console.log(`warden snapshot (logs + SHA-256): ${w.seconds.toFixed(1)} s, ${mib(logs)} MiB of logs, ${(logs / (1 << 20) / w.seconds).toFixed(0)} MiB/s, peak RSS ${w.peakMiB} MiB`);
    figure(`snapshot of ${sizeMiB} MiB of logs vs docker logs --timestamps > file`, w.seconds, d.seconds, 1.0, 's');
    console.log(`snapshot peak RSS ${w.peakMiB} MiB; goal < 150 MB: ${w.peakMiB < 143 ? 'met' : 'NOT met'}`);
  } finally {
    docker(['rm', '-f', name]);
    rm(home);
    rm(out);
  }
}
