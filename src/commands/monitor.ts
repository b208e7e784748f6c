import type { Io } from '../ui/io.js';
import type { CommonOptions } from './common.js';
import type { DatabaseOptions } from './database.js';

export interface MonitorOptions extends CommonOptions, DatabaseOptions {
  readonly intervalMs: number;
}

/** `pooltune monitor`: not wired yet. */
export async function runMonitor(_options: MonitorOptions, _io: Io, _version: string): Promise<number> {
  throw new Error('pooltune monitor is not built yet');
}
