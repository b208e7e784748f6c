import type { PoolerSample, PoolerSampleRead } from './pooler-sample.js';
import { peakOf } from './peak.js';

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

/** The pooler's figures over the samples that carry a pooler part; undefined when none does. */
export function summarisePooler(samples: readonly Sampled[]): PoolerRunSummary | undefined {
  const watched = samples.filter((s) => s.pooler !== undefined);
  if (watched.length === 0) return undefined;
  const read = watched.flatMap((s) => (s.pooler?.status === 'read' ? [{ at: s.at, read: s.pooler }] : []));
  const lost = watched.flatMap((s) =>
    s.pooler?.status === 'lost' ? [{ at: s.at, reason: s.pooler.reason }] : [],
  );
  const waiting = peakOf(read, ({ read: r }) => r.clientsWaiting);
  const oldest = peakOf(read, ({ read: r }) => r.maxWaitMs);
  const fullest = peakOf(read, ({ read: r }) => r.poolUsePercent);
  const fullestPool = peakOf(read, ({ read: r }) => r.fullestPool?.percent ?? null);
  const windows = read.flatMap((s) => (s.read.window ? [s.read.window] : []));
  const total = (pick: (w: NonNullable<PoolerSampleRead['window']>) => number) =>
    windows.reduce((n, w) => n + pick(w), 0);
  const checkouts = total((w) => w.assignments ?? w.transactions);
  const windowMs = total((w) => w.windowMs);
  const transactions = total((w) => w.transactions);
  return {
    samples: read.length,
    lostSamples: lost.length,
    firstLostAt: lost[0]?.at ?? null,
    lostReason: lost[lost.length - 1]?.reason ?? null,
    clientsWaiting: {
      peak: waiting?.read.clientsWaiting ?? 0,
      peakAt: waiting && waiting.read.clientsWaiting > 0 ? waiting.at : null,
      samples: read.filter((s) => s.read.clientsWaiting > 0).length,
    },
    maxWait: {
      peakMs: oldest?.read.maxWaitMs ?? 0,
      peakAt: oldest && oldest.read.maxWaitMs > 0 ? oldest.at : null,
    },
    waitPerCheckoutMs: checkouts > 0 ? round3(total((w) => w.waitMs) / checkouts) : null,
    transactions,
    transactionsPerSecond: windowMs > 0 ? round1(transactions / (windowMs / 1000)) : null,
    poolUse: {
      peakPercent: fullest?.read.poolUsePercent ?? null,
      peakAt: fullest?.at ?? null,
      poolSize: fullest?.read.poolSize ?? null,
      fullestPool: fullestPool?.read.fullestPool
        ? { ...fullestPool.read.fullestPool, at: fullestPool.at }
        : null,
    },
  };
}
