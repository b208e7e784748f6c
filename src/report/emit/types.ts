import { plural } from '../../core/plural.js';
import type { PoolMode } from '../../core/pooler/facts.js';
import type { ServerPoolSizing } from '../../core/pooler/server-pool.js';
import type { PoolSettings } from '../../core/workload.js';

export const EMITTERS = [
  'eventcore',
  'eventcore-0.1',
  'sqlx',
  'node-postgres',
  'hikari',
  'json',
  'env',
  'pgbouncer',
] as const;
export type EmitterName = (typeof EMITTERS)[number];

export interface EmitInput {
  readonly workload: string;
  readonly pool: PoolSettings;
  /** The pooler the application connects through (recommend --behind-pooler); absent: to the server. */
  readonly behindPooler?: PoolMode;
  /** The role the application logs in as, for the ALTER ROLE a pooled chain needs; unknown without --db. */
  readonly role?: string;
  /** For --emit pgbouncer: the server it points at (never with a password) and its server pool. */
  readonly pgbouncer?: {
    readonly target: { readonly host: string; readonly port: number; readonly database: string } | null;
    readonly serverPool: ServerPoolSizing;
  };
}

/** Ready-to-paste configuration, and where that library's own behaviour differs from what we recommend. */
export interface Emitted {
  readonly emitter: EmitterName;
  readonly language: 'rust' | 'javascript' | 'properties' | 'json' | 'shell' | 'ini';
  readonly code: string;
  readonly notes: readonly string[];
}

export type Emitter = (input: EmitInput) => Emitted;

export function headline(input: EmitInput): string {
  const { maxConnections, minConnections } = input.pool;
  const through = input.behindPooler ? ` through a ${input.behindPooler}-mode pooler` : '';
  return `pooltune: ${input.workload} workload, ${plural(maxConnections, 'connection')} per instance (${minConnections} kept warm)${through}`;
}
