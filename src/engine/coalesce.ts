/**
 * Joins the small pieces a socket delivers (16–64 KiB) into blocks of at least `size` bytes, so a
 * writer makes one write and one hash update per block instead of one per piece. The last block
 * may be shorter. A piece at least `size` long passes through without a copy.
 */
export async function* coalesce(
  source: AsyncIterable<Uint8Array>,
  size = 1 << 20,
): AsyncGenerator<Buffer> {
  let parts: Uint8Array[] = [];
  let have = 0;
  for await (const piece of source) {
    if (have === 0 && piece.length >= size) {
      yield Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      continue;
    }
    parts.push(piece);
    have += piece.length;
    if (have >= size) {
      yield Buffer.concat(parts, have);
      parts = [];
      have = 0;
    }
  }
  if (have > 0) yield Buffer.concat(parts, have);
}
