import { withHints } from '../../src/core/finding-hints.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { planChecks, runChecks } from '../../src/core/checks/index.js';
import { InputFileError } from '../../src/core/errors.js';
import { applyIgnores } from '../../src/core/ignore.js';
import { parsePlanConfig, type PlanConfig } from '../../src/core/plan/config.js';
import type { PlannedService } from '../../src/core/plan/server.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { builtinPreset } from '../helpers/presets.js';

const TWO_SERVICES = {
  target: { urlEnv: 'APP_DATABASE_URL' },
  services: [
    {
      name: 'api',
      workload: 'oltp',
      concurrency: 40,
      instances: 6,
      pool: { maxConnections: 50, acquireTimeout: '2s', queryTimeout: '5s' },
    },
    { name: 'worker', workload: 'batch', instances: 2, pool: { maxConnections: 10 } },
  ],
};

function problems(raw: unknown): readonly string[] {
  try {
    parsePlanConfig(raw, 'pooltune.config.json');
  } catch (error) {
    assert.ok(error instanceof InputFileError);
    return error.problems;
  }
  assert.fail('expected the config to be rejected');
}

function planned(config: PlanConfig): PlannedService[] {
  return config.services.map((service) => ({
    service,
    preset: builtinPreset((service.workload ?? 'oltp') as 'oltp' | 'batch'),
  }));
}

const server = { maxConnections: 100, reservedSlots: 3, heldNow: 1 };

const judgePlan = (config: PlanConfig) =>
  runChecks([planChecks], { plan: { services: planned(config), server, pooler: config.pooler } }).findings;

describe('the plan file', () => {
  it('parses services, ignores and the target variable', () => {
    const config = parsePlanConfig(
      { ...TWO_SERVICES, ignore: [{ id: 'work-mem-low', reason: 'on purpose' }] },
      'p.json',
    );
    assert.equal(config.urlEnv, 'APP_DATABASE_URL');
    assert.deepEqual(
      config.services.map((s) => [s.name, s.instances, s.pool.maxConnections]),
      [
        ['api', 6, 50],
        ['worker', 2, 10],
      ],
    );
    assert.equal(config.services[0]?.pool.acquireTimeoutMs, 2000);
  });

  it('lists every problem at once, each with its path in the file', () => {
    const found = problems({
      failOn: 'sometimes',
      colour: 'blue',
      target: { url: 'postgres://app:secret@db/app' },
      services: [
        { name: 'api', instances: 0, pool: { maxConnections: 'many', acquireTimeout: 'soon' } },
        { instances: 2, pool: { maxConnections: 5 }, extra: true },
        { name: 'x', instances: 1 },
      ],
      ignore: [{ id: 'x' }],
    });
    const paths = found.map((p) => p.split(': ')[0]);
    assert.deepEqual(paths.sort(), [
      'colour',
      'failOn',
      'ignore[0].reason',
      'services[0].instances',
      'services[0].pool.acquireTimeout',
      'services[0].pool.maxConnections',
      'services[1].extra',
      'services[1].name',
      'services[2].pool',
      'target.url',
    ]);
    assert.ok(!found.join('\n').includes('secret'), 'the password in a rejected URL is not repeated');
  });

  it('the JSON Schema for editors knows the same keys', () => {
    const schema = JSON.parse(readFileSync(`${REPO_ROOT}schemas/pooltune.config.schema.json`, 'utf8')) as {
      properties: Record<string, unknown>;
    };
    assert.deepEqual(Object.keys(schema.properties).sort(), [
      '$schema',
      'failOn',
      'ignore',
      'pooler',
      'services',
      'surge',
      'target',
      'targets',
      'workload',
    ]);
  });
});

describe('plan checks', () => {
  it('a fleet over the free slots is critical and shows the arithmetic and the fixes', () => {
    const config = parsePlanConfig(TWO_SERVICES, 'p.json');
    const fleet = judgePlan(config).find((f) => f.id === 'plan-fleet');
    assert.equal(fleet?.severity, 'critical');
    assert.match(fleet?.title ?? '', /needs 320 connections at peak but only 96 slots are free: 224 short/);
    assert.match(
      fleet?.observed ?? '',
      /api 6 × 50 = 300, worker 2 × 10 = 20\); usable 97 = max_connections 100 − 3 reserved; 1 held now/,
    );
    assert.deepEqual(
      fleet?.fix?.config,
      { api: { maxConnections: 11 }, worker: { maxConnections: 2 } },
      '80 % of 96 free, shared 300 : 20',
    );
    assert.deepEqual(fleet && withHints(fleet).hints, [
      'raise-max-connections',
      'fewer-instances',
      'pgbouncer',
    ]);
  });

  it('the same plan with api at 6 × 10 fits', () => {
    const config = parsePlanConfig(
      { services: [{ ...TWO_SERVICES.services[0], pool: { maxConnections: 10 } }, TWO_SERVICES.services[1]] },
      'p.json',
    );
    const findings = judgePlan(config);
    assert.notEqual(findings.find((f) => f.id === 'plan-fleet')?.severity, 'critical');
    assert.equal(
      findings.find((f) => f.id === 'pool-too-small')?.subject,
      'api',
      '10 for 40 concurrent requests',
    );
  });

  it("judges each service's timeouts and limits", () => {
    const config = parsePlanConfig(
      {
        pooler: { serverIdleTimeout: '10min', clientIdleTimeout: '5min' },
        services: [
          {
            name: 'api',
            workload: 'oltp',
            instances: 1,
            pool: {
              maxConnections: 5,
              minConnections: 8,
              acquireTimeout: '30s',
              queryTimeout: '5s',
              maxLifetime: '2h',
              idleTimeout: '10min',
            },
          },
        ],
      },
      'p.json',
    );
    const ids: readonly string[] = judgePlan(config).map((f) => f.id);
    for (const id of [
      'pool-min-above-max',
      'pool-acquire-timeout-long',
      'pool-acquire-exceeds-query-timeout',
      'pool-idle-beyond-limit',
    ]) {
      assert.ok(ids.includes(id), id);
    }
  });

  it("judges the pooler section by what each timeout closes, not the app's maxLifetime against server_lifetime", () => {
    const config = parsePlanConfig(
      {
        pooler: { serverLifetime: '1h', serverIdleTimeout: '10min', clientIdleTimeout: '5min' },
        services: [
          { name: 'api', instances: 1, pool: { maxConnections: 5, idleTimeout: '2min', maxLifetime: '2h' } },
          { name: 'jobs', instances: 1, pool: { maxConnections: 2, idleTimeout: null, maxLifetime: null } },
        ],
      },
      'p.json',
    );
    assert.equal(config.pooler?.clientIdleTimeoutMs, 300_000);
    const findings = runChecks([planChecks], {
      plan: {
        services: planned(config),
        server: { ...server, idleSessionTimeoutMs: 60_000 },
        pooler: config.pooler,
      },
    }).findings;
    // A 2h maxLifetime beyond a 1h server_lifetime is fine: server_lifetime closes only PgBouncer's unused server connections.
    assert.deepEqual(
      findings.filter((f) => f.id === 'pool-idle-beyond-limit').map((f) => [f.subject, f.title]),
      [
        [
          'jobs',
          "jobs: connections may idle in the pool for ever, not shorter than the pooler's client_idle_timeout (5min): idle connections are closed under the pool",
        ],
      ],
    );
    const serverIdle = findings.find((f) => f.id === 'pooler-server-idle-timeout');
    assert.equal(serverIdle?.severity, 'warning');
    assert.match(
      serverIdle?.title ?? '',
      /up to 10min, but the server's idle_session_timeout closes them after 1min/,
    );
    assert.deepEqual(serverIdle?.fix?.ini, ['server_idle_timeout = 30']);
  });

  it("judges the app's idle connections against idle_session_timeout when there is no pooler", () => {
    const config = parsePlanConfig(
      { services: [{ name: 'api', instances: 1, pool: { maxConnections: 5, idleTimeout: '10min' } }] },
      'p.json',
    );
    const findings = runChecks([planChecks], {
      plan: { services: planned(config), server: { ...server, idleSessionTimeoutMs: 60_000 } },
    }).findings;
    assert.match(
      findings.find((f) => f.id === 'pool-idle-beyond-limit')?.title ?? '',
      /10min, not shorter than the server's idle_session_timeout \(1min\)/,
    );
    assert.ok(!findings.some((f) => f.id === 'pooler-server-idle-timeout'));
  });

  it('an ignored finding moves aside with its reason and no longer counts', () => {
    const config = parsePlanConfig(TWO_SERVICES, 'p.json');
    const findings = judgePlan(config);
    const { findings: kept, ignored } = applyIgnores(findings, [
      { id: 'pool-too-large', service: 'worker', reason: 'batch jobs burst' },
    ]);
    assert.equal(ignored.length, 1);
    assert.equal(ignored[0]?.finding.subject, 'worker');
    assert.ok(
      kept.some((f) => f.id === 'pool-too-large' && f.subject === 'api'),
      'only the named service is ignored',
    );
  });
});
