/**
 * Compose semantics as compose has them: `.env` quoting and comments, the environment resolution
 * order, anchors (size guard, not an alias count), `extends` locations.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { composeModels } from '../../src/checks/compose-model.js';
import { evaluateModel } from '../../src/checks/catalog.js';
import { parseDotEnv, parseDotEnvEntries } from '../../src/checks/dotenv.js';
import { UserError } from '../../src/errors.js';

const rf = (p: string) => readFile(p, 'utf8');
const load = async (file: string, env: Record<string, string> = {}) =>
  composeModels(await rf(file), { file, readFile: rf, env });
const envOf = (c: Awaited<ReturnType<typeof load>>, service: string) =>
  Object.fromEntries(
    (c.services.find((s) => s.name === service)?.env ?? []).map((v) => [v.name, v]),
  );

describe('.env parsing', () => {
  it('strips quotes and the comment after them, keeps # inside values', () => {
    expect(
      parseDotEnv(
        [
          'A="value" # comment',
          "B='single' # comment",
          'C=plain # comment',
          'D=has#hash',
          'E=#leading',
          'F= #only a comment',
          'export G=exported',
          'H: yaml-style',
          '  # indented comment',
          'I="esc\\"aped\\nline"',
          "J='no $EXPANSION \\n here'",
          'K=${A}-${MISSING:-dflt}',
          'L="multi',
          'line"',
          'M',
        ].join('\n'),
        (k) => (k === 'M' ? 'from-env' : undefined),
      ),
    ).toEqual({
      A: 'value',
      B: 'single',
      C: 'plain',
      D: 'has#hash',
      E: '#leading',
      F: '',
      G: 'exported',
      H: 'yaml-style',
      I: 'esc"aped\nline',
      J: 'no $EXPANSION \\n here',
      K: 'value-dflt',
      L: 'multi\nline',
      M: 'from-env',
    });
  });

  it('gives the line of each key, and skips a bare name the environment lacks', () => {
    expect(parseDotEnvEntries('# c\nA=1\n\nB="x\ny"\nC=3\nNOPE\n')).toEqual([
      { name: 'A', value: '1', line: 2 },
      { name: 'B', value: 'x\ny', line: 4 },
      { name: 'C', value: '3', line: 6 },
    ]);
  });

  it('reads the fixture .env like compose: no quotes kept, comments dropped', async () => {
    const c = await load('test/fixtures/compose/dotenv/compose.yaml');
    const db = c.services[0];
    expect(db?.image).toBe('postgres:16.3');
    const env = envOf(c, 'db');
    expect(env.POSTGRES_PASSWORD?.value).toBe('postgres');
    expect(env.APP_SECRET?.value).toBe('l1teral $NOT_EXPANDED # not a comment');
    expect(env.SESSION_SECRET?.value).toBe('Zq8#nQ2vR7kW3mX9pL4tY6hB1cF5dJ0g');
    expect(env.NOTE?.value).toBe('first\nsecond');
    expect(env.IMAGE_REF?.value).toBe('16.3-alpine');
  });

  it('reports an interpolation error in .env with its file and line, never the value', async () => {
    const files: Record<string, string> = {
      'p/.env': 'OK=1\nBAD=${REQUIRED:?set it}\n',
      'p/compose.yaml': 'services:\n  a:\n    image: x:1\n',
    };
    const err = await composeModels(files['p/compose.yaml'] as string, {
      file: 'p/compose.yaml',
      readFile: async (p) => files[p] ?? Promise.reject(new Error('ENOENT')),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe('p/.env:2: required variable REQUIRED is missing: set it');
  });
});

describe('environment resolution order', () => {
  it('a bare name takes the shell, then .env, and never erases the env_file value', async () => {
    const c = await load('test/fixtures/compose/bare-env/compose.yaml', {
      SHELL_ONLY_TOKEN: 'shell-value-Qw3rty',
    });
    const db = envOf(c, 'db');
    // `- POSTGRES_PASSWORD`: from the project .env (it overrides app.env), located there.
    expect(db.POSTGRES_PASSWORD).toMatchObject({
      value: 'Vq3!rT9x-db-from-dotenv',
      origin: 'dotenv',
      file: 'test/fixtures/compose/bare-env/.env',
      line: 1,
    });
    expect(db.POSTGRES_USER).toMatchObject({ value: 'app', origin: 'environment', line: 10 });
    expect(db.SALT).toMatchObject({
      origin: 'env_file',
      file: 'test/fixtures/compose/bare-env/app.env',
      line: 4,
    });
    const web = envOf(c, 'web');
    expect(web.SECRET_KEY).toMatchObject({ origin: 'dotenv', line: 2 });
    // SALT: only in app.env; the bare name keeps that value.
    expect(web.SALT?.value).toBe('Wm4@kP8zN2qV6xR0tL3yC7bH1jF5dG9s');
    expect(web.SHELL_ONLY_TOKEN).toMatchObject({ value: 'shell-value-Qw3rty', origin: 'shell' });
  });

  it('the shell wins over .env for a bare name; unknown when neither has it', async () => {
    const c = await load('test/fixtures/compose/bare-env/compose.yaml', {
      POSTGRES_PASSWORD: 'from-the-shell-1',
    });
    expect(envOf(c, 'db').POSTGRES_PASSWORD).toMatchObject({
      value: 'from-the-shell-1',
      origin: 'shell',
    });
    const none = await load('test/fixtures/compose/bare-env/compose.yaml');
    expect(envOf(none, 'web').SHELL_ONLY_TOKEN?.value).toBeUndefined();
  });

  it('env_file files apply in order, each interpolated from the ones before it', async () => {
    const files: Record<string, string> = {
      'q/compose.yaml':
        'services:\n  a:\n    image: x:1\n    env_file: [one.env, two.env]\n    environment:\n      C: explicit\n',
      'q/one.env': 'A=first\nB=one-${A}\nC=from-file\n',
      'q/two.env': 'A=second\nD=${B}+${A}\n',
    };
    const c = await composeModels(files['q/compose.yaml'] as string, {
      file: 'q/compose.yaml',
      readFile: async (p) => files[p] ?? Promise.reject(new Error('ENOENT')),
    });
    const env = envOf(c, 'a');
    expect(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.value]))).toEqual({
      A: 'second',
      B: 'one-first',
      C: 'explicit',
      D: 'one-first+second',
    });
    expect(env.D).toMatchObject({ file: 'q/two.env', line: 2 });
  });
});

describe('anchors and aliases', () => {
  it('loads 200 anchors merged into 60 services (rejected by an alias count of 1000)', async () => {
    const c = await load('test/fixtures/compose/anchors/compose.yaml');
    expect(c.services).toHaveLength(60);
    const svc = c.services.find((s) => s.name === 'svc-7');
    expect(svc).toMatchObject({ readOnlyRootfs: true, user: '1000:1000', pidsLimit: 71 });
    const env = Object.fromEntries((svc?.env ?? []).map((v) => [v.name, v.value]));
    expect(env).toMatchObject({ TZ: 'UTC', FEATURE_0_ENABLED: 'true', SERVICE_NAME: 'svc-7' });
    // A merged key points at the anchor that writes it.
    expect(svc?.lines?.read_only).toBeGreaterThan(0);
  });

  it('refuses an alias bomb by its expanded size, fast, with file:line', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array.from({ length: 10 }, () => `*${prev}`).join(',')}]`);
    }
    const text = `x-bomb:\n${levels.map((l) => `  ${l}`).join('\n')}\nservices:\n  s:\n    image: x:1\n`;
    const t0 = performance.now();
    const err = await composeModels(text, { file: 'bomb.yaml', readFile: rf }).catch(
      (e: unknown) => e,
    );
    expect(performance.now() - t0).toBeLessThan(500);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(
      /^bomb\.yaml:\d+:\d+: invalid YAML: aliases expand to more than 1,000,000 nodes/,
    );
  });

  it('refuses an alias to the anchor that contains it', async () => {
    const err = await composeModels('x: &x\n  - *x\nservices: {}\n', {
      file: 'loop.yaml',
      readFile: rf,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^loop\.yaml:2:\d+: invalid YAML: an alias refers/);
  });

  it('locates settings merged with << at the anchor that writes them', async () => {
    const c = await load('test/fixtures/compose/hardened/compose.yaml');
    const api = c.services.find((s) => s.name === 'api');
    // x-hardening (lines 3-22): read_only is on line 4, healthcheck on line 13, logging on 18.
    expect(api?.lines).toMatchObject({ read_only: 4, healthcheck: 13, logging: 18, image: 26 });
  });
});

describe('extends locations', () => {
  it('points findings at the file and line that hold the setting', async () => {
    const c = await load('test/fixtures/compose/extends/compose.yaml');
    const evals = c.services.flatMap((s) => evaluateModel(s, {}));
    const fail = (service: string, check: string) =>
      evals.find((e) => e.target.service === service && e.check === check && e.verdict === 'fail');
    const base = 'test/fixtures/compose/extends/common/base.yaml';
    expect(fail('worker', 'privileged')).toMatchObject({
      target: { file: 'test/fixtures/compose/extends/compose.yaml', service: 'worker', line: 4 },
      location: { file: base, line: 9 },
    });
    expect(fail('worker', 'dangerous-capability')?.location).toEqual({ file: base, line: 10 });
    // The env_file named in the extended file is read relative to it, and located there.
    expect(fail('worker', 'secret-in-env')?.location).toEqual({
      file: 'test/fixtures/compose/extends/common/base.env',
      line: 1,
    });
    // Overridden in the main file: located there.
    expect(fail('api', 'privileged')).toMatchObject({
      target: { line: 14 },
      location: { file: 'test/fixtures/compose/extends/compose.yaml', line: 14 },
    });
  });
});
