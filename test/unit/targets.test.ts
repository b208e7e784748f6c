import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNamedUrl } from '../../src/cli/flags/database.js';
import { InputFileError } from '../../src/core/errors.js';
import { parsePlanConfig } from '../../src/core/plan/config.js';
import { demandOf, roleFinding, titleWithTarget, unreachableFinding } from '../../src/core/targets.js';

describe('--db name=url', () => {
  it('takes a name before a URL, and leaves a bare URL (with = in its query) alone', () => {
    assert.deepEqual(parseNamedUrl('primary=postgres://u@h:5432/db'), {
      name: 'primary',
      url: 'postgres://u@h:5432/db',
    });
    assert.deepEqual(parseNamedUrl('postgres://u@h/db?sslmode=require'), {
      url: 'postgres://u@h/db?sslmode=require',
    });
    assert.deepEqual(parseNamedUrl('read-1=postgresql://h/db?application_name=x'), {
      name: 'read-1',
      url: 'postgresql://h/db?application_name=x',
    });
    // Not a URL after '=': a libpq keyword string is not split.
    assert.deepEqual(parseNamedUrl('host=db1 port=5432'), { url: 'host=db1 port=5432' });
  });
});

describe('the plan targets', () => {
  it('are read with their roles, and services name the one they connect to', () => {
    const plan = parsePlanConfig(
      {
        targets: [
          { name: 'main', urlEnv: 'MAIN_URL', role: 'primary' },
          { name: 'replica', urlEnv: 'REPLICA_URL' },
        ],
        services: [{ name: 'reports', target: 'replica', instances: 1, pool: { maxConnections: 4 } }],
      },
      'p.json',
    );
    assert.deepEqual(plan.targets, [
      { name: 'main', urlEnv: 'MAIN_URL', role: 'primary' },
      { name: 'replica', urlEnv: 'REPLICA_URL' },
    ]);
    assert.equal(plan.services[0]?.target, 'replica');
  });

  it('refuse a service that names a target the plan does not list, and a name used twice', () => {
    assert.throws(
      () =>
        parsePlanConfig(
          {
            targets: [
              { name: 'main', urlEnv: 'A' },
              { name: 'main', urlEnv: 'B' },
            ],
            services: [{ name: 'x', target: 'nowhere', instances: 1, pool: { maxConnections: 4 } }],
          },
          'p.json',
        ),
      (error: unknown) =>
        error instanceof InputFileError &&
        /targets\[1\]\.name.*used twice/s.test(error.problems.join('\n')) &&
        /services\[0\]\.target.*no target named "nowhere"/s.test(error.problems.join('\n')),
    );
  });
});

describe('several targets', () => {
  it('label a finding with its target in every format, and an unreached target is critical', () => {
    assert.equal(titleWithTarget({ title: 'x is off' }), 'x is off');
    assert.equal(titleWithTarget({ title: 'x is off', target: 'reads' }), '[reads] x is off');
    const down = unreachableFinding('reads', 'app@db2:5432/app', {
      message: 'connection refused',
      hints: ['is it up?'],
    });
    assert.equal(down.severity, 'critical');
    assert.equal(down.target, 'reads');
    assert.match(down.title, /app@db2:5432\/app was not checked: connection refused/);
  });

  it("a target that is not the plan's role is a warning; the same role is nothing", () => {
    assert.equal(roleFinding('main', 'primary', 'primary'), undefined);
    assert.equal(roleFinding('main', 'primary', 'standby')?.severity, 'warning');
  });

  it("sum a target's services at rest and with the deploy surge", () => {
    const services = [
      { name: 'a', instances: 3, pool: { maxConnections: 10 } },
      { name: 'b', instances: 4, pool: { maxConnections: 5 } },
    ];
    assert.deepEqual(demandOf(services, undefined), { services: 2, atRest: 50, duringDeploy: 50 });
    // 25 % rounds up: 3 → 4 and 4 → 5 instances.
    assert.deepEqual(demandOf(services, { kind: 'percent', percent: 25 }), {
      services: 2,
      atRest: 50,
      duringDeploy: 65,
    });
  });
});
