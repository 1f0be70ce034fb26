/** A bounded tail of output lines, as kept in the journal: the last N lines within B bytes. */

/** Bounded tail of output kept in the journal. */
export const TAIL_LINES = 200;
export const TAIL_BYTES = 16 * 1024;

export class Tail {
  private buf: string[] = [];
  private bytes = 0;
  truncated = false;
  constructor(
    private readonly maxLines: number = TAIL_LINES,
    private readonly maxBytes: number = TAIL_BYTES,
  ) {}
  push(line: string): void {
    const l = line.length > this.maxBytes ? line.slice(0, this.maxBytes) : line;
    this.buf.push(l);
    this.bytes += Buffer.byteLength(l) + 1;
    while (this.buf.length > this.maxLines || this.bytes > this.maxBytes) {
      const dropped = this.buf.shift();
      this.bytes -= Buffer.byteLength(dropped ?? '') + 1;
      this.truncated = true;
    }
  }
  lines(): string[] {
    return [...this.buf];
  }
}
