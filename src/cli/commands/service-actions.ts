/**
 * The swarm service verbs, recorded like the container verbs (run on the current engine, which
 * must be a manager): warden scale-to-zero|unscale <service>, warden service-network-rm|
 * service-network-restore <service> <network>. The destructive ones need --yes (the TUI: the
 * service's name typed). They record in --session or a new ad-hoc session (no session is looked
 * up by service).
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { NAME_PATTERN } from '../../adapters/docker/names.js';
import type { CommandContext } from '../context.js';
import { verbOptions, type VerbOptions } from '../run-verb.js';

type Run = (
  action: string,
  params: Record<string, string | undefined>,
  opts: VerbOptions,
) => Promise<void>;

const nameArg = (kind: string) => (value: string) => {
  if (!NAME_PATTERN.test(value))
    throw new InvalidArgumentError(
      `${JSON.stringify(value.slice(0, 80))} is not a ${kind} name or id`,
    );
  return value;
};

const countArg = (value: string) => {
  if (!/^\d{1,4}$/.test(value)) throw new InvalidArgumentError('give a whole number of replicas');
  return value;
};

const common = (cmd: Command, destructive: boolean) =>
  verbOptions(cmd, destructive, 'session, service, before and after');

export function registerServiceActionCommands(
  program: Command,
  _ctx: CommandContext,
  run: Run,
): void {
  common(
    program
      .command('scale-to-zero')
      .description(
        'scale a swarm service to 0 replicas: every task stops (the count before is recorded; unscale restores it)',
      )
      .argument('<service>', 'service name or id', nameArg('service')),
    true,
  ).action((service: string, o: VerbOptions) => run('scale-to-zero', { service }, o));

  common(
    program
      .command('unscale')
      .description('scale a swarm service back to the replica count recorded by scale-to-zero')
      .argument('<service>', 'service name or id', nameArg('service'))
      .option('--replicas <n>', 'this count instead (when nothing was recorded)', countArg),
    false,
  ).action((service: string, o: VerbOptions & { replicas?: string }) =>
    run('unscale', { service, replicas: o.replicas }, o),
  );

  common(
    program
      .command('service-network-rm')
      .description(
        'take a swarm service off a network (docker service update --network-rm; the attachment is recorded, its tasks are replaced)',
      )
      .argument('<service>', 'service name or id', nameArg('service'))
      .argument('<network>', 'network name or id', nameArg('network')),
    true,
  ).action((service: string, network: string, o: VerbOptions) =>
    run('service-network-rm', { service, network }, o),
  );

  common(
    program
      .command('service-network-restore')
      .description(
        'put a swarm service back on a network service-network-rm took it off, as recorded',
      )
      .argument('<service>', 'service name or id', nameArg('service'))
      .argument('<network>', 'network name or id', nameArg('network')),
    false,
  ).action((service: string, network: string, o: VerbOptions) =>
    run('service-network-restore', { service, network }, o),
  );
}
