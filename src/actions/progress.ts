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
  private readonly start: number;

  constructor(
    private readonly ctx: Pick<StepContext, 'onProgress'>,
    private readonly label: string,
    private readonly now: () => number = Date.now,
  ) {
    this.start = this.now();
    // The first report a quarter second in: a part shorter than that shows only its last.
    this.lastReport = this.start;
    this.samples.push({ t: this.start, bytes: 0 });
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

  /** The part's last report: its bytes, how long it took and the rate over all of it. */
  flush(): void {
    const t = this.now();
    const seconds = (t - this.start) / 1000;
    this.ctx.onProgress?.({
      label: this.label,
      bytes: this.bytes,
      seconds,
      ...(seconds > 0 ? { rate: Math.round(this.bytes / seconds) } : {}),
    });
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
