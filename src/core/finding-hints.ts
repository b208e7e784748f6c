import type { Finding } from './findings.js';
import type { FindingId } from './finding-ids.js';
import { hintApplies, type Cause, type HintId } from './hints.js';

/** What a finding is about, and the hints that treat it. */
export interface FindingAdvice {
  readonly cause: Cause;
  /**
   * The hints a report shows for the finding when it is not ok, in the order to try them. Empty when the
   * finding's own fix or expected value says all there is to do.
   */
  readonly hints: readonly HintId[];
}

/** A fleet that does not fit the server's slots. */
const SERVER_SLOTS: readonly HintId[] = ['raise-max-connections', 'fewer-instances', 'pgbouncer'];
/** One instance's pool that does not fit its share of them. */
const MORE_SLOTS: readonly HintId[] = ['raise-max-connections', 'pgbouncer'];
const none: FindingAdvice = { cause: 'none', hints: [] };

/**
 * Every finding id's cause and hints: one table, complete over the catalogue (a new finding does not
 * compile until it has a row), and checked by test/unit/finding-hints.test.ts, which refuses a hint that
 * does not address the finding's cause.
 */
export const FINDING_HINTS: Readonly<Record<FindingId, FindingAdvice>> = {
  // check-server
  'connection-tier': { cause: 'server-connections', hints: ['pgbouncer'] },
  // Its fix (superuser_reserved_connections back to 3) is the whole cure.
  'superuser-reserved-connections': none,
  'reserved-connections': none,
  'usable-slots': { cause: 'server-connections', hints: ['raise-max-connections'] },
  'slot-usage': { cause: 'server-connections', hints: ['too-many-connections'] },
  'fleet-plan': { cause: 'server-connections', hints: SERVER_SLOTS },
  'fleet-plan-free-now': { cause: 'server-connections', hints: ['too-many-connections'] },
  'role-connection-limit': { cause: 'server-connections', hints: ['too-many-connections'] },
  'database-connection-limit': { cause: 'server-connections', hints: ['too-many-connections'] },
  'idle-in-transaction-timeout': { cause: 'idle-in-transaction', hints: [] },
  'idle-in-transaction-timeout-disabled': { cause: 'idle-in-transaction', hints: ['idle-in-transaction'] },
  'idle-in-transaction-timeout-long': { cause: 'idle-in-transaction', hints: ['idle-in-transaction'] },
  'statement-timeout': { cause: 'statement-timeout', hints: [] },
  'statement-timeout-batch': { cause: 'statement-timeout', hints: ['statement-timeout-scope'] },
  'statement-timeout-disabled': { cause: 'statement-timeout', hints: ['statement-timeout-scope'] },
  'statement-timeout-long': { cause: 'statement-timeout', hints: ['statement-timeout-scope'] },
  'idle-session-timeout': none,
  // The server closes idle pooled connections: the pool must retire them first.
  'idle-session-timeout-set': { cause: 'connection-failures', hints: ['intermittent-failures'] },
  // The memory settings' own fixes are the cure.
  'work-mem': none,
  'work-mem-low': none,
  'work-mem-high': none,
  'maintenance-work-mem': none,
  'maintenance-work-mem-low': none,
  'connection-memory': { cause: 'server-capacity', hints: ['pgbouncer'] },
  'session-states': none,
  'connections-by-application': none,
  'idle-in-transaction-sessions': { cause: 'idle-in-transaction', hints: ['idle-in-transaction'] },
  'pending-restart': none,

  // health and monitor
  connectivity: none,
  'server-utilisation': { cause: 'server-connections', hints: ['too-many-connections'] },
  'idle-in-transaction': { cause: 'idle-in-transaction', hints: ['idle-in-transaction'] },
  'lock-waits': { cause: 'lock-waits', hints: ['lock-waits'] },
  'long-running-queries': { cause: 'long-queries', hints: ['long-queries'] },
  'long-transactions': { cause: 'long-transactions', hints: ['long-transactions'] },
  'probe-pool-shrunk': none,
  'acquisition-wait': { cause: 'pool-wait', hints: ['slow-acquisition'] },
  'acquisition-timeouts': { cause: 'pool-wait', hints: ['slow-acquisition'] },
  'pool-exhausted': { cause: 'pool-wait', hints: ['slow-acquisition'] },
  'acquisition-errors': { cause: 'connection-failures', hints: ['intermittent-failures'] },
  'query-latency': { cause: 'query-latency', hints: ['slow-queries'] },
  'connection-churn': { cause: 'connection-churn', hints: ['reuse-connections', 'pgbouncer'] },
  'sessions-ended-abnormally': { cause: 'connection-failures', hints: ['intermittent-failures'] },

  // bench
  'pool-saturated': { cause: 'pool-wait', hints: ['slow-acquisition'] },
  'request-errors': { cause: 'connection-failures', hints: ['intermittent-failures'] },
  'load-generator-behind': { cause: 'load-generator', hints: ['load-generator'] },

  // several targets: the error's own hint, or the plan's role, says what to do
  'target-unreachable': none,
  'target-role': none,
  // the plan
  'plan-fleet': { cause: 'server-connections', hints: SERVER_SLOTS },
  'plan-surge': { cause: 'server-connections', hints: SERVER_SLOTS },
  'plan-last-free-slots': { cause: 'server-connections', hints: ['too-many-connections'] },
  'pool-min-above-max': none,
  'pool-too-small': { cause: 'pool-wait', hints: ['slow-acquisition'] },
  'pool-too-large': { cause: 'server-connections', hints: ['too-many-connections'] },
  // Their expected values (the preset's acquire timeout, one under the query timeout) are the cure.
  'pool-acquire-timeout-long': none,
  'pool-acquire-exceeds-query-timeout': none,
  'pool-idle-beyond-limit': { cause: 'connection-failures', hints: ['intermittent-failures'] },

  // the pooler in the chain
  // Its fix lowers the pools; the hint names the other ways out (and what a full server does).
  'pooler-server-connections': { cause: 'server-connections', hints: ['too-many-connections'] },
  // Its expected value and fix (max_client_conn) are the cure.
  'pooler-client-limit': none,
  'pooler-session-pool': { cause: 'pool-wait', hints: ['pooler-queue'] },
  'pooler-clients-waiting': { cause: 'pool-wait', hints: ['pooler-queue'] },
  'pooler-queue-peak': { cause: 'pool-wait', hints: ['pooler-queue'] },
  'pooler-server-idle-timeout': { cause: 'connection-failures', hints: ['chain-timeouts'] },
  'pooler-client-idle-timeout': { cause: 'connection-failures', hints: ['chain-timeouts'] },
  'pooler-query-wait-timeout': { cause: 'connection-failures', hints: ['chain-timeouts'] },
  'pooler-query-timeout': { cause: 'connection-failures', hints: ['chain-timeouts'] },
  'pooler-transaction-mode': { cause: 'session-state', hints: ['transaction-pooling'] },
  'pooler-server-churn': { cause: 'connection-churn', hints: ['pooler-keeps-server-connections'] },

  // standbys: each finding's fix and expected value say what to do, and the order to do it in; a lag can have
  // several causes, which the hint walks through.
  'standby-replay-paused': none,
  'standby-replay-lag': { cause: 'replay-lag', hints: ['standby-replay-lag'] },
  'standby-wal-receiver': none,
  'standby-feedback': none,
  'standby-streaming-delay': none,
  // A note while the standbys keep up, where a hint about lag would be out of place.
  'standbys-attached': none,
  'standby-below-primary': none,
  // recommend. A shortfall's expected value already says how many instances would fit, when there are several.
  'budget-shortfall': { cause: 'server-connections', hints: MORE_SLOTS },
  'preset-exceeds-budget': { cause: 'server-connections', hints: MORE_SLOTS },
  'budget-exhausted': { cause: 'server-connections', hints: SERVER_SLOTS },
  'fleet-fits-budget': { cause: 'server-connections', hints: SERVER_SLOTS },
  'large-tier': { cause: 'server-connections', hints: ['pgbouncer'] },
  'traffic-wait-target': { cause: 'server-connections', hints: MORE_SLOTS },
  // Its title names the size that would keep connections comfortably busy.
  'traffic-high-utilisation': { cause: 'pool-wait', hints: [] },
  'cpu-bound': { cause: 'server-capacity', hints: ['pgbouncer', 'fewer-instances'] },
  // The traffic itself outruns the cores: fewer instances or a pooler would only move the queue.
  'cpu-saturated': { cause: 'server-capacity', hints: ['more-capacity'] },
  'traffic-cpu-capped': { cause: 'server-capacity', hints: ['pgbouncer'] },
  'slots-held-now': { cause: 'server-connections', hints: ['too-many-connections'] },

  // health --schema
  'schema-objects': { cause: 'schema', hints: ['run-migrations'] },
  'schema-object-differences': { cause: 'schema', hints: ['run-migrations'] },
  'schema-migrations': { cause: 'schema', hints: ['run-migrations'] },
  'schema-migration-failed': { cause: 'schema', hints: ['run-migrations'] },
  // Migrations newer than pooltune knows: running them again changes nothing.
  'schema-migrations-unknown': { cause: 'schema', hints: [] },
};

/** What a report knows of the chain it judged: with a pooler in it, advice to add one is left out. */
export interface Chain {
  readonly pooler: boolean;
}

const DIRECT: Chain = { pooler: false };

/** The hints a finding shows: the table's, for a finding that is not ok; none for one that is. */
export function hintsFor(
  finding: Pick<Finding, 'id' | 'severity'>,
  chain: Chain = DIRECT,
): readonly HintId[] {
  return finding.severity === 'ok'
    ? []
    : FINDING_HINTS[finding.id].hints.filter((h) => hintApplies(h, chain));
}

/** The finding with its hints from the table (whatever it carried before), and no `hints` field when it has none. */
export function withHints(finding: Finding, chain: Chain = DIRECT): Finding {
  const hints = hintsFor(finding, chain);
  const copy: { -readonly [K in keyof Finding]: Finding[K] } = { ...finding };
  delete copy.hints;
  return hints.length === 0 ? copy : { ...copy, hints };
}
