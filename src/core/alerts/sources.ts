/**
 * The three places alert rules read from, and what differs between them: the alert names' prefix, the label
 * that names the server, postgres_exporter's expressions, and what a source cannot alert on.
 */
import { TARGET_LABEL } from '../metrics/names.js';

export const ALERT_SOURCES = ['pooltune', 'postgres-exporter', 'pgbouncer-exporter'] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

/** The alert names' prefix: which source an alert reads, at a glance. */
export const PREFIX: Record<AlertSource, string> = {
  pooltune: 'Pooltune',
  'postgres-exporter': 'Postgres',
  'pgbouncer-exporter': 'PgBouncer',
};

/** How a description names the server the series came from. */
export const WHERE: Record<AlertSource, string> = {
  pooltune: `{{ $labels.${TARGET_LABEL} }}`,
  'postgres-exporter': '{{ $labels.instance }}',
  'pgbouncer-exporter': '{{ $labels.instance }}',
};

// postgres_exporter's per-session series are split by database, state, user and more (labels differ between
// versions); summing or taking the maximum *without* them keeps whatever identifies the server (instance, job,
// and older versions' `server`), so the result matches that server's pg_settings_* series.
const PG_SESSION_LABELS =
  'datname, state, usename, application_name, backend_type, wait_event_type, wait_event';
export const PG_DATABASE_LABELS = 'datid, datname';
/** usable slots = max_connections − superuser_reserved_connections − reserved_connections (16+; 0 before). */
const PG_USABLE_SLOTS =
  '(pg_settings_max_connections - pg_settings_superuser_reserved_connections' +
  ' - (pg_settings_reserved_connections or pg_settings_max_connections * 0))';
export const PG_UTILISATION = `sum without (${PG_SESSION_LABELS}) (pg_stat_activity_count{state!="disabled"}) / ${PG_USABLE_SLOTS}`;
export const pgMaxTransactionAge = (states: string) =>
  `max without (${PG_SESSION_LABELS}) (pg_stat_activity_max_tx_duration{state=~"${states}"})`;

export const NOTES: Record<AlertSource, readonly string[]> = {
  pooltune: [],
  'postgres-exporter': [
    "postgres_exporter has no lock-wait series by default: lock waits are alerted only from pooltune's own metrics (--source pooltune).",
    'It has no idle or query time either: the idle-in-transaction and long-query rules use the age of the transaction, which is never shorter.',
    'Connection churn needs PostgreSQL 14 or later (pg_stat_database.sessions).',
  ],
  'pgbouncer-exporter': [
    "For prometheus-community's pgbouncer_exporter. Slots, churn and sessions are the server's: use the postgres-exporter rules for those.",
  ],
};
