/**
 * Queries on a hot standby conflict with the WAL it replays. Replay waits for them up to
 * max_standby_streaming_delay, then cancels them (SQLSTATE 40001, "conflict with recovery");
 * hot_standby_feedback spares them the commonest conflict by holding vacuum back on the primary.
 */
import { settingMs } from '../../server-facts.js';
import { conflictTotal, type RecoveryConflicts } from '../../topology/facts.js';
import { formatAge, formatDuration } from '../../units.js';
import { serverSettingFix } from '../fix.js';
import { outcome, type CheckOutcome } from '../types.js';
import type { StandbyObservation } from './observation.js';

const CANCELLED = 'cancelled with 40001 (conflict with recovery)';

/** The longest a query may run on the server: the shorter of the workload's timeout and statement_timeout. */
function longestQueryAllowedMs(obs: StandbyObservation): { ms: number | null; by: string } {
  const statement = settingMs(obs.facts, 'statement_timeout') ?? 0;
  const limits = [
    ...(obs.queryTimeoutMs !== null && obs.queryTimeoutMs > 0
      ? [{ ms: obs.queryTimeoutMs, by: `the workload's query timeout ${formatDuration(obs.queryTimeoutMs)}` }]
      : []),
    ...(statement > 0 ? [{ ms: statement, by: `statement_timeout ${formatDuration(statement)}` }] : []),
  ].sort((a, b) => a.ms - b.ms);
  return limits[0] ?? { ms: null, by: 'no query timeout and no statement_timeout' };
}

/** "3 queries cancelled here by recovery conflicts (snapshot 2, lock 1)", or nothing when there were none. */
function cancelledSoFar(conflicts: RecoveryConflicts | null | undefined): string {
  if (!conflicts || conflictTotal(conflicts) === 0) return '';
  const causes = Object.entries(conflicts)
    .filter(([, n]) => n > 0)
    .map(([cause, n]) => `${cause} ${n}`)
    .join(', ');
  const n = conflictTotal(conflicts);
  return `; ${n} ${n === 1 ? 'query' : 'queries'} cancelled in this database by recovery conflicts since the statistics were reset (${causes})`;
}

function isStandby(obs: StandbyObservation): boolean {
  return obs.facts.topology.role === 'standby';
}

export function streamingDelayCheck(obs: StandbyObservation): CheckOutcome {
  if (!isStandby(obs)) return outcome();
  const delay = settingMs(obs.facts, 'max_standby_streaming_delay');
  if (delay === undefined) return outcome();
  const archive = settingMs(obs.facts, 'max_standby_archive_delay');
  const delays = `max_standby_streaming_delay ${delay < 0 ? '-1 (waits for ever)' : formatDuration(delay)}${archive === undefined ? '' : `, max_standby_archive_delay ${archive < 0 ? '-1' : formatDuration(archive)}`}`;
  const allowed = longestQueryAllowedMs(obs);
  if (delay < 0)
    return outcome([
      {
        id: 'standby-streaming-delay',
        severity: 'info',
        title:
          'Replay waits for conflicting queries for ever: no query is cancelled, but replay may fall behind without bound',
        observed: delays,
        expected: `a delay as long as the longest query allowed (${allowed.by})`,
      },
    ]);
  if (allowed.ms !== null && allowed.ms <= delay)
    return outcome([
      {
        id: 'standby-streaming-delay',
        severity: 'ok',
        title: `Queries end (${allowed.by}) before replay stops waiting for them (${formatDuration(delay)})`,
        observed: delays,
      },
    ]);
  return outcome([
    {
      id: 'standby-streaming-delay',
      severity: 'warning',
      title: `Queries longer than ${formatDuration(delay)} on this standby may be ${CANCELLED}, though ${allowed.by} lets them run${allowed.ms === null ? ' unbounded' : ` up to ${formatDuration(allowed.ms)}`}`,
      observed: `${delays}; ${allowed.by}${cancelledSoFar(obs.facts.topology.replay?.conflicts)}`,
      expected:
        allowed.ms === null
          ? 'a statement_timeout on the standby no longer than max_standby_streaming_delay, or a longer delay (replay, and so the reads, may lag by as much)'
          : `max_standby_streaming_delay of at least ${formatDuration(allowed.ms)} (replay, and so the reads, may lag by as much), or shorter queries`,
      ...(allowed.ms === null
        ? {}
        : { fix: serverSettingFix(obs.facts, 'max_standby_streaming_delay', formatDuration(allowed.ms)) }),
    },
  ]);
}

export function feedbackCheck(obs: StandbyObservation): CheckOutcome {
  if (!isStandby(obs)) return outcome();
  const setting = obs.facts.settings.get('hot_standby_feedback');
  if (!setting) return outcome();
  const tradeOff =
    'on: the primary keeps the row versions standby queries still read (fewer cancels, more bloat on the primary); off: vacuum on the primary removes them and standby queries that needed them are cancelled';
  if (setting.setting === 'on')
    return outcome([
      {
        id: 'standby-feedback',
        severity: 'ok',
        title: "hot_standby_feedback is on: vacuum on the primary waits for this standby's queries",
        observed: 'hot_standby_feedback on',
        expected: tradeOff,
      },
    ]);
  const delay = settingMs(obs.facts, 'max_standby_streaming_delay') ?? 0;
  const longest = obs.facts.activity.longestActiveSeconds;
  const outlasts = delay >= 0 && longest !== null && longest * 1000 > delay;
  const conflicts = obs.facts.topology.replay?.conflicts;
  // Snapshot conflicts are the cancels feedback prevents: they show the workload already meets them.
  const snapshotCancels = conflicts?.snapshot ?? 0;
  const warn = outlasts || snapshotCancels > 0;
  return outcome([
    {
      id: 'standby-feedback',
      severity: warn ? 'warning' : 'info',
      title: outlasts
        ? `A query has been running ${formatAge(longest)} here, longer than max_standby_streaming_delay (${formatDuration(delay)}), with hot_standby_feedback off: it may be ${CANCELLED}`
        : snapshotCancels > 0
          ? `hot_standby_feedback is off and ${snapshotCancels} ${snapshotCancels === 1 ? 'query was' : 'queries were'} ${CANCELLED} because vacuum on the primary removed rows they read`
          : `hot_standby_feedback is off: standby queries running longer than max_standby_streaming_delay may be ${CANCELLED}`,
      observed: `hot_standby_feedback off${longest === null ? '' : `; longest active query ${formatAge(longest)}`}${cancelledSoFar(conflicts)}`,
      expected: tradeOff,
      ...(warn ? { fix: serverSettingFix(obs.facts, 'hot_standby_feedback', 'on') } : {}),
    },
  ]);
}
