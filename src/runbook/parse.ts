/**
 * Parses runbook YAML into a validated Runbook, or every problem found as `file:line:col: message`.
 * Pure: takes the text; reading files is the loader's job.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import type { z } from 'zod';
import { runbookSchema } from './schema.js';
import { templateNames } from './template.js';
import { yamlToJS } from './yaml-values.js';
import type { Runbook, RunbookIssue } from './types.js';

/** Check and action ids the engine knows; unknown ones are validation errors. */
export interface KnownIds {
  checks: ReadonlySet<string>;
  actions: ReadonlySet<string>;
}

export type ParseResult = { ok: true; runbook: Runbook } | { ok: false; issues: RunbookIssue[] };

type Path = readonly (string | number)[];

export function parseRunbook(text: string, file: string, known?: KnownIds): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);

  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => ({
        file,
        ...at(e.pos[0]),
        message: `YAML: ${firstLine(e.message)}`,
      })),
    };
  }
  const js = yamlToJS(doc);
  if (!js.ok)
    return { ok: false, issues: [{ file, ...at(js.offset), message: `YAML: ${js.message}` }] };
  const data = js.value;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      ok: false,
      issues: [
        {
          file,
          line: 1,
          col: 1,
          message: 'a runbook must be a YAML mapping (id, title, kind, phases, ...)',
        },
      ],
    };
  }

  const locate = (path: Path, key = false): { line: number; col: number } => {
    const offset = nodeOffset(doc, path, key);
    return at(offset);
  };

  const parsed = runbookSchema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, issues: sortIssues(zodIssues(parsed.error.issues, file, locate)) };
  }
  const runbook: Runbook = parsed.data;
  const issues = semanticIssues(runbook, known).map(({ path, message, key }) => ({
    file,
    ...locate(path, key),
    message,
  }));
  if (issues.length > 0) return { ok: false, issues: sortIssues(issues) };
  return { ok: true, runbook };
}

export function formatIssue(issue: RunbookIssue): string {
  return `${issue.file}:${issue.line}:${issue.col}: ${issue.message}`;
}

function firstLine(s: string): string {
  return s.split('\n')[0]?.trim() ?? s;
}

function sortIssues(issues: RunbookIssue[]): RunbookIssue[] {
  return issues.sort((a, b) => a.line - b.line || a.col - b.col);
}

function pathLabel(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(root)';
}

function zodIssues(
  issues: readonly z.core.$ZodIssue[],
  file: string,
  locate: (path: Path, key?: boolean) => { line: number; col: number },
): RunbookIssue[] {
  const out: RunbookIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) {
        out.push({
          file,
          ...locate([...path, k], true),
          message: `${pathLabel([...path, k])}: unknown key "${k}"`,
        });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // e.g. version: accept the first branch's message.
      out.push({ file, ...locate(path), message: `${pathLabel(path)}: ${issue.message}` });
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
      message = `is required (${issue.expected})`;
    } else if (issue.code === 'invalid_value' && 'values' in issue) {
      message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    out.push({ file, ...locate(path), message: `${pathLabel(path)}: ${message}` });
  }
  return out;
}

interface Semantic {
  path: Path;
  message: string;
  key?: boolean;
}

function semanticIssues(runbook: Runbook, known?: KnownIds): Semantic[] {
  const out: Semantic[] = [];
  const inputIds = new Set<string>();
  runbook.inputs.forEach((input, i) => {
    if (inputIds.has(input.id))
      out.push({
        path: ['inputs', i, 'id'],
        message: `inputs[${i}].id: duplicate input id "${input.id}"`,
      });
    inputIds.add(input.id);
  });

  const phaseIds = new Set<string>();
  const stepIndex = new Map<string, Path>();
  runbook.phases.forEach((phase, p) => {
    if (phaseIds.has(phase.id))
      out.push({
        path: ['phases', p, 'id'],
        message: `phases[${p}].id: duplicate phase id "${phase.id}"`,
      });
    phaseIds.add(phase.id);
    phase.steps.forEach((step, s) => {
      const base: Path = ['phases', p, 'steps', s];
      if (stepIndex.has(step.id))
        out.push({
          path: [...base, 'id'],
          message: `${pathLabel([...base, 'id'])}: duplicate step id "${step.id}"`,
        });
      else stepIndex.set(step.id, base);
    });
  });

  runbook.phases.forEach((phase, p) => {
    phase.steps.forEach((step, s) => {
      const base: Path = ['phases', p, 'steps', s];
      const label = (k: string) => pathLabel([...base, k]);
      const forbid = (key: 'checks' | 'action' | 'command' | 'timeout', only: string) => {
        if (step[key] !== undefined)
          out.push({
            path: [...base, key],
            key: true,
            message: `${label(key)}: only allowed on ${only} steps (this step is "${step.type}")`,
          });
      };
      if (step.type === 'check') {
        if (!step.checks)
          out.push({
            path: base,
            message: `${pathLabel(base)}: a check step needs "checks" (check ids)`,
          });
        else if (known) {
          step.checks.forEach((id, i) => {
            if (!known.checks.has(id))
              out.push({
                path: [...base, 'checks', i],
                message: `${label('checks')}[${i}]: unknown check id "${id}"`,
              });
          });
        }
      } else forbid('checks', 'check');
      if (step.type === 'action') {
        if (!step.action)
          out.push({
            path: base,
            message: `${pathLabel(base)}: an action step needs "action" (an action id)`,
          });
        else if (known && !known.actions.has(step.action))
          out.push({
            path: [...base, 'action'],
            message: `${label('action')}: unknown action id "${step.action}"`,
          });
      } else forbid('action', 'action');
      if (step.type === 'command') {
        if (!step.command)
          out.push({
            path: base,
            message: `${pathLabel(base)}: a command step needs "command" (an argv array)`,
          });
      } else {
        forbid('command', 'command');
        forbid('timeout', 'command');
      }
      if (step.answer && step.type !== 'manual')
        out.push({
          path: [...base, 'answer'],
          key: true,
          message: `${label('answer')}: only allowed on manual steps (this step is "${step.type}")`,
        });
      step.requires.forEach((req, i) => {
        if (req === step.id)
          out.push({
            path: [...base, 'requires', i],
            message: `${label('requires')}[${i}]: a step cannot require itself`,
          });
        else if (!stepIndex.has(req))
          out.push({
            path: [...base, 'requires', i],
            message: `${label('requires')}[${i}]: no step with id "${req}"`,
          });
      });
      for (const [k, v] of Object.entries(step.params)) {
        for (const name of templateNames(v)) {
          if (!inputIds.has(name))
            out.push({
              path: [...base, 'params', k],
              message: `${label('params')}.${k}: "{{${name}}}" is not a declared input`,
            });
        }
      }
      (step.command ?? []).forEach((arg, i) => {
        for (const name of templateNames(arg)) {
          if (!inputIds.has(name))
            out.push({
              path: [...base, 'command', i],
              message: `${label('command')}[${i}]: "{{${name}}}" is not a declared input`,
            });
        }
      });
    });
  });

  const cycle = findCycle(runbook);
  if (cycle) {
    const path = stepIndex.get(cycle[0] as string) ?? [];
    out.push({
      path: [...path, 'requires'],
      message: `requires: circular dependency ${cycle.join(' → ')}`,
    });
  }
  return out;
}

function findCycle(runbook: Runbook): string[] | undefined {
  const reqs = new Map<string, string[]>();
  for (const phase of runbook.phases) for (const s of phase.steps) reqs.set(s.id, s.requires);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const r of reqs.get(id) ?? []) {
      if (!reqs.has(r) || r === id) continue;
      const c = visit(r);
      if (c) return c;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of reqs.keys()) {
    const c = visit(id);
    if (c) return c;
  }
  return undefined;
}

/** Offset of the node at `path` (or of its key), falling back to the nearest existing parent. */
function nodeOffset(doc: Document, path: Path, key: boolean): number {
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n);
    if (key && n === path.length && n > 0) {
      const parent = sub.length > 1 ? doc.getIn(sub.slice(0, -1), true) : doc.contents;
      if (isMap(parent)) {
        const last = sub[sub.length - 1];
        const pair = parent.items.find(
          (it) => isPair(it) && isScalar(it.key) && it.key.value === last,
        );
        const k = pair?.key as Node | undefined;
        if (k?.range) return k.range[0];
      }
      continue;
    }
    const node = (sub.length === 0 ? doc.contents : doc.getIn(sub, true)) as Node | undefined;
    if (node && typeof node === 'object' && 'range' in node && node.range) return node.range[0];
  }
  return 0;
}
