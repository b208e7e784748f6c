import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planChecks, runChecks } from '../../src/core/checks/index.js';
import { InputFileError } from '../../src/core/errors.js';
import { parsePlanConfig, type PlanConfig } from '../../src/core/plan/config.js';
import { instancesDuringDeploy, parseSurge } from '../../src/core/plan/surge.js';
import { builtinPreset } from '../helpers/presets.js';

describe('a deploy surge', () => {
  it('is a share of the instances, rounded up as maxSurge is, or a count of extra instances', () => {
    assert.deepEqual(parseSurge('25%'), { kind: 'percent', percent: 25 });
    assert.deepEqual(parseSurge(2), { kind: 'count', count: 2 });
    assert.equal(instancesDuringDeploy(6, { kind: 'percent', percent: 25 }), 8, 'ceil(6 × 0.25) = 2 more');
    assert.equal(instancesDuringDeploy(6, { kind: 'count', count: 1 }), 7);
    assert.equal(instancesDuringDeploy(6, { kind: 'percent', percent: 0 }), 6);
    for (const bad of ['150%', '-1', 'lots', 1.5, -2]) assert.equal(parseSurge(bad), undefined, String(bad));
  });

  it('is read from the plan file, and nonsense is a problem with its place', () => {
    const plan = parsePlanConfig(
      { surge: '25%', services: [{ name: 'api', instances: 4, pool: { maxConnections: 10 } }] },
      'p.json',
    );
    assert.deepEqual(plan.surge, { kind: 'percent', percent: 25 });
    for (const surge of ['250%', 'x', -1]) {
      assert.throws(
        () => parsePlanConfig({ surge, services: [] }, 'p.json'),
        (e: unknown) => e instanceof InputFileError && e.problems.some((p) => /surge/.test(p)),
        String(surge),
      );
    }
  });
});

describe('the plan during a deploy (plan-surge)', () => {
  // 100 max, 3 reserved, 1 held: 96 free.
  const server = { maxConnections: 100, reservedSlots: 3, heldNow: 1 };
  const judged = (raw: unknown) => {
    const config: PlanConfig = parsePlanConfig(raw, 'p.json');
    const services = config.services.map((service) => ({ service, preset: builtinPreset('oltp') }));
    return runChecks([planChecks], { plan: { services, server, surge: config.surge } }).findings;
  };
  const fleet = (surge: unknown) => ({
    surge,
    services: [
      { name: 'api', instances: 6, pool: { maxConnections: 10 } },
      { name: 'worker', instances: 2, pool: { maxConnections: 10 } },
    ],
  });

  it('fails a plan that fits only at rest, and says by how much', () => {
    // At rest 80 of 96 free; with 25 %: api (6 + 2) × 10 + worker (2 + 1) × 10 = 110, 14 short.
    const findings = judged(fleet('25%'));
    assert.notEqual(findings.find((f) => f.id === 'plan-fleet')?.severity, 'critical', 'fits at rest');
    const surge = findings.find((f) => f.id === 'plan-surge');
    assert.equal(surge?.severity, 'critical');
    assert.match(
      surge?.title ?? '',
      /fits at rest \(80 of 96 free slots\) but not during a deploy: with a 25 % surge it needs 110 connections, 14 short/,
    );
    assert.match(surge?.observed ?? '', /api \(6 \+ 2\) × 10 = 80, worker \(2 \+ 1\) × 10 = 30/);
    assert.ok(surge?.fix?.sql?.[0]?.startsWith('ALTER SYSTEM SET max_connections = '));
  });

  it('passes a plan that fits with its surge, and says nothing without one', () => {
    assert.equal(judged(fleet(1)).find((f) => f.id === 'plan-surge')?.severity, 'critical', '100 of 96');
    assert.equal(judged(fleet('0%')).find((f) => f.id === 'plan-surge')?.severity, 'warning');
    const small = judged({
      surge: '50%',
      services: [{ name: 'api', instances: 2, pool: { maxConnections: 10 } }],
    });
    assert.equal(small.find((f) => f.id === 'plan-surge')?.severity, 'ok');
    assert.equal(
      judged({ services: fleet(1).services }).find((f) => f.id === 'plan-surge'),
      undefined,
    );
  });
});
