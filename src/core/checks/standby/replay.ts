/**
 * A standby's replay: paused (its reads go stale and it cannot be promoted), behind, or not receiving WAL
 * at all. Each says what was seen and, where the role may not see it, that it is a matter of privilege.
 */
import type { Finding, Severity } from '../../findings.js';
import type { ReplayFacts } from '../../topology/facts.js';
import { formatAge, formatDuration } from '../../units.js';
import { outcome, type CheckOutcome } from '../types.js';
import type { ReplayLagThresholds, StandbyObservation } from './observation.js';

/** What it takes to see the replication views' columns. */
export const REPLICATION_PRIVILEGE = 'pg_monitor (or pg_read_all_stats)';

/** "12 MB", "512 B": WAL volumes for a person. */
export function formatWal(bytes: number): string {
  const units: ReadonlyArray<readonly [string, number]> = [
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['kB', 1024],
  ];
  for (const [unit, size] of units) {
    if (bytes >= size) return `${Math.round((bytes / size) * 10) / 10} ${unit}`;
  }
  return `${Math.round(bytes)} B`;
}

function replayOf(obs: StandbyObservation): ReplayFacts | null {
  return obs.facts.topology.role === 'standby' ? obs.facts.topology.replay : null;
}

export function replayPausedCheck(obs: StandbyObservation): CheckOutcome {
  const replay = replayOf(obs);
  if (!replay) return outcome();
  if (replay.pauseState === 'not paused')
    return outcome([
      {
        id: 'standby-replay-paused',
        severity: 'ok',
        title: 'WAL replay is running on this standby',
        observed: 'pause state: not paused',
      },
    ]);
  return outcome([
    {
      id: 'standby-replay-paused',
      severity: 'critical',
      title:
        replay.pauseState === 'paused'
          ? 'WAL replay is paused on this standby: its reads go stale and it cannot be promoted'
          : 'WAL replay pause was requested on this standby: its reads are going stale',
      observed: `pause state: ${replay.pauseState}${replay.lagBytes === null ? '' : `; ${formatWal(replay.lagBytes)} received and not replayed`}`,
      expected: 'not paused',
      fix: {
        sql: [
          // From 14 on, a standby whose settings fell below its primary's pauses replay by itself; resuming it
          // then shuts the standby down, so the log decides which cure applies.
          '-- if the log says "insufficient parameter settings": raise those settings on this standby and restart it (resuming would shut it down)',
          'SELECT pg_wal_replay_resume();',
        ],
        // Only superusers may run it unless EXECUTE on it was granted; a managed replica's provider keeps it.
        ...(obs.facts.isSuperuser
          ? {}
          : { where: 'as a superuser, or a role granted EXECUTE on pg_wal_replay_resume()' }),
      },
    },
  ]);
}

function lagSeverity(lagMs: number, limits: ReplayLagThresholds): Severity {
  if (lagMs >= limits.criticalMs) return 'critical';
  return lagMs >= limits.warningMs ? 'warning' : 'ok';
}

export function replayLagCheck(obs: StandbyObservation): CheckOutcome {
  const replay = replayOf(obs);
  if (!replay) return outcome();
  const backlog =
    replay.lagBytes === null
      ? 'no WAL received by streaming'
      : `${formatWal(replay.lagBytes)} received and not replayed (received ${replay.receiveLsn}, replayed ${replay.replayLsn})`;
  const limits = `warning at ${formatDuration(obs.replayLag.warningMs)}, critical at ${formatDuration(obs.replayLag.criticalMs)}`;
  if (replay.lagSeconds === null)
    return outcome([
      {
        id: 'standby-replay-lag',
        severity: 'info',
        title: 'Replay lag unknown: no transaction replayed since this standby started',
        observed: backlog,
        expected: limits,
      },
    ]);
  const severity = lagSeverity(replay.lagSeconds * 1000, obs.replayLag);
  const finding: Finding = {
    id: 'standby-replay-lag',
    severity,
    title:
      severity === 'ok'
        ? replay.lagSeconds === 0
          ? 'Replay has caught up with the WAL received'
          : `Replay is ${formatAge(replay.lagSeconds)} behind`
        : `Replay is ${formatAge(replay.lagSeconds)} behind: reads on this standby are that stale`,
    observed: `${formatAge(replay.lagSeconds)} behind; ${backlog}${replay.lastReplayAt === null ? '' : `; last commit replayed at ${replay.lastReplayAt}`}`,
    expected: limits,
  };
  return outcome([finding]);
}

export function walReceiverCheck(obs: StandbyObservation): CheckOutcome {
  const replay = replayOf(obs);
  if (!replay) return outcome();
  const receiver = replay.walReceiver;
  if (receiver === null)
    return outcome([
      {
        id: 'standby-wal-receiver',
        severity: 'warning',
        title: 'This standby is not streaming: no WAL receiver runs',
        observed: 'pg_stat_wal_receiver has no row',
        expected:
          'a WAL receiver streaming from the primary (check primary_conninfo and the log), unless it replays from an archive by design',
      },
    ]);
  if (receiver.status === null)
    return outcome([
      {
        id: 'standby-wal-receiver',
        severity: 'info',
        title: `No privilege to see this standby's WAL receiver: its state and primary are hidden from role ${obs.facts.currentRole}, not missing`,
        observed: 'pg_stat_wal_receiver has a row, its columns NULL for this role',
        expected: `a role with ${REPLICATION_PRIVILEGE} to see the state and the primary it streams from`,
      },
    ]);
  const from = receiver.sender === null ? '' : ` from ${receiver.sender}`;
  return outcome([
    {
      id: 'standby-wal-receiver',
      severity: receiver.status === 'streaming' ? 'ok' : 'warning',
      title:
        receiver.status === 'streaming'
          ? `This standby streams WAL${from}`
          : `This standby's WAL receiver is ${receiver.status}${from}, not streaming`,
      observed: `WAL receiver ${receiver.status}${from}`,
      expected: 'streaming',
    },
  ]);
}
