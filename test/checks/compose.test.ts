import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeModels, parseShortPort } from '../../src/checks/compose-model.js';
import { interpolate } from '../../src/checks/compose-env.js';
import { parseDotEnv } from '../../src/checks/dotenv.js';
import { CHECK_IDS, STACK_CHECKS, evaluateModel } from '../../src/checks/catalog.js';
import { hostChecks } from '../../src/checks/rules-host.js';
import { serviceChecks } from '../../src/checks/rules-services.js';
import type { Evaluation } from '../../src/checks/types.js';
import { UserError } from '../../src/errors.js';

const dir = 'test/fixtures/compose';
const rf = (p: string) => readFile(p, 'utf8');

async function evaluate(file: string, env: Record<string, string> = {}) {
  const c = await composeModels(await rf(file), { file, readFile: rf, env });
  return { c, evals: c.services.flatMap((s) => evaluateModel(s, {})) };
}

const fails = (evals: Evaluation[], service: string) =>
  evals.filter((e) => e.verdict === 'fail' && e.target.service === service).map((e) => e.check);

describe('compose: misconfigured fixture', () => {
  it('fails every check except live-only ones somewhere, with lines', async () => {
    const { evals } = await evaluate(join(dir, 'insecure/compose.yaml'));
    const failed = new Set(evals.filter((e) => e.verdict === 'fail').map((e) => e.check));
    // Live-only checks, stack checks, host-sharing and service checks have fixtures of their own.
    const elsewhere = new Set([
      'drift',
      'sshd-running',
      ...STACK_CHECKS.map((c) => c.id),
      ...hostChecks.map((c) => c.id),
      ...serviceChecks.map((c) => c.id),
    ]);
    const expected = CHECK_IDS.filter((id) => !elsewhere.has(id));
    expect([...failed].sort()).toEqual([...expected].sort());
    for (const e of evals.filter((x) => x.verdict === 'fail'))
      expect(e.target.line).toBeGreaterThan(0);
    const privileged = evals.find((e) => e.check === 'privileged' && e.verdict === 'fail');
    expect(privileged?.target.line).toBe(9);
  });

  it('resolves extends from another file and interpolates .env', async () => {
    const { c, evals } = await evaluate(join(dir, 'insecure/compose.yaml'));
    const bad = c.services.find((s) => s.name === 'bad');
    expect(bad?.capAdd).toEqual(['SYS_PTRACE', 'SYS_ADMIN', 'CAP_NET_RAW']);
    expect(bad?.env?.find((v) => v.name === 'DEBUG')?.value).toBe('1');
    expect(bad?.env?.find((v) => v.name === 'POSTGRES_PASSWORD')?.value).toBe('postgres');
    expect(c.project).toBe('wardeninsecure');
    expect(fails(evals, 'bad')).toContain('demo-credential');
  });

  it('grades ports: IPv6 wildcard, admin ports high, loopback passes', async () => {
    const { evals } = await evaluate(join(dir, 'insecure/compose.yaml'));
    const bad = evals.find((e) => e.check === 'public-port' && e.target.service === 'bad');
    expect(bad?.severity).toBe('high');
    expect(bad?.evidence).toContain('[::]:8080');
    expect(bad?.evidence).not.toContain('9999');
    const web = evals.find((e) => e.check === 'public-port' && e.target.service === 'web');
    expect(web?.verdict).toBe('fail');
    expect(web?.severity).toBe('medium');
  });

  it('reports read-only sensitive mounts (medium) and rw ones (high)', async () => {
    const { evals } = await evaluate(join(dir, 'insecure/compose.yaml'));
    const m = evals.find((e) => e.check === 'sensitive-mount' && e.target.service === 'bad');
    expect(m?.severity).toBe('high'); // /var/lib/docker is rw
    expect(m?.evidence).toContain('/etc:/host/etc:ro');
    expect(m?.evidence).not.toContain('docker.sock'); // that is docker-socket's finding
  });

  it('restart: always and unbounded on-failure fail; on-failure:3 passes', async () => {
    const { evals } = await evaluate(join(dir, 'insecure/compose.yaml'));
    const r = (svc: string) =>
      evals.find((e) => e.check === 'restart-policy' && e.target.service === svc);
    expect(r('bad')?.verdict).toBe('fail');
    expect(r('hostnet')?.evidence).toContain('unlimited');
    expect(r('web')?.evidence).toContain('on-failure:10');
  });

  it('never puts an env value in evidence', async () => {
    const { evals } = await evaluate(join(dir, 'insecure/compose.yaml'));
    const text = JSON.stringify(evals);
    expect(text).not.toContain('s3cr3t-planted-token-0xC0FFEE');
    expect(text).toContain('API_TOKEN=***');
  });
});

describe('compose: hardened fixture', () => {
  it("has no failing check (sshd-running and the other products' checks not applicable)", async () => {
    const { evals } = await evaluate(join(dir, 'hardened/compose.yaml'));
    expect(evals.filter((e) => e.verdict === 'fail')).toEqual([]);
    const na = evals.filter((e) => e.verdict === 'not-applicable').map((e) => e.check);
    expect([...new Set(na)].sort()).toEqual(
      ['sshd-running', ...serviceChecks.map((c) => c.id)].sort(),
    );
  });
});

describe('compose syntax', () => {
  it('parses short port forms', () => {
    expect(parseShortPort('80')).toEqual({ containerPort: '80/tcp', hostIp: '' });
    expect(parseShortPort('8080:80/udp')).toEqual({
      containerPort: '80/udp',
      hostIp: '',
      hostPort: '8080',
    });
    expect(parseShortPort('127.0.0.1:8080:80')).toMatchObject({
      hostIp: '127.0.0.1',
      hostPort: '8080',
    });
    expect(parseShortPort('[::]:8080:80')).toMatchObject({ hostIp: '::', hostPort: '8080' });
    expect(parseShortPort('::1:8080:80')).toMatchObject({ hostIp: '::1', hostPort: '8080' });
  });

  it('interpolates like compose', () => {
    const vars = { A: 'a', E: '' };
    expect(interpolate('${A}-$A-${B:-def}-${E:-d2}-${E-d3}-$$A', vars)).toBe('a-a-def-d2--$A');
    expect(() => interpolate('${B:?need B}', vars)).toThrow(/need B/);
    expect(interpolate('${A:+alt}${B:+x}', vars)).toBe('alt');
    expect(parseDotEnv('X="q w"\nexport Y=1 # c\n#Z=2')).toEqual({ X: 'q w', Y: '1' });
  });

  it('rejects invalid YAML with file:line', async () => {
    await expect(
      composeModels('services:\n  a: [\n', { file: 'bad.yaml', readFile: rf }),
    ).rejects.toThrow(/bad\.yaml:\d+/);
  });

  it('reports an undefined alias as a user error naming the file, not a crash', async () => {
    const err = await composeModels('services:\n  a:\n    image: *nope\n', {
      file: 'alias.yaml',
      readFile: rf,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^alias\.yaml:3:12: invalid YAML: Unresolved alias/);
  });

  it('names the key and line of a bad interpolation, never the value', async () => {
    const text =
      'services:\n  db:\n    image: x\n    environment:\n      - DB_PASSWORD=p@ss${word\n';
    const err = await composeModels(text, { file: 'i.yaml', readFile: rf }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as Error).message;
    expect(msg).toBe('i.yaml:5: services.db.environment[0] (DB_PASSWORD): unterminated ${');
    expect(msg).not.toContain('p@ss');
    const map = 'services:\n  db:\n    environment:\n      DB_PASSWORD: "s3${x:-a${b"\n';
    const err2 = await composeModels(map, { file: 'm.yaml', readFile: rf }).catch(
      (e: unknown) => e,
    );
    expect((err2 as Error).message).toBe(
      'm.yaml:4: services.db.environment.DB_PASSWORD: unterminated ${',
    );
  });

  it('detects a circular extends', async () => {
    const text = 'services:\n  a:\n    extends: b\n  b:\n    extends: a\n';
    await expect(composeModels(text, { file: 'x/c.yaml', readFile: rf })).rejects.toThrow(
      /circular/,
    );
  });
});

describe('architecture', () => {
  it('src/checks and src/audit import no I/O or UI modules', () => {
    const banned =
      /from '(node:)?(fs|fs\/promises|child_process)'|from '(dockerode|execa|conf|ink|react)'/;
    for (const d of ['src/checks', 'src/audit']) {
      for (const f of readdirSync(d)) {
        expect(readFileSync(join(d, f), 'utf8'), `${d}/${f}`).not.toMatch(banned);
      }
    }
  });
});
