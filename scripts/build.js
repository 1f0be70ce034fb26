#!/usr/bin/env node
// Builds dist/ with esbuild: one ESM bundle for the entry (src/cli/main.ts) and one chunk per
// dynamic import (each command, the UI, the engine and shell adapters), so a command loads only
// what it uses and Node resolves a handful of files instead of hundreds. Type checking stays with
// `tsc --noEmit` (npm run lint); esbuild only strips types.
//
// Four dependency lines are patched at build time (each patch must apply, else the build fails,
// so a new release of the dependency cannot quietly undo it):
// - docker-modem's ssh transport (ssh2, only for ssh:// engines) and dockerode's BuildKit session
//   and status decoder (gRPC and protobuf, only for image builds, which Warden never does) are
//   required when first called instead of at load; they stay outside the bundle and load from
//   node_modules then (ssh2 keeps its optional native crypto binding, the proto files their paths).
// - docker-modem formats every request's options with util.inspect for its debug log even when
//   that log is off (≈ 0.15 ms a request, 16 ms of a 100-container audit): only when it is on.
// - yoga-layout (Ink's layout engine) decodes its embedded WebAssembly directly instead of
//   fetch()ing its own data: URL, which loads Node's HTTP client (undici) for nothing.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const PATCHES = [
  {
    file: /[\\/]node_modules[\\/]docker-modem[\\/]lib[\\/]modem\.js$/,
    from: "ssh = require('./ssh'),",
    to: "ssh = function (opt) { return require('docker-modem/lib/ssh.js')(opt); },",
  },
  {
    file: /[\\/]node_modules[\\/]docker-modem[\\/]lib[\\/]modem\.js$/,
    from: "debug('Sending: %s', util.inspect(options, {",
    to: "debug.enabled && debug('Sending: %s', util.inspect(options, {",
  },
  {
    file: /[\\/]node_modules[\\/]dockerode[\\/]lib[\\/]docker\.js$/,
    from: "withSession = require('./session'),",
    to: "withSession = function () { return require('dockerode/lib/session.js').apply(this, arguments); },",
  },
  {
    file: /[\\/]node_modules[\\/]dockerode[\\/]lib[\\/]docker\.js$/,
    from: "var buildkit = require('./buildkit');",
    to: "var buildkit = require('dockerode/lib/buildkit.js');",
  },
  {
    file: /[\\/]node_modules[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/,
    from: 'function ya(){return w||"function"!=typeof fetch?',
    to: 'function ya(){return true?',
  },
];

/** @type {import('esbuild').Plugin} */
const patchDependencies = {
  name: 'patch-dependencies',
  setup(b) {
    const seen = new Set();
    b.onResolve(
      { filter: /^(docker-modem\/lib\/ssh|dockerode\/lib\/(session|buildkit))\.js$/ },
      (args) => ({ path: args.path, external: true }),
    );
    b.onLoad(
      { filter: /[\\/]node_modules[\\/](docker-modem|dockerode|yoga-layout)[\\/].*\.js$/ },
      async (args) => {
        const rules = PATCHES.filter((r) => r.file.test(args.path));
        if (!rules.length) return undefined;
        let text = await readFile(args.path, 'utf8');
        for (const rule of rules) {
          if (!text.includes(rule.from))
            return {
              errors: [
                { text: `${args.path} no longer contains "${rule.from}": update scripts/build.js` },
              ],
            };
          seen.add(rule);
          text = text.replace(rule.from, rule.to);
        }
        return { contents: text, loader: 'js' };
      },
    );
    b.onEnd((result) => {
      if (result.errors.length) return;
      const missing = PATCHES.filter((r) => !seen.has(r));
      if (missing.length)
        result.errors.push(
          ...missing.map((r) => ({ text: `patch not applied: "${r.from}" (scripts/build.js)` })),
        );
    });
  },
};

await rm(join(root, 'dist'), { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // React and its reconciler pick their production builds (the development ones are twice the
  // size and check every render).
  define: { 'process.env.NODE_ENV': '"production"' },
  minifySyntax: true,
  minifyWhitespace: true,
  keepNames: false,
  sourcemap: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  // Native addons, what the lazy requires above load, and ink's optional devtools (DEV=true) stay
  // in node_modules.
  external: ['ssh2', 'cpu-features', '*.node', 'react-devtools-core'],
  // CommonJS dependencies (dockerode, …) call require(); ESM output gets one from createRequire.
  banner: {
    js: "import { createRequire as __wardenRequire } from 'node:module'; const require = __wardenRequire(import.meta.url);",
  },
  plugins: [patchDependencies],
});

// The bundled runbooks, parsed and validated now (dist/runbooks.json; src/cli/runbook-index.ts):
// a launch reads them without the YAML parser and the schema, and a broken one fails the build.
{
  const { writeFile } = await import('node:fs/promises');
  const { pathToFileURL } = await import('node:url');
  const { bundleSrc } = await import('./bundle-src.js');
  const { dir: tmp, out } = await bundleSrc(root, 'src/cli/runbook-index-build.ts', '.warden-build-');
  try {
    const { buildRunbookIndex } = await import(pathToFileURL(out).href);
    const index = await buildRunbookIndex(join(root, 'runbooks'));
    await writeFile(join(root, 'dist', 'runbooks.json'), JSON.stringify(index));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

if (process.argv.includes('--meta')) {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(join(root, 'dist', 'meta.json'), JSON.stringify(result.metafile));
}
