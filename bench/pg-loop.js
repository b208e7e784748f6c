// The floor for a Node client: a bare pg.Client timing SELECT 1 round trips after the same warm-up as
// health's latency probe. Prints the p50 in ms. Usage: node bench/pg-loop.js <port>
import pg from 'pg';

const client = new pg.Client({
  host: '127.0.0.1',
  port: Number(process.argv[2]),
  user: 'postgres',
  database: 'postgres',
});
await client.connect();
const warmUntil = performance.now() + 300;
while (performance.now() < warmUntil) await client.query('SELECT 1');
const samples = [];
for (let i = 0; i < 200; i++) {
  const started = performance.now();
  await client.query('SELECT 1');
  samples.push(performance.now() - started);
}
await client.end();
samples.sort((a, b) => a - b);
console.log(samples[Math.ceil(samples.length / 2) - 1]);
