import { headline, type Emitter } from './types.js';

export const emitEnv: Emitter = (input) => {
  const { pool } = input;
  const none = (ms: number | null) => ms ?? 0;
  const code = [
    `# ${headline(input)}.`,
    `POOL_MAX_CONNECTIONS=${pool.maxConnections}`,
    `POOL_MIN_CONNECTIONS=${pool.minConnections}`,
    `POOL_ACQUIRE_TIMEOUT_MS=${pool.acquireTimeoutMs}`,
    `POOL_QUERY_TIMEOUT_MS=${none(pool.queryTimeoutMs)}`,
    `POOL_IDLE_TIMEOUT_MS=${none(pool.idleTimeoutMs)}`,
    `POOL_MAX_LIFETIME_MS=${none(pool.maxLifetimeMs)}`,
    `POOL_TEST_BEFORE_ACQUIRE=${pool.testBeforeAcquire}`,
    `POOL_MAX_RETRIES=${pool.retries.maxRetries}`,
    `POOL_RETRY_BASE_DELAY_MS=${pool.retries.baseDelayMs}`,
    `POOL_RETRY_MAX_DELAY_MS=${pool.retries.maxDelayMs}`,
    `PGOPTIONS='-c statement_timeout=${none(pool.queryTimeoutMs)}'`,
    '',
  ].join('\n');
  return {
    emitter: 'env',
    language: 'shell',
    code,
    notes: [
      'The POOL_* names are a convention for your application to read; 0 means none.',
      'PGOPTIONS is read by libpq and node-postgres and sets statement_timeout on every connection they open.',
    ],
  };
};
