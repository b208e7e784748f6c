import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverSettingFix } from '../../src/core/checks/fix.js';
import { runChecks, serverChecks } from '../../src/core/checks/index.js';
import { sessionFixWhere } from '../../src/core/sessions/who-may.js';
import type { ProviderSighting } from '../../src/core/provider/detect.js';
import { MANAGED_ROLE, plan, serverFacts } from '../helpers/facts.js';

const provider = (id: ProviderSighting['id'], name: string): ProviderSighting => ({ id, name, evidence: [] });

describe('a server-wide fix the role can apply (issue 15 §3)', () => {
  it('keeps ALTER SYSTEM for a role that may run it', () => {
    const fix = serverSettingFix(serverFacts(), 'max_connections', 120);
    assert.deepEqual(fix.sql, ['ALTER SYSTEM SET max_connections = 120;']);
    assert.equal(fix.restart, true);
    assert.equal(fix.where, undefined);
  });

  it('keeps ALTER SYSTEM for a role granted it on the parameter (15+)', () => {
    const facts = serverFacts({ privileges: { ...MANAGED_ROLE, alterSystemOn: ['max_connections'] } });
    assert.equal(serverSettingFix(facts, 'max_connections', 120).where, undefined);
  });

  it('says a superuser must run it on a self-hosted server, and offers the 15+ grant', () => {
    const fix = serverSettingFix(serverFacts({ privileges: MANAGED_ROLE }), 'max_connections', 120);
    assert.deepEqual(fix.sql, ['ALTER SYSTEM SET max_connections = 120;']);
    assert.match(
      fix.where ?? '',
      /^as a superuser: role app may not ALTER SYSTEM max_connections; or a superuser first runs GRANT ALTER SYSTEM ON PARAMETER max_connections TO "app";$/,
    );
    const old = serverSettingFix(
      serverFacts({ privileges: MANAGED_ROLE, version: 14 }),
      'max_connections',
      120,
    );
    assert.doesNotMatch(old.where ?? '', /GRANT/);
  });

  it("sets a user-context setting for the role's own sessions, the database marked as its owner's", () => {
    const fix = serverSettingFix(
      serverFacts({ privileges: MANAGED_ROLE, provider: provider('rds', 'Amazon RDS') }),
      'work_mem',
      '16MB',
    );
    assert.deepEqual(fix.sql, [
      `ALTER ROLE "app" SET work_mem = '16MB';`,
      `-- or, for the whole database (its owner runs it): ALTER DATABASE "orders" SET work_mem = '16MB';`,
      `-- or, server-wide, for every role, Amazon RDS's server parameter work_mem (the role may not ALTER SYSTEM)`,
    ]);
    assert.equal(fix.newSessions, true);
  });

  it("gives RDS's parameter group with pending-reboot for a static setting", () => {
    const fix = serverSettingFix(
      serverFacts({ privileges: MANAGED_ROLE, provider: provider('rds', 'Amazon RDS') }),
      'max_connections',
      120,
    );
    assert.equal(fix.sql, undefined);
    assert.deepEqual(fix.commands, [
      'aws rds modify-db-parameter-group --db-parameter-group-name <custom-parameter-group> --parameters "ParameterName=max_connections,ParameterValue=120,ApplyMethod=pending-reboot"',
      'aws rds reboot-db-instance --db-instance-identifier <instance>',
    ]);
    assert.equal(fix.restart, true);
    assert.match(fix.where ?? '', /^Amazon RDS, in the instance's custom DB parameter group/);
  });

  it("gives Cloud SQL's flags (keeping the others), Azure's parameter, Aurora's cluster group, Supabase's CLI and Neon's compute", () => {
    const way = (id: ProviderSighting['id'], name: string) =>
      serverSettingFix(
        serverFacts({ privileges: MANAGED_ROLE, provider: provider(id, name) }),
        'max_connections',
        120,
      );
    const cloudsql = way('cloudsql', 'Google Cloud SQL');
    assert.match(
      cloudsql.commands?.[1] ?? '',
      /^gcloud sql instances patch <instance> --database-flags=max_connections=120,<every flag shown above to keep>$/,
    );
    assert.match(cloudsql.where ?? '', /replaces all of its flags/);
    assert.match(
      way('azure', 'Azure').commands?.[0] ?? '',
      /^az postgres flexible-server parameter set .* --name max_connections --value 120$/,
    );
    assert.match(
      way('aurora', 'Amazon Aurora').commands?.[0] ?? '',
      /^aws rds modify-db-cluster-parameter-group /,
    );
    assert.deepEqual(way('supabase', 'Supabase').commands, [
      'supabase postgres-config update --config max_connections=120',
    ]);
    const neon = way('neon', 'Neon');
    assert.equal(neon.commands, undefined);
    assert.match(neon.where ?? '', /compute size/);
  });

  it('gives a provider the value in the setting unit', () => {
    const facts = serverFacts({
      privileges: MANAGED_ROLE,
      provider: provider('azure', 'Azure'),
      settings: { shared_buffers: 16384 },
    });
    const settings = new Map(facts.settings);
    settings.set('shared_buffers', {
      name: 'shared_buffers',
      setting: '16384',
      unit: '8kB',
      source: 'default',
      context: 'postmaster',
      pendingRestart: false,
    });
    const fix = serverSettingFix({ ...facts, settings }, 'shared_buffers', '1GB');
    assert.match(fix.commands?.[0] ?? '', /--name shared_buffers --value 131072$/);
  });

  it("says who raises a CONNECTION LIMIT the role may not change: its own needs CREATEROLE, a database's its owner", () => {
    const limits = (facts: ReturnType<typeof serverFacts>) =>
      runChecks([serverChecks], { server: { facts, plan: plan({ poolMax: 10, instances: 3 }) } }).findings;
    const limited = {
      roleLimits: [{ name: 'app', limit: 20 }],
      databaseLimits: [{ name: 'orders', limit: 20 }],
    };
    const customer = limits(serverFacts({ ...limited, privileges: MANAGED_ROLE }));
    const role = customer.find((f) => f.id === 'role-connection-limit')?.fix;
    assert.deepEqual(role?.sql, ['ALTER ROLE "app" CONNECTION LIMIT 30;']);
    assert.match(
      role?.where ?? '',
      /^as a superuser, or a role with CREATEROLE .*: a role may not change its own connection limit$/,
    );
    assert.equal(
      customer.find((f) => f.id === 'database-connection-limit')?.fix?.where,
      'as the owner of database orders',
    );
    const superuser = limits(serverFacts({ ...limited, isSuperuser: true }));
    assert.equal(superuser.find((f) => f.id === 'role-connection-limit')?.fix?.where, undefined);
    assert.equal(superuser.find((f) => f.id === 'database-connection-limit')?.fix?.where, undefined);
  });
});

describe('who runs a session fix the role may not run whole', () => {
  const access = (signalBackend: boolean, createRole: boolean) => ({
    role: 'app',
    privileges: { ...MANAGED_ROLE, signalBackend, createRole },
  });

  it("needs nothing for the role's own sessions, or with unknown privileges", () => {
    assert.equal(sessionFixWhere(access(false, false), ['app'], ['app']), undefined);
    assert.equal(sessionFixWhere(undefined, ['etl'], ['etl']), undefined);
  });

  it("names pg_signal_backend for another role's (or an unseen role's) session, CREATEROLE for its settings", () => {
    assert.equal(
      sessionFixWhere(access(false, false), [null], ['etl']),
      `as a superuser, or a role with pg_signal_backend to end other roles' sessions (GRANT pg_signal_backend TO "app";), and CREATEROLE (on 16+ also ADMIN OPTION on that role) to ALTER ROLE another role`,
    );
    assert.equal(sessionFixWhere(access(true, true), ['etl'], ['etl']), undefined);
  });
});
