/**
 * Engines that misbehave, met through the real bin/warden.js: a socket that accepts and never
 * answers, a socket with nobody listening, an HTTP server that is not Docker, a server that
 * redirects to another port, and names that would walk out of the API's paths. Each gives one
 * clear line and exit 2 within the documented timeout; nothing is recorded.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warden } from '../helpers/cli.js';
import { tempHome } from '../helpers/session.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-hostile-engine-'));
const hungSock = join(dir, 'hung.sock');
const deadSock = join(dir, 'dead.sock');
const sockets: Socket[] = [];
let hung: Server;
let notDocker: HttpServer;
let redirector: HttpServer;
let target: Server;
let targetHits = 0;

const listen = (s: Server | HttpServer, where: string | number) =>
  new Promise<void>((resolve) => s.listen(where as never, '127.0.0.1', () => resolve()));
const port = (s: Server | HttpServer) => (s.address() as { port: number }).port;

/** Sessions left behind in a Warden home (a refused command must leave none). */
function sessionsIn(home: string): string[] {
  const d = join(home, 'sessions');
  return existsSync(d) ? readdirSync(d) : [];
}

/** The error lines (without the optional `try:` hint) of a run. */
const errorLines = (stderr: string) =>
  stderr.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('try:'));

beforeAll(async () => {
  hung = createServer((s) => sockets.push(s)); // accepts, never writes
  await new Promise<void>((r) => hung.listen(hungSock, () => r()));
  // A socket file nobody listens on: bound by a process that then exits (the file stays).
  execFileSync('python3', [
    '-c',
    'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])',
    deadSock,
  ]);
  notDocker = createHttpServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<html><body>not here</body></html>');
  });
  await listen(notDocker, 0);
  target = createServer((s) => {
    targetHits += 1;
    s.destroy();
  });
  await listen(target, 0);
  redirector = createHttpServer((_req, res) => {
    res.writeHead(301, { location: `http://127.0.0.1:${port(target)}/v1.41/containers/json` });
    res.end();
  });
  await listen(redirector, 0);
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(
    [hung, notDocker, redirector, target].map((s) => new Promise((r) => s.close(() => r(null)))),
  );
  rmSync(dir, { recursive: true, force: true });
});

const fast = { WARDEN_ENGINE_CONNECT_TIMEOUT: '2', WARDEN_ENGINE_TIMEOUT: '3' };

describe('an engine that does not answer is an error, not a hang', () => {
  it('a socket that accepts and never answers: exit 2 within the timeout for audit, doctor, snapshot, isolate', async () => {
    const home = tempHome();
    for (const args of [['audit'], ['doctor'], ['snapshot', 'web'], ['isolate', 'web', '--yes']]) {
      const started = Date.now();
      const r = await warden(home, args, { ...fast, DOCKER_HOST: `unix://${hungSock}` });
      const elapsed = Date.now() - started;
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      // doctor reports on stdout, one line per check; the others fail with one line on stderr.
      const said = args[0] === 'doctor' ? r.stdout : r.stderr;
      expect(said).toMatch(/not responding/);
      expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      if (args[0] !== 'doctor') expect(errorLines(r.stderr)).toHaveLength(1);
      // 2 s connect timeout plus Node's start-up; far below "forever".
      expect(elapsed).toBeLessThan(15_000);
    }
    expect(sessionsIn(home)).toEqual([]);
  });

  it('a socket file with nobody listening: "is not running", exit 2', async () => {
    const home = tempHome();
    const r = await warden(home, ['audit'], { ...fast, DOCKER_HOST: `unix://${deadSock}` });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/not running/);
    expect(errorLines(r.stderr)).toHaveLength(1);
  });

  it('an HTTP server that is not Docker is named as such; DOCKER_HOST=garbage is one line, exit 2', async () => {
    const home = tempHome();
    const r = await warden(home, ['audit'], {
      ...fast,
      DOCKER_HOST: `tcp://127.0.0.1:${port(notDocker)}`,
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/not a Docker engine/);
    expect(r.stderr).not.toMatch(/Cannot read properties/);
    const g = await warden(home, ['audit'], { ...fast, DOCKER_HOST: 'garbage' });
    expect(g.code, g.stderr).toBe(2);
    expect(g.stderr).toMatch(/invalid DOCKER_HOST/);
    expect(g.stderr).not.toMatch(/internal error/);
  });

  it('never follows a redirect: the redirect target gets no connection', async () => {
    const home = tempHome();
    targetHits = 0;
    const r = await warden(home, ['audit'], {
      ...fast,
      DOCKER_HOST: `tcp://127.0.0.1:${port(redirector)}`,
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(targetHits).toBe(0);
  });

  it('names that would leave the API path are refused before any request', async () => {
    const home = tempHome();
    for (const name of ['../../127.0.0.1:9', '..', '%2e%2e']) {
      targetHits = 0;
      const r = await warden(home, ['snapshot', name], {
        ...fast,
        DOCKER_HOST: `tcp://127.0.0.1:${port(target)}`,
      });
      expect(r.code, `${name}: ${r.stderr}`).toBe(2);
      expect(errorLines(r.stderr)).toHaveLength(1);
      expect(targetHits, name).toBe(0);
    }
    expect(sessionsIn(home)).toEqual([]);
  });
});
