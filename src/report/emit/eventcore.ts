import { headline, type Emitter } from './types.js';
import { isTransactionMode, roleTimeoutComment } from './pooled.js';
import { rustDuration, sqlxDefaultNotes, sqlxPooledNotes, sqlxPoolLines } from './rust.js';

/**
 * EventCore 0.2 – 2.x: `PostgresConfig` has only max_connections, acquire_timeout and idle_timeout, so the
 * full recommendation goes into a sqlx pool handed to `PostgresEventStore::from_pool`.
 */
export const emitEventcore: Emitter = (input) => {
  const { pool, behindPooler } = input;
  const idle = pool.idleTimeoutMs ?? 600_000;
  const code = [
    'use std::num::NonZeroU32;',
    'use std::str::FromStr;',
    'use std::time::Duration;',
    '',
    'use eventcore_postgres::{MaxConnections, PostgresConfig, PostgresEventStore};',
    'use sqlx::postgres::{PgConnectOptions, PgPoolOptions};',
    '',
    `// ${headline(input)}; eventcore-postgres 0.2 – 2.x.`,
    '// The whole recommendation: build the pool with sqlx and hand it to the store.',
    ...(behindPooler ? roleTimeoutComment(input, '//') : []),
    ...sqlxPoolLines(pool, behindPooler),
    'let store = PostgresEventStore::from_pool(pool);',
    '',
    "// EventCore's own config covers only these three settings (for PostgresEventStore::with_config):",
    'let config = PostgresConfig {',
    `    max_connections: MaxConnections::new(NonZeroU32::new(${pool.maxConnections}).expect("pool size is not zero")),`,
    `    acquire_timeout: ${rustDuration(pool.acquireTimeoutMs)},`,
    `    idle_timeout: ${rustDuration(idle)},`,
    '};',
    '',
  ].join('\n');
  const pooled = isTransactionMode(behindPooler)
    ? [
        ...sqlxPooledNotes(input),
        "With a transaction-mode pooler use from_pool: with_config's pool keeps sqlx's statement cache on, and its prepared statements fail when the next transaction runs on another server connection (PgBouncer before 1.21, or max_prepared_statements 0).",
        "ProjectorCoordinator's leader lock is a session advisory lock: in transaction mode it does not hold (another client may get the same server connection). Run projectors on a direct or session-mode connection.",
      ]
    : sqlxPooledNotes(input);
  const notes = [
    ...pooled,
    'PostgresEventStore::with_config(url, config) leaves the rest at sqlx defaults: min 0, max_lifetime 30min, test_before_acquire true and no statement timeout. Use from_pool to keep the whole recommendation.',
    'Each with_config call (event store, checkpoint store, projector coordinator) opens its own pool; pass clones of one pool to from_pool to share the budget.',
    'An active projector leader holds one pool connection for as long as it leads: count those in max_connections.',
    'EventCore 2.x has no retry settings; retry in your application if you need it.',
    ...sqlxDefaultNotes(pool),
  ];
  if (pool.idleTimeoutMs === null) {
    notes.push(
      "PostgresConfig.idle_timeout cannot be switched off; the config above shows sqlx's 10min, the pool route turns it off.",
    );
  }
  return { emitter: 'eventcore', language: 'rust', code, notes };
};
