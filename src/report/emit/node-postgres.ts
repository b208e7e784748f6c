import { headline, type Emitter } from './types.js';

export const emitNodePostgres: Emitter = (input) => {
  const { pool } = input;
  const code = [
    "import pg from 'pg';",
    '',
    `// ${headline(input)}; node-postgres (pg 8).`,
    'const pool = new pg.Pool({',
    '  connectionString: process.env.DATABASE_URL,',
    `  max: ${pool.maxConnections},`,
    `  min: ${pool.minConnections},`,
    `  connectionTimeoutMillis: ${pool.acquireTimeoutMs}, // wait for a pooled (or new) connection`,
    `  idleTimeoutMillis: ${pool.idleTimeoutMs ?? 0},${pool.idleTimeoutMs === null ? ' // 0: never close idle connections' : ''}`,
    `  maxLifetimeSeconds: ${pool.maxLifetimeMs === null ? 0 : Math.max(1, Math.round(pool.maxLifetimeMs / 1000))},${pool.maxLifetimeMs === null ? ' // 0: never recycle' : ''}`,
    `  statement_timeout: ${pool.queryTimeoutMs ?? 0},${pool.queryTimeoutMs === null ? ' // 0: no timeout, whatever the server default' : ''}`,
    '});',
    '',
  ].join('\n');
  const notes = [
    'node-postgres waits forever for a connection unless connectionTimeoutMillis is set (its default is 0), and closes idle connections after 10s by default.',
    'idleTimeoutMillis only closes connections above min.',
  ];
  if (pool.testBeforeAcquire) {
    notes.push(
      'node-postgres has no test-before-acquire; a broken connection surfaces as an error on its first query.',
    );
  }
  notes.push('node-postgres does not retry; retry in your application if you need it.');
  return { emitter: 'node-postgres', language: 'javascript', code, notes };
};
