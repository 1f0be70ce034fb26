/**
 * Keeps the core pure: runbook, engine, checks, the journal's pure part and report import no I/O
 * and no UI. Also keeps the headless CLI path free of static UI imports.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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

/** Static imports only (`import … from`, `export … from`; not `import type`, not `import()`). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map(
    (m) => m[1] as string,
  );
}

/** The source file a relative specifier (`./x.js`) names. */
function sourceOf(from: string, spec: string): string {
  const js = resolve(dirname(from), spec);
  for (const f of [js.replace(/\.js$/, '.ts'), js.replace(/\.js$/, '.tsx')])
    if (existsSync(f)) return f;
  return js;
}

/** Every file (and package) a module loads at once, following static relative imports. */
function staticClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (f: string) => {
    if (files.has(f)) return;
    files.add(f);
    for (const spec of staticImports(f)) {
      if (spec.startsWith('.')) visit(sourceOf(f, spec));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
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

  it('the UI takes Text from its own component, which makes every string inert, never from ink', () => {
    const own = join(root, 'ui', 'components', 'Text.tsx');
    const bad = files(join(root, 'ui'))
      .filter((f) => f !== own)
      .filter((f) => /import\s*\{[^}]*\bText\b[^}]*\}\s*from\s*'ink'/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(bad).toEqual([]);
    expect(readFileSync(own, 'utf8')).toContain('terminalText(');
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

  it('headless commands load no ink, react or UI module, however deep the static imports go', () => {
    const headless = readdirSync(join(root, 'cli', 'commands'))
      .filter((f) => f.endsWith('.ts') && f !== 'interactive.ts')
      .map((f) => join(root, 'cli', 'commands', f));
    expect(headless.length).toBeGreaterThan(4);
    const bad: string[] = [];
    for (const entry of [
      join(root, 'cli', 'main.ts'),
      join(root, 'cli', 'compose.ts'),
      ...headless,
    ]) {
      const { files, packages } = staticClosure(entry);
      for (const p of packages)
        if (/^(ink|react)($|\/|-)/.test(p)) bad.push(`${relative(root, entry)} loads ${p}`);
      for (const f of files)
        if (f.startsWith(join(root, 'ui') + '/'))
          bad.push(`${relative(root, entry)} loads ${relative(root, f)}`);
    }
    expect(bad).toEqual([]);
  });

  it('conf (and the schema validator it brings) is loaded only to write a setting', () => {
    const bad: string[] = [];
    for (const entry of [
      join(root, 'cli', 'compose.ts'),
      join(root, 'cli', 'commands', 'audit.ts'),
      join(root, 'cli', 'commands', 'interactive.ts'),
      join(root, 'adapters', 'settings.ts'),
    ]) {
      const { packages } = staticClosure(entry);
      for (const p of packages)
        if (/^(conf|ajv)($|\/)/.test(p)) bad.push(`${relative(root, entry)} loads ${p}`);
    }
    expect(bad).toEqual([]);
  });

  it('the entry loads no command module, adapter or engine client up front', () => {
    const { files, packages } = staticClosure(join(root, 'cli', 'main.ts'));
    const loaded = [...files].map((f) => relative(root, f)).sort();
    expect(loaded.filter((f) => /^(cli\/commands|adapters|actions|checks|ui)\//.test(f))).toEqual(
      [],
    );
    expect([...packages].filter((p) => !p.startsWith('node:'))).toEqual(['commander']);
  });

  it('src/cli has no import cycle', () => {
    const cli = files(join(root, 'cli'));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const walk = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(root, p)).join(' → '));
        return;
      }
      state.set(f, 'open');
      const text = readFileSync(f, 'utf8');
      // Every import counts here, type-only ones too: a cycle of types is still a knot.
      const specs = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g)];
      for (const m of specs) {
        const to = sourceOf(f, m[1] as string);
        if (to.startsWith(join(root, 'cli') + '/')) walk(to, [...path, f]);
      }
      state.set(f, 'done');
    };
    for (const f of cli) walk(f, []);
    expect(cycles).toEqual([]);
  });
});
