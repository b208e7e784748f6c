import type { Command } from 'commander';
import { size } from './values.js';

/** What pooltune cannot read from SQL about the server: the flags that tell it. */
export interface ServerOptions {
  /** The server's memory, to judge what its connections may claim. */
  readonly serverMemoryBytes?: number;
}

export function addServerFlags(command: Command): Command {
  return command.option(
    '--server-memory <size>',
    "the server's memory, e.g. 16GB, to judge what connections may claim",
    size,
  );
}

export function readServer(command: Command): ServerOptions {
  const { serverMemory } = command.opts<{ serverMemory?: number }>();
  return serverMemory === undefined ? {} : { serverMemoryBytes: serverMemory };
}
