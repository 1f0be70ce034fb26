/**
 * The networks scope on a real engine: networks and containers the test creates (created, not
 * started: nothing binds a port), among whatever else the engine holds. A database on the web
 * server's network fails; one on an internal network passes; a network whose only member is a
 * cache fails as "could be internal". A `--container` audit still reads every member of the
 * named container's networks.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuditCore, type AuditRun } from '../../src/checks/audit-core.js';
import {
  cleanupLabelled,
  dockerAvailable,
  dockerCli,
  ensureTestImage,
  labelArgs,
  noDockerReason,
  readPort,
  testName,
} from '../helpers/docker.js';

const runId = `net-${randomBytes(4).toString('hex')}`;

describe.skipIf(!dockerAvailable)(`networks scope on live containers (${noDockerReason})`, () => {
  const net = { front: testName('front'), data: testName('data'), cache: testName('cache') };
  const c = {
    web: testName('web'),
    db: testName('db'),
    db2: testName('db2'),
    cache: testName('cache'),
  };
  // Images named as the products are: the checks know a datastore by its image's name.
  const postgres = `warden-test/postgres:${runId}`;
  const redis = `warden-test/redis:${runId}`;
  let run: AuditRun;

  beforeAll(async () => {
    const image = ensureTestImage();
    dockerCli(['tag', image, postgres]);
    dockerCli(['tag', image, redis]);
    const l = labelArgs(runId);
    dockerCli(['network', 'create', ...l, net.front]);
    dockerCli(['network', 'create', ...l, '--internal', net.data]);
    dockerCli(['network', 'create', ...l, net.cache]);
    const create = (name: string, img: string, network: string, extra: string[] = []) =>
      dockerCli(['create', ...l, '--name', name, '--network', network, ...extra, img, 'true']);
    create(c.web, image, net.front, ['-p', '0.0.0.0:18081:80']);
    create(c.db, postgres, net.front);
    create(c.db2, postgres, net.data);
    create(c.cache, redis, net.cache);
    run = await runAuditCore({ docker: readPort(), scopes: ['networks'] });
  });
  afterAll(() => {
    cleanupLabelled(runId);
    dockerCli(['rmi', postgres, redis]);
  });

  const verdict = (r: AuditRun, check: string, name: string) =>
    r.evaluations.find((e) => e.check === check && e.target.name === name);

  it('a database on the published web server’s network fails; one on an internal network passes', () => {
    const db = verdict(run, 'network-datastore-exposed', c.db);
    expect(db?.verdict).toBe('fail');
    expect(db?.evidence).toBe(`postgres on ${net.front} with ${c.web} (0.0.0.0:18081->80/tcp)`);
    expect(db?.target.kind).toBe('container');
    // The exact commands, with the names found: the database moves to an internal network.
    expect(db?.remediation.host).toBe(
      `docker network create --internal ${c.db}-data && docker network connect ${c.db}-data ${c.db} && docker network disconnect ${net.front} ${c.db}`,
    );
    expect(verdict(run, 'network-datastore-exposed', c.db2)?.verdict).toBe('pass');
    expect(verdict(run, 'network-datastore-exposed', c.web)).toBeUndefined();
  });

  it('a network with only a cache on it could be internal; the internal one and the published one pass', () => {
    expect(verdict(run, 'network-not-internal', net.cache)?.verdict).toBe('fail');
    expect(verdict(run, 'network-not-internal', net.cache)?.target).toEqual({
      kind: 'network',
      name: net.cache,
    });
    expect(verdict(run, 'network-not-internal', net.data)?.evidence).toBe('internal');
    expect(verdict(run, 'network-not-internal', net.cache)?.remediation.host).toBe(
      `docker network create --internal ${net.cache}-internal && docker network connect ${net.cache}-internal ${c.cache} && docker network disconnect ${net.cache} ${c.cache} && docker network rm ${net.cache}`,
    );
    expect(verdict(run, 'network-not-internal', net.front)?.verdict).toBe('pass');
  });

  it('lists each network with its members', () => {
    const front = run.segments.find((s) => s.network === net.front);
    expect(front?.internal).toBe(false);
    expect(front?.members.map((m) => m.name).sort()).toEqual([c.db, c.web].sort());
    expect(front?.members.find((m) => m.name === c.db)?.datastore).toBe('postgres');
  });

  it('narrowed to the database, it still sees the web server beside it, and judges only its networks', async () => {
    const narrowed = await runAuditCore({
      docker: readPort(),
      scopes: ['networks'],
      containers: [c.db],
    });
    expect(narrowed.evaluations.map((e) => [e.check, e.target.name, e.verdict])).toEqual([
      ['network-datastore-exposed', c.db, 'fail'],
      ['network-not-internal', net.front, 'pass'],
    ]);
  });
});
