import { Option, type Command } from 'commander';
import { CHAIN_MODES } from '../../core/pooler/chain.js';
import type { PoolMode } from '../../core/pooler/facts.js';

/**
 * `--behind-pooler <mode>`: the application connects through a pooler in this mode. Declared here once, so
 * any command that recommends or judges an application's pool reads it the same way.
 */
export function addBehindPoolerFlag(command: Command): Command {
  return command.addOption(
    new Option(
      '--behind-pooler <mode>',
      "the application connects through a pooler (PgBouncer) in this pool mode: size the pool against the pooler's client limit, not the server's slots, and emit configs that work there (no startup parameters; no prepared statements in transaction mode)",
    ).choices(CHAIN_MODES),
  );
}

export function readBehindPooler(command: Command): { behindPooler?: PoolMode } {
  const mode = command.opts<{ behindPooler?: PoolMode }>().behindPooler;
  return mode === undefined ? {} : { behindPooler: mode };
}
