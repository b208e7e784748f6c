// Validation of recommend's queueing model against measured load, on a throwaway PostgreSQL 18 server on
// loopback: for a few offered loads A (busy connections) and pool sizes c around them, pooltune bench
// drives an open-loop Poisson load with exponential hold times, and the Erlang C prediction bench reports
// beside it (the model recommend --rps uses, fed the arrivals and the mean hold the run had) is set beside
// the measured share that waited and the mean wait. Goal: P(wait) within 5 percentage points where the client kept its schedule.
// Usage: npm run bench
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer } from '../dist/test/helpers/postgres.js';

const CLI = fileURLToPath(new URL('../bin/pooltune.cjs', import.meta.url));
const HOLD_MS = 20;
const SECONDS = 15;
const GOAL_POINTS = 5;
// [busy connections A, pool sizes c]
const POINTS = [
  [2, [3, 4]],
  [4, [5, 6, 8]],
  [8, [10, 12]],
];

function benchRun(server, rate, pool) {
  const out = execFileSync(
    process.execPath,
    [CLI, 'bench', '--db', server.url(), '--pool-max', String(pool), '--pool-min', String(pool)]
      .concat(['--rate', String(rate), '--hold-ms', String(HOLD_MS), '--hold-dist', 'exp'])
      .concat(['--duration', `${SECONDS}s`, '--fail-on', 'never', '--json']),
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out).runs[0];
}

const pad = (text, width) => String(text).padStart(width);
const server = await startServer({ version: 18, settings: { max_connections: 50 } });
try {
  console.log(
    `\nqueueing model against measured load: PostgreSQL 18, loopback, Poisson arrivals, exponential holds of ${HOLD_MS}ms mean, ${SECONDS}s per point`,
  );
  console.log(
    `  ${['A asked', 'c', 'rate/s', 'hold ms', 'A seen', 'P(wait) model', 'measured', 'diff pp', 'mean wait model', 'measured', 'client'].map((h, i) => pad(h, [7, 3, 7, 8, 7, 14, 9, 8, 16, 9, 7][i])).join(' ')}`,
  );
  let worst = 0;
  let behind = 0;
  for (const [busy, pools] of POINTS) {
    const rate = (busy * 1000) / HOLD_MS;
    for (const pool of pools) {
      const { measurement: m, model } = benchRun(server, rate, pool);
      const diff = (m.waitedShare - model.waitProbability) * 100;
      if (m.client.fellBehind) behind += 1;
      else worst = Math.max(worst, Math.abs(diff));
      console.log(
        `  ${[
          busy,
          pool,
          m.throughputPerSecond.toFixed(0),
          m.query.meanMs.toFixed(2),
          model.busyConnections.toFixed(2),
          `${(model.waitProbability * 100).toFixed(1)} %`,
          `${(m.waitedShare * 100).toFixed(1)} %`,
          diff.toFixed(1),
          model.meanWaitMs === null ? 'unbounded' : `${model.meanWaitMs.toFixed(2)}ms`,
          `${m.acquire.meanMs.toFixed(2)}ms`,
          m.client.fellBehind ? 'behind' : 'ok',
        ]
          .map((v, i) => pad(v, [7, 3, 7, 8, 7, 14, 9, 8, 16, 9, 7][i]))
          .join(' ')}`,
      );
    }
  }
  console.log(
    `  largest P(wait) gap where the client kept its schedule: ${worst.toFixed(1)} pp (goal ≤ ${GOAL_POINTS}: ${worst <= GOAL_POINTS ? 'met' : 'MISSED'})${behind ? `; ${behind} point(s) where the client fell behind are left out` : ''}`,
  );
} finally {
  await server.stop();
}
