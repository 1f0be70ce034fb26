// Log snapshot of 200 MiB and 1 GiB of container logs: `warden snapshot` (the logs part
// dominates; SHA-256 and masking included) beside `docker logs --timestamps > file` on the same
// container. Goal: no slower, peak memory < 150 MB. BENCH_LOG_MIB overrides the sizes (e.g. 200
// or 200,1024). Sizes up to 256 MiB are measured in 3 rounds (medians), order alternating.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, IMAGE, docker, engineUp, figure, hasImage, measure, median, mib, rm, tempDir, waitExited } from './common.js';

export default async function snapshotBench() {
  if (!engineUp() || !hasImage()) {
    console.log(`skipped: needs a Docker engine and ${IMAGE} (run the integration tests once to build it)`);
    return;
  }
  const sizes = String(process.env.BENCH_LOG_MIB ?? '200,1024').split(',').map(Number);
  for (const sizeMiB of sizes) await snapshotOf(sizeMiB);
}

async function snapshotOf(sizeMiB) {
  const name = `wt-bench-logs-${process.pid}-${sizeMiB}`;
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
    const rounds = sizeMiB <= 256 ? 3 : 1;
    const ds = [];
    const ws = [];
    let dBytes = 0;
    let logs = 0;
    const dockerLogs = () => {
      ds.push(measure(['sh', '-c', `docker logs --timestamps ${name} > ${file} 2>&1`]));
      dBytes = statSync(file).size;
      rm(file);
    };
    const snapshot = () => {
      const w = measure([process.execPath, BIN, 'snapshot', name, '--json'], { WARDEN_HOME: home, NO_COLOR: '1' });
      const res = JSON.parse(w.stdout);
      logs = res.files.filter((f) => f.kind.startsWith('logs-')).reduce((n, f) => n + f.bytes, 0);
      ws.push(w);
    };
    for (let i = 0; i < rounds; i++) {
      if (i % 2 === 0) {
        dockerLogs();
        snapshot();
      } else {
        snapshot();
        dockerLogs();
      }
    }
    const d = median(ds.map((m) => m.seconds));
    const w = median(ws.map((m) => m.seconds));
    const peak = Math.max(...ws.map((m) => m.peakMiB));
    const of = rounds > 1 ? ` (median of ${rounds})` : '';
    console.log(`docker logs --timestamps > file${of}: ${d.toFixed(1)} s, ${mib(dBytes)} MiB written, ${(dBytes / (1 << 20) / d).toFixed(0)} MiB/s`);
    console.log(`warden snapshot (logs + SHA-256)${of}: ${w.toFixed(1)} s, ${mib(logs)} MiB of logs, ${(logs / (1 << 20) / w).toFixed(0)} MiB/s, peak RSS ${peak} MiB`);
    figure(`snapshot of ${sizeMiB} MiB of logs vs docker logs --timestamps > file`, w, d, 1.0, 's');
    console.log(`snapshot of ${sizeMiB} MiB peak RSS ${peak} MiB; goal < 150 MB: ${peak < 143 ? 'met' : 'NOT met'}`);
  } finally {
    docker(['rm', '-f', name]);
    rm(home);
    rm(out);
  }
}
