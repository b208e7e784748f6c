/**
 * What the bench fleet's threads say to each other: the main thread starts one worker per application
 * instance with a FleetWorkerData, and they exchange these messages until the worker has sent `done` or
 * `failed` and exited.
 */
import type { Load } from '../core/bench/load.js';
import type { PoolUnderTest } from '../core/bench/pool.js';
import type { BenchProgress, RawMeasurement } from './bench.js';
import type { ProbeSpec } from './connect.js';

export interface FleetWorkerData {
  /** 0-based: instance 1 is index 0. */
  readonly index: number;
  /** How to open connections as the main session did; holds the password (never printed). */
  readonly spec: ProbeSpec;
  readonly pool: PoolUnderTest;
  /** This instance's share of the load. */
  readonly load: Load;
  /** Masked in anything the worker sends back as text: the password, in every form the main thread knows. */
  readonly secrets: readonly string[];
}

/** An error as data: a PooltuneError keeps its exit code and hints across the thread boundary. */
export interface SentError {
  readonly name: string;
  readonly message: string;
  readonly exitCode?: number;
  readonly hints?: readonly string[];
  readonly code?: string;
}

export type FromWorker =
  | { readonly kind: 'progress'; readonly progress: BenchProgress }
  /** Cancel these backends' queries (after a stop): the main thread's session does it, no new connection. */
  | { readonly kind: 'cancel'; readonly id: number; readonly pids: readonly number[] }
  | {
      readonly kind: 'done';
      readonly stoppedEarly: boolean;
      readonly peakPoolConnections: number;
      readonly raw: RawMeasurement;
    }
  | { readonly kind: 'failed'; readonly error: SentError };

export type ToWorker = { readonly kind: 'stop' } | { readonly kind: 'cancelled'; readonly id: number };

/** The worker's file next to this one's: the bundle's (.cjs) or tsc's output (.js). */
export function workerUrl(here: string): URL {
  return new URL(here.endsWith('.cjs') ? './fleet-worker.cjs' : './fleet-worker.js', here);
}
