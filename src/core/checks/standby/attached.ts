/**
 * The standbys streaming from this server, as pg_stat_replication lists them. A role without pg_monitor
 * still sees the rows, with their state and lag NULL: that is said as a lack of privilege, not as no replica.
 */
import type { Severity } from '../../findings.js';
import { SEVERITY_RANK } from '../../findings.js';
import { describeStandby, type AttachedStandby } from '../../topology/facts.js';
import { formatAge, formatDuration } from '../../units.js';
import { outcome, type CheckOutcome } from '../types.js';
import type { StandbyObservation } from './observation.js';
import { formatWal, REPLICATION_PRIVILEGE } from './replay.js';

function standbyLine(s: AttachedStandby): string {
  if (s.state === null) return `${describeStandby(s)} (state and lag: no privilege)`;
  const lag =
    s.replayLagSeconds === null ? 'replay lag none reported' : `replay lag ${formatAge(s.replayLagSeconds)}`;
  const bytes = s.lagBytes === null ? '' : `, ${formatWal(s.lagBytes)} behind`;
  return `${describeStandby(s)} (${s.state}, ${s.syncState ?? 'sync state unknown'}, ${lag}${bytes})`;
}

export function attachedStandbysCheck(obs: StandbyObservation): CheckOutcome {
  const { standbys, canReadReplication } = obs.facts.topology;
  // A primary without standbys says so in the report's header; a finding would only repeat it.
  if (standbys.length === 0) return outcome();
  const limits = obs.replayLag;
  const severity = standbys.reduce<Severity>((worst, s) => {
    const lagMs = (s.replayLagSeconds ?? 0) * 1000;
    const own: Severity =
      lagMs >= limits.criticalMs ? 'critical' : lagMs >= limits.warningMs ? 'warning' : 'info';
    return SEVERITY_RANK[own] > SEVERITY_RANK[worst] ? own : worst;
  }, 'info');
  const n = standbys.length;
  const hidden = !canReadReplication || standbys.every((s) => s.state === null);
  return outcome([
    {
      id: 'standbys-attached',
      severity,
      title: `${n} standby${n === 1 ? ' streams' : 's stream'} from this server: ${standbys.map(describeStandby).join(', ')}${hidden ? `; their state and lag: no privilege (role ${obs.facts.currentRole} needs ${REPLICATION_PRIVILEGE})` : ''}`,
      observed: standbys.map(standbyLine).join('; '),
      expected: `replay lag under ${formatDuration(limits.warningMs)} (critical at ${formatDuration(limits.criticalMs)}); settings such as max_connections on each standby at least this server's`,
    },
  ]);
}
