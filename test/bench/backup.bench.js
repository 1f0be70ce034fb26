// Backup and restore throughput of a volume (BENCH_VOLUME_MIB, default 512 MiB of mixed data)
// beside `docker cp` out of and into the same container.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, IMAGE, docker, engineUp, figure, hasImage, measure, rm, tempDir } from './common.js';

export default async function backupBench() {
  if (!engineUp() || !hasImage()) {
    console.log(`skipped: needs a Docker engine and ${IMAGE}`);
    return;
  }
  const sizeMiB = Number(process.env.BENCH_VOLUME_MIB ?? 512);
  const name = `wt-bench-vol-${process.pid}`;
  const vol = `wt-bench-vol-${process.pid}`;
  const home = tempDir('warden-bench-');
  const out = tempDir('warden-bench-out-');
  try {
    docker(['volume', 'create', '--label', 'warden.test=bench', vol]);
    docker(['run', '-d', '--label', 'warden.test=bench', '--name', name, '-v', `${vol}:/data`, IMAGE, 'sleep', '3600']);
    // Half compressible text, half random: closer to real data than zeros.
    const half = Math.floor(sizeMiB / 2);
    docker(['exec', name, 'sh', '-c',
      `yes 'log line with some words in it' | head -c ${half * 1048576} > /data/text.log && dd if=/dev/urandom of=/data/blob.bin bs=1048576 count=${sizeMiB - half} 2>/dev/null`]);
    const bytes = sizeMiB * 1048576;
    const rate = (s) => `${(bytes / 1048576 / s).toFixed(0)} MiB/s`;

    const cpOut = measure(['docker', 'cp', `${name}:/data`, join(out, 'data')]);
    const cpIn = measure(['docker', 'cp', join(out, 'data'), `${name}:/`]);
    rm(join(out, 'data'));

    const b = measure([process.execPath, BIN, 'backup', name, '--json'], { WARDEN_HOME: home, NO_COLOR: '1' });
    const res = JSON.parse(b.stdout);
    const dir = join(res.sessionDir, res.dir);
    const archive = join(res.sessionDir, res.archives[0].path);
    const r = measure([process.execPath, BIN, 'restore', dir, '--to', name, '--yes', '--no-restart'], { WARDEN_HOME: home, NO_COLOR: '1' });

    const bn = measure([process.execPath, BIN, 'backup', name, '--compression', 'none', '--json'], { WARDEN_HOME: home, NO_COLOR: '1' });
    const resn = JSON.parse(bn.stdout);
    const rn = measure([process.execPath, BIN, 'restore', join(resn.sessionDir, resn.dir), '--to', name, '--yes', '--no-restart'], { WARDEN_HOME: home, NO_COLOR: '1' });

    const key = join(out, 'key');
    docker(['run', '--rm', IMAGE, 'true']);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(key, 'a'.repeat(64), { mode: 0o600 });
    const be = measure([process.execPath, BIN, 'backup', name, '--encrypt', '--key-file', key, '--json'], { WARDEN_HOME: home, NO_COLOR: '1' });
    const rese = JSON.parse(be.stdout);
    const re = measure([process.execPath, BIN, 'restore', join(rese.sessionDir, rese.dir), '--to', name, '--key-file', key, '--yes', '--no-restart'], { WARDEN_HOME: home, NO_COLOR: '1' });

    console.log(`volume: ${sizeMiB} MiB (half text, half random)`);
    console.log(`docker cp out                : ${cpOut.seconds.toFixed(1)} s, ${rate(cpOut.seconds)}`);
    console.log(`warden backup (gzip -1)      : ${b.seconds.toFixed(1)} s, ${rate(b.seconds)}, archive ${(statSync(archive).size / 1048576).toFixed(0)} MiB, peak RSS ${b.peakMiB} MiB`);
    console.log(`warden backup --encrypt      : ${be.seconds.toFixed(1)} s, ${rate(be.seconds)}, peak RSS ${be.peakMiB} MiB`);
    console.log(`docker cp in                 : ${cpIn.seconds.toFixed(1)} s, ${rate(cpIn.seconds)}`);
    console.log(`warden restore (verify+write): ${r.seconds.toFixed(1)} s, ${rate(r.seconds)}, peak RSS ${r.peakMiB} MiB`);
    console.log(`warden restore --key-file    : ${re.seconds.toFixed(1)} s, ${rate(re.seconds)}, peak RSS ${re.peakMiB} MiB`);
    console.log(`warden backup --compression none : ${bn.seconds.toFixed(1)} s, ${rate(bn.seconds)}, peak RSS ${bn.peakMiB} MiB`);
    console.log(`warden restore of it             : ${rn.seconds.toFixed(1)} s, ${rate(rn.seconds)}, peak RSS ${rn.peakMiB} MiB`);
    figure('backup (gzip -1) vs docker cp out', b.seconds, cpOut.seconds, 1.5, 's');
    figure('backup --compression none vs docker cp out', bn.seconds, cpOut.seconds, 1.5, 's');
    figure('restore (verify + write) vs docker cp in', r.seconds, cpIn.seconds, 1.5, 's');
    figure('restore of --compression none vs docker cp in', rn.seconds, cpIn.seconds, 1.5, 's');
    const memory = Math.max(b.peakMiB, be.peakMiB, r.peakMiB, re.peakMiB, bn.peakMiB, rn.peakMiB);
    console.log(`peak RSS of every backup and restore: ${memory} MiB; goal < 150 MB: ${memory < 143 ? 'met' : 'NOT met'}`);
  } finally {
    docker(['rm', '-f', name]);
    docker(['volume', 'rm', '-f', vol]);
    rm(home);
    rm(out);
  }
}
