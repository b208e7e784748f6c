import { formatDuration } from '../../core/units.js';
import {
  isTransactionMode,
  preparedNote,
  roleTimeoutComment,
  roleTimeoutSql,
  SESSION_SET_NOTE,
} from './pooled.js';
import { headline, type Emitter } from './types.js';

// HikariCP refuses values below these floors and silently uses its defaults instead.
const CONNECTION_TIMEOUT_FLOOR_MS = 250;
const IDLE_TIMEOUT_FLOOR_MS = 10_000;
const MAX_LIFETIME_FLOOR_MS = 30_000;

export const emitHikari: Emitter = (input) => {
  const { pool, behindPooler } = input;
  const transactionMode = isTransactionMode(behindPooler);
  const notes: string[] = [];
  const atLeast = (value: number, floor: number, property: string): number => {
    if (value >= floor) return value;
    notes.push(
      `${property} is raised to HikariCP's floor of ${formatDuration(floor)}; below it HikariCP ignores the value.`,
    );
    return floor;
  };
  const statement =
    pool.queryTimeoutMs === null
      ? 'SET statement_timeout = 0'
      : `SET statement_timeout = '${formatDuration(pool.queryTimeoutMs)}'`;
  const code = [
    `# ${headline(input)}; HikariCP with the PostgreSQL JDBC driver.`,
    'jdbcUrl=jdbc:postgresql://HOST:5432/DATABASE',
    `maximumPoolSize=${pool.maxConnections}`,
    `minimumIdle=${pool.minConnections}`,
    `connectionTimeout=${atLeast(pool.acquireTimeoutMs, CONNECTION_TIMEOUT_FLOOR_MS, 'connectionTimeout')}`,
    `idleTimeout=${pool.idleTimeoutMs === null ? 0 : atLeast(pool.idleTimeoutMs, IDLE_TIMEOUT_FLOOR_MS, 'idleTimeout')}`,
    `maxLifetime=${pool.maxLifetimeMs === null ? 0 : atLeast(pool.maxLifetimeMs, MAX_LIFETIME_FLOOR_MS, 'maxLifetime')}`,
    // In transaction mode a SET on connect would stay on the server connection for other clients.
    ...(transactionMode
      ? [
          ...roleTimeoutComment(input, '#'),
          '# No server-side prepared statements: the next transaction may run on another server connection.',
          'dataSource.prepareThreshold=0',
        ]
      : [`connectionInitSql=${statement}`]),
    '',
  ].join('\n');
  if (transactionMode) {
    notes.push(
      `connectionInitSql is left out: in transaction mode its SET stays on the server connection, which PgBouncer hands to other clients, while this connection's later transactions run elsewhere without it. Set the timeout for the role instead, once: ${roleTimeoutSql(input)}`,
      preparedNote('dataSource.prepareThreshold=0 stops pgJDBC from switching to named prepared statements'),
    );
  } else if (behindPooler) {
    notes.push(`connectionInitSql's SET is kept. ${SESSION_SET_NOTE}`);
  }
  if (behindPooler) {
    notes.push(
      'pgJDBC sends extra_float_digits as a startup parameter, which PgBouncer refuses unless its ini says ignore_startup_parameters = extra_float_digits (--emit pgbouncer does).',
    );
  }
  notes.push(
    'HikariCP itself advises a fixed-size pool (minimumIdle = maximumPoolSize); idleTimeout only applies while minimumIdle is below maximumPoolSize.',
    'HikariCP defaults, for comparison: maximumPoolSize 10, minimumIdle = maximumPoolSize, connectionTimeout 30s, idleTimeout 10min, maxLifetime 30min.',
    'Set maxLifetime a few seconds shorter than any limit a firewall, load balancer or pooler puts on connection age.',
  );
  if (!pool.testBeforeAcquire) {
    notes.push(
      'HikariCP always validates a connection that has been idle for more than 500ms before handing it out; that cannot be switched off.',
    );
  }
  return { emitter: 'hikari', language: 'properties', code, notes };
};
