// Start-up benchmark: how much slower `pooltune recommend … --format json` starts than bare `node -e 0`,
// both measured in this run, interleaved so that machine drift hits both alike.
// pooltune is timed twice: as it usually starts, with V8's code cache from an earlier run (bin/pooltune.cjs
// keeps one per command; the warm-up runs make it, in a directory of this run's own), and without any.
// Usage: npm run bench [-- --runs 40]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GOAL = 1.5;
const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 30;
const WARMUP = 3;
const CLI = fileURLToPath(new URL('../bin/pooltune.cjs', import.meta.url));

const cacheHome = mkdtempSync(join(tmpdir(), 'pooltune-bench-cache-'));
process.on('exit', () => rmSync(cacheHome, { recursive: true, force: true }));
const RECOMMEND = [CLI, 'recommend', '--workload', 'oltp', '--concurrency', '33', '--format', 'json'];
const OURS = 'pooltune recommend --format json';
const commands = {
  'node -e 0': [process.execPath, ['-e', '0'], {}],
  [OURS]: [process.execPath, RECOMMEND, { XDG_CACHE_HOME: cacheHome }],
  '  … without a code cache': [process.execPath, RECOMMEND, { NODE_DISABLE_COMPILE_CACHE: '1' }],
};

function timeOnce([file, args, extraEnv], env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`${file} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function measure(label, env) {
  const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  const names = Object.keys(commands);
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const order = i % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const ms = timeOnce(commands[name], env);
      if (i >= WARMUP) samples[name].push(ms);
    }
  }
  const base = median(samples['node -e 0']);
  const ratio = median(samples[OURS]) / base;
  const cold = median(samples['  … without a code cache']) / base;
  console.log(`\n${label} (${RUNS} interleaved runs each, after ${WARMUP} warm-up runs)`);
  for (const name of names) console.log(`  ${name.padEnd(34)} median ${median(samples[name]).toFixed(1)} ms`);
  console.log(`  start-up ratio: ${ratio.toFixed(2)} (goal ≤ ${GOAL}: ${ratio <= GOAL ? 'met' : 'MISSED'})`);
  console.log(`  start-up ratio without a code cache: ${cold.toFixed(2)}`);
  return ratio;
}

console.log(`pooltune start-up benchmark on Node ${process.version}`);
const environments = [['environment as given', { ...process.env }]];
if (process.env.NODE_EXTRA_CA_CERTS) {
  // This machine sets NODE_EXTRA_CA_CERTS, which triples bare Node's start-up; users rarely have it.
  const clean = { ...process.env };
  delete clean.NODE_EXTRA_CA_CERTS;
  environments.push(['without NODE_EXTRA_CA_CERTS (a typical user environment)', clean]);
}
const ratios = environments.map(([label, env]) => measure(label, env));
// The last environment is the one a user has: without this machine's extra certificates, if it sets them.
const ratio = ratios[ratios.length - 1];
console.log(
  `\nstart-up ratio as a user starts it: ${ratio.toFixed(2)} (goal ≤ ${GOAL}: ${ratio <= GOAL ? 'met' : 'MISSED'})`,
);
