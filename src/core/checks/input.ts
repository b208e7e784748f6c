import type { RolePrivileges } from '../provider/privileges.js';
/**
 * What the check families judge: one part per family, each present only when the run observed it. A
 * command (or the pipeline) fills the parts it collected; `runChecks` runs the families whose part is there.
 */
import type { Load } from '../bench/load.js';
import type { SizingInput } from '../budget.js';
import type { BenchMeasurement } from '../bench/measurement.js';
import type { PoolUnderTest } from '../bench/pool.js';
import {
  DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS,
  DEFAULT_LONG_QUERY_THRESHOLD_MS,
  DEFAULT_LONG_TRANSACTION_THRESHOLD_MS,
} from '../guide.js';
import type { HealthMetrics } from '../health/metrics.js';
import type { MonitorSummary } from '../monitor/summary.js';
import type { WorstSessions } from '../monitor/worst-sessions.js';
import type { SessionSettings } from '../sessions/judge.js';
import type { SessionRoster } from '../sessions/roster.js';
import type { PoolerLimits } from '../plan/config.js';
import type { Surge } from '../plan/surge.js';
import type { PoolerFacts } from '../pooler/facts.js';
import type { PoolerWindow } from '../pooler/window.js';
import type { ServerFacts } from '../server-facts.js';
import type { PlannedService, PlanServer } from '../plan/server.js';
import type { CatalogSnapshot, SchemaSpec } from '../schema/types.js';
import type { StandbyObservation } from './standby/observation.js';
import type { CheckContext } from './types.js';

/** What monitor knows of the role and the server beside the samples. */
export interface MonitorContext {
  readonly role: string;
  readonly canSeeOthers: boolean;
  readonly hasSessionCounters: boolean;
  /** Report sessions idle in a transaction for longer than this (the run's setting, also in CheckSettings). */
  readonly idleInTransactionThresholdMs: number;
  /** The server's timeouts that would have ended the sessions named. */
  readonly sessionSettings: SessionSettings;
  /** monitor watched the server through a pooler: its new sessions are then mostly the pooler's. */
  readonly throughPooler?: boolean;
  /** What the role may do, so that a session fix it may not run says who runs it; absent: not said. */
  readonly privileges?: RolePrivileges;
}

/** The sessions check-server, health and preflight judge: the roster read with the server's facts. */
export interface SessionObservation {
  readonly role: string;
  readonly roster: SessionRoster;
  readonly settings: SessionSettings;
  /** check-server (and preflight) report sessions idle in a transaction as `idle-in-transaction-sessions`. */
  readonly idleInTransactionId: 'idle-in-transaction' | 'idle-in-transaction-sessions';
  /** What the role may do, so that a fix it may not run says who runs it; absent: not said. */
  readonly privileges?: RolePrivileges;
}

export interface MonitorObservation {
  readonly summary: MonitorSummary;
  readonly context: MonitorContext;
  /** The sessions of the sample where each session problem was worst. */
  readonly worstSessions: WorstSessions;
}

/** One configuration's bench run: what it measured, the pool it drove and the load it applied. */
export interface BenchObservation {
  readonly measurement: BenchMeasurement;
  readonly pool: PoolUnderTest;
  readonly load: Load;
}

/** A plan's services, with their presets, against the server's slots. */
export interface PlanObservation {
  readonly services: readonly PlannedService[];
  readonly server: PlanServer;
  readonly pooler?: PoolerLimits | undefined;
  /**
   * The fleet reaches the server through a pooler: its connections are the pooler's clients, so the
   * server's slots bound the pooler's server connections (the pooler family), not the fleet's.
   */
  readonly throughPooler?: boolean;
  /** The deploy overlap the plan states: the fleet must fit with it too. */
  readonly surge?: Surge | undefined;
}

/** What an application expects of the schema, and what the catalogs hold. */
export interface SchemaObservation {
  readonly spec: SchemaSpec;
  readonly catalog: CatalogSnapshot;
}

/** What recommend's sizing computed, for its findings to judge. */
export interface SizingObservation {
  readonly input: SizingInput;
  /** Server slots the fleet may use: max_connections − reserved − held by others. */
  readonly usable: number;
  /** The guide's share of the usable slots per instance. */
  readonly cap: number;
  /** What one instance asks for: its concurrency with headroom, or the preset's size without one. */
  readonly wanted: number;
  /** The fleet's connections at peak with the size chosen. */
  readonly total: number;
}

/** A pooler's admin console read once, with what stands on either side of it: the server and the app fleet. */
export interface PoolerObservation {
  readonly facts: PoolerFacts;
  /** PgBouncer processes that do not coordinate (--pooler-instances): each opens its own server connections. */
  readonly instances: number;
  /** The PostgreSQL server behind the pooler, when it was read. */
  readonly server?: ServerFacts | undefined;
  /** The plan's application fleet in front of the pooler; empty without a plan. */
  readonly services: readonly PlannedService[];
  /** What PgBouncer's totals said while pooltune watched (health's probe, a bench run, monitor's run). */
  readonly window?: PoolerWindow | undefined;
}

export interface CheckInput {
  /** The server's facts and what the user told about its workload and fleet. */
  readonly server?: CheckContext | undefined;
  readonly health?: HealthMetrics | undefined;
  /** The sessions in a transaction, running or waiting, read with the server's facts. */
  readonly sessions?: SessionObservation | undefined;
  readonly monitor?: MonitorObservation | undefined;
  readonly bench?: BenchObservation | undefined;
  readonly plan?: PlanObservation | undefined;
  readonly schema?: SchemaObservation | undefined;
  /** What recommend computed from the preset, the concurrency and the budget. */
  readonly sizing?: SizingObservation | undefined;
  /** The pooler in the chain, read from its admin console. */
  readonly pooler?: PoolerObservation | undefined;
  /** The server's place in replication: a standby's replay and conflicts, the standbys streaming from it. */
  readonly standby?: StandbyObservation | undefined;
}

/** A check family is named after the part of the input it judges. */
export type FamilyName = keyof CheckInput;

/** The thresholds a user may move; everything else is the guide's (core/guide.ts). */
export interface CheckSettings {
  /** Sessions idle in a transaction for longer than this are reported. */
  readonly idleInTransactionMs: number;
  /** Active queries running longer than this are reported; 6× is critical. */
  readonly longQueryMs: number;
  /** Transactions open longer than this are reported; 6× is critical. */
  readonly longTransactionMs: number;
}

export const GUIDE_CHECK_SETTINGS: CheckSettings = {
  idleInTransactionMs: DEFAULT_IDLE_IN_TRANSACTION_THRESHOLD_MS,
  longQueryMs: DEFAULT_LONG_QUERY_THRESHOLD_MS,
  longTransactionMs: DEFAULT_LONG_TRANSACTION_THRESHOLD_MS,
};
