import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/postgres.js';

interface HealthJson {
  exitCode: number;
  metrics: {
    acquisition: {
      poolSize: number;
      callers: number;
      waits: { meanMs: number };
      coldStart: { connects: number; medianMs: number } | null;
    } | null;
  };
  findings: { id: string; severity: string; title: string }[];
}

/**
 * issue 13, point 11: the acquisition verdict used to come from a pool of N driven by N workers, where no
 * caller can ever wait. With more callers than connections it measures waits that a slow query causes.
 */
describe('health: the acquisition verdict can fail', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ version: 18 });
  });
  after(() => server?.stop());

  const run = async (extra: string[]) => {
    const r = await runCli(['health', '--db', server.url(), '--duration', '1s', '--json', ...extra]);
    return { r, report: JSON.parse(r.stdout) as HealthJson };
  };

  it('a query that holds its connection 20ms, shared by twice as many callers: poor, a warning', async () => {
    const { r, report } = await run([
      '--query',
      'select pg_sleep(0.02)',
      '--samples',
      '5',
      '--warmup',
      '100ms',
    ]);
    const acquisition = report.metrics.acquisition;
    assert.equal(acquisition?.poolSize, 4, r.stderr);
    assert.equal(acquisition.callers, 8);
    assert.ok(
      acquisition.waits.meanMs > 10,
      `callers waited about a query each: ${acquisition.waits.meanMs}ms`,
    );
    assert.equal(acquisition.coldStart?.connects, 4, "the cold pool's connects are kept apart");
    const wait = report.findings.find((f) => f.id === 'acquisition-wait');
    assert.equal(wait?.severity, 'warning');
    assert.match(
      wait?.title ?? '',
      /^With 8 callers sharing a pool of 4, getting a connection took .*: poor$/,
    );
  });

  it('the default probe of an idle server still reads well', async () => {
    const { r, report } = await run([]);
    assert.equal(r.code, 0, r.stderr);
    const wait = report.findings.find((f) => f.id === 'acquisition-wait');
    assert.equal(wait?.severity, 'ok', wait?.title);
    assert.match(wait?.title ?? '', /: (excellent|good)$/);
  });
});
