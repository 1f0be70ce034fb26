// Bundles one module of src/ (TypeScript) into a temporary .mjs that Node can import or run:
// dist/ is one bundle whose internals are not importable. Dependencies stay external. Used by
// the build (to precompile the bundled runbooks) and by the benches. Remove `dir` afterwards.
import { build } from 'esbuild';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';

export async function bundleSrc(root, entry, prefix = '.warden-bundle-') {
  const dir = await mkdtemp(join(root, 'node_modules', prefix));
  const out = join(dir, 'module.mjs');
  await build({
    absWorkingDir: root,
    entryPoints: [join(root, entry)],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    logLevel: 'warning',
  });
  return { dir, out };
}
