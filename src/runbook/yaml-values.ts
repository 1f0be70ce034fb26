/**
 * YAML documents to plain values without the yaml library's throws. Shared by runbooks and compose
 * files; kept apart from the runbook parser so the audit does not load the runbook schema.
 */
import { visit, type Alias, type Document, type ToJSOptions } from 'yaml';

export type YamlToJS =
  { ok: true; value: unknown } | { ok: false; offset: number; message: string };

/**
 * `doc.toJS()` without the throw: the yaml library throws (a ReferenceError) for an alias with no
 * anchor before it (`id: *nope`) and for too many aliases (an alias bomb); both come back as a
 * message and the offset of the alias at fault (the first unresolved one, else the first alias).
 */
export function yamlToJS(doc: Document, options?: ToJSOptions): YamlToJS {
  try {
    return { ok: true, value: doc.toJS(options) as unknown };
  } catch (err) {
    let unresolved: Alias | undefined;
    let first: Alias | undefined;
    visit(doc, {
      Alias(_key, node) {
        first ??= node;
        if (!node.resolve(doc)) {
          unresolved = node;
          return visit.BREAK;
        }
        return undefined;
      },
    });
    const culprit = unresolved ?? first;
    return {
      ok: false,
      offset: culprit?.range?.[0] ?? 0,
      message: firstLine(err instanceof Error ? err.message : String(err)),
    };
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]?.trim() ?? s;
}
