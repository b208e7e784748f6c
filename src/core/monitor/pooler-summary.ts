import type { PoolerSample } from './pooler-sample.js';
import { RunningPeak } from './peak.js';

/** The pooler over a monitor run: its worst queue, its mean wait per checkout and how full its pools got. */
export interface PoolerRunSummary {
  /** Samples the console answered, and those it did not (lost), with the first of them and why. */
  readonly samples: number;
  readonly lostSamples: number;
  readonly firstLostAt: string | null;
  readonly lostReason: string | null;
  readonly clientsWaiting: {
    /** The most clients queued at one reading, and the first reading with that many. */
    readonly peak: number;
    readonly peakAt: string | null;
    /** Readings with any client queued. */
    readonly samples: number;
  };
  /** The longest wait of a queued client seen at a reading (maxwait), in ms. */
  readonly maxWait: { readonly peakMs: number; readonly peakAt: string | null };
  /** Over the sampled windows: wait ÷ checkouts; null with no checkout. */
  readonly waitPerCheckoutMs: number | null;
  readonly transactions: number;
  readonly transactionsPerSecond: number | null;
  /** (sv_active + sv_login) ÷ Σ pool_size at the fullest reading. */
  readonly poolUse: {
    readonly peakPercent: number | null;
    readonly peakAt: string | null;
    readonly poolSize: number | null;
    /** The single pool that came closest to its size, and when: where a queue forms first. */
    readonly fullestPool: { readonly pool: string; readonly percent: number; readonly at: string } | null;
  };
}

interface Sampled {
  readonly at: string;
  readonly pooler?: PoolerSample | undefined;
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * The pooler's figures summed up reading by reading, in memory that does not grow with the run: monitor
 * may run for weeks. `summary()` is undefined until a sample carried a pooler part.
 */
export class PoolerTally {
  private watched = 0;
  private read = 0;
  private lost = 0;
  private firstLostAt: string | null = null;
  private lostReason: string | null = null;
  private queued = 0;
  private readonly waiting = new RunningPeak<{ at: string; count: number }>();
  private readonly oldest = new RunningPeak<{ at: string; ms: number }>();
  private readonly fullest = new RunningPeak<{
    at: string;
    percent: number | null;
    poolSize: number | null;
  }>();
  private readonly fullestPool = new RunningPeak<{ at: string; pool: string; percent: number }>();
  private checkouts = 0;
  private windowMs = 0;
  private transactions = 0;
  private waitMs = 0;

  add(sample: Sampled): void {
    const p = sample.pooler;
    if (!p) return;
    this.watched += 1;
    if (p.status === 'lost') {
      this.lost += 1;
      this.firstLostAt ??= sample.at;
      this.lostReason = p.reason;
      return;
    }
    const at = sample.at;
    this.read += 1;
    if (p.clientsWaiting > 0) this.queued += 1;
    this.waiting.offer(p.clientsWaiting, { at, count: p.clientsWaiting });
    this.oldest.offer(p.maxWaitMs, { at, ms: p.maxWaitMs });
    this.fullest.offer(p.poolUsePercent, { at, percent: p.poolUsePercent, poolSize: p.poolSize });
    if (p.fullestPool) this.fullestPool.offer(p.fullestPool.percent, { at, ...p.fullestPool });
    if (p.window) {
      this.checkouts += p.window.assignments ?? p.window.transactions;
      this.windowMs += p.window.windowMs;
      this.transactions += p.window.transactions;
      this.waitMs += p.window.waitMs;
    }
  }

  summary(): PoolerRunSummary | undefined {
    if (this.watched === 0) return undefined;
    const waiting = this.waiting.item;
    const oldest = this.oldest.item;
    const fullest = this.fullest.item;
    const pool = this.fullestPool.item;
    return {
      samples: this.read,
      lostSamples: this.lost,
      firstLostAt: this.firstLostAt,
      lostReason: this.lostReason,
      clientsWaiting: {
        peak: waiting?.count ?? 0,
        peakAt: waiting && waiting.count > 0 ? waiting.at : null,
        samples: this.queued,
      },
      maxWait: { peakMs: oldest?.ms ?? 0, peakAt: oldest && oldest.ms > 0 ? oldest.at : null },
      waitPerCheckoutMs: this.checkouts > 0 ? round3(this.waitMs / this.checkouts) : null,
      transactions: this.transactions,
      transactionsPerSecond: this.windowMs > 0 ? round1(this.transactions / (this.windowMs / 1000)) : null,
      poolUse: {
        peakPercent: fullest?.percent ?? null,
        peakAt: fullest?.at ?? null,
        poolSize: fullest?.poolSize ?? null,
        fullestPool: pool ? { pool: pool.pool, percent: pool.percent, at: pool.at } : null,
      },
    };
  }
}

/** The pooler's figures over the samples that carry a pooler part; undefined when none does. */
export function summarisePooler(samples: readonly Sampled[]): PoolerRunSummary | undefined {
  const tally = new PoolerTally();
  for (const s of samples) tally.add(s);
  return tally.summary();
}
