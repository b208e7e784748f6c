import type { PoolMode } from '../../core/pooler/facts.js';
import { formatDuration } from '../../core/units.js';
import { preparedNote, SESSION_SET_NOTE, startupNote } from './pooled.js';
import type { EmitInput } from './types.js';

/** `Duration::from_secs(n)` when whole seconds, else `from_millis`. */
export function rustDuration(ms: number): string {
  return ms % 1000 === 0 ? `Duration::from_secs(${ms / 1000})` : `Duration::from_millis(${ms})`;
}

export function rustOptionalDuration(ms: number | null): string {
  return ms === null ? 'None' : `Some(${rustDuration(ms)})`;
}

/** The value PostgreSQL's `statement_timeout` takes; 0 turns a server-wide default off for this pool. */
export function statementTimeoutValue(ms: number | null): string {
  return ms === null ? '0' : formatDuration(ms);
}

/**
 * sqlx `PgPoolOptions` statements building `pool` from `DATABASE_URL`; shared by the sqlx and EventCore 2.x
 * emitters because EventCore 2.x hands knobs it lacks to a pool the caller builds. Through a pooler the
 * statement timeout is not a startup option (PgBouncer refuses it) but the role's (ALTER ROLE), and in
 * transaction mode the statement cache is off.
 */
export function sqlxPoolLines(
  pool: {
    maxConnections: number;
    minConnections: number;
    acquireTimeoutMs: number;
    queryTimeoutMs: number | null;
    idleTimeoutMs: number | null;
    maxLifetimeMs: number | null;
    testBeforeAcquire: boolean;
  },
  behindPooler?: PoolMode,
): string[] {
  const optional = (ms: number | null) => (ms === null ? 'None' : rustDuration(ms));
  const timeout = statementTimeoutValue(pool.queryTimeoutMs);
  const connect =
    behindPooler === undefined
      ? [
          'let connect_options = PgConnectOptions::from_str(&std::env::var("DATABASE_URL")?)?',
          `    .options([("statement_timeout", "${timeout}")]);`,
        ]
      : behindPooler === 'session'
        ? ['let connect_options = PgConnectOptions::from_str(&std::env::var("DATABASE_URL")?)?;']
        : [
            'let connect_options = PgConnectOptions::from_str(&std::env::var("DATABASE_URL")?)?',
            '    .statement_cache_capacity(0); // no named prepared statements: the next transaction may run elsewhere',
          ];
  return [
    ...connect,
    'let pool = PgPoolOptions::new()',
    `    .max_connections(${pool.maxConnections})`,
    `    .min_connections(${pool.minConnections})`,
    `    .acquire_timeout(${rustDuration(pool.acquireTimeoutMs)})`,
    `    .idle_timeout(${optional(pool.idleTimeoutMs)})`,
    `    .max_lifetime(${optional(pool.maxLifetimeMs)})`,
    `    .test_before_acquire(${pool.testBeforeAcquire})`,
    '    .connect_with(connect_options)',
    '    .await?;',
  ];
}

/** What the sqlx pool route changed for a pooler, and why. */
export function sqlxPooledNotes(input: EmitInput): string[] {
  const mode = input.behindPooler;
  if (mode === undefined) return [];
  if (mode === 'session')
    return [startupNote(input, 'statement_timeout (PgConnectOptions::options)'), SESSION_SET_NOTE];
  return [
    startupNote(input, 'statement_timeout (PgConnectOptions::options)'),
    preparedNote("statement_cache_capacity(0) turns sqlx's named prepared statements off"),
    'Session SET, LISTEN and session advisory locks do not survive a transaction in transaction mode; use SET LOCAL inside a transaction.',
  ];
}

/** Where sqlx's own defaults (0.8) differ from the recommendation. */
export function sqlxDefaultNotes(pool: { testBeforeAcquire: boolean }): string[] {
  const notes = [
    'sqlx defaults, for comparison: max 10, min 0, acquire_timeout 30s, idle_timeout 10min, max_lifetime 30min, test_before_acquire true, no statement timeout.',
  ];
  if (!pool.testBeforeAcquire) {
    notes.push(
      "test_before_acquire(false) skips sqlx's ping before each checkout; a dead connection then fails the first query instead.",
    );
  }
  return notes;
}
