// health benchmark, on a throwaway PostgreSQL 18 server on loopback:
// - probe accuracy: health's p50 SELECT 1 latency against pgbench's average for the same query, one client;
// - probe cost: the wall time of a default `health` run and the most connections it held at once.
// Usage: npm run bench   (needs pgbench: Debian's postgresql-client)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startServer } from '../dist/test/helpers/postgres.js';
import { median, pgbenchSelect1, requirePgbench } from './common.js';

// Loopback latency on a shared 2-core VM drifts by tens of percent from minute to minute, so the three
// measurements are interleaved round by round and compared by their medians.
const RUNS = 5;
const LATENCY_GOAL = 1.5;
const WALL_GOAL_MS = 4000;
const PROBE_CONNECTIONS = 4;
const CLI = fileURLToPath(new URL('../bin/pooltune.cjs', import.meta.url));

function pgbenchAverageMs(server, scratch) {
  return pgbenchSelect1(server, scratch, 5, ['-c', '1']).latencyMs;
}

async function healthRun(server) {
  const watcher = new pg.Client({
    host: server.socketDir,
    port: server.port,
    user: 'postgres',
    database: 'postgres',
  });
  await watcher.connect();
  let peak = 0;
  let watching = true;
  const watch = (async () => {
    while (watching) {
      const { rows } = await watcher.query(
        "select count(*)::int n from pg_stat_activity where application_name = 'pooltune'",
      );
      peak = Math.max(peak, rows[0].n);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'health', '--db', server.url(), '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const code = await new Promise((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - started;
  watching = false;
  await watch;
  await watcher.end();
  if (code !== 0) throw new Error(`health exited ${code}`);
  const doc = JSON.parse(stdout);
  return {
    wallMs,
    peak,
    p50Ms: doc.metrics.queryLatency.latency.p50Ms,
    reportedPeak: doc.probe.peakConnections,
  };
}

requirePgbench('health benchmark');

const scratch = mkdtempSync(join(tmpdir(), 'pooltune-bench-'));
const server = await startServer({ version: 18 });
try {
  const runs = [];
  const pgbench = [];
  const bare = [];
  const loop = fileURLToPath(new URL('./pg-loop.js', import.meta.url));
  for (let i = 0; i < RUNS; i++) {
    pgbench.push(pgbenchAverageMs(server, scratch));
    bare.push(Number(execFileSync(process.execPath, [loop, String(server.port)], { encoding: 'utf8' })));
    runs.push(await healthRun(server));
  }
  const pgbenchMs = median(pgbench);
  const bareMs = median(bare);
  const p50 = median(runs.map((r) => r.p50Ms));
  const wall = median(runs.map((r) => r.wallMs));
  const peak = Math.max(...runs.map((r) => r.peak));
  const ratio = p50 / pgbenchMs;
  const us = (v) => `${(v * 1000).toFixed(1)} µs`;
  const met = (ok) => (ok ? 'met' : 'MISSED');
  console.log(`\nhealth benchmark on PostgreSQL 18, loopback (${RUNS} interleaved rounds, medians)`);
  console.log(
    `  pgbench SELECT 1, 1 client, 2s: latency average ${us(pgbenchMs)}  (rounds: ${pgbench.map(us).join(', ')})`,
  );
  console.log(
    `  bare node-postgres client, same warm-up: p50 ${us(bareMs)}  (rounds: ${bare.map(us).join(', ')})`,
  );
  console.log(`  health SELECT 1 p50: ${us(p50)}  (rounds: ${runs.map((r) => us(r.p50Ms)).join(', ')})`);
  console.log(
    `  latency ratio against pgbench: ${ratio.toFixed(2)} (goal ≤ ${LATENCY_GOAL}: ${met(ratio <= LATENCY_GOAL)})`,
  );
  console.log(`  latency ratio against the bare node-postgres client: ${(p50 / bareMs).toFixed(2)}`);
  console.log(
    `  wall time of a default run: ${(wall / 1000).toFixed(2)} s (goal < ${WALL_GOAL_MS / 1000} s: ${wall < WALL_GOAL_MS ? 'met' : 'MISSED'})`,
  );
  console.log(
    `  most connections held at once: ${peak} seen on the server, ${runs[0].reportedPeak} reported (goal ≤ ${PROBE_CONNECTIONS + 1}: ${peak <= PROBE_CONNECTIONS + 1 ? 'met' : 'MISSED'})`,
  );
} finally {
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
}
