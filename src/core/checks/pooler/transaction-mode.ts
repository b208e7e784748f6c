/**
 * Transaction (and statement) mode hands each transaction whatever server connection is free, so anything
 * an app leaves on a session reaches other clients, and anything it expects to find there may be gone. The
 * plan does not say what the app sends, so this names what breaks rather than claiming that the app does it.
 */
import type { Finding } from '../../findings.js';
import { effectivePoolMode } from '../../pooler/facts.js';
import { poolsOf } from '../../pooler/server-bound.js';
import type { PoolerObservation } from '../input.js';
import { outcome, type CheckOutcome } from '../types.js';
import { pools } from './chain.js';

/** 1.21 brought protocol-level prepared statements in transaction mode. */
const PREPARED_STATEMENTS_FROM = 12100;
/** PgBouncer 1.24's default for max_prepared_statements. */
const PREPARED_STATEMENTS_DEFAULT = 200;

const AVOID = [
  'session SET or RESET (use SET LOCAL inside the transaction, or ALTER ROLE … SET on the server; DISCARD ALL runs only in session mode)',
  'settings in the startup packet, which PgBouncer refuses except for a few it tracks (application_name, client_encoding, DateStyle, TimeZone …)',
  'SQL PREPARE, LISTEN, session advisory locks, WITH HOLD cursors and temporary tables that outlive a transaction',
];

export function transactionModeCheck(obs: PoolerObservation): CheckOutcome {
  const { facts } = obs;
  const known = poolsOf(facts);
  const pooled =
    known.length === 0
      ? facts.config.poolMode === 'session'
        ? []
        : [`every pool (pool_mode ${facts.config.poolMode})`]
      : known
          .filter((p) => effectivePoolMode(facts, p.database, p.user) !== 'session')
          .map((p) => `${p.database}/${p.user}`);
  if (pooled.length === 0) return outcome();
  const prepared = facts.config.maxPreparedStatements;
  const preparedOff = prepared === null || prepared === 0;
  const ignored = facts.config.ignoreStartupParameters;
  const observed = [
    `avoid: ${AVOID.join('; ')}`,
    ...(ignored.length > 0
      ? [
          `ignore_startup_parameters drops ${ignored.join(', ')} without a word: a value sent for them never reaches the server`,
        ]
      : []),
    preparedOff
      ? `max_prepared_statements ${prepared === null ? 'does not exist before 1.21' : 'is 0'}: named protocol-level prepared statements fail or reach the wrong server connection (drivers with a statement cache such as sqlx, asyncpg, or pgJDBC past its prepareThreshold use them)`
      : `max_prepared_statements ${prepared}: PgBouncer keeps named protocol-level prepared statements per server connection`,
  ].join('; ');
  const upgrade = facts.versionNum < PREPARED_STATEMENTS_FROM;
  const finding: Finding = {
    id: 'pooler-transaction-mode',
    // A note, not a warning: the plan does not say whether the app keeps session state or which driver it
    // uses, and a chain whose apps keep none is healthy.
    severity: 'info',
    title: `${pooled.length === 1 && known.length === 0 ? pooled[0] : `${pools(pooled.length)} (${pooled.join(', ')})`} hand${pooled.length === 1 && known.length === 0 ? 's' : ''} each transaction any free server connection: session state does not carry over${preparedOff ? ', and named prepared statements break: make sure the app uses neither' : ''}`,
    observed,
    expected: preparedOff
      ? upgrade
        ? 'PgBouncer 1.21 or later with max_prepared_statements set, or drivers without named prepared statements (pgJDBC prepareThreshold=0, no statement cache)'
        : `max_prepared_statements above 0 (1.24's default is ${PREPARED_STATEMENTS_DEFAULT}), or drivers without named prepared statements`
      : 'an app that keeps no state in its sessions',
    ...(preparedOff && !upgrade
      ? { fix: { ini: [`max_prepared_statements = ${PREPARED_STATEMENTS_DEFAULT}`] } }
      : {}),
  };
  return outcome([finding]);
}
