#!/usr/bin/env node
// The shim: `warden --version` is answered from package.json without loading anything else;
// every other command goes to the bundle in dist/ (built by `npm run build`).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  // dockerode's transport (docker-modem) parses every TCP engine address with url.parse, which
  // Node 24 reports as DEP0169 on stderr at each run against a remote engine. That notice is for
  // the library's maintainers, not for an operator reading Warden's one-line errors: drop it,
  // and only it (every other warning still prints).
  const emitWarning = process.emitWarning;
  process.emitWarning = function (warning, ...rest) {
    const code = rest[0] && typeof rest[0] === 'object' ? rest[0].code : rest[1];
    if (code === 'DEP0169') return;
    return emitWarning.call(process, warning, ...rest);
  };
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
