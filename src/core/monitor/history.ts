import type { MonitorSample } from './sample.js';

/**
 * How many points a run's history keeps: every sample of a quarter of an hour at one a second; a longer
 * run's points each stand for several samples. Enough for a chart as wide as a screen, and for its table.
 */
export const HISTORY_POINTS = 1000;

/** What the charts and the sparkline draw: consecutive samples, each measure at the worst of them. */
export interface HistoryPoint {
  /** The first sample the point stands for: its time since the start and its wall-clock time. */
  readonly elapsedMs: number;
  readonly at: string;
  /** How many samples it stands for: 1 until the run outgrows the history, then a power of two. */
  readonly samples: number;
  readonly utilisationPercent: number;
  /** null when none of its samples had a rate (before PostgreSQL 14). */
  readonly newSessionsPerSecond: number | null;
  /** null when no session was idle in a transaction at any of its samples. */
  readonly oldestIdleInTransactionSeconds: number | null;
}

const worse = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

function merged(a: HistoryPoint, b: HistoryPoint): HistoryPoint {
  return {
    elapsedMs: a.elapsedMs,
    at: a.at,
    samples: a.samples + b.samples,
    utilisationPercent: Math.max(a.utilisationPercent, b.utilisationPercent),
    newSessionsPerSecond: worse(a.newSessionsPerSecond, b.newSessionsPerSecond),
    oldestIdleInTransactionSeconds: worse(a.oldestIdleInTransactionSeconds, b.oldestIdleInTransactionSeconds),
  };
}

const pointOf = (s: MonitorSample): HistoryPoint => ({
  elapsedMs: s.elapsedMs,
  at: s.at,
  samples: 1,
  utilisationPercent: s.utilisationPercent,
  newSessionsPerSecond: s.churn?.newSessionsPerSecond ?? null,
  oldestIdleInTransactionSeconds: s.oldestIdleInTransactionSeconds,
});

/**
 * A run's samples at a resolution that fits `capacity` points: when the points would outnumber it,
 * neighbours are merged pairwise, so that each point then stands for twice as many samples. Peaks survive
 * the merge (a point keeps its samples' worst), which a chart of every n-th sample would drop.
 */
export class SampleHistory {
  private points: HistoryPoint[] = [];
  /** Samples per point: the last point is open until it has this many. */
  private width = 1;

  private readonly capacity: number;

  constructor(capacity = HISTORY_POINTS) {
    if (capacity < 2) throw new RangeError('a history keeps at least two points');
    this.capacity = capacity;
  }

  add(sample: MonitorSample): void {
    const point = pointOf(sample);
    const last = this.points[this.points.length - 1];
    if (last && last.samples < this.width) {
      this.points[this.points.length - 1] = merged(last, point);
      return;
    }
    this.points.push(point);
    if (this.points.length > this.capacity) this.halve();
  }

  /** The points so far, oldest first. */
  get all(): readonly HistoryPoint[] {
    return this.points;
  }

  private halve(): void {
    const next: HistoryPoint[] = [];
    for (let i = 0; i < this.points.length; i += 2) {
      const a = this.points[i];
      const b = this.points[i + 1];
      if (a) next.push(b ? merged(a, b) : a);
    }
    this.points = next;
    this.width *= 2;
  }
}

/** The history of `samples` taken at once. */
export function historyOf(samples: readonly MonitorSample[], capacity = HISTORY_POINTS): HistoryPoint[] {
  const history = new SampleHistory(capacity);
  for (const s of samples) history.add(s);
  return [...history.all];
}
