// monitor's memory over a long run (issue 16, point 4), with synthetic readings instead of a server so that
// 100k samples take seconds, not a week: the listen mode drives the very sampler and metrics registry that
// `monitor --listen` runs (rendering /metrics every 10 samples, as a scrape would), and the summary mode
// keeps the run as `monitor` without --listen does: the RunRecord (a running summary, a history of at most
// 1000 points, the last 256 samples), asked for its summary after every sample as the live view does. RSS
// and heap are read after a full garbage collection at 1k and at 100k samples. Neither mode may grow:
// judged by the heap that survives a full collection, since RSS also holds memory V8 and malloc freed but
// have not handed back (it went up and down between 60 and 110 MB over such a run while the heap stayed
// at 5 MB).
// Usage: npm run bench (or node --expose-gc bench/monitor-memory.js)
import { listenSampler } from '../dist/src/core/monitor/listen-sampler.js';
import { sampleFrom } from '../dist/src/core/monitor/sample.js';
import { RunRecord } from '../dist/src/core/monitor/run-record.js';
import { createMetricsRegistry } from '../dist/src/pipeline/metrics-registry.js';

const CHECKPOINTS = [1_000, 100_000];
const INTERVAL_MS = 1000;
// Growth of a mode's live heap from 1k to 100k samples that still counts as flat.
const FLAT_MB = 1;

/** The i-th synthetic reading: a busy server with churn, transactions and a few sessions in the roster. */
function reading(i) {
  return {
    at: i * INTERVAL_MS,
    wallTime: new Date(Date.UTC(2026, 11, 2) + i * INTERVAL_MS),
    clients: 20 + (i % 40),
    active: 5 + (i % 10),
    idle: 10 + (i % 25),
    idleInTransaction: i % 5,
    otherState: 0,
    unknownState: 0,
    oldestIdleInTransactionSeconds: i % 5 ? (i % 60) + 0.5 : null,
    longestQuerySeconds: (i % 30) / 10,
    waitingOnLocks: i % 3,
    counters: { at: i * INTERVAL_MS, sessions: 1000 + 3 * i, abandoned: i >> 10, fatal: 0, killed: 0 },
    transactions: { committed: 10_000 + 250 * i, rolledBack: i },
    roster: {
      canSeeOthers: true,
      lockWaitStartKnown: true,
      sessions: Array.from({ length: 4 }, (_, k) => ({
        pid: 100 + k,
        role: 'app',
        application: 'api',
        clientAddress: '10.0.0.7',
        state: k === 0 ? 'idle in transaction' : 'active',
        transactionSeconds: (i % 90) + k,
        querySeconds: k,
        stateSeconds: k,
        waitEvent: k === 3 ? 'Lock:transactionid' : null,
        waitingOnLock: k === 3,
        lockWaitSeconds: k === 3 ? i % 20 : null,
        blockedBy: k === 3 ? [100] : [],
      })),
    },
  };
}

const mb = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;
function memory() {
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss: mb(rss), heap: mb(heapUsed) };
}

async function listenMode() {
  const registry = await createMetricsRegistry();
  const sampler = listenSampler(reading(0), { usableSlots: 97, ownTransactionEnd: 'committed' });
  const seen = {};
  for (let i = 1; i <= CHECKPOINTS.at(-1); i++) {
    const { set, add } = sampler.next(reading(i));
    registry.sampled('app', { set, add }, 0.004);
    if (i % 10 === 0) await registry.text();
    if (CHECKPOINTS.includes(i)) seen[i] = memory();
  }
  return seen;
}

function summaryMode() {
  const record = new RunRecord();
  let previous = reading(0);
  const seen = {};
  for (let i = 1; i <= CHECKPOINTS.at(-1); i++) {
    const current = reading(i);
    // monitor keeps the sample, not the reading's roster (it keeps only the worst sessions of it).
    record.add(
      sampleFrom(
        previous,
        { ...current, roster: undefined },
        { seq: i, startedAt: 0, usableSlots: 97, transactionsSoFar: record.transactionsSoFar },
      ),
    );
    record.summary(INTERVAL_MS, true);
    previous = current;
    if (CHECKPOINTS.includes(i)) seen[i] = memory();
  }
  return { seen, samples: record.samples, points: record.history.length };
}

if (!globalThis.gc) console.log('(run with node --expose-gc for figures after a full collection)');
const base = memory();
const listen = await listenMode();
const summary = summaryMode();
const [first, last] = CHECKPOINTS;
console.log(
  `\nmonitor memory over synthetic samples (process at start: RSS ${base.rss} MB, heap ${base.heap} MB)`,
);
const row = (mode, seen) =>
  `  ${mode.padEnd(16)} ${[seen[first].rss, seen[last].rss, seen[first].heap, seen[last].heap]
    .map((v) => String(v).padStart(9))
    .join(' ')}`;
console.log(
  `  ${'mode'.padEnd(16)} ${['RSS 1k', 'RSS 100k', 'heap 1k', 'heap 100k'].map((h) => h.padStart(9)).join(' ')}  (MB)`,
);
console.log(row('--listen', listen));
console.log(row('summary', summary.seen));
const growth = (seen) => Math.round((seen[last].heap - seen[first].heap) * 10) / 10;
const verdict = (mode, seen, what) => {
  const grew = growth(seen);
  console.log(
    `  ${mode}: ${grew <= FLAT_MB ? 'flat' : 'GREW'} (live heap ${grew >= 0 ? '+' : ''}${grew} MB from 1k to 100k samples, goal at most +${FLAT_MB} MB)${what}`,
  );
  if (grew > FLAT_MB) process.exitCode = 1;
};
verdict('--listen', listen, '');
verdict('summary', summary.seen, `; ${summary.samples} samples kept as ${summary.points} history points`);
