import { isTransactionMode, roleTimeoutSql } from './pooled.js';
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
    // Through a pooler the statement timeout is the role's, and transaction mode cannot keep prepared statements.
    ...(input.behindPooler
      ? {
          behindPooler: input.behindPooler,
          statementTimeoutSql: roleTimeoutSql(input),
          preparedStatements: !isTransactionMode(input.behindPooler),
        }
      : {}),
  };
  return {
    emitter: 'json',
    language: 'json',
    code: `${JSON.stringify(document, null, 2)}\n`,
    notes: [
      'Durations are in milliseconds; null means none.',
      ...(input.behindPooler
        ? [
            "behindPooler: queryTimeoutMs is not for a startup parameter (PgBouncer refuses them) but for the role: statementTimeoutSql, run once. preparedStatements false: turn the driver's statement cache off.",
          ]
        : []),
    ],
  };
};
