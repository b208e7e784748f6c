// What the benchmark scripts share: medians over interleaved rounds, and pgbench to compare against.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/** Ends the script (successfully, saying why) when pgbench is not installed. */
export function requirePgbench(benchmark) {
  try {
    execFileSync('pgbench', ['--version'], { stdio: 'ignore' });
  } catch {
    console.log(`\n${benchmark} skipped: pgbench is not installed (apt-get install postgresql-client)`);
    process.exit(0);
  }
}

/**
 * pgbench with a SELECT 1 script against a harness server, for `seconds`, with extra flags (`-c 8`);
 * returns its latency average in ms and its tps.
 */
export function pgbenchSelect1(server, scratch, seconds, flags) {
  const script = join(scratch, 'select1.sql');
  writeFileSync(script, 'SELECT 1;\n');
  const out = execFileSync(
    'pgbench',
    [
      '-n',
      '-f',
      script,
      '-T',
      String(seconds),
      ...flags,
      '-h',
      '127.0.0.1',
      '-p',
      String(server.port),
    ].concat(['-U', 'postgres', 'postgres']),
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const latency = /latency average = ([\d.]+) ms/.exec(out);
  const tps = /tps = ([\d.]+)/.exec(out);
  if (!latency || !tps) throw new Error(`no latency or tps in pgbench output:\n${out}`);
  return { latencyMs: Number(latency[1]), tps: Number(tps[1]) };
}
