import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { monitorChecks, poolerChecks, runChecks } from '../../src/core/checks/index.js';
import {
  poolerNow,
  poolerSampleFrom,
  poolOf,
  withoutOwnUse,
  type PoolerReading,
  type PoolerSample,
} from '../../src/core/monitor/pooler-sample.js';
import { summarisePooler } from '../../src/core/monitor/pooler-summary.js';
import { summariseSamples } from '../../src/core/monitor/summary.js';
import type { MonitorSample } from '../../src/core/monitor/sample.js';
import { poolerWindow } from '../../src/core/pooler/window.js';
import { documentOf } from '../../src/report/documents/index.js';
import { renderJson } from '../../src/report/formats/json.js';
import { renderMonitorSampleLine } from '../../src/report/monitor-json.js';
import { renderLiveView, renderSampleLine } from '../../src/report/monitor-text.js';
import { plainStyle } from '../../src/report/style.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { poolerDatabase, poolerFacts, poolerPool, poolerStats } from '../helpers/pooler-facts.js';
import { pooledMonitorReport, pooledMonitorSamples } from './documents-fixtures.js';

const Ajv = Ajv2020.default;

/** Two entries (appdb pool 4, reports pool 2): the console at a reading with `waiting` clients queued on appdb. */
function facts(xacts: number, waitMs: number, waiting = 0, maxWaitMs = 0) {
  return poolerFacts({
    databases: [poolerDatabase('appdb', { poolSize: 4 }), poolerDatabase('reports', { poolSize: 2 })],
    pools: [
      poolerPool('appdb', 'app', {
        clientsWaiting: waiting,
        maxWaitMs,
        serversActive: waiting > 0 ? 4 : 1,
        serversIdle: waiting > 0 ? 0 : 2,
      }),
      poolerPool('reports', 'app', { serversActive: 1, serversLogin: 1, serversUsed: 1 }),
    ],
    stats: [
      poolerStats('appdb', { totalXactCount: xacts, totalWaitTimeMs: waitMs }),
      poolerStats('reports', { totalXactCount: 10 }),
    ],
  });
}

const answered = (at: number, f = facts(0, 0)) => ({ at, facts: f }) as const;

describe("monitor's pooler sample", () => {
  it('sums the queue and the servers over every pool, and their use of the pools’ sizes', () => {
    const now = poolerNow(facts(0, 0, 3, 850.25));
    assert.deepEqual(
      {
        waiting: now.clientsWaiting,
        max: now.maxWaitMs,
        servers: now.servers,
        size: now.poolSize,
        use: now.poolUsePercent,
      },
      { waiting: 3, max: 850.3, servers: { active: 5, idle: 0, used: 1, login: 1 }, size: 6, use: 100 },
    );
    assert.equal(poolerNow(facts(0, 0)).poolUsePercent, 50, '(1 + 1 + 1 login) of 6');
  });

  it("leaves out the server connection pooltune's own session holds in session mode", () => {
    const f = facts(0, 0);
    assert.equal(poolerNow(f, poolOf(f, 'appdb', 'app')).servers.active, 1);
    assert.equal(poolerNow(f, { database: 'appdb', user: 'other' }).servers.active, 2);
    const forced = poolerFacts({ databases: [poolerDatabase('appdb', { forceUser: 'svc' })] });
    assert.deepEqual(poolOf(forced, 'appdb', 'me'), { database: 'appdb', user: 'svc' });
  });

  it('has no pool use when a pool has no size cap (pool_size 0 on 1.24+)', () => {
    const uncapped = poolerFacts({
      version: '1.24.1',
      databases: [poolerDatabase('appdb', { poolSize: 0 })],
      pools: [poolerPool('appdb', 'app', { serversActive: 3 })],
    });
    assert.deepEqual([poolerNow(uncapped).poolSize, poolerNow(uncapped).poolUsePercent], [null, null]);
  });

  it("gives PgBouncer's totals since the last answer: transactions per second and the wait per checkout", () => {
    const sample = poolerSampleFrom(answered(1000, facts(100, 20)), answered(1500, facts(300, 120, 1, 40)));
    assert.equal(sample.status, 'read');
    if (sample.status !== 'read') return;
    assert.deepEqual(sample.window, {
      windowMs: 500,
      transactions: 200,
      transactionsPerSecond: 400,
      waitMs: 100,
      assignments: null,
      waitPerCheckoutMs: 0.5,
    });
    assert.equal(poolerSampleFrom(undefined, answered(1500)).status === 'read', true);
    assert.equal((poolerSampleFrom(undefined, answered(1500)) as { window: unknown }).window, null);
  });

  it("takes pooltune's own transactions through the pooler out of the totals", () => {
    const sample = poolerSampleFrom(answered(1000, facts(100, 20)), answered(1500, facts(106, 20)), {
      transactions: 3,
      assignments: 3,
    });
    assert.equal(sample.status === 'read' ? sample.window?.transactions : null, 3);
    const v123 = (xacts: number, assignments: number, waitMs: number) =>
      poolerFacts({
        version: '1.23.1',
        stats: [
          poolerStats('appdb', {
            totalXactCount: xacts,
            totalServerAssignmentCount: assignments,
            totalWaitTimeMs: waitMs,
          }),
        ],
      });
    const window = poolerWindow(v123(0, 0, 0), v123(13, 13, 50), 1000);
    const others = withoutOwnUse(window, { transactions: 3, assignments: 3 });
    assert.deepEqual(
      [others.transactions, others.assignments, others.waitPerCheckoutMs],
      [10, 10, 5],
      "50 ms over the others' 10 checkouts",
    );
    assert.equal(withoutOwnUse(window, { transactions: 20, assignments: 20 }).waitPerCheckoutMs, null);
  });

  it('says the console was lost, with why', () => {
    const lost: PoolerReading = { at: 2000, lost: 'lost the connection to 127.0.0.1:6432' };
    assert.deepEqual(poolerSampleFrom(answered(1000), lost), {
      status: 'lost',
      reason: 'lost the connection to 127.0.0.1:6432',
    });
  });
});

/** A quiet server's sample at second `second` of the run, with the pooler's part given. */
const sampled = (second: number, pooler: PoolerSample): MonitorSample => ({
  seq: second,
  at: `2026-12-02T12:00:0${second}.000Z`,
  elapsedMs: second * 1000,
  clients: 1,
  usableSlots: 100,
  utilisationPercent: 1,
  byState: { active: 0, idle: 1, idleInTransaction: 0, other: 0, unknown: 0 },
  oldestIdleInTransactionSeconds: null,
  longestQuerySeconds: null,
  waitingOnLocks: 0,
  churn: null,
  transactions: null,
  pooler,
});

describe("monitor's pooler summary", () => {
  const readings = [
    answered(0, facts(0, 0)),
    answered(1000, facts(100, 10, 2, 30)),
    answered(2000, facts(200, 10, 4, 1200)),
    answered(3000, facts(400, 2010)),
  ];
  const samples = readings.slice(1).map((r, i) => sampled(i + 1, poolerSampleFrom(readings[i], r)));

  it('keeps the peak queue, the longest wait and when, the mean wait per checkout and the fullest pools', () => {
    const s = summarisePooler([
      ...samples,
      sampled(4, { status: 'lost', reason: 'console gone' }),
      sampled(5, { status: 'lost', reason: 'still gone' }),
    ]);
    assert.ok(s);
    assert.deepEqual(s.clientsWaiting, { peak: 4, peakAt: '2026-12-02T12:00:02.000Z', samples: 2 });
    assert.deepEqual(s.maxWait, { peakMs: 1200, peakAt: '2026-12-02T12:00:02.000Z' });
    // 2010 ms waited over 400 transactions.
    assert.equal(s.waitPerCheckoutMs, 5.025);
    assert.equal(s.transactions, 400);
    assert.equal(s.transactionsPerSecond, 133.3);
    assert.deepEqual(s.poolUse, {
      peakPercent: 100,
      peakAt: '2026-12-02T12:00:01.000Z',
      poolSize: 6,
      fullestPool: { pool: 'appdb/app', percent: 100, at: '2026-12-02T12:00:01.000Z' },
    });
    assert.deepEqual(
      [s.samples, s.lostSamples, s.firstLostAt, s.lostReason],
      [3, 2, '2026-12-02T12:00:04.000Z', 'still gone'],
    );
  });

  it('is left out of a run that watched no pooler', () => {
    assert.equal(summarisePooler([{ at: 'x' }]), undefined);
    const none = summariseSamples([], 1000);
    assert.equal('pooler' in none, false);
  });

  /** The findings of a run whose samples carry these pooler parts. */
  const judged = (parts: readonly MonitorSample[]) => {
    const summary = summariseSamples(parts, 1000);
    return runChecks([monitorChecks], {
      monitor: {
        summary,
        context: {
          role: 'app',
          canSeeOthers: true,
          hasSessionCounters: true,
          idleInTransactionThresholdMs: 30_000,
          sessionSettings: {
            idleInTransactionTimeoutMs: null,
            statementTimeoutMs: null,
            lockTimeoutMs: null,
            hasTransactionTimeout: false,
          },
        },
        worstSessions: {},
      },
    }).findings.find((f) => f.id === 'pooler-queue-peak');
  };

  it("judges the peak queue with the guide's acquisition thresholds, saying when", () => {
    const poor = judged(samples);
    assert.equal(poor?.severity, 'warning');
    assert.match(
      poor?.title ?? '',
      /^Up to 4 clients queued in PgBouncer for a server connection \(at 12:00:02 UTC\), the longest wait seen 1200 ms \(poor\)/,
    );
    assert.match(poor?.observed ?? '', /clients queued in 2 of 3 readings: at most 4 at 12:00:02 UTC/);
    assert.match(poor?.observed ?? '', /peaked at 100 % of the pools' 6 at 12:00:01 UTC/);

    const good = judged([sampled(1, poolerSampleFrom(readings[0], answered(1000, facts(1, 0, 1, 5))))]);
    assert.equal(good?.severity, 'info');
    assert.match(good?.title ?? '', /Up to 1 client queued .* 5 ms \(good\)/);

    const calm = judged([sampled(1, poolerSampleFrom(readings[0], answered(1000, facts(1, 0))))]);
    assert.equal(calm?.severity, 'ok');
    assert.match(calm?.title ?? '', /No client queued in PgBouncer .* at any of 1 reading$/);
  });

  it('says when the console did not answer', () => {
    const lostAll = judged([sampled(1, { status: 'lost', reason: 'connection refused' })]);
    assert.equal(lostAll?.severity, 'info');
    assert.match(lostAll?.title ?? '', /did not answer at any of 1 reading/);
    assert.match(lostAll?.observed ?? '', /first at 12:00:01 UTC \(connection refused\)/);
    const some = judged([...samples, sampled(4, { status: 'lost', reason: 'gone' })]);
    assert.match(some?.observed ?? '', /did not answer in 1 of 4 readings/);
  });

  it('no finding without a pooler', () => {
    assert.equal(judged([]), undefined);
  });
});

describe("the run's window judged by pooler-clients-waiting", () => {
  it('rests on the queue at the end when no wait has ended yet', () => {
    const before = facts(100, 0);
    const after = facts(100, 0, 1, 1500);
    const finding = runChecks([poolerChecks], {
      pooler: {
        facts: after,
        instances: 1,
        services: [],
        window: poolerWindow(before, after, 1000),
      },
    }).findings.find((f) => f.id === 'pooler-clients-waiting');
    assert.equal(finding?.severity, 'warning');
    assert.match(
      finding?.title ?? '',
      /^1 client still waiting in PgBouncer's queue at the end of 1s, the oldest for 1500 ms \(poor\)/,
    );
  });
});

describe("a monitor run's pooler in the JSON output", () => {
  const compile = (file: string) =>
    new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(
      JSON.parse(readFileSync(`${REPO_ROOT}schemas/${file}`, 'utf8')) as object,
    );

  it('samples (read and lost) and the summary are accepted by their schemas', () => {
    // The sample lines as monitor writes them while it runs, then the report's summary line.
    const lines = [
      ...pooledMonitorSamples().map(renderMonitorSampleLine),
      renderJson(documentOf(pooledMonitorReport()), '0.0.0-test'),
    ]
      .join('')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; pooler?: { status: string } });
    const sample = compile('monitor-sample.schema.json');
    const report = compile('report.schema.json');
    const samples = lines.slice(0, -1);
    assert.deepEqual(
      samples.map((s) => s.pooler?.status),
      ['read', 'read', 'read', 'read', 'lost'],
    );
    for (const s of samples) assert.ok(sample(s), JSON.stringify(sample.errors));
    assert.ok(report(lines[lines.length - 1]), JSON.stringify(report.errors));
    assert.ok(!sample({ ...samples[0], pooler: { status: 'lost' } }), 'a lost console says why');
  });
});

describe("monitor's live output beside a pooler", () => {
  const samples = pooledMonitorSamples();
  const heading = {
    target: 't',
    serverVersion: '17.1',
    pooler: null,
    intervalMs: 1000,
    durationMs: null,
    usableSlots: 100,
  };

  it("each sample line ends with the pooler's queue, servers and totals, or says the console was lost", () => {
    const [, second, third, , fifth] = samples;
    assert.ok(second && third && fifth);
    assert.match(
      renderSampleLine(second, plainStyle),
      / · pooler 1 waiting \(oldest 2 ms\), servers 4 active, 0 idle, 0 used, 0 login of 4 \(100 %\), fullest pool appdb\/app 100 %, 200\.0 tps, 0\.3 ms wait per checkout\n$/,
    );
    assert.match(
      renderSampleLine(fifth, plainStyle),
      / · pooler console lost: lost the connection to PgBouncer at db\.internal:6432\n$/,
    );
  });

  it('the live view has a pooler line with the worst queue so far', () => {
    const view = (upTo: number) =>
      renderLiveView(
        heading,
        samples.slice(0, upTo),
        summariseSamples(samples.slice(0, upTo), 1000),
        plainStyle,
        200,
      );
    const pooler = (lines: string[]) => lines.find((line) => line.startsWith('pooler'));
    assert.match(
      pooler(view(4)) ?? '',
      /^pooler +0 waiting \(peak 3 waiting, longest wait 40 ms\) · servers 2 active, 2 idle, 0 used, 0 login of 4 \(50 %\), fullest pool appdb\/app 50 % · 200\.0 tps/,
    );
    assert.match(pooler(view(5)) ?? '', /^pooler +console lost: lost the connection .* \(peak 3 waiting/);
    assert.equal(pooler(renderLiveView(heading, [], summariseSamples([], 1000), plainStyle, 200)), undefined);
  });
});
