import type { Surge } from '../core/plan/surge.js';
import type { DatabaseHardware } from '../core/cpu-bound.js';
import type { PoolMode } from '../core/pooler/facts.js';
import type { Recommendation, ValueSource } from '../core/sizing.js';
import type { MeasuredTraffic } from '../core/traffic-measure.js';
import type { TrafficSizing } from '../core/traffic-sizing.js';
import type { Emitted } from './emit/index.js';
import type { ReportEnvelope } from './document.js';

export interface Input<T> {
  readonly value: T;
  readonly source: ValueSource;
}

/** Everything `recommend` found out, handed whole to each renderer. */
export interface RecommendReport extends ReportEnvelope {
  readonly command: 'recommend';
  readonly target: string | null;
  readonly serverVersion: string | null;
  readonly inputs: {
    readonly workload: Input<string>;
    readonly workloadOrigin: string;
    readonly concurrency: Input<number> | null;
    readonly instances: Input<number>;
    readonly serverMaxConnections: Input<number>;
    readonly reservedConnections: Input<number>;
    readonly otherConnections: Input<number>;
    /** The pool mode of the pooler the application connects through; absent: straight to the server. */
    readonly behindPooler?: Input<PoolMode>;
    /** The deploy overlap the pools were sized for, and the instances it makes at a deploy's peak. */
    readonly deploySurge?: Input<{ readonly surge: Surge; readonly instancesDuringDeploy: number }>;
  };
  readonly recommendation: Recommendation;
  /** The sizing from traffic, when --rps/--hold-ms or --measure was given; null otherwise. */
  readonly traffic?: TrafficReport | null;
  /** --db-cores and --db-spindles, when given. */
  readonly hardware?: DatabaseHardware | null;
  readonly emitted: Emitted;
}

/** What the traffic sizing used, where each input came from, and what was measured. */
export interface TrafficReport {
  readonly sizing: TrafficSizing;
  readonly rateSource: 'flag' | 'measured';
  readonly holdSource: 'flag' | 'measured';
  readonly targetSource: 'flag' | 'default';
  readonly measured: MeasuredTraffic | null;
}
