import { headline, type Emitter } from './types.js';
import { isTransactionMode, roleTimeoutComment, startupNote } from './pooled.js';
import { rustDuration, rustOptionalDuration } from './rust.js';

/** The guide's own `PostgresConfigBuilder` chain, which exists only in eventcore-postgres 0.1.x. */
export const emitEventcore01: Emitter = (input) => {
  const { pool, behindPooler } = input;
  // The builder sends query_timeout as a statement_timeout startup option, which PgBouncer refuses.
  const queryTimeout = behindPooler
    ? "None) // the role's statement_timeout instead, see above"
    : `${rustOptionalDuration(pool.queryTimeoutMs)})`;
  const code = [
    'use std::time::Duration;',
    '',
    'use eventcore_postgres::PostgresConfigBuilder;',
    '',
    `// ${headline(input)}; eventcore-postgres 0.1.x.`,
    ...(behindPooler ? roleTimeoutComment(input, '//') : []),
    'let config = PostgresConfigBuilder::new()',
    '    .database_url(std::env::var("DATABASE_URL")?)',
    `    .max_connections(${pool.maxConnections})`,
    `    .min_connections(${pool.minConnections})`,
    `    .connect_timeout(${rustDuration(pool.acquireTimeoutMs)}) // the wait for a pooled connection`,
    `    .query_timeout(${queryTimeout}`,
    `    .idle_timeout(${rustOptionalDuration(pool.idleTimeoutMs)})`,
    `    .max_lifetime(${rustOptionalDuration(pool.maxLifetimeMs)})`,
    `    .test_before_acquire(${pool.testBeforeAcquire})`,
    `    .max_retries(${pool.retries.maxRetries})`,
    `    .retry_base_delay(${rustDuration(pool.retries.baseDelayMs)})`,
    `    .retry_max_delay(${rustDuration(pool.retries.maxDelayMs)})`,
    '    .build();',
    '// then: let store = eventcore_postgres::PostgresEventStore::<YourEvent>::new(config).await?;',
    '',
  ].join('\n');
  const pooled = behindPooler
    ? [
        startupNote(input, 'query_timeout (sent as the statement_timeout startup option)'),
        ...(isTransactionMode(behindPooler)
          ? [
              'The 0.1 store builds its own sqlx connection options, so its statement cache cannot be turned off: through a transaction-mode pooler its prepared statements fail when a transaction runs on another server connection. Use PgBouncer 1.21 or later with max_prepared_statements above 0, a session-mode pooler, or eventcore-postgres 0.2+ with from_pool (--emit eventcore).',
            ]
          : []),
      ]
    : [];
  const notes = [
    ...pooled,
    'This builder exists only in eventcore-postgres 0.1.x; for 0.2 and later use --emit eventcore.',
    "connect_timeout is sqlx's acquire_timeout: how long a caller waits for a pooled connection, not the TCP connect.",
    'The 0.1 store keeps max_retries and the retry delays but no store operation uses them; retry in your application if you need it.',
  ];
  if (pool.queryTimeoutMs === null && !behindPooler) {
    notes.push(
      'query_timeout(None) sends no statement_timeout, so a server-wide statement_timeout still applies to this pool.',
    );
  }
  if (pool.idleTimeoutMs === null) {
    notes.push("idle_timeout(None) does not switch the idle timeout off: sqlx's own 10min stays in force.");
  }
  if (pool.maxLifetimeMs === null) {
    notes.push("max_lifetime(None) does not switch recycling off: sqlx's own 30min stays in force.");
  }
  return { emitter: 'eventcore-0.1', language: 'rust', code, notes };
};
