/** Image references: their parts, and whether their tag floats. Pure. */

export interface ImageRef {
  /** `docker.elastic.co`, `registry.local:5000`; undefined for Docker Hub. */
  registry?: string;
  /** Repository path below the registry: `bitnami/redis`, `elasticsearch/elasticsearch`. */
  repository: string;
  /** The last path segment, lower case: `redis`, `elasticsearch`. */
  name: string;
  /** The first path segment when there are several (`bitnami`), else undefined. */
  namespace?: string;
  tag?: string;
  digest?: string;
}

export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  let registry: string | undefined;
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0] as string))
    registry = parts.shift() as string;
  if (parts[0] === 'library' && parts.length === 2) parts.shift();
  const name = (parts.at(-1) ?? '').toLowerCase();
  return {
    ...(registry !== undefined ? { registry } : {}),
    repository: parts.join('/'),
    name,
    ...(parts.length > 1 ? { namespace: (parts[0] as string).toLowerCase() } : {}),
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** Tags that move to new content by design: channels and branches, not versions. */
const FLOATING_TAGS = new Set([
  'latest',
  'stable',
  'nightly',
  'edge',
  'main',
  'master',
  'dev',
  'develop',
  'devel',
  'rolling',
  'current',
  'lts',
  'release',
  'beta',
  'alpha',
  'canary',
  'mainline',
  'testing',
  'unstable',
  'snapshot',
  'next',
  'preview',
  'experimental',
  'trunk',
]);

/**
 * How an image reference floats: `untagged` (implicitly `latest`), `latest`, or another floating
 * tag such as `stable`, `nightly`, `edge-alpine`; undefined when pinned by a digest or versioned.
 */
export function floatingTag(ref: string): 'untagged' | 'latest' | 'floating' | undefined {
  const r = ref.trim();
  if (/^sha256:[0-9a-f]{12,}$/i.test(r) || /^[0-9a-f]{64}$/i.test(r)) return undefined;
  const p = parseImageRef(r);
  if (p.digest) return undefined;
  if (p.tag === undefined) return 'untagged';
  const tag = p.tag.toLowerCase();
  if (tag === 'latest') return 'latest';
  const words = tag.split(/[-_.]/);
  // `stable`, `stable-alpine`, `alpine-edge`: a channel word and no version number anywhere.
  if (!/\d/.test(tag) && words.some((w) => FLOATING_TAGS.has(w))) return 'floating';
  return undefined;
}

/** Image reference without a tag, or `:latest`, and without a digest. */
export function isFloatingImage(image: string): boolean {
  const f = floatingTag(image);
  return f === 'untagged' || f === 'latest';
}
