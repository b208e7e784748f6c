import { isTransactionMode, roleTimeoutComment } from './pooled.js';
import { headline, type Emitter } from './types.js';

export const emitEnv: Emitter = (input) => {
  const { pool, behindPooler } = input;
  const none = (ms: number | null) => ms ?? 0;
  // Through a pooler PGOPTIONS would be the options startup parameter, which PgBouncer refuses or drops.
  const timeout = behindPooler
    ? [
        ...roleTimeoutComment(input, '#'),
        `POOL_BEHIND_POOLER=${behindPooler}`,
        ...(isTransactionMode(behindPooler) ? ['POOL_PREPARED_STATEMENTS=false'] : []),
      ]
    : [`POOL_QUERY_TIMEOUT_MS=${none(pool.queryTimeoutMs)}`];
  const code = [
    `# ${headline(input)}.`,
    `POOL_MAX_CONNECTIONS=${pool.maxConnections}`,
    `POOL_MIN_CONNECTIONS=${pool.minConnections}`,
    `POOL_ACQUIRE_TIMEOUT_MS=${pool.acquireTimeoutMs}`,
    ...timeout,
    `POOL_IDLE_TIMEOUT_MS=${none(pool.idleTimeoutMs)}`,
    `POOL_MAX_LIFETIME_MS=${none(pool.maxLifetimeMs)}`,
    `POOL_TEST_BEFORE_ACQUIRE=${pool.testBeforeAcquire}`,
    `POOL_MAX_RETRIES=${pool.retries.maxRetries}`,
    `POOL_RETRY_BASE_DELAY_MS=${pool.retries.baseDelayMs}`,
    `POOL_RETRY_MAX_DELAY_MS=${pool.retries.maxDelayMs}`,
    ...(behindPooler ? [] : [`PGOPTIONS='-c statement_timeout=${none(pool.queryTimeoutMs)}'`]),
    '',
  ].join('\n');
  const notes = ['The POOL_* names are a convention for your application to read; 0 means none.'];
  if (behindPooler) {
    notes.push(
      "No PGOPTIONS and no POOL_QUERY_TIMEOUT_MS: libpq and node-postgres send PGOPTIONS as the options startup parameter, which PgBouncer refuses (before 1.20) or accepts only for the few parameters it tracks, never statement_timeout. The timeout is the role's instead (the ALTER ROLE above); unset any PGOPTIONS the environment already has.",
    );
    if (isTransactionMode(behindPooler)) {
      notes.push(
        "POOL_PREPARED_STATEMENTS=false: in transaction mode a named prepared statement lives on one server connection and the next transaction may run on another; turn your driver's statement cache off.",
      );
    }
  } else {
    notes.push(
      'PGOPTIONS is read by libpq and node-postgres and sets statement_timeout on every connection they open.',
    );
  }
  return { emitter: 'env', language: 'shell', code, notes };
};
