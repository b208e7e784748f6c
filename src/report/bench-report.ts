import type { PoolerWindow } from '../core/pooler/window.js';
import type { Load } from '../core/bench/load.js';
import type { BenchMeasurement } from '../core/bench/measurement.js';
import type { PoolUnderTest } from '../core/bench/pool.js';
import type { WaitModel } from '../core/bench/prediction.js';
import type { Finding } from '../core/findings.js';
import type { ReportEnvelope } from './document.js';

/** One application instance of a fleet (bench --instances N), with its own pool and its share of the load. */
export interface BenchInstanceReport {
  /** 1-based. */
  readonly instance: number;
  readonly load: Load;
  readonly measurement: BenchMeasurement;
  /** Open loop: Erlang C for this instance's pool and its share of the arrivals; else null. */
  readonly model: WaitModel | null;
  readonly stoppedEarly: boolean;
  /** The most connections this instance's pool held at once. */
  readonly peakConnections: number;
}

/** One configuration's run under the load. */
export interface BenchRunReport {
  readonly pool: PoolUnderTest;
  readonly measurement: BenchMeasurement;
  /** Open loop: what Erlang C predicts for this pool, this rate and the measured hold; else null. */
  readonly model: WaitModel | null;
  readonly findings: readonly Finding[];
  readonly stoppedEarly: boolean;
  /** Connections the run held at most: the pool's (every instance's, added up), plus pooltune's own session. */
  readonly peakConnections: number;
  /**
   * bench --instances N (N > 1; absent for one): application instances sharing the load, each with its own
   * pool of this shape. `measurement` and `model` are then the fleet's and `fleet` holds each instance.
   */
  readonly instances?: number;
  readonly fleet?: readonly BenchInstanceReport[];
  /** Through a pooler whose console was read: its totals over the run (the queue the waits include). */
  readonly poolerWindow?: PoolerWindow;
}

/** The first run's findings are the report's: they alone decide the exit code. */
export interface BenchReport extends ReportEnvelope {
  readonly command: 'bench';
  readonly target: string;
  readonly serverVersion: string;
  readonly load: Load;
  /** The configuration under test first; with --compare, the other one second. */
  readonly runs: readonly BenchRunReport[];
  /** Set when Ctrl-C or SIGTERM ended the run early: the report covers what was measured until then. */
  readonly stoppedBy: string | null;
}
