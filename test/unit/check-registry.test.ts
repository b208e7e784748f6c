import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CHECK_FAMILIES,
  CHECK_SERVER_FAMILIES,
  HEALTH_FAMILIES,
  healthChecks,
  runChecks,
  runPreflightChecks,
  type CheckInput,
} from '../../src/core/checks/index.js';
import { FINDING_IDS, FINDINGS, isFindingId } from '../../src/core/finding-ids.js';
import type { HealthMetrics } from '../../src/core/health/metrics.js';
import { utilisationFrom } from '../../src/core/health/utilisation.js';
import { HINT_IDS, HINTS } from '../../src/core/hints.js';
import { planServerFrom, type PlannedService } from '../../src/core/plan/server.js';
import { EVENTCORE_SCHEMA_SPEC } from '../../src/core/schema/eventcore.js';
import { verifySchema } from '../../src/core/schema/verify.js';
import { eventcoreCatalog } from '../helpers/schema-fixtures.js';
import { plan, serverFacts } from '../helpers/facts.js';
import { builtinPreset } from '../helpers/presets.js';

const latency = { count: 100, meanMs: 0.1, p50Ms: 0.1, p95Ms: 0.2, p99Ms: 0.3, maxMs: 0.4 };

function healthOf(facts: ReturnType<typeof serverFacts>): HealthMetrics {
  return {
    connectivity: { samples: 5, medianMs: 3, maxMs: 4 },
    acquisition: null,
    queryLatency: { query: 'SELECT 1', latency, warmupSamples: 100, timedOut: false },
    utilisation: utilisationFrom(facts),
    churn: null,
  };
}

const services: PlannedService[] = [
  {
    service: { name: 'api', instances: 4, concurrency: 10, pool: { maxConnections: 12 } },
    preset: builtinPreset('oltp'),
  },
];

describe('the finding catalogue', () => {
  it('has one kebab-case entry per id, each saying what it judges', () => {
    assert.equal(new Set(FINDING_IDS).size, FINDING_IDS.length);
    for (const id of FINDING_IDS) {
      assert.match(id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, id);
      assert.ok(FINDINGS[id].about.length > 0, id);
    }
    assert.ok(isFindingId('slot-usage'));
    assert.ok(!isFindingId('Budget_Shortfall'));
    assert.ok(!isFindingId('toString'));
  });

  it('has a hint for every hint id, with steps', () => {
    for (const id of HINT_IDS) assert.ok(HINTS[id].steps.length > 0, id);
  });
});

describe('the check registry', () => {
  it('names every check after a catalogued finding, once per family', () => {
    for (const family of CHECK_FAMILIES) {
      const ids = family.checks.map((c) => c.id);
      assert.equal(new Set(ids).size, ids.length, family.name);
      for (const id of ids) assert.ok(isFindingId(id), `${family.name}: ${id}`);
    }
  });

  it('lets a check be superseded only by a check some family has', () => {
    const all = new Set(CHECK_FAMILIES.flatMap((f) => f.checks.map((c) => c.id)));
    const superseding = CHECK_FAMILIES.flatMap((f) => f.checks.flatMap((c) => c.supersededBy ?? []));
    assert.ok(superseding.length > 0);
    for (const id of superseding) assert.ok(all.has(id), id);
  });

  it('runs only the families whose input is there', () => {
    const facts = serverFacts();
    const none = runChecks(CHECK_FAMILIES, {});
    assert.deepEqual(none, { findings: [], skipped: [] });
    const health = runChecks(CHECK_FAMILIES, { health: healthOf(facts) });
    assert.ok(health.findings.some((f) => f.id === 'server-utilisation'));
    assert.ok(!health.findings.some((f) => f.id === 'slot-usage'));
  });
});

describe('health by composition', () => {
  it("is the probes' findings, then the schema's", () => {
    const facts = serverFacts();
    const catalog = eventcoreCatalog();
    const probes = runChecks([healthChecks], { health: healthOf(facts) });
    const schema = verifySchema(EVENTCORE_SCHEMA_SPEC, catalog);
    assert.ok(schema.findings.length > 0);
    assert.deepEqual(
      runChecks(HEALTH_FAMILIES, {
        health: healthOf(facts),
        schema: { spec: EVENTCORE_SCHEMA_SPEC, catalog },
      }),
      { findings: [...probes.findings, ...schema.findings], skipped: [...probes.skipped, ...schema.skipped] },
    );
  });
});

describe('preflight by composition', () => {
  const facts = serverFacts({ activity: { clientBackends: 80, canSeeOthers: false } });
  const input: CheckInput = {
    plan: { services, server: planServerFrom(facts) },
    server: { facts, plan: plan() },
    health: healthOf(facts),
  };

  it("is check-server's findings then health's, without health's utilisation", () => {
    const { findings } = runPreflightChecks(input);
    const server = runChecks(CHECK_SERVER_FAMILIES, input);
    const health = runChecks([healthChecks], { health: healthOf(facts) });
    assert.ok(health.findings.some((f) => f.id === 'server-utilisation'));
    assert.deepEqual(findings, [
      ...server.findings,
      ...health.findings.filter((f) => f.id !== 'server-utilisation'),
    ]);
    assert.equal(findings.filter((f) => f.id === 'slot-usage').length, 1);
  });

  it('lists a check both families skip once', () => {
    const { skipped } = runPreflightChecks(input);
    assert.deepEqual(
      skipped.map((s) => s.id),
      ['connection-memory', 'session-states', 'connection-churn'],
    );
    assert.match(
      skipped[1]?.reason ?? '',
      /cannot see other roles' sessions' state: connections per application/,
    );
  });

  it('without the health probe runs the plan and server checks alone', () => {
    const { findings } = runPreflightChecks({ plan: input.plan, server: input.server });
    assert.deepEqual(findings, runChecks(CHECK_SERVER_FAMILIES, input).findings);
  });
});
