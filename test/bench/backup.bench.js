// Backup and restore throughput of a volume (BENCH_VOLUME_MIB, default 512 MiB of mixed data)
// beside `docker cp` out of and into the same container.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, IMAGE, docker, engineUp, figure, hasImage, measure, median, rm, tempDir } from './common.js';

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

    const env = { WARDEN_HOME: home, NO_COLOR: '1' };
    const key = join(out, 'key');
    writeFileSync(key, 'a'.repeat(64), { mode: 0o600 });
    const backup = (extra) => {
      const m = measure([process.execPath, BIN, 'backup', name, ...extra, '--json'], env);
      const res = JSON.parse(m.stdout);
      return { ...m, dir: join(res.sessionDir, res.dir), archive: join(res.sessionDir, res.archives[0].path) };
    };
    const restore = (dir, extra = []) =>
      measure([process.execPath, BIN, 'restore', dir, '--to', name, '--yes', '--no-restart', ...extra], env);
    // Interleaved rounds (BENCH_ROUNDS, default 3), medians: this machine is noisy, and a run
    // right after another one meets a different page cache.
    const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
    const runs = { cpOut: [], sync: [], cpIn: [], b: [], bn: [], be: [], r: [], rn: [], re: [] };
    let archiveBytes = 0;
    for (let i = 0; i < rounds; i++) {
      runs.cpOut.push(measure(['docker', 'cp', `${name}:/data`, join(out, 'data')]));
      // A backup is fsynced before it counts; docker cp's copy may still be in the page cache.
      runs.sync.push(measure(['sync']));
      runs.cpIn.push(measure(['docker', 'cp', join(out, 'data'), `${name}:/`]));
      rm(join(out, 'data'));
      const b = backup([]);
      archiveBytes = statSync(b.archive).size;
      runs.b.push(b);
      runs.r.push(restore(b.dir));
      const bn = backup(['--compression', 'none']);
      runs.bn.push(bn);
      runs.rn.push(restore(bn.dir));
      const be = backup(['--encrypt', '--key-file', key]);
      runs.be.push(be);
      runs.re.push(restore(be.dir, ['--key-file', key]));
    }
    const sec = (k) => median(runs[k].map((m) => m.seconds));
    const peak = (k) => Math.max(...runs[k].map((m) => m.peakMiB));

    console.log(`volume: ${sizeMiB} MiB (half text, half random); medians of ${rounds} interleaved rounds`);
    console.log(`docker cp out                    : ${sec('cpOut').toFixed(2)} s, ${rate(sec('cpOut'))}`);
    const cpOutSync = median(runs.cpOut.map((m, i) => m.seconds + (runs.sync[i]?.seconds ?? 0)));
    console.log(`docker cp out, then sync         : ${cpOutSync.toFixed(2)} s`);
    console.log(`warden backup (gzip, parallel)   : ${sec('b').toFixed(2)} s, ${rate(sec('b'))}, archive ${(archiveBytes / 1048576).toFixed(0)} MiB, peak RSS ${peak('b')} MiB`);
    console.log(`warden backup --compression none : ${sec('bn').toFixed(2)} s, ${rate(sec('bn'))}, peak RSS ${peak('bn')} MiB`);
    console.log(`warden backup --encrypt          : ${sec('be').toFixed(2)} s, ${rate(sec('be'))}, peak RSS ${peak('be')} MiB`);
    console.log(`docker cp in                     : ${sec('cpIn').toFixed(2)} s, ${rate(sec('cpIn'))}`);
    console.log(`warden restore (verify+write)    : ${sec('r').toFixed(2)} s, ${rate(sec('r'))}, peak RSS ${peak('r')} MiB`);
    console.log(`warden restore of --compression none: ${sec('rn').toFixed(2)} s, ${rate(sec('rn'))}, peak RSS ${peak('rn')} MiB`);
    console.log(`warden restore --key-file        : ${sec('re').toFixed(2)} s, ${rate(sec('re'))}, peak RSS ${peak('re')} MiB`);
    figure('backup (gzip) vs docker cp out', sec('b'), sec('cpOut'), 1.5, 's');
    figure('backup --compression none vs docker cp out', sec('bn'), sec('cpOut'), 1.5, 's');
    figure('backup --encrypt vs docker cp out', sec('be'), sec('cpOut'), 1.5, 's');
    figure('backup --compression none vs docker cp out + sync (both durable)', sec('bn'), cpOutSync, undefined, 's');
    figure('restore (verify + write) vs docker cp in', sec('r'), sec('cpIn'), 1.5, 's');
    figure('restore of --compression none vs docker cp in', sec('rn'), sec('cpIn'), 1.5, 's');
    figure('restore --key-file vs docker cp in', sec('re'), sec('cpIn'), 1.5, 's');
    const memory = Math.max(...Object.keys(runs).filter((k) => !k.startsWith('cp') && k !== 'sync').map(peak));
    console.log(`peak RSS of every backup and restore: ${memory} MiB; goal < 150 MB: ${memory < 143 ? 'met' : 'NOT met'}`);
  } finally {
    docker(['rm', '-f', name]);
    docker(['volume', 'rm', '-f', vol]);
    rm(home);
    rm(out);
  }
}
