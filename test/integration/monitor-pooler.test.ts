/**
 * monitor beside a real PgBouncer (Debian's 1.18, transaction mode) in front of PostgreSQL 15: each sample
 * carries PgBouncer's queue, servers and pool use, read on one console login for the run; the summary and
 * the findings name the clients that waited in PgBouncer; a console that goes away mid-run leaves the run
 * going on with the server.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { runCli, startCli } from '../helpers/cli.js';
import { startFullPoolChain, type FullPoolChain } from '../helpers/full-pool.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { startPgBouncer, type TestPgBouncer } from '../helpers/pgbouncer.js';
import { pooltuneSessionsLeft, startServer, type TestServer } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';

const Ajv = Ajv2020.default;

type PoolerPart =
  | {
      status: 'read';
      clientsWaiting: number;
      maxWaitMs: number;
      servers: { active: number; idle: number; used: number; login: number };
      poolSize: number | null;
      poolUsePercent: number | null;
      window: { transactions: number; waitPerCheckoutMs: number | null } | null;
    }
  | { status: 'lost'; reason: string };

interface Line {
  type: 'sample' | 'summary';
  seq?: number;
  pooler?: PoolerPart;
  exitCode?: number;
  run?: { stoppedBy: string };
  stats?: {
    samples: number;
    pooler?: {
      samples: number;
      lostSamples: number;
      lostReason: string | null;
      clientsWaiting: { peak: number; peakAt: string | null; samples: number };
      maxWait: { peakMs: number };
      poolUse: { peakPercent: number | null; poolSize: number | null };
    };
  };
  findings?: { id: string; severity: string; title: string; observed?: string }[];
}

async function compile(file: string): Promise<ValidateFunction> {
  const schema = JSON.parse(await readFile(`${REPO_ROOT}schemas/${file}`, 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  return ajv.compile(schema);
}

let validators: { sample: ValidateFunction; report: ValidateFunction };

/** The NDJSON lines, each checked against its schema: samples, then the summary. */
function parse(stdout: string): { samples: Line[]; summary: Line } {
  const lines = stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Line);
  const samples = lines.slice(0, -1);
  const summary = lines[lines.length - 1] as Line;
  for (const s of samples) {
    assert.equal(s.type, 'sample');
    assert.ok(validators.sample(s), JSON.stringify(validators.sample.errors));
  }
  assert.equal(summary.type, 'summary');
  assert.ok(validators.report(summary), JSON.stringify(validators.report.errors));
  return { samples, summary };
}

const read = (s: Line) => (s.pooler?.status === 'read' ? s.pooler : undefined);

before(async () => {
  validators = {
    sample: await compile('monitor-sample.schema.json'),
    report: await compile('report.schema.json'),
  };
});

describe('monitor through a PgBouncer whose pool is full', () => {
  let bouncer: TestPgBouncer;
  let chain: FullPoolChain | undefined;
  before(async () => {
    // appdb's one server connection is held by the test; pooltune watches through its own entry, postgres,
    // so that its session does not queue behind the held transaction.
    chain = await startFullPoolChain(15, { default_pool_size: 1 });
    ({ bouncer } = chain);
  });
  after(async () => {
    await chain?.stop();
  });

  it('samples the queue, its growing oldest wait and the pools, and the summary and findings name the wait', async () => {
    const consoleLogins = async () =>
      ((await readFile(bouncer.logFile, 'utf8')).match(/login attempt: db=pgbouncer /g) ?? []).length;
    const loginsBefore = await consoleLogins();
    const r = await runCli([
      'monitor',
      '--db',
      bouncer.url('postgres', 'postgres'),
      '--interval',
      '200ms',
      '--duration',
      '1s',
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const { samples, summary } = parse(r.stdout);
    assert.ok(samples.length >= 3, `samples: ${samples.length}`);
    // One login to read the pooler when the session starts, one for the whole run: none per sample.
    assert.equal((await consoleLogins()) - loginsBefore, 2, await bouncer.logTail(40));
    const parts = samples.map(read);
    assert.ok(
      parts.every((p) => p !== undefined),
      `every sample read the console: ${JSON.stringify(samples.map((s) => s.pooler))}`,
    );
    const seen = parts.filter((p) => p !== undefined);
    assert.ok(
      seen.every((p) => p.clientsWaiting >= 1),
      `clients waiting: ${seen.map((p) => p.clientsWaiting).join(', ')}`,
    );
    const waits = seen.map((p) => p.maxWaitMs);
    assert.ok(
      waits.every((w, i) => i === 0 || w > (waits[i - 1] ?? 0)),
      `the oldest wait grows: ${waits.join(', ')}`,
    );
    const first = seen[0];
    const last = seen[seen.length - 1];
    assert.ok(first && last && last.maxWaitMs - first.maxWaitMs >= 400, `waits: ${waits.join(', ')}`);
    // appdb's pool (1, held) and postgres's (1, pooltune's): the held one is busy.
    assert.ok((last?.servers.active ?? 0) >= 1);
    assert.equal(last?.poolSize, 2);
    assert.ok((last?.poolUsePercent ?? 0) >= 50);
    assert.ok(
      seen.every((p) => p.window !== null),
      'each sample has the totals since the one before',
    );

    const p = summary.stats?.pooler;
    assert.ok(p, 'the summary has the pooler');
    assert.equal(p.samples, samples.length);
    assert.equal(p.lostSamples, 0);
    assert.ok(p.clientsWaiting.peak >= 1);
    assert.equal(p.clientsWaiting.samples, samples.length);
    assert.equal(p.maxWait.peakMs, last?.maxWaitMs);

    const peak = summary.findings?.find((f) => f.id === 'pooler-queue-peak');
    assert.equal(peak?.severity, 'warning', JSON.stringify(summary.findings));
    assert.match(peak?.title ?? '', /queued in PgBouncer for a server connection .*\(poor\)/);
    const waiting = summary.findings?.find((f) => f.id === 'pooler-clients-waiting');
    assert.equal(waiting?.severity, 'warning', JSON.stringify(waiting));
    assert.match(waiting?.title ?? '', /still waiting in PgBouncer's queue at the end of/);
    assert.match(waiting?.observed ?? '', /1 waiting at the end/);
  });

  it('shows the pooler in each sample line and in the summary', async () => {
    const r = await runCli([
      'monitor',
      '--db',
      bouncer.url('postgres', 'postgres'),
      '--interval',
      '200ms',
      '--duration',
      '600ms',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter((line) => /^\d\d:\d\d:\d\d\.\d · /.test(line));
    assert.ok(lines.length >= 2, r.stdout);
    for (const line of lines)
      assert.match(line, / · pooler 1 waiting \(oldest [\d.]+ ?(ms|s)\), servers \d+ active, \d+ idle/);
    assert.match(r.stdout, /pooler queue +peak 1 waiting at \d\d:\d\d:\d\d UTC/);
    assert.match(r.stdout, /pool use +peak \d+ % of 2 server connections/);
    assert.match(r.stdout, /Up to 1 client queued in PgBouncer/);
  });
});

describe("monitor when the pooler's console goes away mid-run", () => {
  let server: TestServer;
  let bouncer: TestPgBouncer;
  before(async () => {
    server = await startServer({ version: 15 });
    bouncer = await startPgBouncer(server, { poolMode: 'transaction' });
  });
  after(async () => {
    await bouncer?.stop();
    await server?.stop();
  });

  it('goes on with the server: later samples say the pooler was lost, and the run ends as usual', async () => {
    // The server directly, the pooler named: stopping PgBouncer takes the console, not monitor's session.
    const { child, output } = startCli([
      'monitor',
      '--db',
      server.url(),
      '--pooler',
      bouncer.adminUrl(),
      '--interval',
      '200ms',
      '--duration',
      '2s',
      '--format',
      'json',
    ]);
    let seen = '';
    child.stdout.on('data', (chunk: Buffer | string) => (seen += chunk.toString()));
    await waitFor(
      'two samples with the pooler read',
      () => (seen.match(/"status":"read"/g) ?? []).length >= 2,
      {
        unless: output,
      },
    );
    await bouncer.stop();
    const r = await output;

    assert.equal(r.code, 0, r.stderr);
    const { samples, summary } = parse(r.stdout);
    assert.equal(summary.run?.stoppedBy, 'duration');
    assert.equal(summary.exitCode, 0);
    const firstLost = samples.findIndex((s) => s.pooler?.status === 'lost');
    assert.ok(firstLost >= 2, JSON.stringify(samples.map((s) => s.pooler?.status)));
    assert.ok(
      samples.slice(firstLost).every((s) => s.pooler?.status === 'lost'),
      'lost until the end: PgBouncer is not coming back',
    );
    const lost = samples[firstLost]?.pooler;
    assert.match(lost?.status === 'lost' ? lost.reason : '', /127\.0\.0\.1/);
    // The server was sampled all along, without an error line.
    assert.ok(samples.length - firstLost >= 2, `samples: ${samples.length}, lost from ${firstLost}`);
    assert.equal(r.stderr, '');
    const p = summary.stats?.pooler;
    assert.equal(p?.lostSamples, samples.length - firstLost);
    assert.ok((p?.samples ?? 0) >= 2);
    const peak = summary.findings?.find((f) => f.id === 'pooler-queue-peak');
    assert.match(peak?.observed ?? '', /PgBouncer's console did not answer in \d+ of \d+ readings/);
    assert.equal(await pooltuneSessionsLeft(server), 0);
  });
});
