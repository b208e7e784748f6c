/**
 * The misconfigured chain of issue 14, for real: PgBouncer 1.18 in transaction mode in front of
 * PostgreSQL 15, read through its console and the server's catalogs, then judged by the pooler family.
 * default_pool_size 20 over three (database, user) pairs against 47 usable slots, max_client_conn 60 under
 * a fleet of 120, server_idle_timeout 10min above idle_session_timeout 1min, and clients queued under load.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { poolerChecks, runChecks } from '../../src/core/checks/index.js';
import type { Finding, FindingId } from '../../src/core/findings.js';
import { ACQUISITION_POOR_MS } from '../../src/core/guide.js';
import type { PoolerFacts } from '../../src/core/pooler/facts.js';
import type { PlannedService } from '../../src/core/plan/server.js';
import type { ServerFacts } from '../../src/core/server-facts.js';
import { openSession } from '../../src/probes/connect.js';
import { collectServerFacts } from '../../src/probes/facts.js';
import { readPoolerFacts } from '../../src/probes/pooler.js';
import type { ConnectionTarget } from '../../src/probes/target.js';
import { startPgBouncer, type TestPgBouncer } from '../helpers/pgbouncer.js';
import { startServer, type TestServer } from '../helpers/postgres.js';
import { builtinPreset } from '../helpers/presets.js';
import { waitFor } from '../helpers/wait.js';

const OPTIONS = { connectTimeoutMs: 5_000, env: {} };

const target = (bouncer: TestPgBouncer, user: string, database: string): ConnectionTarget => ({
  host: bouncer.host,
  port: bouncer.port,
  user,
  database,
  password: undefined,
  sslMode: 'disable',
  sslRootCert: undefined,
  connectTimeoutMs: undefined,
  source: '--db',
});

/** 3 services × 2 instances × 20 = 120 app connections. */
const FLEET: PlannedService[] = ['api', 'web', 'worker'].map((name) => ({
  service: {
    name,
    instances: 2,
    pool: { maxConnections: 20, idleTimeoutMs: 600_000, maxLifetimeMs: 1_800_000, queryTimeoutMs: 30_000 },
  },
  preset: builtinPreset('oltp'),
}));

const only = (findings: readonly Finding[], id: FindingId): Finding => {
  const found = findings.filter((f) => f.id === id);
  assert.equal(found.length, 1, `${id}: ${found.length} findings`);
  return found[0] as Finding;
};

describe('the misconfigured chain of issue 14, read from a real PgBouncer and judged', () => {
  let server: TestServer;
  let bouncer: TestPgBouncer;
  const clients: pg.Client[] = [];
  const client = async (user: string, database: string) => {
    const c = new pg.Client({ connectionString: bouncer.url(user, database) });
    c.on('error', () => undefined);
    clients.push(c);
    await c.connect();
    return c;
  };

  before(async () => {
    server = await startServer({
      version: 15,
      settings: { max_connections: 50, idle_session_timeout: '1min' },
    });
    await server.sql('create role app login');
    await server.sql('create role reports login');
    await server.sql('grant pg_read_all_stats to app');
    await server.sql('create database orders');
    await server.sql('create database billing');
    bouncer = await startPgBouncer(server, {
      poolMode: 'transaction',
      settings: { default_pool_size: 20, max_client_conn: 60, server_idle_timeout: 600 },
      databases: { orders: {}, billing: {} },
      auth: { type: 'trust', users: { postgres: '', app: '', reports: '' } },
    });
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await bouncer?.stop();
    await server?.stop();
  });

  it('gives each finding of §3 with its numbers', async () => {
    // The server as pooltune reads it through the pooler, before the load.
    const session = await openSession(target(bouncer, 'app', 'orders'), OPTIONS);
    let serverFacts: ServerFacts;
    try {
      serverFacts = await collectServerFacts(session.session);
    } finally {
      await session.close();
    }
    assert.equal(serverFacts.route.throughPooler, true);

    // Three pairs, and 25 clients of orders/app for its 20 server connections: 5 queue in PgBouncer.
    for (const [user, database] of [
      ['reports', 'orders'],
      ['app', 'billing'],
    ] as const)
      await (await client(user, database)).query('select 1');
    const load = await Promise.all(Array.from({ length: 25 }, () => client('app', 'orders')));
    const running = load.map((c) => c.query('select pg_sleep(3)').catch(() => undefined));
    let facts: PoolerFacts | undefined;
    await waitFor('clients queued in PgBouncer for longer than a poor acquisition wait', async () => {
      facts = await readPoolerFacts(target(bouncer, 'postgres', 'pgbouncer'), OPTIONS);
      return facts.pools.some((p) => p.clientsWaiting > 0 && p.maxWaitMs > ACQUISITION_POOR_MS);
    });
    assert.ok(facts);

    const { findings } = runChecks([poolerChecks], {
      pooler: { facts, instances: 1, server: serverFacts, services: FLEET },
    });
    const servers = only(findings, 'pooler-server-connections');
    assert.equal(servers.severity, 'critical');
    assert.match(servers.title, /may open 60 server connections, but the server has 4\d for it/);
    assert.match(servers.observed ?? '', /orders\/app 20 \+ 0/);
    assert.match(servers.observed ?? '', /usable 47 = max_connections 50 − 3 reserved/);

    const clientLimit = only(findings, 'pooler-client-limit');
    assert.equal(clientLimit.severity, 'critical');
    assert.match(clientLimit.title, /may open 120 connections to PgBouncer, but it admits 60/);

    const idle = only(findings, 'pooler-server-idle-timeout');
    assert.equal(idle.severity, 'warning');
    assert.match(idle.title, /up to 10min, but the server's idle_session_timeout closes them after 1min/);
    assert.deepEqual(idle.fix?.ini, ['server_idle_timeout = 30']);

    const waiting = only(findings, 'pooler-clients-waiting');
    assert.equal(waiting.severity, 'warning');
    assert.match(
      waiting.title,
      /\d+ clients? waits? in PgBouncer for a server connection, the oldest for [\d.]+ ms \(poor\)/,
    );
    assert.match(waiting.observed ?? '', /orders\/app: \d+ waiting/);

    await Promise.all(running);
  });

  it('a healthy chain in front of the same server gives no warning and nothing critical', async () => {
    const healthy = await startPgBouncer(server, {
      poolMode: 'transaction',
      settings: { default_pool_size: 5, max_client_conn: 200, server_idle_timeout: 30 },
      databases: { orders: {} },
      auth: { type: 'trust', users: { postgres: '', app: '' } },
    });
    try {
      const session = await openSession(target(healthy, 'app', 'orders'), OPTIONS);
      let serverFacts: ServerFacts;
      try {
        serverFacts = await collectServerFacts(session.session);
      } finally {
        await session.close();
      }
      const facts = await readPoolerFacts(target(healthy, 'postgres', 'pgbouncer'), OPTIONS);
      const { findings, skipped } = runChecks([poolerChecks], {
        pooler: { facts, instances: 1, server: serverFacts, services: FLEET },
      });
      assert.deepEqual(
        findings.filter((f) => f.severity === 'warning' || f.severity === 'critical').map((f) => f.title),
        [],
      );
      assert.deepEqual(skipped, []);
      for (const id of [
        'pooler-server-connections',
        'pooler-client-limit',
        'pooler-server-idle-timeout',
      ] as const)
        assert.equal(only(findings, id).severity, 'ok', id);
    } finally {
      await healthy.stop();
    }
  });
});
