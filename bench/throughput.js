// bench throughput, on a throwaway PostgreSQL 18 server on loopback: `pooltune bench --clients 8`
// (SELECT 1, a pool of 8) against `pgbench -c 8 -j 2 -T 10` with a SELECT 1 script, and against a bare
// node-postgres pool driven the same way, to show what is pooltune's own overhead and what is Node's.
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
const CLIENTS = 8;
const SECONDS = 10;
const THROUGHPUT_GOAL = 0.5;
const CLI = fileURLToPath(new URL('../bin/pooltune.cjs', import.meta.url));
const POOL_LOOP = fileURLToPath(new URL('./pg-pool-loop.js', import.meta.url));

function pgbenchTps(server, scratch) {
  return pgbenchSelect1(server, scratch, SECONDS, ['-c', String(CLIENTS), '-j', '2']).tps;
}

function pooltuneBench(server) {
  const out = execFileSync(
    process.execPath,
    [CLI, 'bench', '--db', server.url(), '--pool-max', String(CLIENTS), '--clients', String(CLIENTS)].concat([
      '--duration',
      `${SECONDS}s`,
      '--json',
    ]),
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const { measurement } = JSON.parse(out).runs[0];
  return {
    perSecond: measurement.throughputPerSecond,
    cpuPerRequestUs: measurement.client.cpuPerRequestUs,
    acquireP50Us: measurement.acquire.p50Ms * 1000,
    queryP50Us: measurement.query.p50Ms * 1000,
  };
}

function barePool(server) {
  return JSON.parse(
    execFileSync(process.execPath, [POOL_LOOP, String(server.port), String(CLIENTS), String(SECONDS)], {
      encoding: 'utf8',
    }),
  );
}

requirePgbench('bench throughput');

const scratch = mkdtempSync(join(tmpdir(), 'pooltune-bench-'));
const server = await startServer({ version: 18 });
try {
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    rounds.push({
      pgbench: pgbenchTps(server, scratch),
      pooltune: pooltuneBench(server),
      bare: barePool(server),
    });
  }
  const tps = median(rounds.map((r) => r.pgbench));
  const ours = median(rounds.map((r) => r.pooltune.perSecond));
  const bare = median(rounds.map((r) => r.bare.perSecond));
  const ratio = ours / tps;
  const k = (v) => `${(v / 1000).toFixed(1)}k/s`;
  console.log(
    `\nbench throughput on PostgreSQL 18, loopback, SELECT 1, ${CLIENTS} clients, ${SECONDS}s (${ROUNDS} interleaved rounds, medians)`,
  );
  console.log(
    `  pgbench -c ${CLIENTS} -j 2:           ${k(tps)}  (rounds: ${rounds.map((r) => k(r.pgbench)).join(', ')})`,
  );
  console.log(
    `  bare node-postgres pool:      ${k(bare)}  (rounds: ${rounds.map((r) => k(r.bare.perSecond)).join(', ')})`,
  );
  console.log(
    `  pooltune bench --clients ${CLIENTS}:   ${k(ours)}  (rounds: ${rounds.map((r) => k(r.pooltune.perSecond)).join(', ')})`,
  );
  console.log(
    `  throughput ratio against pgbench: ${ratio.toFixed(2)} (goal ≥ ${THROUGHPUT_GOAL}: ${ratio >= THROUGHPUT_GOAL ? 'met' : 'MISSED'})`,
  );
  console.log(`  throughput ratio against the bare node-postgres pool: ${(ours / bare).toFixed(2)}`);
  const cpu = median(rounds.map((r) => r.pooltune.cpuPerRequestUs));
  const bareCpu = median(rounds.map((r) => r.bare.cpuPerRequestUs));
  console.log(
    `  client CPU per request: pooltune ${cpu.toFixed(1)} µs, bare pool ${bareCpu.toFixed(1)} µs: pooltune's own overhead ${(cpu - bareCpu).toFixed(1)} µs per request`,
  );
  console.log(
    `  per request (medians): acquire ${median(rounds.map((r) => r.pooltune.acquireP50Us)).toFixed(1)} µs, query round trip ${median(rounds.map((r) => r.pooltune.queryP50Us)).toFixed(1)} µs`,
  );
} finally {
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
}
