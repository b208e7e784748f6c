import { isTransactionMode, roleTimeoutComment, SESSION_SET_NOTE, startupNote } from './pooled.js';
import { headline, type Emitter } from './types.js';

export const emitNodePostgres: Emitter = (input) => {
  const { pool, behindPooler } = input;
  // Through a pooler statement_timeout would be a startup parameter, which PgBouncer refuses.
  const timeoutLine = behindPooler
    ? []
    : [
        `  statement_timeout: ${pool.queryTimeoutMs ?? 0},${pool.queryTimeoutMs === null ? ' // 0: no timeout, whatever the server default' : ''}`,
      ];
  const code = [
    "import pg from 'pg';",
    '',
    `// ${headline(input)}; node-postgres (pg 8).`,
    ...(behindPooler ? roleTimeoutComment(input, '//') : []),
    'const pool = new pg.Pool({',
    '  connectionString: process.env.DATABASE_URL,',
    `  max: ${pool.maxConnections},`,
    `  min: ${pool.minConnections},`,
    `  connectionTimeoutMillis: ${pool.acquireTimeoutMs}, // wait for a pooled (or new) connection`,
    `  idleTimeoutMillis: ${pool.idleTimeoutMs ?? 0},${pool.idleTimeoutMs === null ? ' // 0: never close idle connections' : ''}`,
    `  maxLifetimeSeconds: ${pool.maxLifetimeMs === null ? 0 : Math.max(1, Math.round(pool.maxLifetimeMs / 1000))},${pool.maxLifetimeMs === null ? ' // 0: never recycle' : ''}`,
    ...timeoutLine,
    '});',
    '',
  ].join('\n');
  const notes: string[] = [];
  if (behindPooler) {
    notes.push(
      startupNote(input, 'statement_timeout'),
      'Keep PGOPTIONS unset in the environment: node-postgres sends it as the options startup parameter.',
    );
    notes.push(
      isTransactionMode(behindPooler)
        ? "Do not give queries a name (pg's { name, text } form): a named statement is prepared on one server connection and the next transaction may run on another. Unnamed parameterised queries are fine. Session SET, LISTEN and session advisory locks do not survive a transaction either; use SET LOCAL inside a transaction."
        : SESSION_SET_NOTE,
    );
  }
  notes.push(
    'node-postgres waits forever for a connection unless connectionTimeoutMillis is set (its default is 0), and closes idle connections after 10s by default.',
    'idleTimeoutMillis only closes connections above min.',
  );
  if (pool.testBeforeAcquire) {
    notes.push(
      'node-postgres has no test-before-acquire; a broken connection surfaces as an error on its first query.',
    );
  }
  notes.push('node-postgres does not retry; retry in your application if you need it.');
  return { emitter: 'node-postgres', language: 'javascript', code, notes };
};
