import { Option, type Command } from 'commander';
import type { ReplayLagThresholds } from '../../core/checks/index.js';
import { STANDBY_REPLAY_LAG } from '../../core/guide.js';
import { formatDuration } from '../../core/units.js';
import { duration } from './values.js';

/** How a standby's replay lag is judged: check-server, health and preflight take these. */
export interface StandbyOptions {
  readonly replayLag: ReplayLagThresholds;
}

export function addStandbyFlags(command: Command): Command {
  return command
    .addOption(
      new Option('--replay-lag-warning <duration>', 'on a standby: warn when replay is this far behind')
        .argParser(duration)
        .default(STANDBY_REPLAY_LAG.warningMs, formatDuration(STANDBY_REPLAY_LAG.warningMs)),
    )
    .addOption(
      new Option('--replay-lag-critical <duration>', 'on a standby: critical when replay is this far behind')
        .argParser(duration)
        .default(STANDBY_REPLAY_LAG.criticalMs, formatDuration(STANDBY_REPLAY_LAG.criticalMs)),
    );
}

export function readStandbyFlags(command: Command): StandbyOptions {
  const raw = command.opts<{ replayLagWarning: number; replayLagCritical: number }>();
  if (raw.replayLagCritical < raw.replayLagWarning)
    command.error(
      `error: --replay-lag-critical (${formatDuration(raw.replayLagCritical)}) is shorter than --replay-lag-warning (${formatDuration(raw.replayLagWarning)})`,
    );
  return { replayLag: { warningMs: raw.replayLagWarning, criticalMs: raw.replayLagCritical } };
}
