// Fixed reports of every command, for the golden snapshots and the format-agreement test: no clock, no
// terminal, no server; every number is written here or computed from numbers written here.
import type { Load } from '../../src/core/bench/load.js';
import { measureFleet, splitLoad } from '../../src/core/bench/fleet.js';
import { measure, RequestLog } from '../../src/core/bench/measurement.js';
import { poolUnderTest } from '../../src/core/bench/pool.js';
import { modelFor } from '../../src/core/bench/prediction.js';
import {
  benchChecks,
  GUIDE_CHECK_SETTINGS,
  healthChecks,
  monitorChecks,
  runChecks,
  serverChecks,
  sessionChecks,
  standbyChecks,
  standbyObservation,
} from '../../src/core/checks/index.js';
import { exitCodeFor } from '../../src/core/exit-codes.js';
import type { Finding, IgnoredFinding, Skipped } from '../../src/core/findings.js';
import type { HealthMetrics } from '../../src/core/health/metrics.js';
import {
  sampleFrom,
  transactionsIn,
  type MonitorReading,
  type MonitorSample,
} from '../../src/core/monitor/sample.js';
import { summariseSamples } from '../../src/core/monitor/summary.js';
import { historyOf } from '../../src/core/monitor/history.js';
import { poolerSampleFrom, type PoolerReading } from '../../src/core/monitor/pooler-sample.js';
import { recommendPool } from '../../src/core/sizing.js';
import { recommendPoolFromTraffic } from '../../src/core/traffic-sizing.js';
import type { BenchReport, BenchRunReport } from '../../src/report/bench-report.js';
import type { CheckServerReport } from '../../src/report/check-server-report.js';
import { EMITTER_BY_NAME } from '../../src/report/emit/index.js';
import type { HealthReport } from '../../src/report/health-report.js';
import type { MonitorReport } from '../../src/report/monitor-report.js';
import type { PreflightReport } from '../../src/report/preflight-report.js';
import type { RecommendReport } from '../../src/report/recommend-report.js';
import { MANAGED_ROLE, plan, replayFacts, serverFacts } from '../helpers/facts.js';
import { PRIMARY_ALONE, type TopologyFacts } from '../../src/core/topology/facts.js';
import { withApplyOrder } from '../../src/core/topology/order.js';
import { poolerDatabase, poolerFacts, poolerPool, poolerStats } from '../helpers/pooler-facts.js';
import { roster, sessionRef } from '../helpers/sessions.js';
import { sessionSettingsFrom } from '../../src/core/sessions/settings.js';
import { builtinPreset } from '../helpers/presets.js';

const TARGET = 'app@db.internal:5432/orders';
const flag = <T>(value: T) => ({ value, source: 'flag' as const });
const gate = (findings: readonly Finding[]) => exitCodeFor(findings, 'critical');

/** 100 concurrent requests against 50 slots: a capped pool, a critical finding with a fix and hints. */
export function recommendReport(): RecommendReport {
  const budget = { maxConnections: 50, reservedConnections: 0, otherConnections: 0, source: 'flag' as const };
  const { recommendation, findings } = recommendPool({
    preset: builtinPreset('oltp'),
    concurrency: 100,
    instances: 1,
    budget,
  });
  return {
    command: 'recommend',
    target: null,
    serverVersion: null,
    inputs: {
      workload: flag('oltp'),
      workloadOrigin: 'oltp',
      concurrency: flag(100),
      instances: flag(1),
      serverMaxConnections: flag(50),
      reservedConnections: { value: 0, source: 'default' },
      otherConnections: { value: 0, source: 'default' },
    },
    recommendation,
    emitted: EMITTER_BY_NAME.sqlx({ workload: 'oltp', pool: recommendation.pool }),
    findings,
    skipped: [],
    failOn: 'critical',
    exitCode: gate(findings),
  };
}

/** 10 instances × 30 concurrent requests through a transaction-mode PgBouncer admitting 200 clients. */
export function pooledRecommendReport(): RecommendReport {
  const budget = {
    maxConnections: 100,
    reservedConnections: 3,
    otherConnections: 0,
    source: 'flag' as const,
  };
  const pooler = { mode: 'transaction' as const, maxClientConn: 200 };
  const { recommendation, findings } = recommendPool({
    preset: builtinPreset('oltp'),
    concurrency: 30,
    instances: 10,
    budget,
    pooler,
  });
  return {
    command: 'recommend',
    target: null,
    serverVersion: null,
    inputs: {
      workload: flag('oltp'),
      workloadOrigin: 'oltp',
      concurrency: flag(30),
      instances: flag(10),
      serverMaxConnections: { value: 100, source: 'default' },
      reservedConnections: { value: 3, source: 'default' },
      otherConnections: { value: 0, source: 'default' },
      behindPooler: flag('transaction'),
    },
    recommendation,
    emitted: EMITTER_BY_NAME['node-postgres']({
      workload: 'oltp',
      pool: recommendation.pool,
      behindPooler: 'transaction',
      role: 'orders',
    }),
    findings,
    skipped: [],
    failOn: 'critical',
    exitCode: gate(findings),
  };
}

/** 200 requests a second held 20 ms, measured on a server: the traffic sections. */
export function trafficRecommendReport(): RecommendReport {
  const budget = {
    maxConnections: 100,
    reservedConnections: 3,
    otherConnections: 4,
    source: 'server' as const,
  };
  const result = recommendPoolFromTraffic(
    { preset: builtinPreset('oltp'), instances: 2, budget },
    { ratePerSecond: 400, holdMs: 20, targetWaitMs: 10, targetPercentile: 99 },
  );
  const server = <T>(value: T) => ({ value, source: 'server' as const });
  return {
    command: 'recommend',
    target: TARGET,
    serverVersion: '17.1',
    topology: PRIMARY_ALONE,
    inputs: {
      workload: flag('oltp'),
      workloadOrigin: 'oltp',
      concurrency: null,
      instances: flag(2),
      serverMaxConnections: server(100),
      reservedConnections: server(3),
      otherConnections: server(4),
    },
    recommendation: result.recommendation,
    traffic: {
      sizing: result.traffic,
      rateSource: 'measured',
      holdSource: 'measured',
      targetSource: 'default',
      measured: {
        database: 'orders',
        requestedMs: 60_000,
        windowMs: 30_000,
        stoppedEarly: true,
        transactions: 12_000,
        ownTransactions: 31,
        ratePerSecond: 400,
        busyConnections: 8,
        activeConnections: 6,
        idleInTransactionConnections: 2,
        holdMs: 20,
        caveats: ['Measured over 30s only: a longer window evens out bursts.'],
      },
    },
    emitted: EMITTER_BY_NAME['node-postgres']({ workload: 'oltp', pool: result.recommendation.pool }),
    findings: result.findings,
    skipped: [],
    failOn: 'critical',
    exitCode: gate(result.findings),
  };
}

const ignoredFinding: IgnoredFinding = {
  finding: { id: 'plan-fleet', severity: 'warning', title: 'The fleet is large', subject: 'api' },
  reason: 'the api scales down at night',
};

/** A server with no statement timeout that a role cannot see whole, one finding ignored by the plan. */
export function checkServerReport(): CheckServerReport {
  const facts = serverFacts({
    settings: { statement_timeout: 0, max_connections: 200 },
    activity: { canSeeOthers: false, clientBackends: 12 },
    // What a role without pg_read_all_stats sees of another role's lock wait: who, not what.
    sessions: roster(
      [
        sessionRef({
          pid: 4711,
          role: 'etl',
          application: 'nightly-load',
          clientAddress: null,
          state: null,
          transactionSeconds: null,
          querySeconds: null,
          stateSeconds: null,
          waitEvent: null,
          waitingOnLock: true,
          lockWaitSeconds: 20,
          blockedBy: [4702],
        }),
      ],
      false,
    ),
  });
  const serverPlan = plan({ poolMax: 40, instances: 3 });
  const { findings, skipped } = runChecks([serverChecks, sessionChecks], {
    server: { facts, plan: serverPlan },
    sessions: {
      role: facts.currentRole,
      roster: facts.sessions,
      settings: sessionSettingsFrom(facts),
      idleInTransactionId: 'idle-in-transaction-sessions',
    },
  });
  return {
    command: 'check-server',
    target: TARGET,
    serverVersion: facts.serverVersion,
    topology: facts.topology,
    server: {
      role: 'app',
      database: 'orders',
      maxConnections: 200,
      reservedConnections: 3,
      usableSlots: 197,
      clientConnections: 12,
      canSeeOtherSessions: false,
    },
    plan: serverPlan,
    findings,
    skipped,
    ignored: [ignoredFinding],
    failOn: 'critical',
    exitCode: gate(findings),
  };
}

/** A hot standby whose replay paused (its max_connections fell below the primary's), 45s behind. */
export const PAUSED_STANDBY: TopologyFacts = {
  role: 'standby',
  systemIdentifier: '7714218979059478808',
  replay: replayFacts({
    pauseState: 'paused',
    receiveLsn: '0/3016138',
    replayLsn: '0/3016100',
    lagBytes: 56,
    lagSeconds: 45,
  }),
  standbys: [],
  canReadReplication: true,
};

/**
 * check-server on that standby with a fleet too big for it: replay paused and behind, queries cancelled by
 * replay before the workload's timeout, and a max_connections fix that says to raise the standby first.
 */
export function standbyCheckServerReport(): CheckServerReport {
  const facts = serverFacts({
    settings: {
      max_connections: 100,
      statement_timeout: 60_000,
      max_standby_streaming_delay: 30_000,
      max_standby_archive_delay: 30_000,
    },
    topology: PAUSED_STANDBY,
  });
  const withFeedback = new Map(facts.settings).set('hot_standby_feedback', {
    name: 'hot_standby_feedback',
    setting: 'off',
    unit: null,
    source: 'default',
    context: 'sighup',
    pendingRestart: false,
  });
  const standbyFacts = { ...facts, settings: withFeedback };
  const serverPlan = plan({ poolMax: 40, instances: 3 });
  const checked = runChecks([serverChecks, standbyChecks], {
    server: { facts: standbyFacts, plan: serverPlan },
    standby: standbyObservation(standbyFacts, 60_000),
  });
  const findings = withApplyOrder(checked.findings, standbyFacts);
  return {
    command: 'check-server',
    target: 'app@replica.internal:5432/orders',
    serverVersion: facts.serverVersion,
    topology: facts.topology,
    server: {
      role: 'app',
      database: 'orders',
      maxConnections: 100,
      reservedConnections: 3,
      usableSlots: 97,
      clientConnections: 0,
      canSeeOtherSessions: true,
    },
    plan: serverPlan,
    findings,
    skipped: checked.skipped,
    ignored: [],
    failOn: 'critical',
    exitCode: gate(findings),
  };
}

const latency = (p50Ms: number, p99Ms: number, count: number) => ({
  count,
  meanMs: p50Ms * 1.1,
  p50Ms,
  p95Ms: (p50Ms + p99Ms) / 2,
  p99Ms,
  maxMs: p99Ms * 2,
});

export function healthMetrics(): HealthMetrics {
  return {
    connectivity: { samples: 5, medianMs: 4.25, maxMs: 12.5 },
    acquisition: {
      poolSize: 4,
      callers: 8,
      coldStart: { connects: 4, medianMs: 4.5, maxMs: 6.25 },
      requestedPoolSize: 4,
      durationMs: 5000,
      acquisitions: 1800,
      waits: latency(0.12, 48.5, 1800),
      timeouts: 3,
      errors: 0,
      errorCodes: {},
      exhaustedSamples: 7,
    },
    queryLatency: { query: 'SELECT 1', latency: latency(0.4, 2.75, 600), warmupSamples: 20, timedOut: false },
    utilisation: {
      role: 'app',
      usableSlots: 97,
      maxConnections: 100,
      reservedSlots: 3,
      otherClients: 81,
      utilisationPercent: 84,
      canSeeOthers: true,
      active: 30,
      idle: 45,
      idleInTransaction: 6,
      waitingOnLocks: 0,
      longestActiveSeconds: 2,
      longestIdleSeconds: 600,
      longestIdleInTransactionSeconds: 400,
      idleInTransactionTimeoutMs: 0,
    },
    churn: { windowMs: 5000, newSessions: 60, newSessionsPerSecond: 12, abandoned: 1, fatal: 0, killed: 0 },
  };
}

/** A busy server: utilisation over the line, sessions idle in transaction, a pool that waited. */
export function healthReport(): HealthReport {
  const metrics = healthMetrics();
  const idle = [400, 390, 380, 370, 360, 350, 340].map((age, i) =>
    sessionRef({ pid: 5001 + i, stateSeconds: age, transactionSeconds: age + 1, querySeconds: age + 1 }),
  );
  const { findings, skipped } = runChecks([healthChecks, sessionChecks], {
    health: metrics,
    sessions: {
      role: 'app',
      roster: roster(idle),
      settings: sessionSettingsFrom(serverFacts({ settings: { idle_in_transaction_session_timeout: 0 } })),
      idleInTransactionId: 'idle-in-transaction',
    },
  });
  const schemaSkipped: Skipped = {
    id: 'schema-migrations',
    reason: 'no _sqlx_migrations table',
    enableWith: '--schema schema.json',
  };
  return {
    command: 'health',
    target: TARGET,
    serverVersion: '17.1',
    topology: PRIMARY_ALONE,
    metrics,
    probe: {
      wallMs: 6400,
      durationMs: 5000,
      samples: 5,
      query: 'SELECT 1',
      requestedConnections: 4,
      peakConnections: 5,
    },
    schema: null,
    findings,
    skipped: [...skipped, schemaSkipped],
    failOn: 'critical',
    exitCode: gate(findings),
  };
}

/** Two services that need more than the server has, plus a health probe's metrics. */
export function preflightReport(): PreflightReport {
  const metrics = healthMetrics();
  const findings: Finding[] = [
    {
      id: 'plan-fleet',
      severity: 'critical',
      title: 'The plan needs 320 connections but the server has 97 usable slots',
      observed: '2 services × their instances × pool max = 320',
      expected: 'at most 77 (80 % of the usable slots)',
      fix: { sql: ['ALTER SYSTEM SET max_connections = 420;'], restart: true },
    },
    {
      id: 'statement-timeout-disabled',
      severity: 'warning',
      title: 'No statement timeout',
      observed: 'statement_timeout = 0',
      expected: '30s',
      fix: { sql: ["ALTER ROLE app SET statement_timeout = '30s';"], reload: true },
    },
    ...runChecks([healthChecks], { health: metrics }).findings.filter((f) => f.id !== 'server-utilisation'),
  ];
  return {
    command: 'preflight',
    target: TARGET,
    serverVersion: '17.1',
    topology: PRIMARY_ALONE,
    configFile: 'pooltune.config.json',
    plan: [
      { service: 'api', workload: 'oltp', instances: 6, poolMax: 40, total: 240 },
      { service: 'worker', workload: 'batch', instances: 4, poolMax: 20, total: 80 },
    ],
    server: { maxConnections: 100, reservedSlots: 3, usableSlots: 97, heldNow: 81 },
    metrics,
    findings,
    skipped: [],
    ignored: [{ ...ignoredFinding, finding: { ...ignoredFinding.finding, id: 'pool-too-large' } }],
    failOn: 'critical',
    exitCode: gate(findings),
  };
}

const openLoad: Load = {
  arrivals: { kind: 'open', ratePerSecond: 400 },
  work: { kind: 'hold', holdMs: 5, distribution: 'exp' },
  durationMs: 1000,
  warmupMs: 0,
};

function benchRun(max: number, acquireMs: number, timeouts: number): BenchRunReport {
  const log = new RequestLog();
  for (let i = 0; i < 400; i++) log.add(0.5, acquireMs, 6, acquireMs > 1);
  log.timeouts = timeouts;
  const measurement = measure({
    log,
    windowMs: 1000,
    offeredPerSecond: 400,
    scheduled: 400 + timeouts,
    samples: [{ atMs: 250, total: max, idle: 0, waiting: 2 }],
    cpuMicros: 8000,
    eventLoopUtilisation: 0.3,
  });
  const pool = poolUnderTest(`--pool-max ${max}`, 'flags', undefined, {
    maxConnections: max,
    acquireTimeoutMs: 50,
  });
  return {
    pool,
    measurement,
    model: modelFor(measurement, pool, openLoad),
    findings: runChecks([benchChecks], { bench: { measurement, pool, load: openLoad } }).findings,
    stoppedEarly: false,
    peakConnections: max + 1,
  };
}

/** A pool of 2 that times out often, compared with a pool of 4 that times out now and then, under an open load. */
export function benchReport(): BenchReport {
  const runs = [benchRun(2, 12, 40), benchRun(4, 3, 2)];
  const findings = runs[0]?.findings ?? [];
  return {
    command: 'bench',
    target: TARGET,
    serverVersion: '17.1',
    topology: PRIMARY_ALONE,
    load: openLoad,
    runs,
    findings,
    skipped: [],
    failOn: 'critical',
    exitCode: gate(findings),
    stoppedBy: null,
  };
}

/** bench --instances 2: two pools of 2 sharing 400/s; the second instance waited more. */
export function benchFleetReport(): BenchReport {
  const pool = poolUnderTest('--pool-max 2 --instances 2', 'flags', undefined, {
    maxConnections: 2,
    acquireTimeoutMs: 50,
  });
  const loads = splitLoad(openLoad, 2);
  const inputs = [2, 5].map((acquireMs) => {
    const log = new RequestLog();
    for (let i = 0; i < 200; i++) log.add(0.5, i % 4 === 0 ? acquireMs : 0.01, 4, i % 4 === 0);
    return {
      log: log.data(),
      windowMs: 1000,
      offeredPerSecond: 200,
      scheduled: 200,
      samples: [{ atMs: 250, total: 2, idle: 0, waiting: 1 }],
      peakWaiting: 2,
      cpuMicros: 9000,
      eventLoopUtilisation: 0.3,
    };
  });
  const measured = measureFleet(inputs);
  const judged = { ...pool, maxConnections: 4 };
  const findings = runChecks([benchChecks], {
    bench: { measurement: measured.fleet, pool: judged, load: openLoad },
  }).findings;
  const run: BenchRunReport = {
    pool,
    measurement: measured.fleet,
    model: modelFor(measured.fleet, pool, openLoad, 2),
    findings,
    stoppedEarly: false,
    peakConnections: 5,
    instances: 2,
    fleet: measured.instances.map((measurement, k) => ({
      instance: k + 1,
      load: loads[k] ?? openLoad,
      measurement,
      model: modelFor(measurement, pool, loads[k] ?? openLoad),
      stoppedEarly: false,
      peakConnections: 2,
    })),
  };
  return {
    command: 'bench',
    target: TARGET,
    serverVersion: '17.1',
    load: openLoad,
    runs: [run],
    findings,
    skipped: [],
    failOn: 'critical',
    exitCode: gate(findings),
    stoppedBy: null,
  };
}

const T0 = Date.parse('2026-11-26T17:00:00.000Z');

function reading(atMs: number, clients: number, sessions: number, idleInTransaction: number): MonitorReading {
  return {
    at: atMs,
    wallTime: new Date(T0 + atMs),
    clients,
    active: 2,
    idle: clients - 2 - idleInTransaction,
    idleInTransaction,
    otherState: 0,
    unknownState: 0,
    oldestIdleInTransactionSeconds: idleInTransaction > 0 ? 42 : null,
    longestQuerySeconds: 0.25,
    waitingOnLocks: 0,
    counters: { at: atMs, sessions, abandoned: 0, fatal: 0, killed: 0 },
    // 120 commits a second from others plus pooltune's own 3 per reading, and a rollback every second.
    transactions: { committed: 5000 + (atMs / 1000) * 123, rolledBack: 300 + atMs / 1000 },
  };
}

/** Ten samples a second apart that climb to 92 % of 100 slots. */
export function monitorSamples(): MonitorSample[] {
  const percents = [40, 45, 52, 60, 71, 80, 88, 92, 90, 85];
  const baseline = reading(0, 40, 100, 0);
  let previous = baseline;
  const samples: MonitorSample[] = [];
  percents.forEach((percent, i) => {
    const at = (i + 1) * 1000;
    const current = reading(at, percent, 100 + 3 * (i + 1), i >= 6 ? 3 : 0);
    samples.push(
      sampleFrom(previous, current, {
        seq: i + 1,
        startedAt: 0,
        usableSlots: 100,
        transactionsBaseline: baseline.transactions,
        transactionsSoFar: transactionsIn(samples),
      }),
    );
    previous = current;
  });
  return samples;
}

/** monitorSamples' run, stopped by Ctrl-C. */
export function monitorReport(): MonitorReport {
  const samples = monitorSamples();
  const stats = summariseSamples(samples, 1000);
  const context = {
    role: 'app',
    canSeeOthers: true,
    hasSessionCounters: true,
    idleInTransactionThresholdMs: 30_000,
    sessionSettings: sessionSettingsFrom(
      serverFacts({ settings: { idle_in_transaction_session_timeout: 0 } }),
    ),
  };
  const worstSessions = {
    'idle-in-transaction': {
      at: samples[6]?.at ?? '',
      sessions: [sessionRef({ pid: 6001, stateSeconds: 42, transactionSeconds: 43, querySeconds: 43 })],
    },
  };
  const { findings, skipped } = runChecks(
    [monitorChecks],
    { monitor: { summary: stats, context, worstSessions } },
    { ...GUIDE_CHECK_SETTINGS, idleInTransactionMs: context.idleInTransactionThresholdMs },
  );
  return {
    command: 'monitor',
    target: TARGET,
    serverVersion: '17.1',
    topology: PRIMARY_ALONE,
    run: {
      intervalMs: 1000,
      durationMs: null,
      startedAt: new Date(T0).toISOString(),
      wallMs: 10_250,
      stoppedBy: 'SIGINT',
    },
    stats,
    history: historyOf(samples),
    findings,
    skipped,
    failOn: 'critical',
    exitCode: 130,
  };
}

/** The console at second `second`: appdb's pool of 4 fills, 3 clients queue for 40 ms at second 3. */
function pooledConsole(second: number, waiting: number, maxWaitMs: number) {
  return poolerFacts({
    databases: [poolerDatabase('appdb', { poolSize: 4 })],
    pools: [
      poolerPool('appdb', 'app', {
        clientsActive: 10,
        clientsWaiting: waiting,
        maxWaitMs,
        serversActive: waiting > 0 ? 4 : 2,
        serversIdle: waiting > 0 ? 0 : 2,
      }),
    ],
    stats: [poolerStats('appdb', { totalXactCount: 1000 + second * 200, totalWaitTimeMs: second * 60 })],
  });
}

/** Five samples a second apart through PgBouncer 1.18, whose console queues clients, then stops answering. */
export function pooledMonitorSamples(): MonitorSample[] {
  const queue: readonly (readonly [number, number] | null)[] = [[0, 0], [1, 2], [3, 40], [0, 0], null];
  const baseline = reading(0, 20, 100, 0);
  const consoleAt = (second: number, q: readonly [number, number] | null): PoolerReading =>
    q === null
      ? { at: second * 1000, lost: 'lost the connection to PgBouncer at db.internal:6432' }
      : { at: second * 1000, facts: pooledConsole(second, q[0], q[1]) };
  let previous = baseline;
  let lastAnswered = consoleAt(0, [0, 0]) as Extract<PoolerReading, { facts: unknown }>;
  const samples: MonitorSample[] = [];
  queue.forEach((q, i) => {
    const second = i + 1;
    const current = reading(second * 1000, 20, 100, 0);
    const console = consoleAt(second, q);
    samples.push(
      sampleFrom(previous, current, {
        seq: second,
        startedAt: 0,
        usableSlots: 100,
        transactionsBaseline: baseline.transactions,
        transactionsSoFar: transactionsIn(samples),
        pooler: poolerSampleFrom(lastAnswered, console),
      }),
    );
    previous = current;
    if ('facts' in console) lastAnswered = console;
  });
  return samples;
}

/** pooledMonitorSamples' run, to the end of its --duration. */
export function pooledMonitorReport(): MonitorReport {
  const samples = pooledMonitorSamples();
  const stats = summariseSamples(samples, 1000);
  const context = {
    role: 'app',
    canSeeOthers: true,
    hasSessionCounters: true,
    idleInTransactionThresholdMs: 30_000,
    sessionSettings: sessionSettingsFrom(serverFacts()),
    throughPooler: true,
  };
  const { findings, skipped } = runChecks(
    [monitorChecks],
    { monitor: { summary: stats, context, worstSessions: {} } },
    GUIDE_CHECK_SETTINGS,
  );
  const facts = pooledConsole(0, 0, 0);
  return {
    command: 'monitor',
    target: 'app@pgbouncer.internal:6432/appdb',
    serverVersion: '17.1',
    topology: PRIMARY_ALONE,
    pooler: {
      seenBy: 'backend-pid',
      sessionThrough: true,
      console: 'app@pgbouncer.internal:6432/pgbouncer',
      facts,
      poolMode: 'transaction',
      unread: null,
    },
    run: {
      intervalMs: 1000,
      durationMs: 5000,
      startedAt: new Date(T0).toISOString(),
      wallMs: 5120,
      stoppedBy: 'duration',
    },
    stats,
    history: historyOf(samples),
    findings,
    skipped,
    failOn: 'critical',
    exitCode: gate(findings),
  };
}

/**
 * An RDS server read by its customer role (pg_monitor, no superuser, not the database's owner): the
 * provider in the header, server-wide fixes by the parameter group, session settings by ALTER ROLE.
 */
export function managedCheckServerReport(): CheckServerReport {
  const facts = serverFacts({
    settings: { statement_timeout: 0, max_connections: 15, superuser_reserved_connections: 0 },
    privileges: MANAGED_ROLE,
    provider: { id: 'rds', name: 'Amazon RDS', evidence: ['rds.* settings', 'rds_superuser role'] },
  });
  const serverPlan = plan();
  const { findings, skipped } = runChecks([serverChecks], { server: { facts, plan: serverPlan } });
  return {
    command: 'check-server',
    target: TARGET,
    serverVersion: facts.serverVersion,
    provider: facts.provider,
    server: {
      role: 'app',
      database: 'orders',
      maxConnections: 15,
      reservedConnections: 0,
      usableSlots: 15,
      clientConnections: 0,
      canSeeOtherSessions: true,
    },
    plan: serverPlan,
    findings,
    skipped,
    ignored: [],
    failOn: 'critical',
    exitCode: gate(findings),
  };
}

/** Every command's fixture report, by the name its golden files carry. */
export const FIXTURE_REPORTS = {
  recommend: recommendReport,
  'recommend-traffic': trafficRecommendReport,
  'recommend-pooled': pooledRecommendReport,
  'check-server': checkServerReport,
  'check-server-managed': managedCheckServerReport,
  'check-server-standby': standbyCheckServerReport,
  health: healthReport,
  preflight: preflightReport,
  bench: benchReport,
  'bench-fleet': benchFleetReport,
  monitor: monitorReport,
  'monitor-pooled': pooledMonitorReport,
} as const;
