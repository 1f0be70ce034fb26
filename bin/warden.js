#!/usr/bin/env node
// The shim: `warden --version` is answered from package.json without loading anything else;
// every other command goes to the bundle in dist/ (built by `npm run build`).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  // Node 22+: keep V8's compiled code of the bundle between launches (in the OS temp directory,
  // or NODE_COMPILE_CACHE); Node 20 has no such cache and compiles each time.
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();
  try {
    const { main } = await import('../dist/main.js');
    await main(process.argv);
  } catch (err) {
    process.stderr.write(`warden: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 2;
  }
}
