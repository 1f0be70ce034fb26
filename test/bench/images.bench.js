// The host, daemon and images scopes of an engine holding 50 images of the bench's own (imported,
// no registry), as one `warden audit` process, beside the floor of reading the same layers
// (`docker image save` of every image to /dev/null) and `node -e 0`; then the peak RSS of the
// images scope on an image with one layer of BENCH_BIG_MIB (default 1024) MiB of random data,
// which must stream (goal < 200 MiB). Medians of BENCH_ROUNDS (default 3), same run.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, docker, engineUp, figure, measure, median, rm, tempDir } from './common.js';

const LABEL = 'warden.test=bench-images';

/** `docker import` of a directory as a one-layer image (the label marks it for cleanup). */
function importDir(dir, ref) {
  const tar = spawnSync('tar', ['-C', dir, '-c', '.'], { maxBuffer: 1 << 30 });
  execFileSync('docker', ['import', '--change', `LABEL ${LABEL}`, '-', ref], { input: tar.stdout });
}

function importBig(mib, ref, work) {
  const dir = join(work, 'big');
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `head -c ${mib * 1048576} /dev/urandom > "$1"`, 'sh', join(dir, 'blob.bin')]);
  // Streamed through a pipe: the tar of a GiB never sits in this process's memory.
  execFileSync('sh', ['-c', 'tar -C "$1" -c . | docker import --change "LABEL $2" - "$3"', 'sh', dir, LABEL, ref]);
  rm(dir);
}

export default async function imagesBench() {
  if (!engineUp()) {
    console.log('images bench skipped: no Docker engine');
    return;
  }
  const work = tempDir('warden-bench-images-');
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const home = tempDir('warden-bench-home-');
  const env = { WARDEN_HOME: home, NO_COLOR: '1' };
  try {
    for (let i = 0; i < 50; i++) {
      const dir = join(work, `img${i}`);
      mkdirSync(join(dir, 'app'), { recursive: true });
      writeFileSync(join(dir, 'app', 'main.sh'), `echo image ${i}\n`.repeat(100));
      writeFileSync(join(dir, 'app', 'config.json'), JSON.stringify({ image: i, port: 8000 + i }));
      importDir(dir, `warden-bench/img-${i}:1`);
      rm(dir);
    }
    const images = docker(['image', 'ls', '-q']).split('\n').filter(Boolean);
    const ids = [...new Set(images)];
    const audit = ['audit', '--scope', 'host,daemon,images', '--format', 'json'];
    const runs = { warden: [], save: [], node: [] };
    let peak = 0;
    for (let r = 0; r < rounds; r++) {
      const w = measure([process.execPath, BIN, ...audit], env);
      runs.warden.push(w.seconds);
      peak = Math.max(peak, w.peakMiB);
      runs.save.push(measure(['sh', '-c', 'docker image save "$@" > /dev/null', 'sh', ...ids]).seconds);
      runs.node.push(measure([process.execPath, '-e', '0']).seconds);
    }
    console.log(`${ids.length} images on the engine (50 of the bench's); peak RSS ${peak} MiB`);
    figure(
      `audit --scope host,daemon,images of ${ids.length} images vs docker image save of them all`,
      median(runs.warden),
      median(runs.save),
      undefined,
      's',
    );
    figure('audit --scope host,daemon,images vs node -e 0', median(runs.warden), median(runs.node), undefined, 's');
    const abs = median(runs.warden);
    console.log(`FIGURE absolute: ${abs.toFixed(2)} s (goal < 2 s: ${abs < 2 ? 'met' : 'NOT met'})`);

    const bigMiB = Number(process.env.BENCH_BIG_MIB ?? 1024);
    importBig(bigMiB, 'warden-bench/big:1', work);
    const big = { warden: [], save: [] };
    let bigPeak = 0;
    for (let r = 0; r < rounds; r++) {
      const w = measure([process.execPath, BIN, 'audit', '--scope', 'images', '--format', 'json'], env);
      big.warden.push(w.seconds);
      bigPeak = Math.max(bigPeak, w.peakMiB);
      big.save.push(measure(['sh', '-c', 'docker image save warden-bench/big:1 > /dev/null']).seconds);
    }
    figure(`audit --scope images with a ${bigMiB} MiB layer vs docker image save of that image`, median(big.warden), median(big.save), undefined, 's');
    console.log(`FIGURE peak RSS with a ${bigMiB} MiB layer: ${bigPeak} MiB (goal < 200 MiB: ${bigPeak < 200 ? 'met' : 'NOT met'})`);
  } finally {
    const mine = docker(['image', 'ls', '-q', '--filter', `label=${LABEL}`]).split('\n').filter(Boolean);
    if (mine.length) spawnSync('docker', ['rmi', '-f', ...new Set(mine)], { stdio: 'ignore' });
    rm(work);
    rm(home);
  }
}
