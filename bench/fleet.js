// bench fleet throughput, on a throwaway PostgreSQL 18 server on loopback: `pooltune bench --instances 2`
// (two application instances, each a worker thread with a pool of 4 and 4 of the 8 clients, SELECT 1)
// against `pgbench -c 8 -j 2` with a SELECT 1 script, against one pool of 8 (`bench --clients 8`), the
// single event loop that holds one instance back, and against bare node-postgres pools in 2 threads, to show
// what is pooltune's own overhead and what is the threads'.
// Usage: npm run bench   (needs pgbench: Debian's postgresql-client)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../dist/test/helpers/postgres.js';
import { median, pgbenchSelect1, requirePgbench } from './common.js';

// The client and the server share 2 cores and drift from minute to minute: interleave, compare medians.
const ROUNDS = 3;
const INSTANCES = 2;
const CLIENTS_EACH = 4;
const CLIENTS = INSTANCES * CLIENTS_EACH;
const SECONDS = 10;
const THROUGHPUT_GOAL = 0.6;
const CLI = fileURLToPath(new URL('../bin/pooltune.cjs', import.meta.url));
const POOL_THREADS = fileURLToPath(new URL('./pg-pool-threads.js', import.meta.url));

function bareThreads(server) {
  const args = [POOL_THREADS, server.port, INSTANCES, CLIENTS_EACH, SECONDS].map(String);
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })).perSecond;
}

function pooltuneBench(server, flags) {
  const out = execFileSync(
    process.execPath,
    [CLI, 'bench', '--db', server.url(), ...flags, '--duration', `${SECONDS}s`, '--json'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const run = JSON.parse(out).runs[0];
  return {
    perSecond: run.measurement.throughputPerSecond,
    instances: (run.fleet ?? []).map((i) => i.measurement.throughputPerSecond),
    cpuPerRequestUs: run.measurement.client.cpuPerRequestUs,
  };
}

requirePgbench('bench fleet throughput');

const scratch = mkdtempSync(join(tmpdir(), 'pooltune-bench-'));
const server = await startServer({ version: 18 });
try {
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    rounds.push({
      pgbench: pgbenchSelect1(server, scratch, SECONDS, ['-c', String(CLIENTS), '-j', '2']).tps,
      fleet: pooltuneBench(server, ['--pool-max', String(CLIENTS_EACH), '--instances', String(INSTANCES)]),
      single: pooltuneBench(server, ['--pool-max', String(CLIENTS), '--clients', String(CLIENTS)]),
      bare: bareThreads(server),
    });
  }
  const tps = median(rounds.map((r) => r.pgbench));
  const fleet = median(rounds.map((r) => r.fleet.perSecond));
  const single = median(rounds.map((r) => r.single.perSecond));
  const bare = median(rounds.map((r) => r.bare));
  const ratio = fleet / tps;
  const k = (v) => `${(v / 1000).toFixed(1)}k/s`;
  console.log(
    `\nbench fleet throughput on PostgreSQL 18, loopback, SELECT 1, ${CLIENTS} clients, ${SECONDS}s (${ROUNDS} interleaved rounds, medians)`,
  );
  console.log(
    `  pgbench -c ${CLIENTS} -j 2:                     ${k(tps)}  (rounds: ${rounds.map((r) => k(r.pgbench)).join(', ')})`,
  );
  console.log(
    `  pooltune bench --instances ${INSTANCES} (${CLIENTS_EACH} each): ${k(fleet)}  (rounds: ${rounds.map((r) => `${k(r.fleet.perSecond)} = ${r.fleet.instances.map(k).join(' + ')}`).join(', ')})`,
  );
  console.log(
    `  pooltune bench, one pool of ${CLIENTS}:          ${k(single)}  (rounds: ${rounds.map((r) => k(r.single.perSecond)).join(', ')})`,
  );
  console.log(
    `  bare node-postgres pools, ${INSTANCES} threads:   ${k(bare)}  (rounds: ${rounds.map((r) => k(r.bare)).join(', ')})`,
  );
  console.log(
    `  fleet throughput ratio against pgbench: ${ratio.toFixed(2)} (goal ≥ ${THROUGHPUT_GOAL}: ${ratio >= THROUGHPUT_GOAL ? 'met' : 'MISSED'})`,
  );
  console.log(
    `  one pool against pgbench: ${(single / tps).toFixed(2)}; the fleet against one pool: ${(fleet / single).toFixed(2)}, against bare pools in ${INSTANCES} threads: ${(fleet / bare).toFixed(2)}`,
  );
  console.log(
    `  client CPU per request: fleet ${median(rounds.map((r) => r.fleet.cpuPerRequestUs)).toFixed(1)} µs, one pool ${median(rounds.map((r) => r.single.cpuPerRequestUs)).toFixed(1)} µs`,
  );
} finally {
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
}
