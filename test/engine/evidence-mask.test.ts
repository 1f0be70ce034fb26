import { describe, expect, it } from 'vitest';
import { credentialValues, maskDeep, maskInspect } from '../../src/actions/evidence-mask.js';
import type { ControlInspect } from '../../src/engine/docker-control-port.js';

const inspect = (over: Partial<ControlInspect> & { Config?: object }): ControlInspect =>
  ({ Id: 'abc', Name: '/web', ...over }) as ControlInspect;

describe('evidence masking', () => {
  it('masks values with JSON metacharacters as data, so the result stays valid and leak-free', () => {
    const tricky = 'p"w\\d\n{x}';
    const c = inspect({
      Config: { Env: [`DB_PASSWORD=${tricky}`], Labels: { note: `uses ${tricky}` } },
    });
    const text = JSON.stringify(maskInspect(c));
    expect(text).not.toContain(JSON.stringify(tricky).slice(1, -1));
    expect(JSON.parse(text).Config).toEqual({
      Env: ['DB_PASSWORD=***'],
      Labels: { note: 'uses ***' },
    });
  });

  it('labels named like credentials, traefik basic-auth users; other labels and numbers kept', () => {
    const out = maskDeep(
      {
        'db.password': 'hunter22',
        'traefik.http.middlewares.a.basicauth.users': 'admin:$apr1$x',
        'com.example.port': '5432',
        RestartCount: 3,
        'auth.enabled': 'true',
      },
      [],
    );
    expect(out).toEqual({
      'db.password': '***',
      'traefik.http.middlewares.a.basicauth.users': '***',
      'com.example.port': '5432',
      RestartCount: 3,
      'auth.enabled': 'true',
    });
  });

  it('credential arguments in Entrypoint/Cmd, Path/Args and inside a shell script', () => {
    const c = inspect({
      Path: 'redis-server',
      Args: ['--requirepass', 'r3dis-secret', '--port', '6379'],
      Config: {
        Entrypoint: ['sh', '-c'],
        Cmd: ['exec app --api-token=tok-123456 --db-url postgres://u:pgpass99@db/x'],
      },
    });
    expect(credentialValues(c).sort()).toEqual(['pgpass99', 'r3dis-secret', 'tok-123456']);
    const m = maskInspect(c) as { Args: string[]; Config: { Cmd: string[] } };
    expect(m.Args).toEqual(['--requirepass', '***', '--port', '6379']);
    expect(m.Config.Cmd[0]).toBe('exec app --api-token=*** --db-url postgres://u:***@db/x');
  });
});
