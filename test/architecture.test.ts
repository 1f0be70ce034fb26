/**
 * Keeps the core pure: runbook, engine, checks, the journal's pure part and report import no I/O
 * and no UI. Also keeps the headless CLI path free of static UI imports.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', 'src');
const CORE = ['runbook', 'engine', 'checks', 'report', 'audit'];
const PURE_JOURNAL = [
  'chain.ts',
  'jcs.ts',
  'key-trust.ts',
  'recorded-files.ts',
  'signature.ts',
  'types.ts',
];
const FORBIDDEN = [
  /^ink($|\/)/,
  /^ink-/,
  /^react($|\/)/,
  /^dockerode$/,
  /^execa$/,
  /^conf$/,
  /^(node:)?fs($|\/)/,
  /^(node:)?child_process$/,
  /^(node:)?net$/,
  /^(node:)?http$/,
];

function files(dir: string): string[] {
  let out: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(files(p));
    else if (/\.tsx?$/.test(n)) out.push(p);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(
      /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ].map((m) => (m[1] ?? m[2]) as string);
}

describe('architecture', () => {
  const core = [
    ...CORE.flatMap((d) => files(join(root, d))),
    ...PURE_JOURNAL.map((f) => join(root, 'journal', f)),
  ];

  it('has core files to check', () => {
    expect(core.length).toBeGreaterThan(10);
  });

  it('the core imports no I/O and no UI', () => {
    const bad: string[] = [];
    for (const f of core) {
      for (const spec of imports(f)) {
        if (FORBIDDEN.some((re) => re.test(spec))) bad.push(`${relative(root, f)} imports ${spec}`);
        if (spec.startsWith('.') && /\/(ui|adapters|cli)\//.test(join(f, '..', spec) + '/'))
          bad.push(`${relative(root, f)} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('only the UI imports ink or react, and the CLI loads the UI lazily', () => {
    const bad: string[] = [];
    for (const f of files(root)) {
      if (f.startsWith(join(root, 'ui'))) continue;
      const text = readFileSync(f, 'utf8');
      for (const spec of imports(f)) {
        if (/^(ink|react)($|\/|-)/.test(spec)) bad.push(`${relative(root, f)} imports ${spec}`);
        if (
          /\/ui\//.test(spec) &&
          !new RegExp(`import\\(\\s*['"]${spec.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`).test(text)
        ) {
          bad.push(`${relative(root, f)} statically imports ${spec}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('only src/cli/compose.ts builds adapters', () => {
    const bad: string[] = [];
    for (const f of files(root)) {
      if (
        f === join(root, 'cli', 'compose.ts') ||
        f === join(root, 'journal', 'file.ts') ||
        f.startsWith(join(root, 'adapters'))
      )
        continue;
      const text = readFileSync(f, 'utf8');
      if (
        /\b(createDockerAdapter|createDockerClient|createDockerReadAdapter|createDockerControlAdapter|createEvidenceFiles|createShell|createSettings|createSigner|createFileSessionStore)\(/.test(
          text,
        )
      )
        bad.push(relative(root, f));
    }
    expect(bad).toEqual([]);
  });
});
