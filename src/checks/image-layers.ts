/**
 * The layer walk of an image export (`docker save` tar), as a streaming consumer: each layer tar
 * is read entry by entry through tar-stream; file bodies are drained, never kept, except the
 * first HEAD_BYTES of small files whose name makes them credential candidates (read to confirm a
 * private key header, an npm token, registry auths), and those bytes are dropped after the test.
 * Whiteouts (`.wh.NAME`, `.wh..wh..opq`) of later layers mark earlier files deleted: such a file
 * is still in the image (extractable from its layer) and is reported as "deleted later".
 * Pure: the bytes come in as an async iterable; no I/O here.
 */
import { extract as tarExtract, type Header } from 'tar-stream';
import type { Readable } from 'node:stream';

/** Only files up to this size are opened at all; only this many bytes of them are read. */
export const MAX_CANDIDATE_SIZE = 64 * 1024;
export const HEAD_BYTES = 4096;

export type CredentialFileKind =
  | 'dotenv'
  | 'ssh-private-key'
  | 'private-key'
  | 'aws-credentials'
  | 'npm-token'
  | 'docker-auths'
  | 'git-credentials'
  | 'pgpass'
  | 'netrc';

export interface LayerFile {
  path: string;
  /** 1-based layer index in the image's layer order. */
  layer: number;
  /** The layer whose whiteout deleted it, when one did. */
  deletedIn?: number;
}

export interface CredentialFile extends LayerFile {
  kind: CredentialFileKind;
}

export interface SetidFile extends LayerFile {
  /** Permission bits, octal as `4755`. */
  mode: string;
  setuid: boolean;
  setgid: boolean;
}

export interface LayerScan {
  layers: number;
  files: number;
  credentialFiles: CredentialFile[];
  setid: SetidFile[];
}

const KEY_HEADER = /-----BEGIN ([A-Z0-9]+ )?PRIVATE KEY-----/;

/** What a path's name says it may be, and whether its head must confirm it. */
export function candidateKind(
  path: string,
): { kind: CredentialFileKind; confirm?: (head: string) => boolean } | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === '.env' || /^\.env\.(local|production|prod|development|dev|staging)$/.test(base))
    return { kind: 'dotenv' };
  if (/^id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/.test(base)) return { kind: 'ssh-private-key' };
  if (/\.(pem|key)$/i.test(base))
    return { kind: 'private-key', confirm: (h) => KEY_HEADER.test(h) };
  if (path.endsWith('.aws/credentials')) return { kind: 'aws-credentials' };
  if (base === '.npmrc') return { kind: 'npm-token', confirm: (h) => /_authToken\s*=/.test(h) };
  if (path.endsWith('.docker/config.json'))
    return { kind: 'docker-auths', confirm: (h) => /"auths"\s*:\s*\{\s*"/.test(h) };
  if (base === '.git-credentials') return { kind: 'git-credentials' };
  if (base === '.pgpass') return { kind: 'pgpass' };
  if (base === '.netrc') return { kind: 'netrc', confirm: (h) => /\bpassword\s+\S/.test(h) };
  return undefined;
}

const clean = (name: string) => name.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');

interface RawLayer {
  credentialFiles: Omit<CredentialFile, 'layer'>[];
  setid: Omit<SetidFile, 'layer'>[];
  /** Paths a whiteout removes from lower layers. */
  deleted: string[];
  /** Directories made opaque (everything below from lower layers hidden). */
  opaque: string[];
  files: number;
}

/** Reads up to HEAD_BYTES of an entry, then drains the rest. */
async function head(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    if (n < HEAD_BYTES) {
      const take = Buffer.from(chunk).subarray(0, HEAD_BYTES - n);
      parts.push(take);
      n += take.length;
    }
  }
  return Buffer.concat(parts).toString('latin1');
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const _ of stream) void _;
}

async function walkLayer(stream: AsyncIterable<Uint8Array>): Promise<RawLayer> {
  const out: RawLayer = { credentialFiles: [], setid: [], deleted: [], opaque: [], files: 0 };
  const ex = tarExtract();
  const feeding = (async () => {
    for await (const chunk of stream) if (!ex.write(chunk)) await once(ex, 'drain');
    (ex as unknown as { end(): void }).end();
  })();
  for await (const entry of ex as AsyncIterable<Readable & { header: Header }>) {
    const h = entry.header;
    const path = clean(h.name);
    const slash = path.lastIndexOf('/');
    const dir = slash < 0 ? '' : path.slice(0, slash);
    const base = path.slice(slash + 1);
    if (base === '.wh..wh..opq') {
      out.opaque.push(dir);
      await drain(entry);
      continue;
    }
    if (base.startsWith('.wh.')) {
      out.deleted.push(dir ? `${dir}/${base.slice(4)}` : base.slice(4));
      await drain(entry);
      continue;
    }
    if (h.type === 'file' || h.type === 'contiguous-file') {
      out.files++;
      const mode = h.mode ?? 0;
      if (mode & 0o6000)
        out.setid.push({
          path: `/${path}`,
          mode: (mode & 0o7777).toString(8),
          setuid: (mode & 0o4000) !== 0,
          setgid: (mode & 0o2000) !== 0,
        });
      const cand = candidateKind(`/${path}`);
      if (cand && (h.size ?? 0) <= MAX_CANDIDATE_SIZE && (h.size ?? 0) > 0) {
        const text = await head(entry);
        if (!cand.confirm || cand.confirm(text))
          out.credentialFiles.push({ path: `/${path}`, kind: cand.kind });
        continue;
      }
    }
    await drain(entry);
  }
  await feeding;
  return out;
}

function once(emitter: { once(e: string, f: () => void): unknown }, event: string) {
  return new Promise<void>((resolve) => emitter.once(event, resolve));
}

/** True when `path` (absolute) is `p` or below it (`p` relative, as in whiteouts). */
const under = (path: string, p: string) => {
  const rel = path.slice(1);
  return p === '' || rel === p || rel.startsWith(`${p}/`);
};

/** The layer of `layers[from..]` (1-based result) whose whiteout hides `path`, if any. */
function deletedBy(path: string, layers: readonly RawLayer[], from: number): number | undefined {
  for (let j = from; j < layers.length; j++) {
    const l = layers[j] as RawLayer;
    if (l.deleted.some((d) => under(path, d)) || l.opaque.some((d) => under(path, d))) return j + 1;
  }
  return undefined;
}

/** Orders the walked layers by the manifest and applies later layers' whiteouts. Pure. */
export function combineLayers(order: readonly string[], byName: Map<string, RawLayer>): LayerScan {
  const layers = order.map((n) => byName.get(n)).filter((l): l is RawLayer => l !== undefined);
  const scan: LayerScan = { layers: layers.length, files: 0, credentialFiles: [], setid: [] };
  layers.forEach((l, i) => {
    scan.files += l.files;
    const at = <T extends { path: string }>(f: T) => {
      const d = deletedBy(f.path, layers, i + 1);
      return { ...f, layer: i + 1, ...(d !== undefined ? { deletedIn: d } : {}) };
    };
    scan.credentialFiles.push(...l.credentialFiles.map(at));
    scan.setid.push(...l.setid.map(at));
  });
  return scan;
}

const isLayerEntry = (name: string) => /(^|\/)layer\.tar$/.test(name) || name.startsWith('blobs/');

/**
 * Walks a `docker save` stream: each layer tar as it passes, then the manifest's layer order.
 * OCI-layout exports (`blobs/sha256/...`) are walked too; blobs that are not tars are skipped.
 */
export async function scanImageExport(stream: AsyncIterable<Uint8Array>): Promise<LayerScan> {
  const byName = new Map<string, RawLayer>();
  let manifest: string | undefined;
  const ex = tarExtract();
  const feeding = (async () => {
    try {
      for await (const chunk of stream) if (!ex.write(chunk)) await once(ex, 'drain');
      (ex as unknown as { end(): void }).end();
    } catch (err) {
      ex.destroy(err as Error);
    }
  })();
  for await (const entry of ex as AsyncIterable<Readable & { header: Header }>) {
    const name = clean(entry.header.name);
    if (name === 'manifest.json' && (entry.header.size ?? 0) < 1 << 20) {
      const parts: Buffer[] = [];
      for await (const c of entry) parts.push(Buffer.from(c as Uint8Array));
      manifest = Buffer.concat(parts).toString('utf8');
    } else if (entry.header.type === 'file' && isLayerEntry(name)) {
      try {
        byName.set(name, await walkLayer(entry));
      } catch {
        // Not a tar (an OCI config or manifest blob): nothing to walk.
        await drain(entry).catch(() => undefined);
      }
    } else await drain(entry);
  }
  await feeding;
  let order: string[] = [];
  try {
    const m = JSON.parse(manifest ?? '[]') as { Layers?: string[] }[];
    order = (m[0]?.Layers ?? []).map(clean);
  } catch {
    order = [];
  }
  return combineLayers(order, byName);
}
