/**
 * The guide's thresholds as Prometheus alerting rules, for three places the numbers can come from: pooltune's
 * own /metrics (`monitor --listen`), postgres_exporter and pgbouncer_exporter (prometheus-community's). Pure:
 * the thresholds come from core/guide.ts and the session flags, the ignores from the plan; rendering the rules
 * file is report/prometheus-rules.ts's job.
 */
import type { FindingId } from '../finding-ids.js';
import {
  ACQUISITION_POOR_MS,
  CHURN_PER_SECOND_LIMIT,
  INTERACTIVE_ACQUIRE_LIMIT_MS,
  LOCK_WAIT_CRITICAL_MS,
  LOCK_WAIT_WARNING_MS,
  LONG_SESSION_CRITICAL_FACTOR,
  UTILISATION_BANDS,
  UTILISATION_CRITICAL_PERCENT,
  UTILISATION_WARNING_PERCENT,
} from '../guide.js';
import type { IgnoreRule } from '../plan/config.js';
import { POOLTUNE_METRICS as M } from '../metrics/names.js';
import { FIX } from './fixes.js';
import {
  NOTES,
  PG_DATABASE_LABELS,
  PG_UTILISATION,
  pgMaxTransactionAge,
  PREFIX,
  WHERE,
  type AlertSource,
} from './sources.js';

export { ALERT_SOURCES, type AlertSource } from './sources.js';

/** The session thresholds, as the checks take them (--idle-in-transaction-threshold and friends). */
export interface AlertThresholds {
  readonly idleInTransactionMs: number;
  readonly longQueryMs: number;
  readonly longTransactionMs: number;
}

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold before the alert fires, as Prometheus writes durations. */
  readonly for: string;
  readonly severity: 'warning' | 'critical';
  /** The finding that judges the same thing in pooltune's reports; an ignore of it drops the rule. */
  readonly finding: FindingId;
  readonly summary: string;
  /** What was seen, with `{{ $value }}` in it. */
  readonly description: string;
  /** What the guide says to do about it. */
  readonly fix: string;
}

export interface AlertGroup {
  readonly source: AlertSource;
  readonly name: string;
  readonly rules: readonly AlertRule[];
  /** What the source cannot alert on, and why: the rules file says so in a comment. */
  readonly notes: readonly string[];
}

/** A rule left out because the plan ignores its finding. */
export interface DroppedRule {
  readonly source: AlertSource;
  readonly alert: string;
  /** The id the plan's ignore names. */
  readonly finding: string;
  readonly reason: string;
}

// How long a condition must last before it pages (pooltune's): long enough that one busy scrape or a deploy's
// short overlap does not fire, short enough that a real shortage is reported while it can still be helped.
const FOR_SUSTAINED = '5m';
const FOR_SHORT = '1m';
/** The window churn is averaged over: a connection storm of a few seconds is not churn. */
const CHURN_WINDOW = '5m';

const seconds = (ms: number) => String(ms / 1000);
const ratio = (percent: number) => String(percent / 100);

/** One problem, as every source that can see it writes it. */
interface RuleKind {
  /** The finding that judges it; an ignore of it drops the rules. */
  readonly finding: FindingId;
  /** The same judgement's id in other commands (check-server's), which an ignore may name instead. */
  readonly alsoIgnoredAs?: readonly FindingId[];
  readonly build: (source: AlertSource, t: AlertThresholds) => readonly AlertRule[];
}

function rule(
  source: AlertSource,
  fields: Omit<AlertRule, 'alert' | 'description'> & { name: string; description: string },
): AlertRule {
  const { name, description, ...rest } = fields;
  return { alert: `${PREFIX[source]}${name}`, description: `${WHERE[source]}: ${description}`, ...rest };
}

/**
 * A session age over the threshold (a query's, a transaction's): a warning rule at the threshold and a
 * critical one at LONG_SESSION_CRITICAL_FACTOR times it, as the session findings judge.
 */
function sessionAgeRules(
  source: AlertSource,
  kind: {
    readonly name: string;
    readonly finding: FindingId;
    readonly age: string;
    readonly warningMs: number;
    readonly summary: (limit: string) => string;
    readonly description: string;
    readonly fix: string;
  },
): AlertRule[] {
  return (['warning', 'critical'] as const).map((severity) => {
    const limitMs = severity === 'warning' ? kind.warningMs : kind.warningMs * LONG_SESSION_CRITICAL_FACTOR;
    return rule(source, {
      name: kind.name,
      expr: `${kind.age} > ${seconds(limitMs)}`,
      for: FOR_SHORT,
      severity,
      finding: kind.finding,
      summary: kind.summary(`${seconds(limitMs)}s`),
      description: kind.description,
      fix: kind.fix,
    });
  });
}

const KINDS: readonly RuleKind[] = [
  {
    finding: 'target-unreachable',
    build: (source) => {
      const up = { pooltune: M.up, 'postgres-exporter': 'pg_up', 'pgbouncer-exporter': 'pgbouncer_up' }[
        source
      ];
      return [
        rule(source, {
          name: 'TargetDown',
          expr: `${up} == 0`,
          for: FOR_SHORT,
          severity: 'critical',
          finding: 'target-unreachable',
          summary: 'The server cannot be read',
          description: `${up} has been 0 for a minute.`,
          fix: FIX.down,
        }),
      ];
    },
  },
  {
    finding: 'server-utilisation',
    alsoIgnoredAs: ['slot-usage'],
    build: (source) => {
      if (source === 'pgbouncer-exporter') return [];
      const value = source === 'pooltune' ? M.slotUtilisation : PG_UTILISATION;
      const levels = [
        { severity: 'warning', op: '>=', percent: UTILISATION_WARNING_PERCENT },
        { severity: 'critical', op: '>', percent: UTILISATION_CRITICAL_PERCENT },
      ] as const;
      return levels.map(({ severity, op, percent }) =>
        rule(source, {
          name: 'SlotUtilisation',
          expr: `${value} ${op} ${ratio(percent)}`,
          for: FOR_SUSTAINED,
          severity,
          finding: 'server-utilisation',
          summary: `Client connections use ${op === '>' ? 'over' : 'at least'} ${percent} % of the usable slots`,
          description: `client connections take {{ $value | humanizePercentage }} of the slots ordinary roles may use (the guide: ${UTILISATION_BANDS}).`,
          fix: FIX.utilisation,
        }),
      );
    },
  },
  {
    finding: 'connection-churn',
    build: (source) => {
      if (source === 'pgbouncer-exporter') return [];
      const rate =
        source === 'pooltune'
          ? `rate(${M.newSessions}[${CHURN_WINDOW}])`
          : `sum without (${PG_DATABASE_LABELS}) (rate(pg_stat_database_sessions[${CHURN_WINDOW}]))`;
      return [
        rule(source, {
          name: 'ConnectionChurn',
          expr: `${rate} > ${CHURN_PER_SECOND_LIMIT}`,
          for: FOR_SUSTAINED,
          severity: 'warning',
          finding: 'connection-churn',
          summary: `More than ${CHURN_PER_SECOND_LIMIT} new sessions a second`,
          description: `{{ $value | humanize }} new sessions a second over ${CHURN_WINDOW}: connections are not being reused.`,
          fix: FIX.churn,
        }),
      ];
    },
  },
  {
    finding: 'idle-in-transaction',
    alsoIgnoredAs: ['idle-in-transaction-sessions'],
    build: (source, t) => {
      if (source === 'pgbouncer-exporter') return [];
      // postgres_exporter has no idle time; the transaction's age is never shorter, so the rule may fire a
      // little early, never late.
      const age =
        source === 'pooltune' ? M.idleInTransactionMaxAge : pgMaxTransactionAge('idle in transaction.*');
      return [
        rule(source, {
          name: 'IdleInTransaction',
          expr: `${age} > ${seconds(t.idleInTransactionMs)}`,
          for: FOR_SHORT,
          severity: 'warning',
          finding: 'idle-in-transaction',
          summary: 'A session sits idle in a transaction',
          description: `a session has been idle in a transaction for {{ $value | humanizeDuration }} (threshold ${seconds(t.idleInTransactionMs)}s).`,
          fix: FIX.idleInTransaction,
        }),
      ];
    },
  },
  {
    finding: 'long-running-queries',
    build: (source, t) => {
      if (source === 'pgbouncer-exporter') return [];
      // postgres_exporter only has the age of the active sessions' transactions, an upper bound of the query's.
      const age = source === 'pooltune' ? M.longestQuery : pgMaxTransactionAge('active');
      return sessionAgeRules(source, {
        name: 'LongQuery',
        finding: 'long-running-queries',
        age,
        warningMs: t.longQueryMs,
        summary: (limit) => `A query has run for over ${limit}`,
        description: 'the longest active query has run for {{ $value | humanizeDuration }}.',
        fix: FIX.longQuery,
      });
    },
  },
  {
    finding: 'long-transactions',
    build: (source, t) => {
      if (source === 'pgbouncer-exporter') return [];
      const age = source === 'pooltune' ? M.longestTransaction : pgMaxTransactionAge('.*');
      return sessionAgeRules(source, {
        name: 'LongTransaction',
        finding: 'long-transactions',
        age,
        warningMs: t.longTransactionMs,
        summary: (limit) => `A transaction has been open for over ${limit}`,
        description: 'the oldest transaction has been open for {{ $value | humanizeDuration }}.',
        fix: FIX.longTransaction,
      });
    },
  },
  {
    finding: 'lock-waits',
    build: (source) => {
      if (source !== 'pooltune') return [];
      const levels = [
        { severity: 'warning', ms: LOCK_WAIT_WARNING_MS },
        { severity: 'critical', ms: LOCK_WAIT_CRITICAL_MS },
      ] as const;
      return levels.map(({ severity, ms }) =>
        rule(source, {
          name: 'LockWait',
          expr: `${M.longestLockWait} > ${seconds(ms)}`,
          for: FOR_SHORT,
          severity,
          finding: 'lock-waits',
          summary: `A session has waited on a lock for over ${seconds(ms)}s`,
          description: `a session has waited {{ $value | humanizeDuration }} for a lock.`,
          fix: FIX.lockWait,
        }),
      );
    },
  },
  {
    finding: 'pooler-clients-waiting',
    alsoIgnoredAs: ['pooler-queue-peak'],
    build: (source) => {
      if (source === 'postgres-exporter') return [];
      const waiting =
        source === 'pooltune'
          ? M.poolerClientsWaiting
          : 'sum without (database, user) (pgbouncer_pools_client_waiting_connections)';
      // pgbouncer_exporter's maxwait is in whole seconds (it drops maxwait_us): over 10ms means 1s or more there.
      const maxWait =
        source === 'pooltune'
          ? M.poolerMaxWait
          : 'max without (database, user) (pgbouncer_pools_client_maxwait_seconds)';
      const waits = [
        { severity: 'warning', ms: ACQUISITION_POOR_MS, why: "the guide's poor connection wait" },
        {
          severity: 'critical',
          ms: INTERACTIVE_ACQUIRE_LIMIT_MS,
          why: 'interactive callers give up by then',
        },
      ] as const;
      // The mean wait per checkout, as monitor's pooler-clients-waiting judges it; pgbouncer_exporter's stats
      // series changed names between its versions, so its rules keep to the pools' waiting and maxwait.
      const meanWait =
        source === 'pooltune'
          ? [
              rule(source, {
                name: 'PoolerAcquisitionWait',
                expr: `rate(${M.poolerClientWait}[${CHURN_WINDOW}]) / rate(${M.poolerCheckouts}[${CHURN_WINDOW}]) > ${seconds(ACQUISITION_POOR_MS)}`,
                for: FOR_SUSTAINED,
                severity: 'warning',
                finding: 'pooler-clients-waiting',
                summary: `Clients wait over ${ACQUISITION_POOR_MS}ms for a server connection on average (the guide's poor wait)`,
                description: `the mean wait per checkout over ${CHURN_WINDOW} is {{ $value | humanizeDuration }}.`,
                fix: FIX.poolerWaiting,
              }),
            ]
          : [];
      return [
        ...meanWait,
        rule(source, {
          name: 'PoolerClientsWaiting',
          expr: `${waiting} > 0`,
          for: FOR_SHORT,
          severity: 'warning',
          finding: 'pooler-clients-waiting',
          summary: 'Clients queue in PgBouncer for a server connection',
          description: '{{ $value }} clients have been waiting for a server connection for a minute or more.',
          fix: FIX.poolerWaiting,
        }),
        ...waits.map(({ severity, ms, why }) =>
          rule(source, {
            name: 'PoolerMaxWait',
            expr: `${maxWait} > ${seconds(ms)}`,
            for: FOR_SHORT,
            severity,
            finding: 'pooler-clients-waiting',
            summary: `A client has waited over ${seconds(ms)}s for a server connection (${why})`,
            description: 'the oldest waiting client has waited {{ $value | humanizeDuration }}.',
            fix: FIX.poolerWaiting,
          }),
        ),
      ];
    },
  },
];

/**
 * The rules for the asked sources, in the order asked, less those whose finding the plan ignores. An ignore
 * rule that names a service does not drop a rule: these alerts are about the server, not one service.
 */
export function alertGroups(
  sources: readonly AlertSource[],
  thresholds: AlertThresholds,
  ignore: readonly IgnoreRule[] = [],
): { groups: AlertGroup[]; dropped: DroppedRule[] } {
  const dropped: DroppedRule[] = [];
  const groups = sources.map((source): AlertGroup => {
    const rules: AlertRule[] = [];
    for (const kind of KINDS) {
      const built = kind.build(source, thresholds);
      const ids: readonly string[] = [kind.finding, ...(kind.alsoIgnoredAs ?? [])];
      const ignored = ignore.find((r) => ids.includes(r.id) && r.service === undefined);
      if (ignored === undefined) rules.push(...built);
      else
        dropped.push(
          ...built.map((r) => ({ source, alert: r.alert, finding: ignored.id, reason: ignored.reason })),
        );
    }
    return { source, name: `pooltune-guide-${source}`, rules, notes: NOTES[source] };
  });
  return { groups, dropped: uniqueDropped(dropped) };
}

// The same alert name at two severities is one dropped alert, not two.
function uniqueDropped(dropped: readonly DroppedRule[]): DroppedRule[] {
  const seen = new Set<string>();
  return dropped.filter((d) => {
    const key = `${d.source}/${d.alert}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The series a rule reads: every exporter's and pooltune's names start with their own prefix. */
export function metricsOf(rule: Pick<AlertRule, 'expr'>): string[] {
  return [...new Set(rule.expr.match(/\b(?:pg|pgbouncer|pooltune)_[a-z_]+\b/g) ?? [])];
}
