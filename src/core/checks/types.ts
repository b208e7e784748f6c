import type { Finding, Skipped } from '../findings.js';
import type { ServerFacts } from '../server-facts.js';

/** What the user told check-server about the plans for this server. */
export interface ServerPlan {
  /** The workload the server serves; decides whether no statement timeout is acceptable. */
  readonly workload: string;
  readonly workloadWantsStatementTimeout: boolean;
  /** A planned fleet: each of `instances` application instances with a pool of `poolMax`. */
  readonly poolMax?: number;
  readonly instances: number;
  readonly serverMemoryBytes?: number;
  /** The applications reach the server through a pooler such as PgBouncer. */
  readonly behindPooler: boolean;
}

export interface CheckContext {
  readonly facts: ServerFacts;
  readonly plan: ServerPlan;
}

export interface CheckOutcome {
  readonly findings: readonly Finding[];
  readonly skipped: readonly Skipped[];
}

/** One of check-server's rules: pure, over the facts collected once and what the user told of the plan. */
export type ServerRule = (ctx: CheckContext) => CheckOutcome;

export const outcome = (findings: Finding[] = [], skipped: Skipped[] = []): CheckOutcome => ({
  findings,
  skipped,
});
