// The floor for a Node pool: a bare pg.Pool of N connections driven by N callers that each take a
// connection, run SELECT 1 and give it back, as pooltune bench's closed loop does, without any of its
// bookkeeping. Prints requests per second and client CPU µs per request as JSON.
// Usage: node bench/pg-pool-loop.js <port> <clients> <seconds>
import pg from 'pg';
import { closedLoop } from './closed-loop.js';

const [port, clients, seconds] = process.argv.slice(2).map(Number);
const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', max: clients });
await closedLoop(pool, clients, performance.now() + 1000);
const cpu = process.cpuUsage();
const started = performance.now();
const done = await closedLoop(pool, clients, started + seconds * 1000);
const elapsed = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
await pool.end();
console.log(JSON.stringify({ perSecond: done / elapsed, cpuPerRequestUs: (used.user + used.system) / done }));
