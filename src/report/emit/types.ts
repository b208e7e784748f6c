import { plural } from '../../core/plural.js';
import type { PoolSettings } from '../../core/workload.js';

export const EMITTERS = [
  'eventcore',
  'eventcore-0.1',
  'sqlx',
  'node-postgres',
  'hikari',
  'json',
  'env',
] as const;
export type EmitterName = (typeof EMITTERS)[number];

export interface EmitInput {
  readonly workload: string;
  readonly pool: PoolSettings;
}

/** Ready-to-paste configuration, and where that library's own behaviour differs from what we recommend. */
export interface Emitted {
  readonly emitter: EmitterName;
  readonly language: 'rust' | 'javascript' | 'properties' | 'json' | 'shell';
  readonly code: string;
  readonly notes: readonly string[];
}

export type Emitter = (input: EmitInput) => Emitted;

export function headline(input: EmitInput): string {
  const { maxConnections, minConnections } = input.pool;
  return `pooltune: ${input.workload} workload, ${plural(maxConnections, 'connection')} per instance (${minConnections} kept warm)`;
}
