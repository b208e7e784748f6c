import type { FailOn, Finding, Skipped } from '../core/findings.js';
import type { Recommendation, ValueSource } from '../core/sizing.js';
import type { Emitted } from './emit/index.js';

export interface Input<T> {
  readonly value: T;
  readonly source: ValueSource;
}

/** Everything `recommend` found out, handed whole to each renderer. */
export interface RecommendReport {
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
  };
  readonly recommendation: Recommendation;
  readonly emitted: Emitted;
  readonly findings: readonly Finding[];
  readonly skipped: readonly Skipped[];
  readonly failOn: FailOn;
  readonly exitCode: number;
}
