/**
 * Progress of long actions for the screen: bytes written and the rate over the last seconds,
 * reported at most a few times a second. Nothing here is journaled.
 */
import type { Progress, StepContext } from '../engine/executors.js';

const EVERY_MS = 250;
const WINDOW_MS = 3000;

export class ByteMeter {
  private bytes = 0;
  private lastReport = 0;
  private samples: { t: number; bytes: number }[] = [];

  constructor(
    private readonly ctx: Pick<StepContext, 'onProgress'>,
    private readonly label: string,
    private readonly now: () => number = Date.now,
  ) {
    this.samples.push({ t: this.now(), bytes: 0 });
  }

  get total(): number {
    return this.bytes;
  }

  add(n: number): void {
    this.bytes += n;
    const t = this.now();
    if (t - this.lastReport < EVERY_MS) return;
    this.lastReport = t;
    this.report(t);
  }

  /** The last report (also when the part ends). */
  flush(): void {
    this.report(this.now());
  }

  private report(t: number): void {
    this.samples.push({ t, bytes: this.bytes });
    while (this.samples.length > 2 && t - (this.samples[0]?.t ?? t) > WINDOW_MS)
      this.samples.shift();
    const first = this.samples[0] ?? { t, bytes: 0 };
    const dt = (t - first.t) / 1000;
    const p: Progress = {
      label: this.label,
      bytes: this.bytes,
      ...(dt > 0 ? { rate: Math.round((this.bytes - first.bytes) / dt) } : {}),
    };
    this.ctx.onProgress?.(p);
  }
}

/** `12.3 MiB` */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
