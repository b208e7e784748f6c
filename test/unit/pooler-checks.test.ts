import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { churnFinding } from '../../src/core/checks/churn.js';
import {
  CHECK_SERVER_FAMILIES,
  GUIDE_CHECK_SETTINGS,
  monitorChecks,
  poolerChecks,
  poolerObservation,
  runChecks,
  serverChecks,
  type PoolerObservation,
} from '../../src/core/checks/index.js';
import type { SizingInput } from '../../src/core/budget.js';
import { withHints } from '../../src/core/finding-hints.js';
import { fleetFindings } from '../../src/core/sizing.js';
import type { Finding, FindingId } from '../../src/core/findings.js';
import type { ConfiguredPool } from '../../src/core/plan/config.js';
import type { PlannedService } from '../../src/core/plan/server.js';
import { serverBound } from '../../src/core/pooler/server-bound.js';
import { plan as serverPlan, serverFacts } from '../helpers/facts.js';
import { poolerDatabase, poolerFacts, poolerPool, poolerStats, poolerUser } from '../helpers/pooler-facts.js';
import { builtinPreset } from '../helpers/presets.js';

function service(name: string, instances: number, pool: ConfiguredPool): PlannedService {
  return { service: { name, instances, pool }, preset: builtinPreset('oltp') };
}

const APP_POOL: ConfiguredPool = {
  maxConnections: 20,
  acquireTimeoutMs: 2000,
  idleTimeoutMs: 600_000,
  maxLifetimeMs: 1_800_000,
  queryTimeoutMs: 30_000,
};

/** 3 services × 2 instances × 20 = 120 app connections. */
const FLEET = ['api', 'web', 'worker'].map((name) => service(name, 2, APP_POOL));

/**
 * The chain of issue 14: default_pool_size 20 over three (database, user) pairs against a server with 47
 * usable slots, max_client_conn 60 under the fleet, server_idle_timeout 10min above the server's 1min
 * idle_session_timeout, and 10 clients queued for 39 ms.
 */
function misconfigured(): PoolerObservation {
  return {
    facts: poolerFacts({
      config: { maxClientConn: 60, defaultPoolSize: 20, serverIdleTimeoutMs: 600_000 },
      databases: [poolerDatabase('orders'), poolerDatabase('billing')],
      pools: [
        poolerPool('orders', 'app', {
          clientsActive: 20,
          clientsWaiting: 10,
          serversActive: 20,
          maxWaitMs: 39,
        }),
        poolerPool('orders', 'reports', { serversIdle: 2 }),
        poolerPool('billing', 'app', { serversIdle: 1 }),
      ],
    }),
    instances: 1,
    server: serverFacts({
      version: 15,
      settings: { max_connections: 50, idle_session_timeout: 60_000 },
      route: { throughPooler: true, announcedPid: 7, backendPid: 9100 },
      // The pooler's 23 server connections, pooltune's read among them: nobody bypasses the pooler.
      activity: { clientBackends: 23, ownBackends: 1 },
    }),
    services: FLEET,
  };
}

function healthy(): PoolerObservation {
  return {
    facts: poolerFacts({
      version: '1.24.1',
      config: {
        maxClientConn: 200,
        defaultPoolSize: 10,
        serverIdleTimeoutMs: 30_000,
        queryTimeoutMs: 35_000,
        maxPreparedStatements: 200,
      },
      databases: [poolerDatabase('orders', { poolSize: 10 })],
      pools: [poolerPool('orders', 'app', { clientsActive: 40, serversActive: 3, serversIdle: 5 })],
      stats: [poolerStats('orders', { avgWaitTimeMs: 0.2, avgWaitTimeMeaning: 'per-assignment' })],
    }),
    instances: 1,
    server: serverFacts({
      settings: { max_connections: 100, idle_session_timeout: 60_000 },
      route: { throughPooler: true, announcedPid: 7, backendPid: 9100 },
      activity: { clientBackends: 9, ownBackends: 1 },
    }),
    services: FLEET,
  };
}

const judged = (pooler: PoolerObservation) => runChecks([poolerChecks], { pooler });

function only(findings: readonly Finding[], id: FindingId): Finding {
  const found = findings.filter((f) => f.id === id);
  assert.equal(found.length, 1, `${id}: ${found.length} findings`);
  return found[0] as Finding;
}

const text = (f: Finding) => [f.title, f.observed ?? '', f.expected ?? ''].join(' | ');

describe('the pooler checks on the misconfigured chain of issue 14', () => {
  const { findings } = judged(misconfigured());

  it('says the pooler may open more server connections than the server has', () => {
    const f = only(findings, 'pooler-server-connections');
    assert.equal(f.severity, 'critical');
    assert.match(f.title, /may open 60 server connections, but the server has 47 for it: 13 short/);
    assert.match(f.observed ?? '', /orders\/app 20 \+ 0, orders\/reports 20 \+ 0, billing\/app 20 \+ 0/);
    assert.match(
      f.observed ?? '',
      /usable 47 = max_connections 50 − 3 reserved; 0 held by clients that bypass/,
    );
    assert.match(f.expected ?? '', /at most 37 \(the guide's 80 % of 47\), or max_connections 78/);
    assert.deepEqual(f.fix?.ini, [
      'default_pool_size = 12',
      '; or cap each database entry instead: max_db_connections = 18',
    ]);
  });

  it('says max_client_conn refuses part of the fleet', () => {
    const f = only(findings, 'pooler-client-limit');
    assert.equal(f.severity, 'critical');
    assert.match(f.title, /may open 120 connections to PgBouncer, but it admits 60: 60 are refused/);
    assert.match(f.observed ?? '', /api 2 × 20 = 40, web 2 × 20 = 40, worker 2 × 20 = 40/);
    assert.deepEqual(f.fix?.ini, ['max_client_conn = 134']);
  });

  it('says the server closes idle server connections PgBouncer still keeps', () => {
    const f = only(findings, 'pooler-server-idle-timeout');
    assert.equal(f.severity, 'warning');
    assert.match(f.title, /up to 10min, but the server's idle_session_timeout closes them after 1min/);
    assert.deepEqual(f.fix?.ini, ['server_idle_timeout = 30']);
    assert.ok(f.fix?.sql?.some((s) => s.includes('ALTER ROLE "app" SET idle_session_timeout = 0;')));
  });

  it('says clients queue in PgBouncer, judged with the acquisition thresholds', () => {
    const f = only(findings, 'pooler-clients-waiting');
    assert.equal(f.severity, 'warning');
    assert.match(
      f.title,
      /10 clients wait in PgBouncer for a server connection, the oldest for 39 ms \(poor\)/,
    );
    assert.match(f.title, /pool, not the server, is the bottleneck/);
    assert.match(f.observed ?? '', /orders\/app: 10 waiting, oldest 39 ms, 20 servers active/);
    // The server has no room for a larger pool: no ini line that would move the queue there.
    assert.equal(f.fix, undefined);
    assert.match(f.expected ?? '', /a larger pool only where the server has slots and cores for it/);
  });

  it('notes that named prepared statements break in transaction mode on 1.18', () => {
    const f = only(findings, 'pooler-transaction-mode');
    // The plan does not say what the app sends: a note with what to avoid, not a warning.
    assert.equal(f.severity, 'info');
    assert.match(f.title, /named prepared statements break/);
    assert.match(text(f), /session SET/);
    assert.match(text(f), /max_prepared_statements does not exist before 1\.21/);
    assert.match(f.expected ?? '', /PgBouncer 1\.21 or later/);
  });

  it('reports nothing it cannot know as ok', () => {
    // query_timeout is off and client_idle_timeout too: nothing to line up.
    assert.ok(!findings.some((f) => f.id === 'pooler-query-timeout'));
    assert.ok(!findings.some((f) => f.id === 'pooler-client-idle-timeout'));
  });
});

describe('the pooler checks on a healthy chain', () => {
  it('give no warning and nothing critical, and say what they verified', () => {
    const { findings, skipped } = judged(healthy());
    const bad = findings.filter((f) => f.severity === 'warning' || f.severity === 'critical');
    assert.deepEqual(bad.map(text), []);
    assert.deepEqual(skipped, []);
    for (const id of [
      'pooler-server-connections',
      'pooler-client-limit',
      'pooler-clients-waiting',
      'pooler-server-idle-timeout',
      'pooler-query-timeout',
    ] as const) {
      assert.equal(only(findings, id).severity, 'ok', id);
    }
    assert.equal(only(findings, 'pooler-transaction-mode').severity, 'info');
  });

  it('run in check-server when the pooler part is there, and not without it', () => {
    const facts = serverFacts();
    const server = {
      facts,
      plan: { workload: 'oltp', workloadWantsStatementTimeout: true, instances: 1, behindPooler: true },
    };
    const without = runChecks(CHECK_SERVER_FAMILIES, { server });
    assert.ok(!without.findings.some((f) => f.id.startsWith('pooler-')));
    const withPooler = runChecks(CHECK_SERVER_FAMILIES, { server, pooler: healthy() });
    assert.ok(withPooler.findings.some((f) => f.id === 'pooler-server-connections'));
  });
});

describe("the plan's pooler section beside a live admin console", () => {
  it('gives way to what the console said', () => {
    const pooler = misconfigured();
    const plan = {
      services: FLEET,
      server: { maxConnections: 50, reservedSlots: 3, heldNow: 0, idleSessionTimeoutMs: 60_000 },
      pooler: { serverIdleTimeoutMs: 600_000, clientIdleTimeoutMs: 60_000 },
    };
    const alone = runChecks(CHECK_SERVER_FAMILIES, { plan }).findings;
    assert.equal(alone.filter((f) => f.id === 'pooler-server-idle-timeout').length, 1);
    assert.equal(alone.filter((f) => f.id === 'pool-idle-beyond-limit').length, 3);
    const both = runChecks(CHECK_SERVER_FAMILIES, { plan, pooler }).findings;
    const serverIdle = both.filter((f) => f.id === 'pooler-server-idle-timeout');
    assert.equal(serverIdle.length, 1);
    assert.ok(serverIdle[0]?.fix?.sql, "the console's reading, which knows the roles PgBouncer logs in as");
    assert.ok(!both.some((f) => f.id === 'pool-idle-beyond-limit'));
  });
});

describe("check-server's idle_session_timeout beside the pooler's reading", () => {
  it('gives way to the finding that knows what PgBouncer keeps idle', () => {
    const pooler = misconfigured();
    const facts = pooler.server ?? serverFacts();
    const server = { facts, plan: serverPlan({ behindPooler: true }) };
    const alone = runChecks(CHECK_SERVER_FAMILIES, { server }).findings;
    assert.equal(only(alone, 'idle-session-timeout-set').severity, 'warning');
    const both = runChecks(CHECK_SERVER_FAMILIES, { server, pooler }).findings;
    assert.ok(!both.some((f) => f.id === 'idle-session-timeout-set'));
    assert.equal(only(both, 'pooler-server-idle-timeout').severity, 'warning');
  });
});

describe('the server connections PgBouncer may open', () => {
  it('multiplies by the processes that do not coordinate, and counts forced users and reserves', () => {
    const facts = poolerFacts({
      config: { reservePoolSize: 5 },
      databases: [poolerDatabase('orders', { poolSize: 10, reservePoolSize: 5, forceUser: 'svc' })],
      pools: [poolerPool('orders', 'app')],
    });
    assert.equal(serverBound(facts).perProcess, 30);
    const { findings } = judged({ facts, instances: 4, server: serverFacts(), services: [] });
    const f = only(findings, 'pooler-server-connections');
    assert.match(f.title, /120 server connections/);
    assert.match(f.observed ?? '', /^4 processes × 30 per process/);
    assert.match(f.observed ?? '', /bypass the pooler are not counted/);
  });

  it('caps per database entry and per user', () => {
    const facts = poolerFacts({
      config: { maxUserConnections: 25 },
      databases: [poolerDatabase('a', { maxConnections: 15 }), poolerDatabase('b')],
      users: [poolerUser('app')],
      pools: [poolerPool('a', 'app'), poolerPool('a', 'etl'), poolerPool('b', 'app')],
    });
    // By database: a min(40, 15) + b 20 = 35; by user: app min(40, 25) + etl min(20, 25) = 45.
    const bound = serverBound(facts);
    assert.equal(bound.uncapped, 60);
    assert.equal(bound.perProcess, 35);
    assert.deepEqual(bound.capsApplied, ['max_db_connections 15 on a']);
  });

  it('treats pool_size 0 as no cap from 1.24 on', () => {
    const facts = poolerFacts({
      version: '1.24.0',
      databases: [poolerDatabase('a', { poolSize: 0 })],
      pools: [poolerPool('a', 'app')],
    });
    const f = only(
      judged({ facts, instances: 1, server: serverFacts(), services: [] }).findings,
      'pooler-server-connections',
    );
    assert.equal(f.severity, 'critical');
    assert.match(f.title, /no cap/);
  });

  it('is skipped, with the reason, when the server was not read', () => {
    const { skipped } = judged({ facts: poolerFacts(), instances: 1, services: [] });
    assert.ok(skipped.some((s) => s.id === 'pooler-server-connections' && /not read/.test(s.reason)));
  });
});

describe('the timeouts along the chain', () => {
  it('wants the app to retire idle connections before client_idle_timeout', () => {
    const facts = poolerFacts({ config: { clientIdleTimeoutMs: 300_000 } });
    const services = [
      service('api', 1, { maxConnections: 5, idleTimeoutMs: 600_000, maxLifetimeMs: 1_800_000 }),
      service('cron', 1, { maxConnections: 2, idleTimeoutMs: null, maxLifetimeMs: 60_000 }),
    ];
    const { findings } = judged({ facts, instances: 1, services });
    const api = findings.find((f) => f.id === 'pooler-client-idle-timeout' && f.subject === 'api');
    const cron = findings.find((f) => f.id === 'pooler-client-idle-timeout' && f.subject === 'cron');
    assert.equal(api?.severity, 'warning');
    assert.match(
      api?.title ?? '',
      /idle in the pool for 10min, but PgBouncer's client_idle_timeout closes them after 5min/,
    );
    assert.deepEqual(api?.fix?.config, { api: { idleTimeout: '150s' } });
    // Its lifetime retires it first.
    assert.equal(cron?.severity, 'ok');
  });

  it("wants the app's query timeout below query_wait_timeout", () => {
    const facts = poolerFacts({ config: { queryWaitTimeoutMs: 20_000 } });
    const services = [
      service('api', 1, { maxConnections: 5, queryTimeoutMs: 30_000, acquireTimeoutMs: 2000 }),
    ];
    const f = only(judged({ facts, instances: 1, services }).findings, 'pooler-query-wait-timeout');
    assert.equal(f.severity, 'warning');
    assert.match(
      f.title,
      /query_wait_timeout \(20s\) drops the connection, before the app's queryTimeout \(30s\)/,
    );
  });

  it('wants query_timeout slightly above statement_timeout', () => {
    const facts = poolerFacts({ config: { queryTimeoutMs: 30_000 } });
    const f = only(
      judged({ facts, instances: 1, server: serverFacts(), services: [] }).findings,
      'pooler-query-timeout',
    );
    assert.equal(f.severity, 'warning');
    assert.deepEqual(f.fix?.ini, ['query_timeout = 35']);
  });

  it("counts server_lifetime as a bound on PgBouncer's idle server connections", () => {
    const facts = poolerFacts({ config: { serverIdleTimeoutMs: 0, serverLifetimeMs: 30_000 } });
    const server = serverFacts({ settings: { idle_session_timeout: 60_000 } });
    const f = only(
      judged({ facts, instances: 1, server, services: [] }).findings,
      'pooler-server-idle-timeout',
    );
    assert.equal(f.severity, 'ok');
  });
});

describe('the fleet against a session-mode PgBouncer', () => {
  it('needs a server connection for each app connection', () => {
    const facts = poolerFacts({
      config: { poolMode: 'session', maxClientConn: 500 },
      pools: [poolerPool('appdb', 'app', { poolMode: 'session' })],
    });
    const { findings } = judged({ facts, instances: 1, services: FLEET });
    const f = only(findings, 'pooler-session-pool');
    assert.equal(f.severity, 'critical');
    assert.match(f.title, /hold 120 sessions, but PgBouncer's pools open at most 20 server connections/);
    assert.ok(!findings.some((x) => x.id === 'pooler-transaction-mode'));
  });
});

describe('clients waiting in PgBouncer', () => {
  it('proposes a larger pool when the server has room for it', () => {
    const facts = poolerFacts({
      config: { defaultPoolSize: 10 },
      databases: [poolerDatabase('appdb', { poolSize: 10 })],
      pools: [poolerPool('appdb', 'app', { clientsWaiting: 4, serversActive: 10, maxWaitMs: 15 })],
    });
    const roomy = serverFacts({ settings: { max_connections: 100 } });
    const f = only(
      judged({ facts, instances: 1, server: roomy, services: [] }).findings,
      'pooler-clients-waiting',
    );
    assert.deepEqual(f.fix?.ini, ['default_pool_size = 14']);
    const tight = serverFacts({ settings: { max_connections: 15 } });
    const g = only(
      judged({ facts, instances: 1, server: tight, services: [] }).findings,
      'pooler-clients-waiting',
    );
    assert.equal(g.fix, undefined);
  });

  it('reads avg_wait_time per assignment from 1.23 on', () => {
    const facts = poolerFacts({
      version: '1.23.0',
      stats: [poolerStats('appdb', { avgWaitTimeMs: 25, avgWaitTimeMeaning: 'per-assignment' })],
    });
    const f = only(judged({ facts, instances: 1, services: [] }).findings, 'pooler-clients-waiting');
    assert.equal(f.severity, 'warning');
    assert.match(f.title, /waited 25 ms per server assignment/);
  });

  it('reads avg_wait_time before 1.23 as clients waiting on average, and calls a short wait good', () => {
    const facts = poolerFacts({
      pools: [poolerPool('appdb', 'app', { clientsWaiting: 1, maxWaitMs: 4 })],
      stats: [poolerStats('appdb', { avgWaitTimeMs: 500 })],
    });
    const f = only(judged({ facts, instances: 1, services: [] }).findings, 'pooler-clients-waiting');
    assert.equal(f.severity, 'info');
    assert.match(f.observed ?? '', /on average 0\.5 clients waiting/);
  });
});

describe('a pooler in the chain is not advised again, and its server connections are not churn', () => {
  it('calls new server sessions behind a pooler the pooler opening connections', () => {
    const words = { busy: 'not being reused', observed: '600 new sessions in 20s', calm: 'calm' };
    const direct = churnFinding(30, words);
    assert.equal(direct.id, 'connection-churn');
    assert.equal(direct.severity, 'warning');
    const pooled = churnFinding(30, words, true);
    assert.equal(pooled.id, 'pooler-server-churn');
    assert.equal(pooled.severity, 'info');
    assert.match(pooled.title, /30 new server sessions per second: the pooler opening server connections/);
    assert.doesNotMatch(text(pooled), /not being reused/);
    assert.equal(churnFinding(3, words, true).severity, 'ok');
    assert.deepEqual(withHints(pooled).hints, ['pooler-keeps-server-connections']);
  });

  it('monitor and health pass the route on', () => {
    const summary = {
      samples: 4,
      intervalMs: 5000,
      churn: {
        newSessions: 600,
        peakPerSecond: 30,
        peakAt: '2026-01-01T00:00:00Z',
        abandoned: 0,
        fatal: 0,
        killed: 0,
      },
    };
    const result = (throughPooler: boolean) =>
      monitorChecks.checks
        .find((c) => c.id === 'connection-churn')
        ?.run(
          {
            summary,
            context: { hasSessionCounters: true, throughPooler },
          } as unknown as Parameters<(typeof monitorChecks.checks)[number]['run']>[0],
          GUIDE_CHECK_SETTINGS,
        ).findings[0]?.id;
    assert.equal(result(false), 'connection-churn');
    assert.equal(result(true), 'pooler-server-churn');
  });

  it('does not advise a pooler for the large tiers when one is in front', () => {
    const facts = serverFacts({
      settings: { max_connections: 400 },
      route: { throughPooler: true, announcedPid: 7, backendPid: 9100 },
    });
    const tier = only(
      runChecks([serverChecks], { server: { facts, plan: serverPlan() } }).findings,
      'connection-tier',
    );
    assert.equal(tier.severity, 'ok');
    assert.match(tier.title, /with a pooler in front/);
    const direct = only(
      runChecks([serverChecks], {
        server: { facts: serverFacts({ settings: { max_connections: 400 } }), plan: serverPlan() },
      }).findings,
      'connection-tier',
    );
    assert.equal(direct.severity, 'info');
    const huge = only(
      runChecks([serverChecks], {
        server: {
          facts: serverFacts({ settings: { max_connections: 2000 } }),
          plan: serverPlan({ behindPooler: true }),
        },
      }).findings,
      'connection-tier',
    );
    assert.doesNotMatch(huge.title, /put PgBouncer in front/);
  });

  it('leaves out the large-tier finding behind a pooler', () => {
    const input = {
      preset: builtinPreset('oltp'),
      instances: 40,
      budget: { maxConnections: 1000, reservedConnections: 3, otherConnections: 0 },
    } as unknown as SizingInput;
    assert.ok(fleetFindings(input, 997, 400).some((f) => f.id === 'large-tier'));
    assert.ok(
      !fleetFindings({ ...input, pooler: { mode: 'transaction' } }, 997, 400).some(
        (f) => f.id === 'large-tier',
      ),
    );
  });

  it('drops the advice to add a pooler from every finding when the report has one in its chain', () => {
    const fleet: Finding = { id: 'plan-fleet', severity: 'critical', title: 'short' };
    assert.ok(withHints(fleet).hints?.includes('pgbouncer'));
    assert.deepEqual(withHints(fleet, { pooler: true }).hints, ['raise-max-connections', 'fewer-instances']);
    const tier: Finding = { id: 'connection-tier', severity: 'warning', title: 'above' };
    assert.equal(withHints(tier, { pooler: true }).hints, undefined);
  });
});

describe('a PgBouncer no client has reached yet', () => {
  it('says what each pair that connects may open, without judging', () => {
    const facts = poolerFacts({ pools: [] });
    const f = only(
      judged({ facts, instances: 1, server: serverFacts(), services: [] }).findings,
      'pooler-server-connections',
    );
    assert.equal(f.severity, 'info');
    assert.match(f.title, /no pool yet .* up to 20 \+ 0 server connections per process/);
  });
});

describe('waits PgBouncer 1.18 averaged over its last stats period', () => {
  it('are a note when nobody waits now', () => {
    const facts = poolerFacts({ stats: [poolerStats('appdb', { avgWaitTimeMs: 250 })] });
    const f = only(judged({ facts, instances: 1, services: [] }).findings, 'pooler-clients-waiting');
    assert.equal(f.severity, 'info');
    assert.match(f.title, /On average 0\.25 clients waited in PgBouncer .* none now/);
  });
});

describe('the pooler part of a run', () => {
  it('is there only when the console was read', () => {
    const sighting = {
      seenBy: 'backend-pid' as const,
      sessionThrough: true,
      console: 'stats@127.0.0.1:6432/pgbouncer',
      poolMode: 'transaction' as const,
    };
    assert.equal(poolerObservation(null, 1, undefined, []), undefined);
    assert.equal(
      poolerObservation({ ...sighting, facts: null, unread: 'not allowed' }, 1, undefined, []),
      undefined,
    );
    const facts = poolerFacts();
    const server = serverFacts();
    assert.deepEqual(poolerObservation({ ...sighting, facts, unread: null }, 2, server, FLEET), {
      facts,
      instances: 2,
      server,
      services: FLEET,
    });
  });
});
