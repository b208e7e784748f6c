// The floor for a fleet of Node pools: N worker threads, each a bare pg.Pool of `size` connections driven
// by `size` callers in the same closed loop as bench/pg-pool-loop.js, without any of pooltune's bookkeeping. Prints the
// requests per second of all of them together as JSON.
// Usage: node bench/pg-pool-threads.js <port> <threads> <size> <seconds>
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import pg from 'pg';
import { closedLoop } from './closed-loop.js';

async function drive({ port, size, seconds }) {
  const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', max: size });
  await closedLoop(pool, size, performance.now() + 1000);
  const started = performance.now();
  const done = await closedLoop(pool, size, started + seconds * 1000);
  const elapsed = (performance.now() - started) / 1000;
  await pool.end();
  return done / elapsed;
}

if (isMainThread) {
  const [port, threads, size, seconds] = process.argv.slice(2).map(Number);
  const rates = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: { port, size, seconds } });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  console.log(JSON.stringify({ perSecond: rates.reduce((n, r) => n + r, 0) }));
} else {
  parentPort.postMessage(await drive(workerData));
}
