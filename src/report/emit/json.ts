import type { Emitter } from './types.js';

export const emitJson: Emitter = (input) => {
  const { pool } = input;
  const document = {
    workload: input.workload,
    maxConnections: pool.maxConnections,
    minConnections: pool.minConnections,
    acquireTimeoutMs: pool.acquireTimeoutMs,
    queryTimeoutMs: pool.queryTimeoutMs,
    idleTimeoutMs: pool.idleTimeoutMs,
    maxLifetimeMs: pool.maxLifetimeMs,
    testBeforeAcquire: pool.testBeforeAcquire,
    retries: pool.retries,
  };
  return {
    emitter: 'json',
    language: 'json',
    code: `${JSON.stringify(document, null, 2)}\n`,
    notes: ['Durations are in milliseconds; null means none.'],
  };
};
