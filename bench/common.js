// What the benchmark scripts share: medians over interleaved rounds, and pgbench to compare against.
import { execFileSync } from 'node:child_process';

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
