import type { Io } from '../ui/io.js';
import type { CommonOptions } from './common.js';
import type { DatabaseOptions } from './database.js';

export interface BenchOptions extends CommonOptions, DatabaseOptions {
  readonly durationMs: number;
}

/** `pooltune bench`: not wired yet. */
export async function runBench(_options: BenchOptions, _io: Io, _version: string): Promise<number> {
  throw new Error('pooltune bench is not built yet');
}
