/**
 * An engine reached over SSH, as the docker CLI does it: `ssh://[user@]host[:port]`, and on the
 * remote side `docker system dial-stdio`, which relays one HTTP connection to the remote engine.
 *
 * One SSH connection per engine, opened at the first request; every HTTP request is one channel
 * on it (dockerode's own SSH transport opens a whole SSH connection per request: a handshake for
 * each container of an audit). The connection holds the process open only while a request is in
 * flight, so a command ends when its work does.
 *
 * The host key must already be in ~/.ssh/known_hosts (as `ssh` in batch mode, which the docker
 * CLI runs): an unknown or changed key is refused before any credential is offered.
 * Keys: the ssh-agent (SSH_AUTH_SOCK), then ~/.ssh/config's IdentityFile for the host, then
 * ~/.ssh/id_ed25519, id_ecdsa, id_rsa, each without a passphrase. ~/.ssh/config's HostName, User
 * and Port apply as they do for `ssh` (ssh-config.ts).
 */
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Client, ClientChannel, ConnectConfig } from 'ssh2';
import { knownHostKeys } from './known-hosts.js';
import { readSshConfig } from './ssh-config.js';

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  /** Written in the address (else ~/.ssh/config may give them, as it does to `ssh`). */
  userGiven?: boolean;
  portGiven?: boolean;
}

const KEY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
/** HTTP connections (SSH channels) at once on one engine's SSH connection. */
const CHANNELS = 8;

/** Where ~/.ssh is: HOME as the environment says (the docker CLI's ssh reads the same). */
function sshDir(env: NodeJS.ProcessEnv): string {
  return join(env.HOME?.trim() || homedir(), '.ssh');
}

/** A one-line failure with a hint, raised inside the HTTP request so dockerode reports it. */
export class SshEndpointError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly code = 'ESSHENDPOINT',
  ) {
    super(message);
  }
}

const label = (t: SshTarget) => `ssh://${t.username}@${t.host}${t.port === 22 ? '' : `:${t.port}`}`;

/** The private keys on disk that open without a passphrase (ssh2 parses them). */
function diskKeys(paths: readonly string[], parseKey: (data: Buffer) => unknown): Buffer[] {
  const keys: Buffer[] = [];
  for (const path of new Set(paths)) {
    if (!existsSync(path)) continue;
    try {
      const data = readFileSync(path);
      if (!(parseKey(data) instanceof Error)) keys.push(data);
    } catch {
      // unreadable: the agent or another key may still do
    }
  }
  return keys;
}

/**
 * An HTTP agent whose connections are `docker system dial-stdio` channels on one SSH connection.
 * Give it to dockerode as `agent` with protocol http.
 */
export function sshAgent(target: SshTarget, env: NodeJS.ProcessEnv = process.env): Agent {
  const require = createRequire(import.meta.url);
  let client: Client | undefined;
  let ready: Promise<Client> | undefined;
  let open = 0;
  const socket = () => (client as unknown as { _sock?: { ref(): void; unref(): void } })?._sock;
  const hold = (delta: number) => {
    open += delta;
    if (open > 0) socket()?.ref();
    else socket()?.unref();
  };

  const connect = (): Promise<Client> => {
    if (ready) return ready;
    const ssh2 = require('ssh2') as typeof import('ssh2');
    const dir = sshDir(env);
    const cfg = readSshConfig(dir, target.host, env.HOME?.trim() || homedir(), target.username);
    if (cfg.proxy)
      return Promise.reject(
        new SshEndpointError(
          `${label(target)}: ~/.ssh/config reaches ${target.host} through ${cfg.proxy}, which Warden does not follow`,
          'make a Docker context with an address Warden can reach directly (or a tunnel: ssh -L … then tcp:// with TLS)',
        ),
      );
    const host = cfg.hostName ?? target.host;
    const port = target.portGiven ? target.port : (cfg.port ?? target.port);
    const username = target.userGiven ? target.username : (cfg.user ?? target.username);
    const known = knownHostKeys(join(dir, 'known_hosts'), host, port);
    let hostKeyProblem: SshEndpointError | undefined;
    const c = new ssh2.Client();
    const keys = diskKeys([...cfg.identityFiles, ...KEY_FILES.map((f) => join(dir, f))], (d) =>
      ssh2.utils.parseKey(d),
    );
    const agentSock = env.SSH_AUTH_SOCK?.trim();
    const methods: unknown[] = [
      ...(agentSock ? [{ type: 'agent', username, agent: agentSock }] : []),
      ...keys.map((key) => ({ type: 'publickey', username, key })),
    ];
    if (methods.length === 0) {
      return Promise.reject(
        new SshEndpointError(
          `${label(target)}: no SSH key to offer (no ssh-agent, no key without a passphrase in ${dir})`,
          'start ssh-agent and ssh-add your key, or create ~/.ssh/id_ed25519',
        ),
      );
    }
    const config: ConnectConfig = {
      host,
      port,
      username,
      readyTimeout: 10_000,
      authHandler: methods as ConnectConfig['authHandler'],
      hostVerifier: (key: Buffer) => {
        if (known.revoked.some((k) => k.equals(key))) {
          hostKeyProblem = new SshEndpointError(
            `${label(target)}: the SSH host key is marked @revoked in ${join(dir, 'known_hosts')}`,
            'do not connect: find out why the key was revoked',
          );
          return false;
        }
        if (known.keys.some((k) => k.equals(key))) return true;
        hostKeyProblem =
          known.keys.length > 0
            ? new SshEndpointError(
                `${label(target)}: the SSH host key does not match ${join(dir, 'known_hosts')} (it changed, or someone is in between)`,
                'check the host key with its owner before you connect',
              )
            : new SshEndpointError(
                `${label(target)}: the SSH host key is not in ${join(dir, 'known_hosts')}`,
                `connect once with \`ssh -p ${port} ${username}@${host}\` to check and record it`,
              );
        return false;
      },
    };
    client = c;
    ready = new Promise<Client>((resolve, reject) => {
      c.once('ready', () => {
        if (open === 0) socket()?.unref();
        resolve(c);
      });
      c.once('error', (err: Error & { level?: string }) => {
        ready = undefined;
        client = undefined;
        if (hostKeyProblem) return reject(hostKeyProblem);
        if (err.level === 'client-authentication')
          return reject(
            new SshEndpointError(
              `${label(target)}: no key was accepted (${agentSock ? 'the ssh-agent' : 'no ssh-agent'}; ${keys.length} key file${keys.length === 1 ? '' : 's'} in ${dir})`,
              `the remote account's authorized_keys must hold one of your keys`,
            ),
          );
        reject(err);
      });
    });
    // A connection that drops (idle timeout, the host went away) is opened again next time.
    c.on('close', () => {
      if (client === c) {
        client = undefined;
        ready = undefined;
      }
    });
    c.connect(config);
    return ready;
  };

  const channel = async (): Promise<ClientChannel> => {
    const c = await connect();
    return new Promise((resolve, reject) => {
      c.exec('docker system dial-stdio', (err, stream) => (err ? reject(err) : resolve(stream)));
    });
  };

  // Connections are kept and reused (HTTP keep-alive through dial-stdio, as the docker CLI
  // does), at most CHANNELS at once: sshd refuses more sessions than MaxSessions (10) on one
  // connection, and the agent queues the rest.
  const agent = new Agent({ keepAlive: true, maxSockets: CHANNELS, maxFreeSockets: CHANNELS });
  // Node calls this with a callback (http.Agent's oncreate form) for every new HTTP connection.
  (
    agent as unknown as {
      createConnection: (opts: unknown, cb: (err: Error | null, s?: Duplex) => void) => void;
    }
  ).createConnection = (_opts, cb) => {
    // Held (keeping the process alive) while in use; the agent unrefs a socket it keeps idle and
    // refs it again when it reuses it.
    let held = true;
    hold(1);
    const ref = (on: boolean) => {
      if (on !== held) {
        held = on;
        hold(on ? 1 : -1);
      }
    };
    channel().then(
      (stream) => {
        let stderr = '';
        stream.stderr.on('data', (d: Buffer) => {
          if (stderr.length < 2000) stderr += d.toString('utf8');
        });
        // The remote `docker` failed (no docker CLI there, its engine is down): say what it said.
        stream.on('exit', (code: number | null) => {
          if (code && code !== 0) {
            const line = stderr.trim().split('\n').at(-1) || `exit code ${code}`;
            (stream as Duplex).destroy(
              new SshEndpointError(
                `${label(target)}: \`docker system dial-stdio\` failed on the remote host: ${line}`,
                'the remote account needs the docker CLI and access to its engine',
              ),
            );
          }
        });
        stream.once('close', () => ref(false));
        // Node's HTTP client sets these on sockets; a channel has no such knobs.
        const s = stream as unknown as Record<string, unknown>;
        s.setTimeout = () => stream;
        s.setNoDelay = () => stream;
        s.setKeepAlive = () => stream;
        s.ref = () => (ref(true), stream);
        s.unref = () => (ref(false), stream);
        cb(null, stream);
      },
      (err: Error) => {
        ref(false);
        cb(err);
      },
    );
  };
  return agent;
}
