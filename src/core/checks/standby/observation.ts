import { STANDBY_REPLAY_LAG } from '../../guide.js';
import type { ServerFacts } from '../../server-facts.js';

/** When a standby's replay lag is worth a warning, and when it is critical. */
export interface ReplayLagThresholds {
  readonly warningMs: number;
  readonly criticalMs: number;
}

/** What the standby family judges: the server's facts (its topology among them) and the workload's queries. */
export interface StandbyObservation {
  readonly facts: ServerFacts;
  /** The longest the workload lets a query run (its pool's query timeout); null: it sets none, or unknown. */
  readonly queryTimeoutMs: number | null;
  readonly replayLag: ReplayLagThresholds;
}

export function standbyObservation(
  facts: ServerFacts,
  queryTimeoutMs: number | null = null,
  replayLag: ReplayLagThresholds = STANDBY_REPLAY_LAG,
): StandbyObservation {
  return { facts, queryTimeoutMs, replayLag };
}
