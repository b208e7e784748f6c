import type { PoolSettings } from '../../src/core/workload.js';

/** The guide's OLTP example as `recommend --workload oltp --concurrency 33` sizes it. */
export const OLTP_33: PoolSettings = {
  maxConnections: 40,
  minConnections: 8,
  acquireTimeoutMs: 2000,
  queryTimeoutMs: 5000,
  idleTimeoutMs: 300_000,
  maxLifetimeMs: 1_800_000,
  testBeforeAcquire: false,
  retries: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 5000 },
};

/** Everything optional switched off, sub-second values, and the checks turned on. */
export const UNUSUAL: PoolSettings = {
  maxConnections: 3,
  minConnections: 1,
  acquireTimeoutMs: 150,
  queryTimeoutMs: null,
  idleTimeoutMs: null,
  maxLifetimeMs: null,
  testBeforeAcquire: true,
  retries: { maxRetries: 0, baseDelayMs: 250, maxDelayMs: 1500 },
};
