/** The free-text redactor: what it masks, and the ordinary text it leaves alone. */
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/engine/redact.js';

const pem = `-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEA7bq98Zt0keyMaterialHere
-----END RSA PRIVATE KEY-----`;

describe('redact', () => {
  it('masks every name the checks treat as secret', () => {
    for (const name of [
      'DB_PASSWORD',
      'ENCRYPTION_KEY',
      'JWT_SIGNING_KEY',
      'MASTER_KEY',
      'SENTRY_DSN',
      'SESSION_COOKIE',
      'PASSWORD_SALT',
      'REDIS_AUTH',
      'GPG_PASSPHRASE',
    ])
      expect(redact(`${name}=v4lue-x`), name).toBe(`${name}=***`);
  });

  it('masks credentials in URLs', () => {
    expect(redact('SENTRY_DSN=https://abc123@o1.ingest.sentry.io/1')).toBe('SENTRY_DSN=***');
    expect(redact('push to https://ghp_tok3n@github.com/o/r.git')).toBe(
      'push to https://***@github.com/o/r.git',
    );
    expect(redact('url postgres://app:hunter22@db:5432/app')).toBe(
      'url postgres://app:***@db:5432/app',
    );
    expect(redact('see https://example.com/a?mail=x@y.z')).toBe(
      'see https://example.com/a?mail=x@y.z',
    );
  });

  it('masks NAME=value inside compact JSON env arrays', () => {
    const json = '{"Env":["DB_PASSWORD=hunter22","PATH=/usr/bin","API_TOKEN=tok en"],"Cmd":["sh"]}';
    expect(redact(json)).toBe(
      '{"Env":["DB_PASSWORD=***","PATH=/usr/bin","API_TOKEN=***"],"Cmd":["sh"]}',
    );
    expect(redact('{"password":"p\\"w d","user":"bob"}')).toBe('{"password":"***","user":"bob"}');
  });

  it('masks docker inspect output', () => {
    const inspect = JSON.stringify(
      [
        {
          Config: {
            Env: ['MYSQL_ROOT_PASSWORD=S3cr3t pass', 'ENCRYPTION_KEY=k3y', 'LANG=C.UTF-8'],
            Cmd: ['mysqld', '--password=xyz123'],
            Labels: { 'com.example.api-key': 'abcd1234' },
          },
        },
      ],
      null,
      2,
    );
    const out = redact(inspect);
    for (const v of ['S3cr3t', 'pass"', 'k3y', 'xyz123', 'abcd1234']) expect(out).not.toContain(v);
    expect(out).toContain('"MYSQL_ROOT_PASSWORD=***"');
    expect(out).toContain('"--password=***"');
    expect(out).toContain('"LANG=C.UTF-8"');
  });

  it('masks headers, bearer tokens, key blocks and password flags', () => {
    expect(redact('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y')).toBe(
      'Authorization: Bearer ***',
    );
    expect(redact('Authorization: token ghp_abcdef')).toBe('Authorization: token ***');
    expect(redact(`key:\n${pem}\nend`)).toBe(
      'key:\n-----BEGIN RSA PRIVATE KEY-----***-----END RSA PRIVATE KEY-----\nend',
    );
    expect(redact('mysql --password=xyz -u root')).toBe('mysql --password=*** -u root');
    expect(redact('login --password xyz --token "a b"')).toBe('login --password *** --token "***"');
    expect(redact('docker login --password-stdin registry.local')).toBe(
      'docker login --password-stdin registry.local',
    );
  });

  it('leaves ordinary text alone', () => {
    for (const text of [
      'PATH=/usr/bin:/bin',
      'token count: 5',
      'docker run -p 8080:80 web',
      'DB_PASSWORD_FILE=/run/secrets/db',
      'PWD=/home/app',
      'author: Jane',
      'exit code 0, 3 lines',
    ])
      expect(redact(text)).toBe(text);
  });

  it('masks known values, longest first', () => {
    expect(redact('a s3cret-long and s3cret', ['s3cret', 's3cret-long'])).toBe('a *** and ***');
  });
});
