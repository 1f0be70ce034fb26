/**
 * The guard against YAML alias bombs ("billion laughs"), by size rather than by alias count:
 * compose files legitimately merge hundreds of anchors into dozens of services, while a bomb is a
 * small text that expands to millions of nodes. Pure, linear in the document (memoized).
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  visit,
  type Alias,
  type Document,
  type Node,
} from 'yaml';

/**
 * Resolves aliases with one pass over the document: `Alias.resolve(doc)` walks the whole document
 * on every call, which is quadratic on files with hundreds of aliases.
 */
export function aliasResolver(doc: Document): (alias: Alias) => Node | undefined {
  const anchors = new Map<string, { offset: number; node: Node }[]>();
  visit(doc, (_key, node) => {
    const n = node as Node & { anchor?: string; range?: [number, number, number] };
    if (n && typeof n === 'object' && 'anchor' in n && n.anchor) {
      const list = anchors.get(n.anchor) ?? [];
      list.push({ offset: n.range?.[0] ?? 0, node: n });
      anchors.set(n.anchor, list);
    }
  });
  return (alias) => {
    const at = alias.range?.[0] ?? Number.MAX_SAFE_INTEGER;
    let found: Node | undefined;
    // The last anchor of that name defined before the alias (YAML allows redefining one).
    for (const a of anchors.get(alias.source) ?? []) if (a.offset < at) found = a.node;
    return found;
  };
}

/** Expanded YAML nodes (after resolving every alias) a compose file may have. */
export const MAX_EXPANDED_NODES = 1_000_000;

export type ExpansionCheck =
  { ok: true; nodes: number } | { ok: false; reason: 'too-large' | 'recursive'; offset: number };

/**
 * Counts the nodes the document has once every alias is expanded, stopping as soon as the count
 * passes `limit`. A recursive alias (an anchor that contains an alias to itself) is refused.
 */
export function checkExpansion(
  doc: Document,
  limit = MAX_EXPANDED_NODES,
  resolve: (alias: Alias) => Node | undefined = aliasResolver(doc),
): ExpansionCheck {
  const memo = new Map<unknown, number>();
  const active = new Set<unknown>();
  let failure: { reason: 'too-large' | 'recursive'; offset: number } | undefined;
  const offsetOf = (n: unknown) => (n as { range?: [number, number, number] }).range?.[0] ?? 0;

  const size = (node: unknown): number => {
    if (failure) return 0;
    if (node === null || node === undefined || isScalar(node)) return 1;
    if (isAlias(node)) {
      const target = resolve(node);
      if (!target) return 1;
      if (active.has(target)) {
        failure = { reason: 'recursive', offset: offsetOf(node) };
        return 0;
      }
      return size(target);
    }
    const hit = memo.get(node);
    if (hit !== undefined) return hit;
    active.add(node);
    let total = 1;
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items as unknown[]) {
        total += isPair(item) ? size(item.key) + size(item.value) : size(item);
        if (total > limit) {
          failure ??= { reason: 'too-large', offset: offsetOf(node) };
          break;
        }
      }
    }
    active.delete(node);
    memo.set(node, total);
    return total;
  };

  const nodes = size(doc.contents as Node | null);
  if (failure) return { ok: false, ...failure };
  if (nodes > limit) return { ok: false, reason: 'too-large', offset: 0 };
  return { ok: true, nodes };
}
